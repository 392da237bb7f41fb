// The run's data, made through the API as its users would make it, and the calls that reach what
// a generated happy path does not: each event of the lifecycle, the police view, conflicts,
// stale versions, idempotency, bounds, and the behaviours the contract promises. Every exchange
// goes to the ledger; `expect` records a behaviour the contract promises beyond the schemas.

import { iso, totp } from './fixtures.mjs';

// A photograph for the main child: a 48 x 64 JPEG (grey), made once with libvips.
export const photo_jpeg = Buffer.from([
  '/9j/2wBDAA0JCgsKCA0LCgsODg0PEyAVExISEyccHhcgLikxMC4pLSwzOko+MzZGNywtQFdBRkxOUlNSMj5aYVpQYEpRUk//2wBD',
  'AQ4ODhMREyYVFSZPNS01T09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT0//wAARCABAADAD',
  'ASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEG',
  'E1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4',
  'eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6',
  '/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEI',
  'FEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaH',
  'iImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIR',
  'AxEAPwD06iiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKAP//Z',
].join(''), 'base64');

export class scenario {
  constructor({ http, accounts, receiver_url, unreachable_url, log }) {
    this.http = http;
    this.accounts = accounts;
    this.receiver_url = receiver_url;
    this.unreachable_url = unreachable_url;
    this.log = log;
    this.tokens = {};
    this.user_ids = {};
    this.ids = {
      north: accounts.organisations.north, south: accounts.organisations.south,
      south_code: accounts.organisations.south, east: accounts.organisations.east,
    };
    this.expectations = [];
  }

  expect(step, condition, detail) {
    this.expectations.push({ step, ok: Boolean(condition), detail });
  }

  async call(step, method, target, options = {}) {
    const role = options.as;
    const token = role === undefined ? undefined : this.tokens[role];
    if (role !== undefined && !token) throw new Error(`${step}: no token for ${role}`);
    return this.http.call(method, target, { ...options, token, step });
  }

  // Calls that must succeed for the run to go on: anything else stops the run with the answer.
  async must(step, status, method, target, options = {}) {
    const answer = await this.call(step, method, target, options);
    if (answer.status !== status) {
      throw new Error(`${step}: ${method} ${target} answered ${answer.status}, expected ${status}: ${answer.text.slice(0, 400)}`);
    }
    return answer.json;
  }

