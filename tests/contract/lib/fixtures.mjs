// What a successful call of each operation needs on this run's data: the role whose token it
// carries, its path and query values and its body. Portman takes these as overwrites of the
// request it generates from the document; the probes start from them and change one thing.
// An operation of the document without a fixture here is reported, so that a new route is not
// left out of the check silently.

export const iso = (offset_minutes = 0) =>
  new Date(Date.now() + offset_minutes * 60000).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function fixtures(run) {
  const { ids, users } = run;
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
    // The photo's body is an image, which the JSON fixtures cannot carry: the check sees its
    // refusals (415 without an image); tests/api/test_profile.cpp covers the images themselves.
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
