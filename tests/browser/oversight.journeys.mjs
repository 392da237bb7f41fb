// Part two of the journeys (registered by journeys.test.mjs, on its server and browser): the
// manager's team page, assigning overdue work and reassigning it, a repeat-missing review recorded
// from its notification, the CSE champion's sign-off that lets the social worker close, the
// manager's reopen, a CSE reassessment, the admin replaying a dead webhook message to a real HTTPS
// receiver, notifications appearing and being read, and email alerts received by a real SMTP relay
// carrying no child's name, place or free text. Every page in every state reached is checked
// with axe-core at 375 and 1280 px (checkPage), as in part one.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { bearer, checkPage, eventually, makeOrganisation, makeUser, settled, startReceiver, unique } from './harness.mjs';
import { apiCallsOf, banner, clickEvent, fillTime, open, signIn, suite } from './suite.mjs';

// A family name of letters only, new each run: "Brackenburyfbdaec".
const surname = (stem) => `${stem}${unique('x').slice(2).toLowerCase().replace(/[0-9]/g, (d) => 'ghjklmnpqr'[d])}`;
const at = (hours) => new Date(Date.now() + hours * 3600e3).toISOString();

// Everything the test writes about children: no email may carry any of it.
const caseText = {
  places: ['Westgate bus station', 'Riverside car park', 'The flat above the chip shop', 'Canal towpath', 'Her aunt’s house'],
  freeText: ['Left the children’s home after an argument about her phone', 'Strategy meeting with police and school agreed a safety plan',
    'Met an older man at the arcade', 'Still meeting the man from the arcade', 'Reviewed with the CSE panel: plan in place',
    'Safe with her aunt; the plan continues', 'New intelligence about the man from the arcade'],
};

const p2 = {};

// Called by journeys.test.mjs's before(): organisations and users through the real command line.
export function partTwoSetUp({ force, police }) {
  p2.force = force;
  p2.police = police;
  p2.council = makeOrganisation('local_authority');
  p2.hooked = makeOrganisation('local_authority');
  p2.manager = makeUser('manager', p2.council, { team: 'Team North', email: 'manager@north.test' });
  p2.workerA = makeUser('social_worker', p2.council, { team: 'Team North' });
  p2.workerAEmail = 'worker.a@north.test';
  p2.workerB = makeUser('social_worker', p2.council, { team: 'Team South', email: 'worker.b@north.test' });
  p2.champion = makeUser('cse_champion', p2.council, { team: 'Safeguarding', email: 'champion@north.test' });
  // Sets another council's webhook: an admin of the whole service.
  p2.admin = makeUser('admin', p2.council, { deploymentWide: true });
  p2.family = surname('Brackenbury');
  p2.children = {};
}

// Test data through the API, as the police and social workers' own systems would send it.
async function api(user) {
  return bearer(suite.server.origin, user);
}

