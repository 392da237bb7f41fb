// What a successful call of each operation needs on this run's data: the role whose token it
// carries, its path and query values and its body. Portman takes these as overwrites of the
// request it generates from the document; the probes start from them and change one thing.
// An operation of the document without a fixture here is reported, so that a new route is not
// left out of the check silently.

import { fromBase32, stepAt, totp as totp_of_step } from '../../support/totp.mjs';

export const iso = (offset_minutes = 0) =>
  new Date(Date.now() + offset_minutes * 60000).toISOString().replace(/\.\d{3}Z$/, 'Z');

// The code an authenticator app shows for a base32 secret at a time (milliseconds).
export const totp = (secret, at = Date.now()) => totp_of_step(fromBase32(secret), stepAt(at));

export function fixtures(run) {
  const { ids, users, user_ids } = run;
  const secret = 'whsec-' + 'c'.repeat(40);
  return {
    getHome: { role: null },
    getHealth: { role: null },
    getReadiness: { role: null },
    getMetrics: { role: 'metrics' },
    getOpenApi: { role: null },
    createSession: { role: null, body: { username: users.social_worker.username, password: users.social_worker.password } },
    getSession: { role: 'social_worker' },
    deleteSession: { role: 'logout' },
    getMe: { role: 'social_worker' },
    updateMe: { role: 'social_worker', body: { email: 'sam.worker@north.example', email_alerts: true } },
    listTeams: { role: 'manager' },
    createChild: {
      role: 'social_worker',
      body: {
        given_name: 'Lily', family_name: 'Contract', date_of_birth: '2012-06-14', sex: 'female',
        looked_after: true, responsible_authority: ids.north, host_authority: ids.south,
        ethnicity: 'White British', placement_type: 'Foster care',
      },
    },
    searchChildren: { role: 'social_worker', query: { q: 'Check' } },
    getChild: { role: 'social_worker', path: { id: ids.child_main } },
    recordRepeatMissingReview: {
      role: 'manager', path: { id: ids.child_repeat },
      body: { held_at: iso(0), notes: 'Strategy meeting with police and school' },
    },
    recordCseReassessment: {
      role: 'social_worker', path: { id: ids.child_main },
      body: { held_at: iso(-1), cse_risk: 'low', notes: 'Still in contact with the older man' },
    },
    putChildProfile: {
      role: 'social_worker', path: { id: ids.child_main },
      body: {
        height: '152 cm', hair: 'dark brown', clothing: 'black puffer jacket', medical_needs: 'asthma',
        associates: 'J., older, blue hatchback', completed_by: 'Ann Carer', completed_on: iso(-1440).slice(0, 10),
      },
    },
    getChildProfile: { role: 'social_worker', path: { id: ids.child_main } },
    listChildProfileVersions: { role: 'social_worker', path: { id: ids.child_main } },
    // The photo's body is an image, which a JSON fixture cannot carry: lib/portman.mjs sends the
    // scenario's JPEG; tests/api/test_profile.cpp covers the images themselves.
    putChildPhoto: { role: 'social_worker', path: { id: ids.child_main } },
    getChildPhoto: { role: 'social_worker', path: { id: ids.child_main } },
    reportEpisode: {
      role: 'police',
      body: {
        child_id: ids.child_plain, last_seen_at: iso(-120), last_seen_location: 'Bus station',
        circumstances: 'Did not come home from school', risk_level: 'medium',
        police_reference: 'CHK-NEW-1', missing_or_away: 'missing',
      },
    },
    listEpisodes: { role: 'social_worker' },
    getEpisode: { role: 'social_worker', path: { id: ids.episode_a } },
    getEpisodeHistory: { role: 'social_worker', path: { id: ids.episode_a } },
    getEpisodeReport: { role: 'social_worker', path: { id: ids.episode_a } },
    sendEpisodeEvent: {
      role: 'police', path: { id: ids.episode_c, event: 'risk' },
      body: { risk_level: 'high', reason: 'Seen getting into a silver car' },
    },
    completeAction: {
      role: 'social_worker', path: { id: ids.episode_a, action_id: ids.action_open },
      // Variations and probes use another open action: the happy path completes this one.
      probe_path: { action_id: ids.action_spare },
      body: { outcome: 'Safety plan agreed with the carers' },
    },
    getIndicators: { role: 'social_worker' },
    listAudit: { role: 'cse_champion' },
    listNotifications: { role: 'manager' },
    getUnreadNotificationCount: { role: 'manager' },
    markNotificationRead: { role: 'manager', path: { id: ids.notification } },
    getOverdue: { role: 'manager' },
    getOverdueSummary: { role: 'manager' },
    listOrganisations: { role: 'admin' },
    getWebhook: { role: 'admin', path: { code: ids.south_code } },
    setWebhook: {
      role: 'admin', path: { code: ids.south_code },
      body: { url: 'https://hooks.south.example/homeward', secret },
    },
    removeWebhook: { role: 'admin', path: { code: ids.south_code } },
    listWebhookDeliveries: { role: 'admin' },
    replayWebhookDelivery: { role: 'admin', path: { delivery_id: ids.delivered } },
    createOrganisation: {
      role: 'admin',
      body: { code: 'CHECK-HARBOUR', name: 'CHECK-HARBOUR (contract check)', kind: 'police', works_with: [ids.east] },
    },
    updateOrganisation: {
      role: 'admin', path: { code: ids.west_code },
      body: { name: 'CHECK-WEST Police (contract check)', works_with: [ids.east] },
    },
    listWorkers: { role: 'manager' },
    cancelAction: {
      role: 'social_worker', path: { id: ids.episode_a, action_id: ids.action_cancel },
      // As for completeAction: variations and probes use an action that stays open.
      probe_path: { action_id: ids.action_spare },
      body: { reason: 'The school has already arranged it' },
    },
    reassignAction: {
      role: 'manager', path: { id: ids.episode_a, action_id: ids.action_reassign },
      probe_path: { action_id: ids.action_spare },
      body: { owner_id: user_ids.social_worker_2 },
    },
    getStats: { role: 'manager', query: { from: iso(-30 * 1440).slice(0, 10), to: iso(0).slice(0, 10) } },
    getStatutoryReturn: { role: 'manager', query: { from: iso(-30 * 1440).slice(0, 10), to: iso(0).slice(0, 10) } },
    listEpisodeEntities: { role: 'social_worker', path: { id: ids.episode_a } },
    linkEntity: {
      role: 'social_worker', path: { id: ids.episode_a },
      body: {
        kind: 'person', label: 'J., an older man', identifier: '07700 900123',
        details: { aliases: ['Jay'], approximate_age: 30, description: 'Tall, shaved head' }, link: 'gave_gifts',
      },
    },
    listEntities: { role: 'cse_champion', query: { kind: 'vehicle', min_children: 2 } },
    getEntity: { role: 'cse_champion', path: { id: ids.entity } },
    mergeEntity: {
      role: 'cse_champion', path: { id: ids.entity_duplicate },
      // Variations and probes use an entity that stays unmerged: the happy path merges this one.
      probe_path: { id: ids.entity_spare },
      body: { into: ids.entity },
    },
    getChildAccess: { role: 'cse_champion', path: { id: ids.child_main } },
    exportChild: { role: 'data_protection_officer', path: { id: ids.child_main } },
    readLegalHold: { role: 'data_protection_officer', path: { id: ids.child_plain } },
    placeLegalHold: {
      role: 'data_protection_officer', path: { id: ids.child_main },
      body: { reason: 'An inquiry by the courts' },
    },
    // The scenario placed a hold on the second child: the happy path lifts it.
    liftLegalHold: { role: 'data_protection_officer', path: { id: ids.child_plain } },
    findChildForDataProtection: { role: 'data_protection_officer', query: { q: 'Checkley', date_of_birth: '2011-04-02' } },
    listUsers: { role: 'admin', query: { organisation: ids.north } },
    createUser: {
      role: 'admin',
      body: { username: 'check.new-manager', role: 'manager', team: 'Beta', email: 'new.manager@check.example', organisation: ids.north },
    },
    getUser: { role: 'admin', path: { id: user_ids.spare } },
    updateUser: { role: 'admin', path: { id: user_ids.spare }, body: { team: 'Beta', active: true } },
    unlockUser: { role: 'admin', path: { id: user_ids.locked } },
    resetPassword: { role: 'admin', path: { id: user_ids.spare } },
    getRetentionDue: { role: 'data_protection_officer', query: { days: 3650 } },
    getRetentionPolicy: { role: 'data_protection_officer' },
    setRetentionPolicy: { role: 'data_protection_officer', body: { keep_until_age: 25, years_after_last_closed: 6 } },
    // The scenario's enrolling worker confirms their pending secret with the code of the next
    // step (a code of the step before or after is accepted): valid for at least a minute from now.
    twoFactor: { role: 'enrolling', body: { action: 'confirm', totp: totp(ids.enrolling_secret, Date.now() + 30000) } },
  };
}

// The path with its parameters filled in.
export const fill = (template, values = {}) =>
  template.replace(/\{([^}]+)\}/g, (_, name) => encodeURIComponent(values[name] ?? `unset-${name}`));

export const with_query = (path, query = {}) => {
  const entries = Object.entries(query).filter(([, v]) => v !== undefined && v !== null);
  if (entries.length === 0) return path;
  return path + '?' + entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
};
