// The administrator's accounts and organisations (registered by journeys.test.mjs, on its server
// and browser): the admin lists their council's accounts, adds one and is shown its temporary
// password once, and its user, signing in with it, can do nothing but choose their own password
// and then works; the admin changes a role and team, unlocks a locked-out user (who then signs
// in), resets a password (the old one stops working) and deactivates an account (its session
// ends). The admin adds a police force working with a council, renames it and changes whom it
// works with, and the force's officer sees the councils in GET /api/v1/me. Every state is
// checked with axe-core at 375 and 1280 px (checkPage).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bearer, call, checkPage, makeOrganisation, makeUser, password, unique } from './harness.mjs';
import { banner, open, signIn, suite } from './suite.mjs';

const ax = {};

// Called by journeys.test.mjs's before(): organisations and users through the real command line.
export function adminSetUp() {
  ax.council = makeOrganisation('local_authority');
  // An admin of the whole service: they add organisations and manage every organisation's accounts.
  ax.admin = makeUser('admin', ax.council, { deploymentWide: true });
  ax.localAdmin = makeUser('admin', ax.council);
  ax.worker = makeUser('social_worker', ax.council, { team: 'Team Admin' });
  ax.locked = makeUser('manager', ax.council);
  ax.leaver = makeUser('social_worker', ax.council);
}

const row = (page, username) => page.locator('#users tbody tr', { hasText: username });
const signInWith = (username, secret) => call(suite.server.origin, 'POST', '/api/v1/session', { username, password: secret });

async function openAccount(page, username) {
  await page.goto(`${suite.server.origin}/admin/users`);
  await page.waitForSelector('#users');
  await row(page, username).locator('a').click();
  await page.waitForSelector('#save-user');
}