async function ok(reply, what) {
  const r = await reply;
  assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function addChild(police, given, council = p2.council) {
  const child = await ok(police('POST', '/api/v1/children', { given_name: given, family_name: p2.family, date_of_birth: '2011-05-06',
    sex: 'female', looked_after: true, responsible_authority: council }), `add ${given}`);
  p2.children[given] = child;
  return child;
}

async function report(police, child, { seen, returned, location = caseText.places[0] } = {}) {
  const episode = await ok(police('POST', '/api/v1/episodes', { child_id: child.id, last_seen_at: at(-seen), last_seen_location: location,
    circumstances: caseText.freeText[0], risk_level: 'medium', police_reference: unique('NP'), missing_or_away: 'missing' }),
  `report ${child.given_name}`);
  if (returned !== undefined) {
    await ok(police('POST', `/api/v1/episodes/${episode.id}/return`, { returned_at: at(-returned), found_location: caseText.places[1],
      returned_to: caseText.places[4] }), `return ${child.given_name}`);
  }
  return episode;
}

async function idOf(user) {
  return (await ok((await api(user))('GET', '/api/v1/me'), `me of ${user.username}`)).id;
}

const childText = (given) => `${given} ${p2.family}`;
const itemOf = (page, list, text) => page.locator(`${list} > li`, { hasText: text });

export function partTwo() {
  describe('part two: managers, the CSE champion, admins, notifications and email alerts', () => {
    let workerAPage;
    let managerPage;
    let championPage;

    test('a social worker sets their email address and turns email alerts on in their account', async () => {
      const { page } = await open();
      workerAPage = page;
      await signIn(page, p2.workerA);
      await page.click('#account-link');
      await page.waitForSelector('h1:has-text("Your account")');
      assert.match(await page.locator('main').innerText(), /Team North/);
      await checkPage(page, 'account');
      await page.fill('#email', 'not an address');
      await page.check('#email_alerts');
      await page.click('#save-account');
      await page.waitForSelector('.govuk-error-summary');
      assert.match(await page.locator('.govuk-error-summary').innerText(), /correct format/);
      await checkPage(page, 'account-error');
      await page.fill('#email', p2.workerAEmail);
      await page.click('#save-account');
      await page.waitForSelector('#saved');
      assert.match(await page.locator('#saved').innerText(), new RegExp(`Email alerts will go to ${p2.workerAEmail}`));
      await checkPage(page, 'account-saved');
      const me = await ok((await api(p2.workerA))('GET', '/api/v1/me'), 'me');
      assert.equal(me.email, p2.workerAEmail);
      assert.equal(me.email_alerts, true);
    });

    test('the manager sees the team’s work by kind and by worker, assigns overdue work, then reassigns it', async () => {
      const police = await api(p2.police);
      const [workerA, workerB] = [await api(p2.workerA), await api(p2.workerB)];
      p2.workerAId = await idOf(p2.workerA);
      p2.workerBId = await idOf(p2.workerB);
      // Cara returned 50 hours ago and nobody took her episode: the offer is 26 hours overdue.
      const cara = await addChild(police, 'Cara');
      p2.caraEpisode = await report(police, cara, { seen: 60, returned: 50 });
      // Workers A and B each hold an episode of their own.
      const bea = await addChild(police, 'Bea');
      const beaEpisode = await report(police, bea, { seen: 10, returned: 6, location: caseText.places[2] });
      await ok(workerA('POST', `/api/v1/episodes/${beaEpisode.id}/assign`, { worker_id: p2.workerAId }), 'A takes Bea');
      p2.beaEpisode = beaEpisode;
      const fay = await addChild(police, 'Fay');
      const fayEpisode = await report(police, fay, { seen: 12, returned: 8 });
      await ok(workerB('POST', `/api/v1/episodes/${fayEpisode.id}/assign`, { worker_id: p2.workerBId }), 'B takes Fay');

      const { page } = await open();
      managerPage = page;
      await signIn(page, p2.manager);
      await page.waitForURL(/\/team$/);
      await page.waitForSelector('#team-work');
      assert.match(await page.locator('#showing').innerText(), /Team North/);
      assert.match(await page.locator('#by-worker').innerText(), new RegExp(p2.workerA.username));
      assert.doesNotMatch(await page.locator('#by-worker').innerText(), new RegExp(p2.workerB.username), 'Team South is not Team North');
      await checkPage(page, 'team');

      await page.selectOption('#team', 'all');
      await page.click('#show-team');
      await page.waitForURL(/\/team\?team=all$/);
      await page.waitForSelector('#showing:has-text("all teams")');
      const cara1 = itemOf(page, '#overdue-list', childText('Cara'));
      assert.match(await cara1.innerText(), /Offer the return interview[\s\S]*overdue[\s\S]*not assigned to anyone/);
      assert.match(await page.locator('#by-worker').innerText(), /Not assigned to anyone/);
      assert.match(await page.locator('#by-kind').innerText(), /Offer the return interview/);
      assert.match(await page.locator('#unassigned-list').innerText(), new RegExp(childText('Cara')));
      await checkPage(page, 'team-all');

      await page.click(`#by-worker a:has-text("${p2.workerB.username}")`);
      await page.waitForSelector(`#showing:has-text("${p2.workerB.username}")`);
      assert.match(await page.locator('#due-soon-list').innerText(), new RegExp(childText('Fay')));
      assert.doesNotMatch(await page.locator('#due-soon-list').innerText(), new RegExp(childText('Bea')));
      await checkPage(page, 'team-one-worker');

      await page.goto(`${suite.server.origin}/team?team=all`);
      await itemOf(page, '#overdue-list', childText('Cara')).locator('a:has-text("Assign")').first().click();
      await page.waitForSelector('h1:has-text("Assign the episode")');
      await checkPage(page, 'assign-form');
      await page.click('#assign-submit');
      await page.waitForSelector('.govuk-error-summary');
      assert.match(await page.locator('.govuk-error-summary').innerText(), /Select who will hold the episode/);
      await checkPage(page, 'assign-error');
      await page.check(`label:has-text("${p2.workerA.username}")`);
      await page.click('#assign-submit');
      await page.waitForURL(/\/team\?team=all$/);
      assert.match(await banner(page), new RegExp(`${p2.workerA.username} holds this episode now`));
      await page.waitForSelector('#team-work');
      assert.match(await itemOf(page, '#overdue-list', childText('Cara')).first().innerText(), new RegExp(`held by ${p2.workerA.username}`));
      assert.doesNotMatch(await page.locator('#unassigned-list').innerText(), new RegExp(childText('Cara')));
      await checkPage(page, 'team-assigned');

      await itemOf(page, '#overdue-list', childText('Cara')).locator('a:has-text("Reassign")').first().click();
      await page.waitForSelector('h1:has-text("Reassign the episode")');
      assert.match(await page.locator('#current-holder').innerText(), new RegExp(`${p2.workerA.username} holds this episode`));
      await checkPage(page, 'reassign-form');
      await page.check(`label:has-text("${p2.workerB.username}")`);
      await page.click('#assign-submit');
      await page.waitForURL(/\/team\?team=all$/);
      assert.match(await banner(page), new RegExp(`${p2.workerB.username} holds this episode now`));
      await page.waitForSelector('#team-work');
      assert.match(await itemOf(page, '#overdue-list', childText('Cara')).first().innerText(), new RegExp(`held by ${p2.workerB.username}`));
      const episode = await ok((await api(p2.manager))('GET', `/api/v1/episodes/${p2.caraEpisode.id}`), 'episode');
      assert.equal(episode.assigned_worker_id, p2.workerBId);
    });

    test('the manager gives a follow-up action to another worker, who is told in their notifications', async () => {
      const police = await api(p2.police);
      const workerA = await api(p2.workerA);
      const gwen = await addChild(police, 'Gwen');
      const episode = await report(police, gwen, { seen: 30, returned: 26 });
      const path = `/api/v1/episodes/${episode.id}`;
      await ok(workerA('POST', `${path}/assign`, { worker_id: p2.workerAId }), 'take');
      await ok(workerA('POST', `${path}/interview`, { conducted_at: at(-0.5), location: caseText.places[2], where_stayed: caseText.places[2],
        with_whom: caseText.freeText[2], push_factors: [], pull_factors: [], harm_disclosed: false, indicators: [], cse_risk: 'low',
        child_views: caseText.freeText[5], police_intelligence: null }), 'interview');
      await ok(workerA('POST', `${path}/actions`, { type: 'education', description: 'Meet the school about attendance',
        owner_id: p2.workerAId, due_at: at(72) }), 'action');

      const page = managerPage;
      await page.goto(`${suite.server.origin}/episodes/${episode.id}`);
      await page.waitForSelector('#actions');
      await page.click('#actions a:has-text("Give to someone else")');
      await page.waitForSelector('h1:has-text("Give to someone else")');
      assert.doesNotMatch(await page.locator('form').innerText(), new RegExp(p2.workerA.username), 'the owner is not offered the action again');
      await page.click('button:has-text("Give the action to them")');
      await page.waitForSelector('.govuk-error-summary');
      assert.match(await page.locator('.govuk-error-summary').innerText(), /Select who will own the action/);
      await checkPage(page, 'reassign-action-error');
      await page.check(`label:has-text("${p2.workerB.username}")`);
      await page.click('button:has-text("Give the action to them")');
      await page.waitForSelector('.govuk-notification-banner--success');
      assert.match(await banner(page), /new owner, who has been told/);
      const after = await ok((await api(p2.manager))('GET', path), 'episode');
      assert.equal(after.actions[0].owner_id, p2.workerBId);

      const { page: workerB } = await open();
      await signIn(workerB, p2.workerB);
      await workerB.goto(`${suite.server.origin}/notifications`);
      const told = workerB.locator('main li', { hasText: 'A follow-up action is now yours' });
      await told.first().waitFor();
      await checkPage(workerB, 'notifications-action-assigned');
      await workerB.context().close();
    });

    test('a repeat-missing notification appears, leads to the child, is read, and the review is recorded', async () => {
      const page = managerPage;
      const manager = await api(p2.manager);
      const before = (await ok(manager('GET', '/api/v1/notifications/unread-count'), 'count')).unread;
      // Dan is reported three times within the repeat window: a multi-agency review falls due.
      const police = await api(p2.police);
      const dan = await addChild(police, 'Dan');
      await report(police, dan, { seen: 240, returned: 230 });
      await report(police, dan, { seen: 120, returned: 110 });
      p2.danMissing = await report(police, dan, { seen: 3, location: caseText.places[3] });
      const notification = await eventually('the repeat-missing notification', async () =>
        (await manager('GET', '/api/v1/notifications')).body.items.find((n) => n.kind === 'repeat_missing' && n.child_id === dan.id));
      assert.equal(notification.read, false);

      await page.reload();
      await page.waitForSelector('#unread-count');
      const shown = Number(await page.locator('#unread-count').innerText());
      assert.ok(shown > before, `the header's count (${shown}) grew from ${before}`);
      await page.click('#notifications-link');
      await page.waitForSelector('#inbox');
      const item = itemOf(page, '#inbox', 'Repeat missing').first();
      assert.match(await item.innerText(), /New/);
      await checkPage(page, 'notifications');

      await item.locator('a').click();
      await page.waitForURL((url) => url.pathname === `/children/${dan.id}` && !url.search.includes('notification'));
      await page.waitForSelector('#repeat-missing');
      assert.match(await page.locator('#repeat-missing').innerText(), /Reported missing 3 times in the last 30 days/);
      await eventually('the notification read', async () =>
        (await manager('GET', '/api/v1/notifications')).body.items.find((n) => n.id === notification.id).read);
      // New notifications keep coming (the sweeper runs every second): the header, asked again after
      // the read, shows the server's count as it is now.
      await eventually('the header count asked again after the read', async () => {
        const count = page.locator('#unread-count');
        const inHeader = (await count.count()) === 0 ? 0 : Number(await count.innerText());
        return inHeader === (await manager('GET', '/api/v1/notifications/unread-count')).body.unread;
      });
      await checkPage(page, 'child-repeat-missing');

      await page.click('a:has-text("Record the repeat-missing review")');
      await page.waitForSelector('h1:has-text("Record the repeat-missing review")');
      await checkPage(page, 'repeat-review-form');
      await fillTime(page, 'held_at', new Date(Date.now() + 2 * 3600e3));
      await page.click('button:has-text("Record the review")');
      await page.waitForSelector('#held_at-error');
      assert.match(await page.locator('.govuk-error-summary').innerText(), /future/);
      await checkPage(page, 'repeat-review-422');
      // A review answers the reports before it: an hour ago is before the third report (409).
      await fillTime(page, 'held_at', new Date(Date.now() - 3600e3));
      await page.fill('#notes', caseText.freeText[1]);
      await page.click('button:has-text("Record the review")');
      await page.waitForSelector('.govuk-error-summary:has-text("No multi-agency review was waiting at that time")');
      await checkPage(page, 'repeat-review-409');
      // The form takes hours and minutes: wait for the minute after the report's to begin.
      const reported = Date.parse(p2.danMissing.reported_at);
      const wait = Math.floor(reported / 60e3) * 60e3 + 60e3 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait + 100));
      await fillTime(page, 'held_at', new Date());
      await page.click('button:has-text("Record the review")');
      await page.waitForSelector('.govuk-notification-banner--success');
      assert.match(await banner(page), /multi-agency review is recorded/);
      assert.match(await page.locator('#reviews').innerText(), /Multi-agency review[\s\S]*recorded by you[\s\S]*Strategy meeting/);
      assert.match(await page.locator('#child-clocks').innerText(), /Done/);
      assert.equal(await page.locator('a:has-text("Record the repeat-missing review")').count(), 0);
      await checkPage(page, 'child-reviewed');

      await page.click('#notifications-link');
      await page.waitForSelector('#inbox');
      assert.doesNotMatch(await itemOf(page, '#inbox', 'Repeat missing').first().innerText(), /New/);
      assert.match(await itemOf(page, '#inbox', 'Repeat missing').first().innerText(), /read/);
    });

    test('the CSE champion signs off an episode at high CSE risk, and then the social worker can close it', async () => {
      const police = await api(p2.police);
      const workerA = await api(p2.workerA);
      const eve = await addChild(police, 'Eve');
      const episode = await report(police, eve, { seen: 30, returned: 26 });
      p2.eveEpisode = episode;
      const path = `/api/v1/episodes/${episode.id}`;
      await ok(workerA('POST', `${path}/assign`, { worker_id: p2.workerAId }), 'take');
      await ok(workerA('POST', `${path}/interview-offer`, { offered_at: at(-2), scheduled_for: at(-1), independent: true }), 'offer');
      await ok(workerA('POST', `${path}/interview`, { conducted_at: at(-0.5), location: caseText.places[2], where_stayed: caseText.places[2],
        with_whom: caseText.freeText[2], push_factors: [], pull_factors: [], harm_disclosed: false, indicators: [], cse_risk: 'high',
        child_views: caseText.freeText[5], police_intelligence: null }), 'interview');

      await workerAPage.goto(`${suite.server.origin}/episodes/${episode.id}`);
      await workerAPage.waitForSelector('#timeline');
      assert.doesNotMatch(await workerAPage.locator('#allowed-events').innerText(), /Close the episode/);
      assert.match(await workerAPage.locator('#why-not-closed').innerText(), /signed off by the CSE champion/);

      const { page } = await open();
      championPage = page;
      await signIn(page, p2.champion);
      await page.waitForURL(/\/oversight$/);
      await page.waitForSelector('#oversight-lists');
      assert.match(await page.locator('#sign-off-list').innerText(), new RegExp(childText('Eve')));
      assert.match(await itemOf(page, '#at-risk-list', childText('Eve')).innerText(), /CSE risk high/);
      assert.match(await page.locator('#missing-list').innerText(), new RegExp(`${childText('Dan')}[\\s\\S]*Missing for 3 hours`));
      await checkPage(page, 'oversight');

      await itemOf(page, '#sign-off-list', childText('Eve')).locator('a:has-text("Sign off")').click();
      await page.waitForSelector('h1:has-text("Sign off")');
      assert.match(await page.locator('main').innerText(), /CSE risk\s+High/);
      await checkPage(page, 'sign-off-form');
      await page.click('button:has-text("Sign off")');
      await page.waitForSelector('.govuk-error-summary');
      await checkPage(page, 'sign-off-error');
      await page.fill('#note', caseText.freeText[4]);
      await page.click('button:has-text("Sign off")');
      await page.waitForURL(/\/oversight$/);
      assert.match(await banner(page), /signed off/);
      await page.waitForSelector('#oversight-lists');
      assert.doesNotMatch(await page.locator('#sign-off-list').innerText(), new RegExp(childText('Eve')));
      await checkPage(page, 'oversight-signed-off');

      await workerAPage.goto(`${suite.server.origin}/episodes/${episode.id}`);
      await workerAPage.waitForSelector('#timeline');
      assert.match(await workerAPage.locator('#timeline').innerText(), /Signed off by the CSE champion/);
      await clickEvent(workerAPage, 'Close the episode');
      await workerAPage.fill('#summary', caseText.freeText[5]);
      await workerAPage.click('button:has-text("Close the episode")');
      await workerAPage.waitForSelector('.govuk-notification-banner--success');
      assert.match(await workerAPage.locator('.govuk-tag').first().innerText(), /Closed/);
      await checkPage(workerAPage, 'episode-closed-after-sign-off');
    });

    test('the manager reopens the closed episode', async () => {
      const page = managerPage;
      await page.goto(`${suite.server.origin}/episodes/${p2.eveEpisode.id}`);
      await page.waitForSelector('#timeline');
      await clickEvent(page, 'Reopen the episode');
      await checkPage(page, 'reopen-form');
      await page.fill('#reason', caseText.freeText[6]);
      await page.click('button:has-text("Reopen the episode")');
      await page.waitForSelector('.govuk-notification-banner--success');
      assert.match(await page.locator('.govuk-tag').first().innerText(), /Follow-up/);
      assert.match(await page.locator('#timeline').innerText(), /Episode reopened/);
      await checkPage(page, 'episode-reopened');
    });

    test('the champion records a CSE reassessment on the child’s page', async () => {
      const page = championPage;
      await page.click('a:has-text("CSE oversight")');
      await page.waitForSelector('#oversight-lists');
      await itemOf(page, '#at-risk-list', childText('Eve')).locator('a').click();
      await page.waitForSelector('#child-clocks');
      assert.match(await page.locator('#child-clocks').innerText(), /CSE risk reassessment/);
      await checkPage(page, 'child-champion');
      await page.click('a:has-text("Record a CSE reassessment")');
      await page.waitForSelector('h1:has-text("Record a CSE reassessment")');
      await page.click('button:has-text("Record the reassessment")');
      await page.waitForSelector('.govuk-error-summary');
      assert.match(await page.locator('.govuk-error-summary').innerText(), /Select the CSE risk/);
      await checkPage(page, 'reassessment-error');
      await page.check('#cse_risk-3'); // medium
      await page.fill('#notes', caseText.freeText[3]);
      await page.click('button:has-text("Record the reassessment")');
      await page.waitForSelector('.govuk-notification-banner--success');
      assert.match(await page.locator('#reviews').innerText(), /CSE risk reassessment[\s\S]*CSE risk medium[\s\S]*Still meeting/);
      await checkPage(page, 'child-reassessed');
    });

    test('email alerts reach the relay with no child’s name, place or free text, lead into the application, and stop when turned off', async () => {
      const origin = suite.server.origin;
      const forbidden = [
        ...Object.values(p2.children).flatMap((c) => [c.given_name, c.family_name]),
        ...caseText.places, ...caseText.freeText,
      ];
      // The overdue offer of Cara's episode reaches the manager; the reports reach worker A.
      await eventually('an overdue alert to the manager', () => suite.smtp.messages()
        .find((m) => m.to === p2.manager.email && /overdue/.test(m.subject) && m.body.includes(p2.caraEpisode.id)));
      await eventually('an alert to worker A', () => suite.smtp.messages().find((m) => m.to === p2.workerAEmail));
      const mail = suite.smtp.messages();
      const ours = mail.filter((m) => [p2.manager.email, p2.workerAEmail, p2.workerB.email, p2.champion.email].includes(m.to));
      assert.ok(ours.length >= 4, `${ours.length} alerts`);
      const seen = new Set();
      for (const m of ours) {
        assert.match(m.subject, /^Homeward: /);
        for (const text of forbidden) {
          const word = new RegExp(`\\b${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`);
          assert.ok(!word.test(m.raw), `an email to ${m.to} (${m.subject}) carries “${text}”`);
        }
        const link = new RegExp(`${origin.replace(/[.]/g, '\\.')}/(episodes|children)/[0-9a-f-]{36}|${origin}/notifications`).exec(m.body);
        assert.ok(link, `an email to ${m.to} has a link into the application: ${m.body}`);
        const key = `${m.to} ${m.subject} ${link[0]}`;
        assert.ok(!seen.has(key), `sent once: ${key}`);
        seen.add(key);
      }
      const overdue = ours.find((m) => m.to === p2.manager.email && /overdue/.test(m.subject) && m.body.includes(p2.caraEpisode.id));
      assert.match(overdue.subject, /overdue: offering a return interview/);
      assert.match(overdue.body, /\d+ (hours|days) overdue/);
      assert.doesNotMatch(overdue.body, /Cara|Brackenbury/);
      suite.figures.email_alert_example = { subject: overdue.subject, body: overdue.body.replace(origin, 'https://HOST') };

      // The link leads into the application, to the episode, for the signed-in manager.
      const link = /https:\/\/\S+/.exec(overdue.body)[0];
      await managerPage.goto(link);
      await managerPage.waitForSelector('#timeline');
      assert.match(await managerPage.locator('h1').innerText(), new RegExp(childText('Cara')));

      // Worker A turns alerts off; the next report reaches the manager and not worker A.
      const page = workerAPage;
      await page.click('#account-link');
      await page.waitForSelector('#email_alerts-2');
      await page.check('#email_alerts-2');
      await page.click('#save-account');
      await page.waitForSelector('#saved');
      assert.match(await page.locator('#saved').innerText(), /Email alerts are off/);
      await checkPage(page, 'account-alerts-off');
      const police = await api(p2.police);
      const gus = await addChild(police, 'Gus');
      const gusEpisode = await report(police, gus, { seen: 1 });
      await eventually('the manager’s alert of the new report', () => suite.smtp.messages()
        .find((m) => m.to === p2.manager.email && m.body.includes(gusEpisode.id)));
      await new Promise((r) => setTimeout(r, 2500)); // two more sending passes
      assert.equal(suite.smtp.messages().filter((m) => m.to === p2.workerAEmail && m.body.includes(gusEpisode.id)).length, 0,
        'no alert after they were turned off');
      suite.figures.email_alerts_received = suite.smtp.messages().length;
    });

    test('the admin sets a webhook, sees the message that died, and sends it again once the receiver accepts', async () => {
      let accepting = false;
      const receiver = await startReceiver(() => (accepting ? 204 : 500));
      try {
        const { page } = await open();
        await signIn(page, p2.admin);
        await page.waitForURL(/\/admin$/);
        await page.waitForSelector('#organisations');
        assert.equal(await page.locator('#notifications-link').count(), 0, 'admins get no notifications');
        assert.equal((await (await api(p2.admin))('GET', '/api/v1/notifications')).status, 403);
        await checkPage(page, 'admin-organisations');

        await itemOf(page, '#organisations', p2.hooked).locator('a:has-text("Set up a webhook")').click();
        await page.waitForSelector('#url');
        await checkPage(page, 'webhook-form');
        await page.fill('#url', receiver.url.replace('https:', 'http:'));
        await page.click('#save-webhook');
        await page.waitForSelector('.govuk-error-summary');
        assert.match(await page.locator('.govuk-error-summary').innerText(), /starting https/);
        await checkPage(page, 'webhook-errors');
        await page.fill('#url', receiver.url);
        await page.click('#new-secret');
        const secret = await page.inputValue('#secret');
        assert.equal(secret.length, 48);
        await page.click('#save-webhook');
        await page.waitForURL(/\/admin$/);
        assert.match(await banner(page), /Webhook set/);
        await page.waitForSelector('#organisations');
        assert.match(await itemOf(page, '#organisations', p2.hooked).innerText(), /Webhook on/);
        await checkPage(page, 'admin-webhook-set');

        // A report for a child of that council: its message is refused (500) and, at one attempt
        // allowed, dies.
        const police = await api(p2.police);
        const hal = await addChild(police, 'Hal', p2.hooked);
        const halEpisode = await report(police, hal, { seen: 2 });
        const first = await eventually('the receiver’s first request', () =>
          receiver.received.find((r) => r.headers['homeward-topic'] === 'notification.episode_reported'));
        assert.equal(first.status, 500);
        const id = first.headers['homeward-delivery'];
        const admin = await api(p2.admin);
        await eventually('the message to die', async () =>
          (await admin('GET', `/api/v1/webhook-deliveries?status=dead&organisation=${p2.hooked}`)).body.items.some((d) => d.delivery_id === id));

        await page.click(`#organisations li:has-text("${p2.hooked}") a:has-text("Failed messages")`);
        await page.waitForSelector('#failed-messages');
        const row = page.locator(`#failed-messages li[data-delivery="${id}"]`);
        assert.match(await row.innerText(), /Child reported missing[\s\S]*Failed[\s\S]*1 attempt, last answered 500/);
        const main = await page.locator('main').innerText();
        assert.ok(!main.includes('Hal') && !main.includes(p2.family), 'admins see no case content');
        await checkPage(page, 'failed-messages');

        accepting = true;
        await row.locator('button:has-text("Send again")').click();
        await page.waitForSelector('#replayed');
        assert.match(await row.innerText(), /Waiting to be sent/);
        await checkPage(page, 'failed-messages-replayed');
        const again = await eventually('the message sent again', () =>
          receiver.received.find((r) => r.headers['homeward-delivery'] === id && r.status === 204));
        const signature = createHmac('sha256', secret).update(`${again.headers['homeward-timestamp']}.${again.body}`).digest('hex');
        assert.equal(again.headers['homeward-signature'], `v1=${signature}`, 'signed with the secret the admin set');
        const payload = JSON.parse(again.body);
        assert.equal(payload.delivery_id, id);
        assert.equal(payload.data.episode_id, halEpisode.id);
        await eventually('the delivery recorded', async () =>
          (await admin('GET', `/api/v1/webhook-deliveries?organisation=${p2.hooked}`)).body.items
            .some((d) => d.delivery_id === id && d.status === 'delivered'));
        await page.reload();
        await page.waitForSelector('#failed-messages');
        assert.equal(await page.locator(`#failed-messages li[data-delivery="${id}"]`).count(), 0);
        await checkPage(page, 'failed-messages-after-replay');
      } finally {
        await receiver.stop();
      }
    });

    test('figures: the API requests of each new page', async () => {
      const figures = {};
      const homes = { manager: '#team-work', cse_champion: '#oversight-lists', admin: '#organisations' };
      // A page loaded afresh (as from a bookmark or an email's link): the session check and the
      // header's count are part of it.
      const visit = async (user, path, ready) => {
        const { page, context } = await open();
        await signIn(page, user);
        await page.waitForSelector(homes[user.role]);
        await settled(page);
        const direct = await apiCallsOf(page, async () => {
          await page.goto(`${suite.server.origin}${path}`);
          await page.waitForSelector(ready);
        });
        await context.close();
        return direct;
      };
      figures.team = await visit(p2.manager, '/team', '#team-work');
      figures.notifications = await visit(p2.manager, '/notifications', '#inbox');
      figures.account = await visit(p2.manager, '/account', '#email');
      figures.child = await visit(p2.manager, `/children/${p2.children.Dan.id}`, '#reviews');
      figures.oversight = await visit(p2.champion, '/oversight', '#oversight-lists');
      figures.admin = await visit(p2.admin, '/admin', '#organisations');
      figures.failed_messages = await visit(p2.admin, '/admin/failed-messages', '#failed-messages');
      figures.assign_form = await visit(p2.manager, `/episodes/${p2.caraEpisode.id}/assign`, '#worker_id');
      figures.episode_champion = await visit(p2.champion, `/episodes/${p2.eveEpisode.id}`, '#timeline');
      suite.figures.part_two_api_requests_direct_load = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, v.length]));
      suite.figures.part_two_api_request_paths = figures;
    });
  });
}
