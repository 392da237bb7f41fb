// Two-step sign-in (registered by journeys.test.mjs, on its server and browser): a worker sets it
// up on their account page (the QR code shown as an image, the key for typing by hand), confirms
// with a code this test computes as an authenticator app does (RFC 6238 with node's HMAC-SHA-1),
// keeps the recovery codes shown once, signs out, and signs in again: the sign-in page asks for the
// code only after the right password, a wrong code is refused, the right one signs in, and a
// recovery code works once. Under HOMEWARD_TWO_FACTOR=required (a server of its own), a user who
// has not enrolled is taken straight to the set-up and works once it is on. Every state is checked
// with axe-core at 375 and 1280 px (checkPage).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { call, checkPage, makeOrganisation, makeUser, password, startServer } from './harness.mjs';
import { open, signIn, suite } from './suite.mjs';
import { fromBase32, stepAt, totp } from '../support/totp.mjs';

const tf = {};

export function twoFactorSetUp() {
  tf.council = makeOrganisation('local_authority');
  tf.worker = makeUser('social_worker', tf.council);
  tf.newcomer = makeUser('social_worker', tf.council);
}

// Sets two-step sign-in up on the page (the account page or the page a session that must enrol is
// shown): the secret read from the page, confirmed with the current code. Answers the secret, the
// step used and the recovery codes.
async function setUp(page, name) {
  await page.click('#enrol-two-step');
  await page.waitForSelector('#two-step-qr');
  const loaded = await page.locator('#two-step-qr').evaluate((img) => img.complete && img.naturalWidth > 0);
  assert.ok(loaded, 'the QR code is shown (a data: image the policy allows)');
  await checkPage(page, `${name}-qr`);
  const secret = fromBase32(await page.locator('#two-step-secret').innerText());
  assert.equal(secret.length, 20);
  await page.fill('#totp', '12345');
  await page.click('#confirm-two-step');
  await page.waitForSelector('.govuk-error-summary');
  await checkPage(page, `${name}-code-error`);
  const step = stepAt();
  await page.fill('#totp', totp(secret, step));
  await page.click('#confirm-two-step');
  await page.waitForSelector('#recovery-codes');
  const codes = (await page.locator('#recovery-codes li').allInnerTexts()).map((c) => c.trim());
  assert.equal(codes.length, 10);
  await checkPage(page, `${name}-recovery-codes`);
  return { secret, step, codes };
}

export function twoFactorJourneys() {
  describe('two-step sign-in', () => {
    test('a worker sets it up, signs out, and signs in with a code; a recovery code works once', async () => {
      const { page } = await open();
      await signIn(page, tf.worker);
      await page.goto(`${suite.server.origin}/account`);
      await page.waitForSelector('#two-step-status');
      assert.match(await page.locator('#two-step-status').innerText(), /Two-step sign-in is off/);
      await checkPage(page, 'account-two-step-off');
      const { secret, step, codes } = await setUp(page, 'account-two-step');
      await page.click('#kept-codes');
      await page.waitForSelector('#two-step-done');
      assert.match(await page.locator('#two-step-status').innerText(), /Two-step sign-in is on/);
      await checkPage(page, 'account-two-step-on');

      await page.click('#sign-out');
      await page.waitForURL(/\/sign-in\?reason=you_signed_out/);
      await page.fill('#username', tf.worker.username);
      await page.fill('#password', password);
      await page.click('button:has-text("Sign in")');
      await page.waitForSelector('#totp');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'totp', 'the code field has the focus');
      await checkPage(page, 'sign-in-code');
      await page.fill('#totp', '000000');
      await page.click('button:has-text("Sign in")');
      await page.waitForSelector('#totp-error');
      await checkPage(page, 'sign-in-code-wrong');
      // The confirmation used its step's code: the next step's is the one an app shows next.
      await page.fill('#totp', totp(secret, step + 1));
      await page.click('button:has-text("Sign in")');
      await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
      await page.waitForSelector('#my-work-lists');

      const origin = suite.server.origin;
      const withCode = (code) => call(origin, 'POST', '/api/v1/session', { username: tf.worker.username, password, totp: code });
      assert.equal((await call(origin, 'POST', '/api/v1/session', { username: tf.worker.username, password })).body.totp_required, true);
      assert.equal((await withCode(codes[0])).status, 201, 'a recovery code signs in');
      assert.equal((await withCode(codes[0])).status, 401, 'once');
    });

    test('required: a user who has not enrolled is taken to the set-up first, then works', async () => {
      const strict = await startServer({ HOMEWARD_TWO_FACTOR: 'required' });
      try {
        const { page, context } = await open(strict.origin);
        await signIn(page, tf.newcomer, strict.origin);
        await page.goto(`${strict.origin}/my-work`);
        await page.waitForSelector('#enrol-two-step');
        assert.match(await page.locator('#two-step-status').innerText(), /requires two-step sign-in/);
        await checkPage(page, 'two-step-required');
        await setUp(page, 'two-step-required');
        await page.click('#kept-codes');
        await page.waitForSelector('#my-work-lists');
        const me = await page.evaluate(() => fetch('/api/v1/me', { headers: { 'X-Homeward-Web': '1' } }).then((r) => r.json()));
        assert.equal(me.enrolment_required, false);
        assert.equal(me.two_factor, true);
        await context.close();
      } finally {
        await strict.stop();
      }
    });
  });
}