export function adminJourneys() {
  describe('the administrator: accounts and organisations', () => {
    let page;

    test('the admin adds an account; its user must choose a password before anything else', async () => {
      ({ page } = await open());
      await signIn(page, ax.admin);
      await page.waitForURL(/\/admin$/);
      await page.click('#navigation a:has-text("Accounts")');
      await page.waitForURL(/\/admin\/users$/);
      await page.waitForSelector('#users');
      for (const u of [ax.admin, ax.worker, ax.locked, ax.leaver]) {
        assert.equal(await row(page, u.username).count(), 1, `${u.username} is listed`);
      }
      await checkPage(page, 'admin-accounts');

      await page.click('a:has-text("Add an account")');
      await page.waitForSelector('#add-user');
      await page.click('#add-user');
      await page.waitForSelector('.govuk-error-summary');
      assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter a username[\s\S]*Choose the role/);
      await checkPage(page, 'admin-account-add-errors');
      const username = unique('new.worker').toLowerCase();
      await page.fill('#username', username);
      await page.check('#role');
      await page.fill('#team', 'Team Admin');
      await page.click('#add-user');
      await page.waitForSelector('#temporary-password');
      const temporary = (await page.locator('#temporary-password').innerText()).trim();
      assert.ok(temporary.length >= 12, 'a temporary password is shown');
      assert.match(await banner(page), /shown only now/);
      await checkPage(page, 'admin-account-added');

      const newcomer = await open();
      await newcomer.page.goto(`${suite.server.origin}/sign-in`);
      await newcomer.page.fill('#username', username);
      await newcomer.page.fill('#password', temporary);
      await newcomer.page.click('button:has-text("Sign in")');
      await newcomer.page.waitForSelector('#change-password');
      await newcomer.page.goto(`${suite.server.origin}/my-work`);
      await newcomer.page.waitForSelector('#change-password');
      await checkPage(newcomer.page, 'password-change-required');
      await newcomer.page.fill('#current_password', temporary);
      await newcomer.page.fill('#password', 'my own long password');
      await newcomer.page.fill('#password_again', 'a different password');
      await newcomer.page.click('#change-password');
      await newcomer.page.waitForSelector('.govuk-error-summary');
      await checkPage(newcomer.page, 'password-change-errors');
      await newcomer.page.fill('#password_again', 'my own long password');
      await newcomer.page.click('#change-password');
      await newcomer.page.waitForSelector('#my-work-lists');
      assert.equal((await signInWith(username, temporary)).status, 401, 'the temporary password no longer works');
      assert.equal((await signInWith(username, 'my own long password')).status, 201);
      await newcomer.context.close();
    });

    test('the admin changes a role and team, unlocks, resets a password and deactivates', async () => {
      await openAccount(page, ax.worker.username);
      await checkPage(page, 'admin-account');
      await page.check('#role-2'); // manager
      await page.fill('#team', 'Team Bravo');
      await page.click('#save-user');
      await page.waitForSelector('#saved');
      assert.match(await page.locator('#saved').innerText(), /is now Manager in Team Bravo/);
      const admin = await bearer(suite.server.origin, ax.admin);
      const worker = (await admin('GET', '/api/v1/users?limit=500')).body.items.find((u) => u.username === ax.worker.username);
      assert.equal(worker.role, 'manager');
      assert.equal(worker.team.name, 'Team Bravo');

      for (let i = 0; i < 5; i++) await signInWith(ax.locked.username, `not the password ${i}`);
      assert.equal((await signInWith(ax.locked.username, password)).status, 401, 'locked out');
      await openAccount(page, ax.locked.username);
      assert.match(await page.locator('.govuk-summary-list').innerText(), /Locked/);
      await checkPage(page, 'admin-account-locked');
      await page.click('#unlock');
      await page.waitForSelector('#saved');
      assert.equal(await page.locator('#unlock').count(), 0);
      assert.equal((await signInWith(ax.locked.username, password)).status, 201, 'unlocked');

      await page.click('#reset-password');
      await page.waitForSelector('#confirm');
      await checkPage(page, 'admin-password-reset-confirm');
      await page.click('#confirm');
      await page.waitForSelector('#temporary-password');
      const temporary = (await page.locator('#temporary-password').innerText()).trim();
      await checkPage(page, 'admin-password-reset');
      assert.equal((await signInWith(ax.locked.username, password)).status, 401, 'the old password is refused');
      const restricted = await signInWith(ax.locked.username, temporary);
      assert.equal(restricted.status, 201);
      assert.equal(restricted.body.password_change_required, true);

      const leaver = await bearer(suite.server.origin, ax.leaver);
      assert.equal((await leaver('GET', '/api/v1/me')).status, 200);
      await openAccount(page, ax.leaver.username);
      await page.click('#deactivate');
      await page.waitForSelector('#confirm');
      await page.click('#confirm');
      await page.waitForSelector('#reactivate');
      assert.match(await page.locator('#saved').innerText(), /can no longer sign in/);
      await checkPage(page, 'admin-account-deactivated');
      assert.equal((await leaver('GET', '/api/v1/me')).status, 401, 'the session ended at once');
      await page.goto(`${suite.server.origin}/admin/users`);
      await page.waitForSelector('#users');
      assert.match(await row(page, ax.leaver.username).innerText(), /Deactivated/);

      await openAccount(page, ax.admin.username);
      assert.equal(await page.locator('#own-role').count(), 1, 'no one changes their own role');
      assert.equal(await page.locator('#deactivate').count(), 0);
    });

    test('the admin adds a police force that works with a council, renames it and changes its councils', async () => {
      await page.goto(`${suite.server.origin}/admin`);
      await page.waitForSelector('#organisations');
      await page.click('a:has-text("Add an organisation")');
      await page.waitForSelector('#add-organisation');
      await page.click('#add-organisation');
      await page.waitForSelector('.govuk-error-summary');
      await checkPage(page, 'admin-organisation-add-errors');
      const code = unique('FORCE');
      await page.fill('#code', code);
      await page.fill('#name', 'Shire Police');
      await page.check('#kind');
      await page.locator('#works_with').first().waitFor();
      await page.locator('.govuk-checkboxes__item', { hasText: `(${ax.council})` }).locator('input').check();
      await checkPage(page, 'admin-organisation-add');
      await page.click('#add-organisation');
      await page.waitForURL(/\/admin$/);
      assert.match(await banner(page), /Organisation added/);
      // The council's own item now names the force too (both sides see the relation).
      const item = page.locator('#organisations > li', { hasText: code }).filter({ hasText: 'Police force' });
      assert.match(await item.innerText(), new RegExp(`works with ${ax.council}`));
      assert.match(await page.locator('#organisations > li', { hasText: `Test ${ax.council}` }).innerText(), new RegExp(`works with ${code}`));

      await item.locator('a', { hasText: 'Rename or choose councils' }).click();
      await page.waitForSelector('#save-organisation');
      await checkPage(page, 'admin-organisation-details');
      await page.fill('#name', 'Shire Constabulary');
      await page.locator('.govuk-checkboxes__item', { hasText: `(${ax.council})` }).locator('input').uncheck();
      await page.click('#save-organisation');
      await page.waitForURL(/\/admin$/);
      assert.match(await banner(page), /works with no council/);
      const admin = await bearer(suite.server.origin, ax.admin);
      const saved = (await admin('GET', '/api/v1/organisations')).body.items.find((o) => o.code === code);
      assert.equal(saved.name, 'Shire Constabulary');
      assert.deepEqual(saved.works_with, []);
      assert.equal((await admin('PATCH', `/api/v1/organisations/${code}`, { works_with: [ax.council] })).status, 200);
      const officer = await bearer(suite.server.origin, makeUser('police', code));
      assert.deepEqual((await officer('GET', '/api/v1/me')).body.works_with.map((o) => o.code), [ax.council]);
    });

    test('the admin of the whole service sees every organisation’s accounts; a council’s admin only their own', async () => {
      ({ page } = await open());
      await signIn(page, ax.admin);
      await page.goto(`${suite.server.origin}/admin/users`);
      await page.waitForSelector('#users');
      await page.selectOption('#organisation', '');
      await page.click('#show-accounts');
      await page.waitForURL(/organisation=$/);
      await page.waitForSelector('#users th:has-text("Organisation")');
      const councils = await page.locator('#users tbody tr td:nth-child(2)').allInnerTexts();
      assert.ok(new Set(councils).size > 1, `accounts of several organisations: ${[...new Set(councils)].join(', ')}`);
      await checkPage(page, 'admin-accounts-everywhere');

      const local = await open();
      await signIn(local.page, ax.localAdmin);
      await local.page.waitForURL(/\/admin$/);
      await local.page.waitForSelector('#organisations');
      assert.equal(await local.page.locator('a:has-text("Add an organisation")').count(), 0, 'no adding organisations');
      assert.equal(await local.page.locator('#organisations a:has-text("Rename")').count(), 1, 'only their own organisation');
      await checkPage(local.page, 'admin-organisations-own-only');
      await local.page.goto(`${suite.server.origin}/admin/users`);
      await local.page.waitForSelector('#users');
      assert.equal(await local.page.locator('#organisation').count(), 0, 'no choice of organisation');
      const localAdmin = await bearer(suite.server.origin, ax.localAdmin);
      assert.equal((await localAdmin('POST', '/api/v1/organisations', { code: unique('NOPE'), name: 'N', kind: 'police' })).status, 403);
    });
  });
}