  async wait_ready() {
    for (let i = 0; i < 150; ++i) {
      try {
        const answer = await this.http.call('GET', '/readyz', { record: false });
        if (answer.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('the server did not become ready in 30 s');
  }

  async log_in(key, as_role = key) {
    const user = this.accounts.users[key];
    const session = await this.must(`log in ${key}`, 201, 'POST', '/api/v1/session',
      { json: { username: user.username, password: user.password } });
    this.tokens[as_role] = session.token;
    this.user_ids[key] = session.user.id;
    return session;
  }

  // An account an admin adds through the API (POST /api/v1/users): its temporary password is
  // changed at its first sign-in, as the user would, and the session of the new password kept
  // as the token `as_role` (null: no session kept).
  async add_user(key, username, role, as_role, extra = {}) {
    const added = await this.must(`add ${key}`, 201, 'POST', '/api/v1/users',
      { as: 'admin', json: { username, role, organisation: this.ids.north, email: `${key}@check.example`, ...extra } });
    this.user_ids[key] = added.id;
    if (as_role === null) return added;
    const password = `${key} contract password ${added.id.slice(0, 8)}`;
    this.accounts.users[key] = { username, password, role };
    const first = await this.must(`${key} signs in with the temporary password`, 201, 'POST', '/api/v1/session',
      { json: { username, password: added.temporary_password } });
    const changed = await this.http.call('PATCH', '/api/v1/me', { token: first.token, step: `${key} changes the temporary password`,
      json: { current_password: added.temporary_password, password } });
    if (changed.status !== 200) throw new Error(`${key} changes the temporary password: answered ${changed.status}: ${changed.text.slice(0, 400)}`);
    await this.log_in(key, as_role);
    return added;
  }

  event(step, as, episode, name, body, options = {}) {
    return this.must(step, options.status ?? 200, 'POST', `/api/v1/episodes/${episode}/${name}`,
      { as, json: body, headers: options.headers });
  }

  // ---- setup: the data every later phase uses --------------------------------------------
  async setup() {
    await this.wait_ready();
    await this.call('readiness', 'GET', '/readyz');
    for (const key of ['police', 'social_worker', 'social_worker_2', 'manager', 'cse_champion', 'admin', 'host_worker']) {
      await this.log_in(key);
    }
    this.tokens.metrics = this.accounts.metrics_token;
    await this.log_in('social_worker', 'logout');

    // Webhooks: North's receiver answers; East's cannot be reached, so its messages wait.
    const secret = 'whsec-' + 'a'.repeat(40);
    await this.must('webhook for North', 200, 'PUT', `/api/v1/organisations/${this.ids.north}/webhook`,
      { as: 'admin', json: { url: this.receiver_url, secret } });
    await this.must('webhook for East', 200, 'PUT', `/api/v1/organisations/${this.ids.east}/webhook`,
      { as: 'admin', json: { url: this.unreachable_url, secret } });

    // Children.
    const child = (given, family, born, extra = {}) => ({
      given_name: given, family_name: family, date_of_birth: born, sex: 'female', looked_after: true,
      responsible_authority: this.ids.north, ...extra,
    });
    this.ids.child_main = (await this.must('add the main child', 201, 'POST', '/api/v1/children',
      { as: 'social_worker', json: child('Amy', 'Checkley', '2011-04-02', { host_authority: this.ids.south, ethnicity: 'Mixed', placement_type: 'Residential' }) })).id;
    this.ids.child_plain = (await this.must('add a second child', 201, 'POST', '/api/v1/children',
      { as: 'social_worker', json: child('Ben', 'Checkfield', '2010-09-30') })).id;
    this.ids.child_repeat = (await this.must('police add a child', 201, 'POST', '/api/v1/children',
      { as: 'police', json: child('Cara', 'Checkston', '2012-01-15') })).id;

    // The main child's profile and photograph, so that reading them finds them.
    await this.must('record the main child\'s profile', 201, 'PUT', `/api/v1/children/${this.ids.child_main}/profile`, {
      as: 'social_worker',
      json: {
        height: '150 cm', hair: 'brown', clothing: 'school uniform', medical_needs: 'asthma',
        completed_by: 'Ann Carer', completed_on: iso(-2 * 1440).slice(0, 10),
      },
    });
    await this.must('upload the main child\'s photograph', 200, 'PUT', `/api/v1/children/${this.ids.child_main}/photo`,
      { as: 'social_worker', body: photo_jpeg, headers: { 'content-type': 'image/jpeg' } });

    const report = (child_id, minutes_ago, risk, reference) => ({
      child_id, last_seen_at: iso(-minutes_ago), last_seen_location: 'Bus station',
      circumstances: 'Did not return from school', risk_level: risk,
      police_reference: reference, missing_or_away: 'missing',
    });
    const day = 24 * 60;

    // Episode A: the whole way to a signed-off interview with CSE risk medium and two actions.
    const a = await this.must('report A', 201, 'POST', '/api/v1/episodes',
      { as: 'police', json: report(this.ids.child_main, 5 * day, 'medium', 'CHK-A') });
    this.ids.episode_a = a.id;
    await this.event('return A', 'police', a.id, 'return',
      { returned_at: iso(-4 * day), found_location: 'Park', returned_to: 'Carer', found_by: 'PC 123' });
    await this.event('safe-and-well A', 'police', a.id, 'safe-and-well',
      { conducted_at: iso(-4 * day + 60), notes: 'Tired, no injuries', concerns: 'An older man' });
    await this.event('assign A', 'social_worker', a.id, 'assign', { worker_id: this.user_ids.social_worker });
    await this.event('offer A', 'social_worker', a.id, 'interview-offer',
      { offered_at: iso(-4 * day + 120), scheduled_for: iso(-3 * day), interviewer_id: this.user_ids.social_worker, independent: true });
    const catalogue = await this.must('indicators', 200, 'GET', '/api/v1/indicators', { as: 'social_worker' });
    const codes = catalogue.indicators.filter((i) => i.weight >= 5).slice(0, 2).map((i) => i.code);
    await this.event('interview A', 'social_worker', a.id, 'interview', {
      conducted_at: iso(-3 * day + 60), location: 'School', where_stayed: 'A flat in town',
      with_whom: 'An older man', push_factors: ['conflict at home'], pull_factors: ['older adults'],
      harm_disclosed: false, indicators: codes, cse_risk: 'medium', child_views: 'Wants to see friends',
      police_intelligence: 'Silver car, partial plate',
    });
    this.ids.action_open = (await this.event('action A1', 'social_worker', a.id, 'actions',
      { type: 'safety_plan', description: 'Agree a safety plan', owner_id: this.user_ids.social_worker, due_at: iso(2 * day) },
      { status: 201 })).id;
    const done = await this.event('action A2', 'social_worker', a.id, 'actions',
      { type: 'cse_referral', description: 'Refer to the CSE panel', owner_id: this.user_ids.social_worker, due_at: iso(3 * day) },
      { status: 201 });
    this.ids.action_spare = (await this.event('action A3', 'social_worker', a.id, 'actions',
      { type: 'health', description: 'GP appointment about the injuries', owner_id: this.user_ids.social_worker, due_at: iso(4 * day) },
      { status: 201 })).id;
    await this.call('action A1 completed by its owner', 'POST', `/api/v1/episodes/${a.id}/actions/${done.id}/complete`,
      { as: 'social_worker', json: { outcome: 'Referred; panel meets on Tuesday' } });
    const refused = await this.call('close A with an open action', 'POST', `/api/v1/episodes/${a.id}/close`,
      { as: 'social_worker', json: { summary: 'Safe' } });
    this.expect('close with an open action and no sign-off is 409', refused.status === 409, `got ${refused.status}`);
    await this.event('sign-off A', 'cse_champion', a.id, 'sign-off', { note: 'Reviewed with the panel' });

    // Episode B: a refusal, a further offer, an interview, closed, reopened, closed.
    const b = await this.must('report B', 201, 'POST', '/api/v1/episodes',
      { as: 'police', json: report(this.ids.child_plain, 2 * day, 'low', 'CHK-B') });
    this.ids.episode_b = b.id;
    await this.event('return B', 'police', b.id, 'return',
      { returned_at: iso(-day), found_location: 'Friend\'s house', returned_to: 'Parent' });
    await this.event('decline B', 'social_worker', b.id, 'interview-declined',
      { declined_at: iso(-20 * 60), reason: 'Did not want to talk', attempts: 'Two phone calls', carers_account: 'Stayed with a friend' });
    await this.event('further offer B', 'social_worker', b.id, 'interview-offer',
      { offered_at: iso(-19 * 60), scheduled_for: iso(-2 * 60), independent: false });
    await this.event('interview B', 'social_worker', b.id, 'interview', {
      conducted_at: iso(-60), location: 'Home', where_stayed: 'A friend\'s house', with_whom: 'A friend',
      harm_disclosed: false, cse_risk: 'low', child_views: 'Needed space',
    });
    await this.event('close B', 'social_worker', b.id, 'close', { summary: 'Safe at home, plan agreed' });
    await this.event('reopen B', 'manager', b.id, 'reopen', { reason: 'New information from school' });
    await this.event('close B again', 'social_worker', b.id, 'close', { summary: 'School concern resolved' });

    // Episodes of the third child: C stays missing (long missing, overdue), D is cancelled, E
    // returned; three reports in the window open the repeat-missing review.
    const c = await this.must('report C', 201, 'POST', '/api/v1/episodes',
      { as: 'police', json: report(this.ids.child_repeat, 3 * day, 'high', 'CHK-C') });
    this.ids.episode_c = c.id;
    const d = await this.must('report D', 201, 'POST', '/api/v1/episodes',
      { as: 'police', json: report(this.ids.child_repeat, 2 * day, 'low', 'CHK-D') });
    await this.event('cancel D', 'police', d.id, 'cancel', { reason: 'Reported in error' });
    const e_body = report(this.ids.child_repeat, 90, 'low', 'CHK-E');
    const e = await this.must('report E with an Idempotency-Key', 201, 'POST', '/api/v1/episodes',
      { as: 'police', json: e_body, headers: { 'Idempotency-Key': 'check-report-e' } });
    this.ids.episode_e = e.id;
    const again = await this.call('report E again with its key', 'POST', '/api/v1/episodes',
      { as: 'police', json: e_body, headers: { 'Idempotency-Key': 'check-report-e' } });
    this.expect('a repeated Idempotency-Key returns the first episode', again.json?.id === e.id, `got ${again.status} ${again.json?.id}`);
    await this.event('return E', 'police', e.id, 'return',
      { returned_at: iso(-30), found_location: 'Town centre', returned_to: 'Carer' });
    await this.must('report F, the third in the window', 201, 'POST', '/api/v1/episodes',
      { as: 'police', json: { ...report(this.ids.child_repeat, 20, 'medium', 'CHK-F'), missing_or_away: 'away' } });

    // Episode G: returned three days ago and left alone, so that its clocks are overdue (the
    // safe-and-well check for police, the interview offer for the worker it is assigned to).
    const g = await this.must('report G', 201, 'POST', '/api/v1/episodes',
      { as: 'police', json: report(this.ids.child_main, 4 * day, 'low', 'CHK-G') });
    await this.event('return G', 'police', g.id, 'return',
      { returned_at: iso(-3 * day), found_location: 'Railway station', returned_to: 'Carer' });
    await this.event('assign G', 'manager', g.id, 'assign', { worker_id: this.user_ids.social_worker });

    // Two more open actions of A: one its owner cancels, one a manager gives to another worker.
    this.ids.action_cancel = (await this.event('action A4', 'social_worker', a.id, 'actions',
      { type: 'education', description: 'Talk to the school about attendance', owner_id: this.user_ids.social_worker, due_at: iso(5 * day) },
      { status: 201 })).id;
    this.ids.action_reassign = (await this.event('action A5', 'social_worker', a.id, 'actions',
      { type: 'multi_agency_meeting', description: 'Arrange a multi-agency meeting', owner_id: this.user_ids.social_worker, due_at: iso(6 * day) },
      { status: 201 })).id;

    // Entities: a car seen with the children of A and of C (two children, so it is listed), a
    // second car of C that the champion merges into it, and a third that stays for the probes.
    const vehicle = (label, identifier, colour) => ({ kind: 'vehicle', label, identifier, details: { make: 'Ford', colour }, link: 'seen_with' });
    this.ids.entity = (await this.must('link a car to A', 201, 'POST', `/api/v1/episodes/${a.id}/entities`,
      { as: 'social_worker', json: vehicle('Silver Ford Focus', 'AB12 CDE', 'silver') })).entity.id;
    const same = await this.must('link the same car to C', 201, 'POST', `/api/v1/episodes/${c.id}/entities`,
      { as: 'police', json: { ...vehicle('Silver Focus', 'ab12-cde', 'silver'), link: 'picked_up_by' } });
    this.expect('a registration written another way links the same entity', same.entity.id === this.ids.entity && same.matched === 'existing',
      `got ${same.entity.id} (${same.matched})`);
    this.ids.entity_duplicate = (await this.must('link a second car to C', 201, 'POST', `/api/v1/episodes/${c.id}/entities`,
      { as: 'police', json: vehicle('Grey Ford Fiesta', 'XY34 ZZZ', 'grey') })).entity.id;
    this.ids.entity_spare = (await this.must('link a car to E', 201, 'POST', `/api/v1/episodes/${e.id}/entities`,
      { as: 'police', json: vehicle('Blue Ford Ka', 'CD56 EFG', 'blue') })).entity.id;

    // Accounts an admin adds through the API: North's data-protection officer, a worker whose
    // account the admin changes and resets, and a worker who enrols in two-step sign-in.
    await this.add_user('data_protection_officer', 'check.dpo', 'data_protection_officer', 'data_protection_officer');
    await this.add_user('spare', 'check.spare', 'social_worker', null, { team: 'Alpha' });
    await this.add_user('two_step', 'check.two-step', 'social_worker', 'two_step', { team: 'Alpha' });
    const users = await this.must('North\'s users', 200, 'GET', `/api/v1/users?organisation=${this.ids.north}&limit=500`, { as: 'admin' });
    this.user_ids.locked = users.items.find((u) => u.username === this.accounts.users.locked.username)?.id;
    if (!this.user_ids.locked) throw new Error('the admin does not list the locked account');

    // Two-step sign-in: enrol, confirm with the app's code, then sign in with a recovery code.
    const offer = await this.must('enrol in two-step sign-in', 201, 'POST', '/api/v1/session/totp',
      { as: 'two_step', json: { action: 'enrol' } });
    const confirmed = await this.must('confirm two-step sign-in', 200, 'POST', '/api/v1/session/totp',
      { as: 'two_step', json: { action: 'confirm', totp: totp(offer.secret) } });
    const two_step = this.accounts.users.two_step;
    const without = await this.call('sign in without the second step', 'POST', '/api/v1/session',
      { json: { username: two_step.username, password: two_step.password } });
    this.expect('a user enrolled in two-step sign-in who sends no code is refused (401)', without.status === 401, `got ${without.status}`);
    const with_code = await this.call('sign in with a recovery code', 'POST', '/api/v1/session',
      { json: { username: two_step.username, password: two_step.password, totp: confirmed.recovery_codes[0] } });
    this.expect('a recovery code signs an enrolled user in (201)', with_code.status === 201, `got ${with_code.status}`);

    // A worker who has enrolled but not confirmed yet: the fixture of POST /api/v1/session/totp
    // confirms with the code of their secret.
    await this.add_user('enrolling', 'check.enrolling', 'social_worker', 'enrolling', { team: 'Alpha' });
    this.ids.enrolling_secret = (await this.must('enrol, not confirmed', 201, 'POST', '/api/v1/session/totp',
      { as: 'enrolling', json: { action: 'enrol' } })).secret;

    // Another police force, made through the API; the retention rule's legal hold on the second
    // child, which the officer's fixture lifts.
    await this.must('add a police force', 201, 'POST', '/api/v1/organisations',
      { as: 'admin', json: { code: 'CHECK-WEST', name: 'CHECK-WEST (contract check)', kind: 'police' } });
    this.ids.west_code = 'CHECK-WEST';
    await this.must('legal hold on the second child', 200, 'PUT', `/api/v1/children/${this.ids.child_plain}/legal-hold`,
      { as: 'data_protection_officer', json: { reason: 'A claim against the authority' } });

    // Notifications: the webhook change told North's managers.
    const notes = await this.must('manager notifications', 200, 'GET', '/api/v1/notifications', { as: 'manager' });
    this.ids.notification = notes.items[0]?.id;
    if (!this.ids.notification) throw new Error('the manager has no notification to mark read');

    // Teams: the first of the manager's organisation.
    const teams = await this.must('teams', 200, 'GET', '/api/v1/teams', { as: 'manager' });
    this.ids.team = teams.items[0]?.id;

    // Deliveries: one delivered to North's receiver; East's wait.
    for (let i = 0; i < 100 && !this.ids.delivered; ++i) {
      const list = await this.http.call('GET', `/api/v1/webhook-deliveries?status=delivered&organisation=${this.ids.north}`,
        { token: this.tokens.admin, record: false });
      this.ids.delivered = list.json?.items?.[0]?.delivery_id;
      if (!this.ids.delivered) await new Promise((r) => setTimeout(r, 200));
    }
    if (!this.ids.delivered) throw new Error('no webhook message was delivered to the receiver in 20 s');
    const pending = await this.must('pending deliveries', 200, 'GET',
      `/api/v1/webhook-deliveries?status=pending&organisation=${this.ids.east}`, { as: 'admin' });
    this.ids.pending = pending.items[0]?.delivery_id;
    return this.ids;
  }

  // ---- what the happy path of each operation does not reach ------------------------------
  async lifecycle_and_views() {
    const { episode_a: a, episode_b: b, episode_c: c } = this.ids;
    // The police view: what social work wrote is null, and the document must allow it.
    const a_police = await this.must('police read A', 200, 'GET', `/api/v1/episodes/${a}`, { as: 'police' });
    this.expect('police see a sign-off without its note', a_police.sign_off && a_police.sign_off.note === null, JSON.stringify(a_police.sign_off));
    this.expect('police see actions without their outcome', a_police.actions.every((x) => x.outcome === null), JSON.stringify(a_police.actions.map((x) => x.outcome)));
    const b_police = await this.must('police read B', 200, 'GET', `/api/v1/episodes/${b}`, { as: 'police' });
    this.expect('police see no close summary or reopen reason', b_police.close_summary === null && b_police.reopen_reason === null,
      JSON.stringify([b_police.close_summary, b_police.reopen_reason]));
    await this.call('police read A history', 'GET', `/api/v1/episodes/${a}/history`, { as: 'police' });
    await this.call('police read B history', 'GET', `/api/v1/episodes/${b}/history`, { as: 'police' });
    await this.call('worker read B', 'GET', `/api/v1/episodes/${b}`, { as: 'social_worker' });
    await this.call('worker read B history', 'GET', `/api/v1/episodes/${b}/history`, { as: 'social_worker' });
    await this.call('police print A', 'GET', `/api/v1/episodes/${a}/report`, { as: 'police' });
    await this.call('champion read A', 'GET', `/api/v1/episodes/${a}`, { as: 'cse_champion' });
    await this.call('host authority reads A', 'GET', `/api/v1/episodes/${a}`, { as: 'host_worker' });
    await this.call('police read the child', 'GET', `/api/v1/children/${this.ids.child_main}`, { as: 'police' });
    await this.call('worker reads the repeat child', 'GET', `/api/v1/children/${this.ids.child_repeat}`, { as: 'social_worker' });

    // Conflicts, stale versions, times out of order.
    const cancel_closed = await this.call('cancel a closed episode', 'POST', `/api/v1/episodes/${b}/cancel`, { as: 'police', json: { reason: 'x' } });
    this.expect('an event the state does not allow is 409', cancel_closed.status === 409, `got ${cancel_closed.status}`);
    const fresh = await this.must('read C', 200, 'GET', `/api/v1/episodes/${c}`, { as: 'police' });
    await this.call('regrade C with its version', 'POST', `/api/v1/episodes/${c}/risk`,
      { as: 'police', json: { risk_level: 'high', reason: 'Seen with older males' }, headers: { 'If-Match': `"${fresh.version}"` } });
    const stale = await this.call('regrade C with a stale version', 'POST', `/api/v1/episodes/${c}/risk`,
      { as: 'police', json: { risk_level: 'medium', reason: 'x' }, headers: { 'If-Match': `"${fresh.version}"` } });
    this.expect('a stale If-Match is 412', stale.status === 412, `got ${stale.status}`);
    await this.call('If-Match that names no version', 'POST', `/api/v1/episodes/${c}/risk`,
      { as: 'police', json: { risk_level: 'medium', reason: 'x' }, headers: { 'If-Match': 'yesterday' } });
    const future = await this.call('return C in the future', 'POST', `/api/v1/episodes/${c}/return`,
      { as: 'police', json: { returned_at: iso(60), found_location: 'Park', returned_to: 'Carer' } });
    this.expect('a return in the future is 422', future.status === 422, `got ${future.status}`);
    await this.call('a worker may not report', 'POST', '/api/v1/episodes', { as: 'social_worker',
      json: { child_id: this.ids.child_main, last_seen_at: iso(-10), last_seen_location: 'x', circumstances: 'x', risk_level: 'low', police_reference: 'x', missing_or_away: 'missing' } });
    await this.call('police may not interview', 'POST', `/api/v1/episodes/${this.ids.episode_e}/interview-declined`,
      { as: 'police', json: { declined_at: iso(-5), reason: 'x' } });
    const a_now = await this.must('read A', 200, 'GET', `/api/v1/episodes/${a}`, { as: 'social_worker' });
    const done = a_now.actions.find((x) => x.status === 'done');
    const again = await this.call('complete a done action', 'POST', `/api/v1/episodes/${a}/actions/${done.id}/complete`,
      { as: 'social_worker', json: { outcome: 'again' } });
    this.expect('completing a done action is 409', again.status === 409, `got ${again.status}`);
    const stale_action = await this.call('complete an action with a stale version', 'POST', `/api/v1/episodes/${a}/actions/${this.ids.action_spare}/complete`,
      { as: 'social_worker', json: { outcome: 'x' }, headers: { 'If-Match': `"${a_now.version - 1}"` } });
    this.expect('completing an action with a stale If-Match is 412', stale_action.status === 412, `got ${stale_action.status}`);
    await this.call('an unknown event', 'POST', `/api/v1/episodes/${c}/teleport`, { as: 'police', json: {} });
    await this.call('an action of another episode', 'POST', `/api/v1/episodes/${c}/actions/${this.ids.action_open}/complete`,
      { as: 'social_worker', json: { outcome: 'x' } });
    await this.call('no review open', 'POST', `/api/v1/children/${this.ids.child_plain}/repeat-missing-review`,
      { as: 'manager', json: { held_at: iso(-1) } });
    await this.call('a reassessment finding high risk', 'POST', `/api/v1/children/${this.ids.child_plain}/cse-reassessment`,
      { as: 'manager', json: { held_at: iso(-1), cse_risk: 'high' } });

    // Idempotency-Key: a different body under the same key, an empty key, a key too long.
    const body = { child_id: this.ids.child_repeat, last_seen_at: iso(-45), last_seen_location: 'Shop',
      circumstances: 'Left the placement', risk_level: 'low', police_reference: 'CHK-F', missing_or_away: 'away' };
    const other = await this.call('same key, other body', 'POST', '/api/v1/episodes',
      { as: 'police', json: body, headers: { 'Idempotency-Key': 'check-report-e' } });
    this.expect('the same Idempotency-Key with another body is 422', other.status === 422, `got ${other.status}`);
    const empty = await this.call('an empty Idempotency-Key', 'POST', '/api/v1/episodes',
      { as: 'police', json: body, headers: { 'Idempotency-Key': '' } });
    this.expect('an empty Idempotency-Key is 422 (1-200 characters)', empty.status === 422, `got ${empty.status}`);
    const long = await this.call('an Idempotency-Key of 201 characters', 'POST', '/api/v1/episodes',
      { as: 'police', json: body, headers: { 'Idempotency-Key': 'k'.repeat(201) } });
    this.expect('an Idempotency-Key of 201 characters is 422', long.status === 422, `got ${long.status}`);

    // Lists with every filter, CSV-free; pagination by cursor.
    const all = (role, path) => this.call(`${role} ${path}`, 'GET', path, { as: role });
    const team = this.ids.team ?? '00000000-0000-4000-8000-000000000000';
    for (const [role, path] of [
      ['social_worker', '/api/v1/episodes?state=returned,interview_offered,interviewed,follow_up&assigned=me'],
      ['manager', `/api/v1/episodes?assigned=none&authority=${this.ids.north}&team=${team}`],
      ['cse_champion', '/api/v1/episodes?awaiting_sign_off=true'],
      ['police', `/api/v1/episodes?child_id=${this.ids.child_repeat}&state=missing`],
      ['social_worker', `/api/v1/children?q=Check&date_of_birth=2011-04-02`],
      ['police', `/api/v1/children?q=Amy%20Checkley&date_of_birth=2011-04-02`],
      ['cse_champion', '/api/v1/children?cse_risk=medium,high'],
      ['manager', `/api/v1/overdue?kind=long_missing&authority=${this.ids.north}`],
      ['manager', `/api/v1/overdue?team=${team}&due_soon=true`],
      ['social_worker', `/api/v1/overdue?worker_id=${this.user_ids.social_worker}`],
      ['police', '/api/v1/overdue'],
      ['cse_champion', '/api/v1/overdue/summary'],
      ['social_worker', '/api/v1/overdue/summary?due_soon=true'],
      ['police', '/api/v1/notifications/unread-count'],
      ['cse_champion', '/api/v1/notifications?limit=2'],
      ['admin', `/api/v1/audit?entity_id=${this.ids.episode_a}&from=${iso(-60 * 24)}&to=${iso(10)}`],
      ['cse_champion', `/api/v1/audit?actor=${this.user_ids.police}&limit=3`],
      ['admin', '/api/v1/organisations'],
      ['admin', `/api/v1/organisations/${this.ids.north}/webhook`],
      ['admin', '/api/v1/webhook-deliveries?status=dead'],
      ['police', '/api/v1/me'],
      ['admin', '/api/v1/teams'],
    ]) {
      await all(role, path);
    }
    for (const [role, path] of [['police', '/api/v1/episodes'], ['admin', '/api/v1/audit'], ['manager', '/api/v1/overdue'], ['admin', '/api/v1/webhook-deliveries'], ['manager', '/api/v1/notifications']]) {
      const first = await this.call(`${path} page 1`, 'GET', `${path}?limit=1`, { as: role });
      if (first.json?.next_cursor) {
        await this.call(`${path} page 2`, 'GET', `${path}?limit=1&cursor=${encodeURIComponent(first.json.next_cursor)}`, { as: role });
      }
    }
    await this.call('PATCH me: alerts off, address removed', 'PATCH', '/api/v1/me', { as: 'manager', json: { email: null, email_alerts: false } });
    await this.call('PATCH me: not an address', 'PATCH', '/api/v1/me', { as: 'manager', json: { email: 'nobody' } });
    if (this.ids.pending) {
      const replay = await this.call('replay a waiting delivery', 'POST', `/api/v1/webhook-deliveries/${this.ids.pending}/replay`, { as: 'admin' });
      this.expect('replaying a waiting delivery is 409', replay.status === 409, `got ${replay.status}`);
    }
    await this.call('webhook: not https', 'PUT', `/api/v1/organisations/${this.ids.east}/webhook`,
      { as: 'admin', json: { url: 'http://hooks.example/x', secret: 'short' } });

    // Sessions: the web application's sign-in, its cookie, and its CSRF defence.
    const origin = this.http.base.origin;
    const user = this.accounts.users.cse_champion;
    const web = await this.call('web sign-in', 'POST', '/api/v1/session',
      { json: { username: user.username, password: user.password }, headers: { 'X-Homeward-Web': '1', Origin: origin } });
    const cookie = (web.headers['set-cookie'] ?? '').split(';')[0];
    this.expect('the web sign-in sets the cookie and leaves the token out', cookie.startsWith('__Host-homeward=') && !web.json?.token, cookie);
    await this.call('cookie on GET', 'GET', '/api/v1/session', { headers: { cookie } });
    await this.call('cookie on POST without the header', 'POST', `/api/v1/notifications/${this.ids.notification}/read`, { headers: { cookie } });
    await this.call('web sign-in from another origin', 'POST', '/api/v1/session',
      { json: { username: user.username, password: user.password }, headers: { 'X-Homeward-Web': '1', Origin: 'https://evil.example' } });
    await this.call('cookie PATCH without the header', 'PATCH', '/api/v1/me', { headers: { cookie }, json: { email_alerts: true } });
    await this.call('cookie log-out without the header', 'DELETE', '/api/v1/session', { headers: { cookie } });
    await this.call('cookie log-out', 'DELETE', '/api/v1/session', { headers: { cookie, 'X-Homeward-Web': '1', Origin: origin } });
    const ended = await this.call('the signed-out cookie', 'GET', '/api/v1/session', { headers: { cookie } });
    this.expect('a signed-out session is 401 with reason signed_out', ended.status === 401 && ended.json?.reason === 'signed_out', `got ${ended.status} ${ended.json?.reason}`);

    // Log-in bounds: checked before any work, 422 naming the field.
    const long_name = await this.call('a 129-character username', 'POST', '/api/v1/session',
      { json: { username: 'u'.repeat(129), password: 'a long enough password' } });
    this.expect('a 129-character username is 422', long_name.status === 422, `got ${long_name.status}`);
    const long_password = await this.call('a 1025-character password', 'POST', '/api/v1/session',
      { json: { username: 'someone', password: 'p'.repeat(1025) } });
    this.expect('a 1025-character password is 422', long_password.status === 422, `got ${long_password.status}`);
    await this.call('log-in without a password', 'POST', '/api/v1/session', { json: { username: 'someone' } });

    // /metrics for the scraper only.
    await this.call('metrics without the token', 'GET', '/metrics');
    await this.call('metrics with another token', 'GET', '/metrics', { headers: { authorization: 'Bearer not-the-metrics-token-but-long-enough-anyway' } });
  }

  // ---- throttling: last but one, since it refuses this address's log-ins for a while ------
  async throttling() {
    const locked = this.accounts.users.locked;
    for (let i = 0; i < 5; ++i) {
      await this.call('wrong password', 'POST', '/api/v1/session', { json: { username: locked.username, password: `wrong password ${i}` } });
    }
    const after = await this.call('the right password on a locked account', 'POST', '/api/v1/session',
      { json: { username: locked.username, password: locked.password } });
    this.expect('a locked account answers like a wrong password (401)', after.status === 401, `got ${after.status}`);
    let status = 0;
    for (let i = 0; i < 30 && status !== 429; ++i) {
      status = (await this.call('failed log-ins from one address', 'POST', '/api/v1/session',
        { json: { username: `nobody-${i}`, password: 'not a password at all' } })).status;
    }
    this.expect('failed log-ins from one address end in 429', status === 429, `last ${status}`);
  }
}
