// The data-protection officer's pages (registered by journeys.test.mjs, on its server and
// browser): the officer lands on "Data protection", finds a child of their council by exact name
// and date of birth (and is told what is wrong when the form is not filled in), reads who saw the
// child's record (a police officer's report and a social worker's read among the entries, and the
// officer's own lookup), filters it by organisation, downloads it as CSV and the subject-access
// export as a ZIP, and places, changes and lifts a legal hold. The council's CSE champion reaches
// the same log from the child's page. Every state is checked with axe-core at 375 and 1280 px.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bearer, checkPage, makeOrganisation, makeUser, unique } from './harness.mjs';
import { open, signIn, suite } from './suite.mjs';

const px = {};

// Called by journeys.test.mjs's before(): organisations and users through the real command line.
export function privacySetUp() {
  px.force = makeOrganisation('police');
  px.council = makeOrganisation('local_authority');
  px.police = makeUser('police', px.force);
  px.worker = makeUser('social_worker', px.council);
  px.champion = makeUser('cse_champion', px.council);
  px.dpo = makeUser('data_protection_officer', px.council);
  px.family = `Quennell${unique('x').slice(2).toLowerCase().replace(/[0-9]/g, (d) => 'ghjklmnpqr'[d])}`;
}

async function ok(reply, what) {
  const r = await reply;
  assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

// A child reported by the police and read by a social worker, through the API.
async function reportedChild() {
  const police = await bearer(suite.server.origin, px.police);
  const worker = await bearer(suite.server.origin, px.worker);
  const child = await ok(police('POST', '/api/v1/children', { given_name: 'Rosa', family_name: px.family,
    date_of_birth: '2010-07-14', sex: 'female', looked_after: true, responsible_authority: px.council }), 'add the child');
  await ok(police('POST', '/api/v1/episodes', { child_id: child.id, last_seen_at: new Date(Date.now() - 3600e3).toISOString(),
    last_seen_location: 'Market square', circumstances: 'Did not come home', risk_level: 'medium',
    police_reference: unique('PR'), missing_or_away: 'missing' }), 'report the episode');
  await ok(worker('GET', `/api/v1/children/${child.id}`), 'the social worker reads the child');
  return child;
}

const rows = (page) => page.locator('#access-log tbody tr');

export function privacyJourneys() {
  describe('the data-protection officer: who saw a child, the export and the legal hold', () => {
    let child;

    test('the officer finds the child, reads who saw the record, filters it and downloads it', async () => {
      child = await reportedChild();
      const { page } = await open();
      await signIn(page, px.dpo);
      await page.waitForURL(/\/data-protection$/);
      assert.equal(await page.locator('#navigation a:has-text("Data protection")').count(), 1);
      await checkPage(page, 'dpo-home');

      await page.click('#find');
      await page.waitForSelector('.govuk-error-summary');
      assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter the child’s family name[\s\S]*Enter the date of birth/);
      await checkPage(page, 'dpo-find-errors');

      await page.fill('#name', `rosa ${px.family.toLowerCase()}`);
      await page.fill('#date_of_birth-day', '14');
      await page.fill('#date_of_birth-month', '7');
      await page.fill('#date_of_birth-year', '2010');
      await page.click('#find');
      await page.waitForSelector(`[data-child="${child.id}"]`);
      assert.match(await page.locator('#children-found').innerText(), new RegExp(`Rosa ${px.family}[\\s\\S]*Born 14 July 2010`));
      await checkPage(page, 'dpo-child-found');

      // Another day of birth finds no one.
      await page.fill('#date_of_birth-day', '15');
      await page.click('#find');
      await page.waitForSelector('#no-children');

      await page.fill('#date_of_birth-day', '14');
      await page.click('#find');
      await page.waitForSelector(`[data-child="${child.id}"]`);
      await page.click(`[data-child="${child.id}"] a:has-text("Who saw")`);
      await page.waitForURL(new RegExp(`/children/${child.id}/access$`));
      await page.waitForSelector('#access-log');
      const actions = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.dataset.action));
      for (const action of ['child.create', 'episode.report', 'child.read', 'child.privacy_lookup']) {
        assert.ok(actions.includes(action), `${action} is in the log: ${actions.join(', ')}`);
      }
      const text = await page.locator('#access-log').innerText();
      assert.ok(text.includes(px.worker.username) && text.includes(px.police.username), 'who is named');
      assert.match(await page.locator('h1').innerText(), /Who saw this child’s record/);
      assert.match(await page.locator('.govuk-caption-l').innerText(), new RegExp(`Rosa ${px.family}`));
      await checkPage(page, 'dpo-access-log');

      // Only the police force's entries.
      await page.click('.govuk-details__summary');
      await page.fill('#organisation', px.force.toLowerCase());
      await page.click('#apply-filters');
      await page.waitForURL(new RegExp(`organisation=${px.force}`));
      await page.waitForSelector('#access-log');
      const policeOnly = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.innerText));
      assert.ok(policeOnly.length > 0 && policeOnly.every((t) => t.includes(px.police.username)), policeOnly.join(' | '));
      const csvHref = await page.locator('#access-csv').getAttribute('href');
      assert.match(csvHref, new RegExp(`format=csv`));
      assert.match(csvHref, new RegExp(`organisation=${px.force}`));
      const csv = await page.request.get(`${suite.server.origin}${csvHref}`);
      assert.equal(csv.status(), 200);
      const lines = (await csv.text()).trim().split('\n');
      assert.equal(lines.length - 1, policeOnly.length, 'the CSV has a row per entry shown');
      await checkPage(page, 'dpo-access-log-filtered');

      // A bad day is named, and nothing is asked of the server.
      await page.fill('#from', '14/07/2026');
      await page.click('#apply-filters');
      await page.waitForSelector('.govuk-error-summary');
      assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter the first day as YYYY-MM-DD/);
      await checkPage(page, 'dpo-access-log-filter-error');

      // The subject-access export: a ZIP, through the session's cookie.
      await page.goto(`${suite.server.origin}/data-protection?q=${px.family}&date_of_birth=2010-07-14`);
      await page.waitForSelector(`[data-child="${child.id}"]`);
      const exportHref = await page.locator(`[data-child="${child.id}"] a:has-text("Download everything")`).getAttribute('href');
      const zip = await page.request.get(`${suite.server.origin}${exportHref}`);
      assert.equal(zip.status(), 200);
      assert.equal(zip.headers()['content-type'], 'application/zip');
      assert.equal((await zip.body()).subarray(0, 2).toString(), 'PK');
    });

    test('the officer places, changes and lifts a legal hold', async () => {
      const { page } = await open();
      await signIn(page, px.dpo);
      await page.goto(`${suite.server.origin}/data-protection?q=${px.family}&date_of_birth=2010-07-14`);
      await page.waitForSelector(`[data-child="${child.id}"]`);
      await page.click(`[data-child="${child.id}"] a:has-text("Place a legal hold")`);
      await page.waitForSelector('#no-hold');
      await checkPage(page, 'dpo-legal-hold-none');
      await page.click('#place-hold');
      await page.waitForSelector('.govuk-error-summary');
      assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter why the records must be kept/);
      await checkPage(page, 'dpo-legal-hold-error');
      await page.fill('#reason', 'Civil claim about the placement');
      await page.click('#place-hold');
      await page.waitForSelector('#lift-hold');
      assert.match(await page.locator('#hold-notice').innerText(), /The legal hold is placed/);
      assert.match(await page.locator('#hold-details').innerText(), new RegExp(`placed .* by ${px.dpo.username}`));
      assert.match(await page.locator('.govuk-summary-list').innerText(), /Civil claim about the placement/);
      await checkPage(page, 'dpo-legal-hold-placed');

      await page.goto(`${suite.server.origin}/data-protection?q=${px.family}&date_of_birth=2010-07-14`);
      await page.waitForSelector(`[data-child="${child.id}"] .govuk-tag:has-text("Legal hold")`);
      await page.click(`[data-child="${child.id}"] a:has-text("Change or lift")`);
      await page.waitForSelector('#lift-hold');
      await page.click('#lift-hold');
      await page.waitForSelector('#no-hold');
      assert.match(await page.locator('#hold-notice').innerText(), /lifted/);
      const dpo = await bearer(suite.server.origin, px.dpo);
      const hold = await ok(dpo('GET', `/api/v1/children/${child.id}/legal-hold`), 'read the hold');
      assert.equal(hold.legal_hold, null);
      await checkPage(page, 'dpo-legal-hold-lifted');
    });

    test('the council’s CSE champion opens who saw the child from the child’s page', async () => {
      const { page } = await open();
      await signIn(page, px.champion);
      await page.goto(`${suite.server.origin}/children/${child.id}`);
      await page.click('#access-link');
      await page.waitForURL(new RegExp(`/children/${child.id}/access$`));
      await page.waitForSelector('#access-log');
      assert.ok((await rows(page).count()) >= 4);
      assert.equal(await page.locator('.govuk-back-link').getAttribute('href'), `/children/${child.id}`);
      await checkPage(page, 'champion-access-log');
    });
  });
}
