// Homeward's pages in a real headless Chromium against the real `homeward serve` and database:
// the police report (by keyboard only), regrade, return and safe-and-well check; the social
// worker's take, offer (and a 412 when police acted meanwhile), interview with indicators,
// actions, and close (refused until the champion signs off through the API); a refusal with the
// carers' account; sign-in, session expiry and sign-out. Every page in every state these reach
// passes axe-core at WCAG 2.2 AA at 375 and 1280 px, makes no request to another host and no
// CSP violation; the checks are first shown to catch a page that breaks them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import {
  artifacts, axe, bearer, checkPage, cleanup, cspViolations, launch, makeOrganisation, makeUser, openContext,
  password, settled, startServer, startSmtp, tabTo, tlsFiles, unique, writeReport, freePort,
} from './harness.mjs';
import { adminJourneys, adminSetUp } from './admin.journeys.mjs';
import { figuresJourneys, figuresSetUp } from './figures.journeys.mjs';
import { partTwo, partTwoSetUp } from './oversight.journeys.mjs';
import { privacyJourneys, privacySetUp } from './privacy.journeys.mjs';
import { twoFactorJourneys, twoFactorSetUp } from './two_factor.journeys.mjs';
import { banner, clickEvent, fillDate, fillTime, open, parts, signIn, suite } from './suite.mjs';

let server;
let browser;
let force;
let council;
let police;
let worker;
let champion;
const figures = suite.figures;
const family = unique('Ashdown').replace('-', '').replace(/[0-9]/g, (d) => 'abcdefghij'[d]);
const contexts = suite.contexts;

before(async () => {
  // The relay that receives the email alerts, and the server on a port known in advance so that
  // the links in those emails (HOMEWARD_PUBLIC_URL) lead back to it. The sweeper, the webhook
  // sender and the email sender run every second; a webhook message dies at its first refusal,
  // and receivers on 127.0.0.1 trust the test authority.
  suite.smtp = await startSmtp();
  const port = await freePort();
  server = await startServer({
    HOMEWARD_PUBLIC_URL: `https://127.0.0.1:${port}`,
    HOMEWARD_SMTP_URL: suite.smtp.url,
    HOMEWARD_SMTP_FROM: 'homeward@council.test',
    HOMEWARD_SMTP_CA_FILE: tlsFiles.ca,
    HOMEWARD_EMAIL_SECONDS: '1',
    HOMEWARD_SWEEP_SECONDS: '1',
    HOMEWARD_WEBHOOK_SECONDS: '1',
    HOMEWARD_WEBHOOK_MAX_ATTEMPTS: '1',
    HOMEWARD_WEBHOOK_ALLOW_PRIVATE: 'true',
    HOMEWARD_WEBHOOK_CA_FILE: tlsFiles.ca,
  }, { port });
  suite.server = server;
  force = makeOrganisation('police');
  council = makeOrganisation('local_authority');
  police = makeUser('police', force);
  worker = makeUser('social_worker', council);
  champion = makeUser('cse_champion', council);
  browser = await launch();
  suite.browser = browser;
  partTwoSetUp({ force, police });
  figuresSetUp({ police, otherCouncil: council });
  adminSetUp();
  privacySetUp();
  twoFactorSetUp();
});

after(async () => {
  const seen = writeReport(figures);
  const product = seen.filter((s) => !s.testOnly);
  console.log(`axe: ${product.length} page states of the product checked at 375 and 1280 px, ` +
    `${product.reduce((n, s) => n + s.violations375 + s.violations1280, 0)} violations ` +
    `(and the test-only pages caught as they must be); screenshots in ${artifacts}`);
  console.log(`figures: ${JSON.stringify(figures)}`);
  await browser?.close();
  await server?.stop();
  await suite.smtp?.stop();
  cleanup();
  for (const { problems } of contexts) {
    assert.deepEqual(problems.foreign, [], 'no request may go to another host');
    assert.deepEqual(problems.csp, [], 'no Content-Security-Policy violation');
    assert.deepEqual(problems.errors, [], 'no script error');
  }
});

describe('the checks catch what they must', () => {
  test('axe finds a known violation, the CSP watch an inline script, the guard a foreign host, the wait a held request', async () => {
    const { context, page, problems } = await openContext(browser, server.origin);
    const policy = (await page.request.get(`${server.origin}/`)).headers()['content-security-policy'];
    assert.match(policy, /default-src 'self'/);
    // Test-only pages, served by this test under the server's origin, never by the product.
    const pages = {
      '/__test__/axe': '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main><img src="/nothing.png"><button></button></main></body></html>',
      '/__test__/csp': '<!DOCTYPE html><html lang="en"><head><title>before</title></head><body><main><script>document.title = "ran"</script></main></body></html>',
      '/__test__/held': '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main><img alt="x" src="/__test__/held.png"></main></body></html>',
      '/__test__/host': '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main><img alt="x" src="https://fonts.example.invalid/x.png"></main></body></html>',
    };
    // The host page goes without the policy: with it the browser would not even ask (img-src
    // 'self'), and the guard must be shown to catch what the policy would miss.
    await context.route(`${server.origin}/__test__/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      return route.fulfill({
        status: 200, contentType: 'text/html', body: pages[path],
        headers: path === '/__test__/host' ? {} : { 'content-security-policy': policy },
      });
    });
    await page.goto(`${server.origin}/__test__/axe`);
    const violations = (await axe(page)).map((v) => v.id);
    assert.ok(violations.includes('image-alt') && violations.includes('button-name'), `axe saw ${violations}`);
    await assert.rejects(checkPage(page, 'test-only-axe'), /axe found violations/);

    await page.goto(`${server.origin}/__test__/csp`);
    await page.waitForTimeout(200);
    assert.equal(await page.title(), 'before', 'the inline script must not run');
    assert.ok((await cspViolations(page)).length > 0, 'the violation event is recorded');
    assert.ok(problems.csp.length > 0, 'the console report is recorded');
    await assert.rejects(checkPage(page, 'test-only-csp'), /CSP violations/);

    await page.goto(`${server.origin}/__test__/host`);
    await settled(page);
    assert.deepEqual(problems.foreign, ['https://fonts.example.invalid/x.png']);

    // A request that is never answered: the page never settles, and the wait names the request.
    await context.route(`${server.origin}/__test__/held.png`, () => {});
    await page.goto(`${server.origin}/__test__/held`, { waitUntil: 'domcontentloaded' });
    await assert.rejects(settled(page, 2000),
      /requests in flight: GET \/__test__\/held\.png \(image, in flight \d+ ms\)/);
    await context.close();
  });
});

describe('signing in', () => {
  test('the sign-in page, a wrong password, then the role’s own home', async () => {
    const { page } = await open();
    await page.goto(`${server.origin}/`);
    await page.waitForURL(/\/sign-in/);
    await page.waitForSelector('h1:has-text("Sign in to Homeward")');
    await checkPage(page, 'sign-in');
    await page.fill('#username', police.username);
    await page.fill('#password', 'not the password at all');
    await page.click('button:has-text("Sign in")');
    await page.waitForSelector('.govuk-error-summary');
    assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter a correct username and password/);
    await checkPage(page, 'sign-in-wrong-password');
    await page.fill('#password', password);
    await page.click('button:has-text("Sign in")');
    await page.waitForURL(/\/police$/);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === '__Host-homeward');
    assert.ok(session.httpOnly && session.secure && session.sameSite === 'Strict');
    assert.equal(await page.evaluate(() => document.cookie), '', 'script cannot read the session');
  });
});

let episodeId;
let policePage;
let workerPage;

describe('police and social worker, through the pages', () => {
  test('police report a child missing with the keyboard only, in under a minute', async () => {
    const { page } = await open();
    policePage = page;
    await signIn(page, police);
    await page.goto(`${server.origin}/report`);
    await page.waitForSelector('h1:has-text("Find the child")');
    await checkPage(page, 'report-find');
    // The clock runs only while the officer types: the page checks in between are not theirs.
    let spent = 0;
    let started = Date.now();
    const pause = async (name) => {
      spent += Date.now() - started;
      await checkPage(page, name);
      started = Date.now();
    };
    const key = (k) => page.keyboard.press(k);
    await tabTo(page, '#search-name');
    await page.keyboard.type(family);
    await key('Tab');
    await page.keyboard.type('2');
    await key('Tab');
    await page.keyboard.type('4');
    await key('Tab');
    await page.keyboard.type('2011');
    await key('Enter');
    await page.waitForSelector('#no-match');
    await pause('report-no-match');
    await tabTo(page, '#add-child');
    await key('Enter');
    await page.waitForSelector('h1:has-text("Add the child")');
    await pause('report-add-child');
    await tabTo(page, '#given_name');
    await page.keyboard.type('Amy');
    await tabTo(page, '#sex');
    await key('Space');
    await tabTo(page, '#looked_after');
    await key('Space');
    await tabTo(page, '#responsible_authority');
    await page.keyboard.type(council);
    await key('Enter');
    await page.waitForSelector('#last_seen_at-day');
    await pause('report-details');
    const seen = parts(new Date(Date.now() - 3 * 3600 * 1000));
    for (const name of ['day', 'month', 'year', 'time']) {
      await tabTo(page, `#last_seen_at-${name}`);
      await key('Control+A');
      await page.keyboard.type(seen[name]);
    }
    await tabTo(page, '#last_seen_location');
    await page.keyboard.type('Bus station, High Street');
    await tabTo(page, '#circumstances');
    await page.keyboard.type('Did not come home from school');
    await tabTo(page, '#risk_level');
    await key('ArrowDown'); // high → medium
    await tabTo(page, '#missing_or_away');
    await key('Space');
    await tabTo(page, '#police_reference');
    await page.keyboard.type('NP-2026-0042');
    await key('Enter');
    await page.waitForURL(/\/episodes\/[0-9a-f-]{36}$/);
    await page.waitForSelector('.govuk-notification-banner--success');
    spent += Date.now() - started;
    figures.keyboard_report_seconds = Number((spent / 1000).toFixed(1));
    assert.ok(figures.keyboard_report_seconds < 60, `the report took ${figures.keyboard_report_seconds}s`);
    episodeId = page.url().split('/').pop();
    assert.match(await banner(page), /reported missing/);
    assert.match(await page.locator('h1').innerText(), new RegExp(`Amy ${family}`));
    await checkPage(page, 'episode-missing');
  });

  test('the report form names every missing field in the error summary', async () => {
    const page = policePage;
    await page.goto(`${server.origin}/report`);
    await page.fill('#search-name', family);
    await fillDate(page, 'search-dob', new Date(Date.UTC(2011, 3, 2)));
    await page.click('#find-child');
    await page.waitForSelector('#child');
    await checkPage(page, 'report-one-match');
    await page.click('#choose-child');
    await page.fill('#last_seen_at-time', '');
    await page.click('#submit-report');
    await page.waitForSelector('.govuk-error-summary');
    const summary = await page.locator('.govuk-error-summary').innerText();
    assert.match(summary, /Enter the time of the last sighting/);
    assert.match(summary, /Select the risk grade/);
    assert.equal(await page.evaluate(() => document.activeElement.classList.contains('govuk-error-summary')), true);
    await page.click('.govuk-error-summary a[href="#risk_level"]');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'risk_level');
    await checkPage(page, 'report-errors');
  });

  test('police regrade the risk, see their open episodes, and record the return', async () => {
    const page = policePage;
    await page.goto(`${server.origin}/episodes/${episodeId}`);
    await clickEvent(page, 'Change the risk grade');
    await checkPage(page, 'risk-form');
    await page.check('#risk_level'); // high
    await page.fill('#reason', 'Seen getting into a car with an older man');
    await page.click('button:has-text("Change the risk grade")');
    await page.waitForSelector('.govuk-notification-banner--success');
    assert.match(await page.locator('#timeline').innerText(), /Risk grade changed/);
    await checkPage(page, 'episode-regraded');

    await page.click('a:has-text("Police work")');
    await page.waitForSelector('#police-lists');
    assert.match(await page.locator('#open-list').innerText(), new RegExp(`Amy ${family}`));
    await checkPage(page, 'police-work');

    await page.goto(`${server.origin}/episodes/${episodeId}`);
    await clickEvent(page, 'Record the return');
    await checkPage(page, 'return-form');
    await fillTime(page, 'returned_at', new Date(Date.now() - 3600 * 1000));
    await page.fill('#found_location', 'Park near the station');
    await page.fill('#returned_to', 'Her foster carer');
    await page.click('button:has-text("Record the return")');
    await page.waitForSelector('.govuk-notification-banner--success');
    assert.match(await page.locator('.govuk-tag').first().innerText(), /Returned/);
    await checkPage(page, 'episode-returned');
  });

  test('a social worker finds the child waiting, takes the episode, and sees My work', async () => {
    const { page } = await open();
    workerPage = page;
    await signIn(page, worker);
    await page.waitForURL(/\/my-work$/);
    await page.waitForSelector('#my-work-lists');
    assert.match(await page.locator('#unassigned-list').innerText(), new RegExp(`Amy ${family}`));
    await checkPage(page, 'my-work-unassigned');
    await page.click(`#unassigned-list a:has-text("Amy ${family}")`);
    await page.waitForSelector('#timeline');
    await checkPage(page, 'episode-returned-social-worker');
    await clickEvent(page, 'Take this episode');
    await checkPage(page, 'take-form');
    await page.click('button:has-text("Take this episode")');
    await page.waitForSelector('.govuk-notification-banner--success');
    await page.click('a:has-text("My work")');
    await page.waitForSelector('#my-work-lists');
    assert.match(await page.locator('#due-soon-list').innerText(), /Offer the return interview/);
    assert.match(await page.locator('#due-soon-list').innerText(), /due in 23 hours/);
    await checkPage(page, 'my-work');
  });

  test('when police act meanwhile, the offer is refused (412) and the worker sees the episode as it is', async () => {
    const page = workerPage;
    await page.click(`#mine-list a:has-text("Amy ${family}")`);
    await clickEvent(page, 'Offer the return interview');
    await checkPage(page, 'offer-form');

    await policePage.goto(`${server.origin}/episodes/${episodeId}`);
    await clickEvent(policePage, 'Record the safe and well check');
    await checkPage(policePage, 'safe-and-well-form');
    await policePage.fill('#notes', 'Tired, no injuries, says she stayed with friends');
    await policePage.click('button:has-text("Record the check")');
    await policePage.waitForSelector('.govuk-notification-banner--success');
    await checkPage(policePage, 'episode-safe-and-well');

    await fillTime(page, 'scheduled_for', new Date(Date.now() + 24 * 3600 * 1000));
    await page.check('#independent');
    await page.click('button:has-text("Offer the interview")');
    await page.waitForSelector('text=Someone else changed this episode');
    assert.match(await page.locator('#allowed-events').innerText(), /Offer the return interview/);
    assert.match(await page.locator('#timeline').innerText(), /Safe and well check recorded/);
    await checkPage(page, 'episode-412');

    await clickEvent(page, 'Offer the return interview');
    await fillTime(page, 'scheduled_for', new Date(Date.now() - 2 * 3600 * 1000));
    await page.check('#independent');
    await page.click('button:has-text("Offer the interview")');
    await page.waitForSelector('.govuk-error-summary');
    assert.ok(await page.locator('.govuk-error-summary a[href="#scheduled_for-day"]').count() === 1,
      await page.locator('.govuk-error-summary').innerText());
    assert.equal(await page.locator('#scheduled_for-error').count(), 1);
    await checkPage(page, 'offer-422');
    await fillTime(page, 'scheduled_for', new Date(Date.now() + 24 * 3600 * 1000));
    await page.click('button:has-text("Offer the interview")');
    await page.waitForSelector('.govuk-notification-banner--success');
    assert.match(await page.locator('.govuk-tag').first().innerText(), /Interview offered/);
    await checkPage(page, 'episode-interview-offered');
  });

  test('the interview: indicators move the score and the suggestion; a lower judgement needs a reason', async () => {
    const page = workerPage;
    await clickEvent(page, 'Record the return interview');
    await page.waitForSelector('#indicator-score');
    assert.match(await page.locator('#indicator-score').innerText(), /Score 0.*none/s);
    await checkPage(page, 'interview-form');
    const warning = page.locator('#indicator-warning_sign').locator('xpath=ancestor::fieldset').locator('input[type=checkbox]');
    for (let i = 0; i < 4; i++) await warning.nth(i).check();
    assert.match(await page.locator('#indicator-score').innerText(), /Score 20.*high/s);
    await warning.nth(3).uncheck();
    assert.match(await page.locator('#indicator-score').innerText(), /Score 15.*medium/s);
    await warning.nth(3).check();
    await page.check('#cse_risk-3'); // medium, lower than the suggested high
    await page.waitForSelector('#risk_rationale');
    await page.click('button:has-text("Record the interview")');
    await page.waitForSelector('.govuk-error-summary');
    const summary = await page.locator('.govuk-error-summary').innerText();
    assert.match(summary, /why the risk is lower than the high risk/);
    assert.match(summary, /where the interview was held/);
    await checkPage(page, 'interview-errors');
    await page.fill('#location', 'School, quiet room');
    await page.fill('#where_stayed', 'A flat above the takeaway');
    await page.fill('#with_whom', 'An older man she met online');
    await page.check('#push_factors');
    await page.check('#pull_factors-3');
    await page.check('#harm_disclosed-2'); // no
    await page.fill('#risk_rationale', 'She is engaging with the safety plan and the carer supervises her phone use');
    await page.fill('#child_views', 'Wants to keep seeing her friends');
    await page.fill('#police_intelligence', 'Silver car, partial registration AB12');
    await page.click('button:has-text("Record the interview")');
    await page.waitForSelector('.govuk-notification-banner--success');
    assert.match(await page.locator('main').innerText(), /CSE risk medium/);
    await checkPage(page, 'episode-interviewed');
  });

  test('a follow-up action with its owner and due date, done; close refused until the champion signs off', async () => {
    const page = workerPage;
    await clickEvent(page, 'Add a follow-up action');
    await checkPage(page, 'action-form');
    await page.selectOption('#type', 'cse_referral');
    await page.fill('#description', 'Refer to the CSE panel');
    await fillTime(page, 'due_at', new Date(Date.now() + 3 * 24 * 3600 * 1000));
    await page.click('button:has-text("Add the action")');
    await page.waitForSelector('.govuk-notification-banner--success');
    assert.match(await page.locator('#actions').innerText(), /CSE referral[\s\S]*Owner: you/);
    await checkPage(page, 'episode-follow-up');

    // A second action that turns out not to be needed: cancelled, with the reason.
    await clickEvent(page, 'Add a follow-up action');
    await page.selectOption('#type', 'health');
    await page.fill('#description', 'Book a dentist appointment');
    await fillTime(page, 'due_at', new Date(Date.now() + 5 * 24 * 3600 * 1000));
    await page.click('button:has-text("Add the action")');
    await page.waitForSelector('.govuk-notification-banner--success');
    await page.click('#actions li:has-text("Book a dentist appointment") a:has-text("Cancel")');
    await page.waitForSelector('#reason');
    await page.click('button:has-text("Cancel the action")');
    await page.waitForSelector('.govuk-error-summary');
    assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter why the action is no longer needed/);
    await checkPage(page, 'cancel-action-form-error');
    await page.fill('#reason', 'Seen by the GP instead');
    await page.click('button:has-text("Cancel the action")');
    await page.waitForSelector('.govuk-notification-banner--success');
    assert.match(await page.locator('#actions').innerText(), /Cancelled[\s\S]*Why it was cancelled: Seen by the GP instead/);

    await page.click('#actions a:has-text("Mark as done")');
    await page.waitForSelector('#outcome');
    await checkPage(page, 'complete-action-form');
    await page.fill('#outcome', 'Referred; panel meets on Thursday');
    await page.click('button:has-text("Mark as done")');
    await page.waitForSelector('.govuk-notification-banner--success');
    assert.doesNotMatch(await page.locator('#allowed-events').innerText(), /Close the episode/);
    assert.match(await page.locator('main').innerText(), /signed off by the CSE champion/i);
    await checkPage(page, 'episode-waiting-for-sign-off');

    await page.goto(`${server.origin}/episodes/${episodeId}/close`);
    await page.fill('#summary', 'Safe at home; plan agreed');
    await page.click('button:has-text("Close the episode")');
    await page.waitForSelector('.govuk-error-summary');
    const refusal = await page.locator('.govuk-error-summary').innerText();
    assert.match(refusal, /You cannot do this now/);
    assert.match(refusal, /sign/i);
    await checkPage(page, 'close-refused-409');

    const api = await bearer(server.origin, champion);
    const current = await api('GET', `/api/v1/episodes/${episodeId}`);
    const signed = await api('POST', `/api/v1/episodes/${episodeId}/sign-off`, { note: 'Reviewed with the panel' },
      { 'if-match': current.etag });
    assert.equal(signed.status, 200, JSON.stringify(signed.body));

    await page.goto(`${server.origin}/episodes/${episodeId}`);
    await page.waitForSelector('#timeline');
    assert.match(await page.locator('#timeline').innerText(), /Signed off by the CSE champion/);
    await clickEvent(page, 'Close the episode');
    await page.fill('#summary', 'Safe at home; plan agreed');
    await page.click('button:has-text("Close the episode")');
    await page.waitForSelector('.govuk-notification-banner--success');
    assert.match(await page.locator('.govuk-tag').first().innerText(), /Closed/);
    await checkPage(page, 'episode-closed');

    // The print view of the closed episode: A4, every section, no header, menu or buttons.
    assert.ok(await page.locator('#print-episode').isVisible(), 'a Print button');
    const pdfLink = page.locator('#download-report');
    assert.equal(await pdfLink.getAttribute('href'), `/api/v1/episodes/${episodeId}/report`);
    await page.emulateMedia({ media: 'print' });
    for (const hidden of ['.hw-header', '.govuk-service-navigation', '#print-links', '#allowed-events']) {
      assert.equal(await page.locator(hidden).first().isVisible(), false, `${hidden} is not printed`);
    }
    for (const shown of ['h1', '#deadlines', '#actions', '#timeline', '#printed-by']) {
      assert.ok(await page.locator(shown).first().isVisible(), `${shown} is printed`);
    }
    // Who printed it, their role and organisation, as words a reader can read.
    assert.match(await page.locator('#printed-by').innerText(), /^Printed from Homeward by \S+ \([^,()]+, [^()]+\)\. It holds personal data/);
    await checkPage(page, 'episode-print');
    await page.emulateMedia({ media: 'screen' });
    // The same episode as the PDF the server renders, downloaded with the session's cookie.
    const [download] = await Promise.all([page.waitForEvent('download'), pdfLink.click()]);
    assert.equal(download.suggestedFilename(), `episode-${episodeId}.pdf`);
    const pdf = readFileSync(await download.path());
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  });

  test('a child declines the interview: the refusal and the carers’ account', async () => {
    const api = await bearer(server.origin, police);
    const child = await api('POST', '/api/v1/children', { given_name: 'Ben', family_name: family, date_of_birth: '2010-09-09',
      sex: 'male', looked_after: false, responsible_authority: council });
    const report = await api('POST', '/api/v1/episodes', { child_id: child.body.id, last_seen_at: new Date(Date.now() - 7200e3).toISOString(),
      last_seen_location: 'Home', circumstances: 'Left after an argument', risk_level: 'low', police_reference: 'NP-2', missing_or_away: 'away' });
    const returned = await api('POST', `/api/v1/episodes/${report.body.id}/return`, { returned_at: new Date(Date.now() - 3600e3).toISOString(),
      found_location: 'Friend’s house', returned_to: 'Home' }, { 'if-match': report.etag });
    assert.equal(returned.status, 200);
    const page = workerPage;
    await page.goto(`${server.origin}/episodes/${report.body.id}`);
    await clickEvent(page, 'Record that the child declined');
    await checkPage(page, 'decline-form');
    await page.fill('#reason', 'Does not want to talk about it');
    await page.fill('#attempts', 'Phoned twice, visited once');
    await page.fill('#carers_account', 'Mum says he was at a friend’s house in town');
    await page.click('button:has-text("Record that the child declined")');
    await page.waitForSelector('.govuk-notification-banner--success');
    assert.match(await page.locator('main').innerText(), /The child declined/);
    assert.match(await page.locator('main').innerText(), /Mum says he was at a friend’s house/);
    await checkPage(page, 'episode-declined');
  });
});

// A small PNG (a colour gradient), made here so that the journey needs no image file.
function gradientPng(width, height) {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes) => {
    let c = 0xffffffff;
    for (const b of bytes) c = table[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per sample
  header[9] = 2; // truecolour
  const rows = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x += 1) row.set([x % 256, y % 256, 160], 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

describe('the profile (Philomena Protocol)', () => {
  test('a social worker records the profile and photo; police reporting see them at once and print the grab sheet', async () => {
    const sw = await bearer(server.origin, worker);
    const created = await sw('POST', '/api/v1/children', { given_name: 'Beth', family_name: family,
      date_of_birth: '2012-05-06', sex: 'female', looked_after: true, responsible_authority: council });
    assert.equal(created.status, 201);
    const child = created.body.id;

    const { page } = await open();
    await signIn(page, worker);
    await page.goto(`${server.origin}/children/${child}`);
    await page.waitForSelector('#no-profile');
    await checkPage(page, 'child-no-profile');
    await page.click('#profile-actions a:has-text("Record the profile")');
    await page.waitForSelector('#profile-form');
    await checkPage(page, 'profile-form');
    // Who completed it is required: the error summary names it.
    await page.click('button:has-text("Save the profile")');
    await page.waitForSelector('.govuk-error-summary');
    assert.match(await page.locator('.govuk-error-summary').innerText(), /who completed the profile/i);
    await checkPage(page, 'profile-form-errors');
    await page.fill('#height', '150 cm');
    await page.fill('#hair', 'Long, dyed red');
    await page.fill('#clothing', 'Grey hoodie, black leggings');
    await page.fill('#medical_needs', 'Type 1 diabetes');
    await page.fill('#medication', 'Insulin twice a day');
    await page.fill('#associates', 'An older man called "Dee" with a silver car');
    await page.fill('#completed_by', 'Pat Carer');
    await page.click('button:has-text("Save the profile")');
    await page.waitForSelector('.govuk-notification-banner--success');
    assert.match(await page.locator('#profile').innerText(), /Type 1 diabetes/);
    await page.click('#profile-actions a:has-text("Upload a photograph")');
    await page.waitForSelector('#photo-form');
    await checkPage(page, 'photo-form');
    await page.setInputFiles('#photo-file', { name: 'beth.png', mimeType: 'image/png', buffer: gradientPng(300, 400) });
    await page.click('button:has-text("Upload the photograph")');
    await page.waitForSelector('.govuk-notification-banner--success');
    await page.waitForFunction(() => document.querySelector('#photo-thumbnail')?.naturalWidth > 0);
    await checkPage(page, 'child-profile-and-photo');

    // Police see nothing of it before their force reports the child; at once after.
    const force1 = await bearer(server.origin, police);
    assert.equal((await force1('GET', `/api/v1/children/${child}/profile`)).status, 404);
    const reported = await force1('POST', '/api/v1/episodes', { child_id: child,
      last_seen_at: new Date(Date.now() - 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
      last_seen_location: 'Retail park', circumstances: 'Left the placement at night', risk_level: 'high',
      police_reference: 'NP-2026-0077', missing_or_away: 'missing' });
    assert.equal(reported.status, 201);
    const episode = reported.body.id;
    const officer = (await open()).page;
    await signIn(officer, police);
    await officer.goto(`${server.origin}/episodes/${episode}`);
    await officer.waitForSelector('#profile-heading');
    const shown = await officer.locator('#profile').innerText();
    assert.match(shown, /Type 1 diabetes/);
    assert.match(shown, /Insulin twice a day/);
    assert.match(shown, /silver car/);
    await officer.waitForFunction(() => document.querySelector('#photo-thumbnail')?.naturalWidth > 0);
    assert.equal(await officer.locator('#profile-actions a:has-text("Update the profile")').count(), 0);
    await checkPage(officer, 'episode-profile-police');
    await officer.click('#profile-actions a:has-text("Print the grab sheet")');
    await officer.waitForSelector('#grab-sheet');
    await officer.waitForFunction(() => document.querySelector('#photo')?.naturalWidth === 300);
    const sheet = await officer.locator('#grab-sheet').innerText();
    assert.match(sheet, new RegExp(`Beth ${family}`));
    assert.match(sheet, /Retail park/);
    assert.match(sheet, /NP-2026-0077/);
    assert.match(sheet, /Type 1 diabetes/);
    await checkPage(officer, 'grab-sheet');
    // Printed: the header, menu and buttons go, and the sheet is one A4 page.
    await officer.emulateMedia({ media: 'print' });
    assert.equal(await officer.locator('.hw-header').isVisible(), false);
    assert.equal(await officer.locator('#print').isVisible(), false);
    assert.equal(await officer.locator('#grab-sheet').isVisible(), true);
    const pdf = await officer.pdf({ format: 'A4', printBackground: true });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    assert.equal(pages, 1, `the grab sheet printed on ${pages} pages`);
    await officer.emulateMedia({ media: 'screen' });
  });
});

describe('people, places and vehicles of concern', () => {
  test('a worker links a vehicle and chooses a possible match; the champion sees the network across children', async () => {
    const sw = await bearer(server.origin, worker);
    const force1 = await bearer(server.origin, police);
    const episodes = [];
    for (const given of ['Cara', 'Dan']) {
      const child = await sw('POST', '/api/v1/children', { given_name: given, family_name: family,
        date_of_birth: '2011-02-03', sex: 'unknown', looked_after: true, responsible_authority: council });
      assert.equal(child.status, 201);
      const reported = await force1('POST', '/api/v1/episodes', { child_id: child.body.id,
        last_seen_at: new Date(Date.now() - 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
        last_seen_location: 'Bus station', circumstances: 'Did not come home', risk_level: 'medium',
        police_reference: unique('NP'), missing_or_away: 'missing' });
      assert.equal(reported.status, 201);
      episodes.push(reported.body.id);
    }
    const plate = unique('AB').replace('-', '').slice(0, 8);
    const spaced = `${plate.slice(0, 4).toLowerCase()} ${plate.slice(4).toLowerCase()}`;

    const { page } = await open();
    await signIn(page, worker);
    await page.goto(`${server.origin}/episodes/${episodes[0]}`);
    await page.waitForSelector('#no-entities');
    await page.click('#entity-form-details summary');
    await page.click('#entity-submit');
    await page.waitForSelector('#entities .govuk-error-summary');
    assert.match(await page.locator('#entities .govuk-error-summary').innerText(), /Name/);
    await checkPage(page, 'episode-entities-errors');
    await page.check('#entity-kind-3');
    await page.fill('#entity-label', 'Silver Vauxhall Astra');
    await page.fill('#entity-identifier', spaced);
    await page.fill('#entity-colour', 'silver');
    await page.selectOption('#entity-link', 'picked_up_by');
    await page.click('#entity-submit');
    await page.waitForSelector('#entity-table');
    assert.match(await page.locator('#entity-table').innerText(), new RegExp(plate));
    assert.match(await page.locator('#entity-linked').innerText(), /added and linked/);
    await checkPage(page, 'episode-entities');

    // A person named on the second episode without the phone police gave: offered, then chosen.
    const phone = `07700${String(Date.now()).slice(-6)}`;
    const known = await force1('POST', `/api/v1/episodes/${episodes[1]}/entities`, { kind: 'person',
      label: `Dee ${family}`, identifier: phone, link: 'seen_with' });
    assert.equal(known.status, 201);
    await page.goto(`${server.origin}/episodes/${episodes[1]}`);
    await page.waitForSelector('#entity-table');
    await page.click('#entity-form-details summary');
    await page.fill('#entity-label', `dee ${family}`);
    await page.click('#entity-submit');
    await page.waitForSelector('#possible-matches');
    await checkPage(page, 'episode-entities-possible-match');
    await page.click('#possible-matches button');
    await page.waitForFunction(() => /Linked to/.test(document.querySelector('#entity-linked')?.textContent ?? ''));
    // The vehicle again on the second child's episode (spacing and case aside): one entity, two children.
    const again = await sw('POST', `/api/v1/episodes/${episodes[1]}/entities`, { kind: 'vehicle',
      label: 'Astra', identifier: plate, link: 'seen_with' });
    assert.equal(again.body.matched, 'existing');

    const lead = (await open()).page;
    const scripts = [];
    lead.on('request', (r) => { if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname); });
    await signIn(lead, champion);
    await lead.click('#navigation a:has-text("People, places and vehicles")');
    await lead.waitForSelector('#entity-list');
    assert.match(await lead.locator('#entity-list').innerText(), /Silver Vauxhall Astra/);
    await checkPage(lead, 'entity-list');
    const before = scripts.length;
    await lead.click(`#entity-list a:has-text("Silver Vauxhall Astra")`);
    await lead.waitForSelector('#entity-graph');
    // The graph's code came with this page, not before.
    assert.equal(scripts.slice(0, before).filter((p) => p.includes('/chunk-')).length, 0, scripts.join(', '));
    assert.equal(scripts.slice(before).filter((p) => p.includes('/chunk-')).length, 1, scripts.join(', '));
    assert.equal(await lead.locator('#entity-links tbody tr').count(), 2);
    assert.equal(await lead.locator('#entity-graph [data-kind="child"]').count(), 2);
    assert.match(await lead.locator('#entity-graph-title').textContent(), new RegExp(`Cara ${family}`));
    // The labels are in the page's typeface, not the browser's default serif.
    assert.match(await lead.locator('#entity-graph text').first().evaluate((t) => getComputedStyle(t).fontFamily), /arial/i);
    await checkPage(lead, 'entity-network');
  });
});

describe('figures', () => {
  test('bytes of the first load, time to My work, API requests of the episode page', async () => {
    const { page, context } = await open();
    const bytes = { total: 0, byType: {} };
    page.on('requestfinished', async (request) => {
      const sizes = await request.sizes();
      const size = sizes.responseBodySize + sizes.responseHeadersSize;
      bytes.total += size;
      const type = request.resourceType();
      bytes.byType[type] = (bytes.byType[type] ?? 0) + size;
    });
    await page.goto(`${server.origin}/sign-in`);
    await page.waitForSelector('h1:has-text("Sign in to Homeward")');
    await settled(page);
    await page.waitForTimeout(200);
    figures.first_load_bytes = bytes.total;
    figures.first_load_bytes_by_type = { ...bytes.byType };
    assert.ok(bytes.total <= 150 * 1024, `first load ${bytes.total} bytes`);

    await signIn(page, worker);
    const state = await context.storageState();
    const cold = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 375, height: 800 }, storageState: state });
    const coldPage = await cold.newPage();
    let started = Date.now();
    await coldPage.goto(`${server.origin}/my-work`);
    await coldPage.locator('#my-work-lists').waitFor();
    figures.my_work_visible_ms_cold = Date.now() - started;
    started = Date.now();
    await coldPage.goto(`${server.origin}/my-work`);
    await coldPage.locator('#my-work-lists').waitFor();
    figures.my_work_visible_ms_warm = Date.now() - started;

    const calls = [];
    coldPage.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/api/')) calls.push(new URL(r.url()).pathname); });
    await coldPage.goto(`${server.origin}/episodes/${episodeId}`);
    await coldPage.waitForSelector('#timeline');
    await settled(coldPage);
    figures.episode_page_api_requests_direct = calls.length;
    figures.episode_page_api_requests_direct_paths = [...calls];
    calls.length = 0;
    await coldPage.click('a:has-text("My work")');
    await coldPage.waitForSelector('#my-work-lists');
    calls.length = 0;
    const first = coldPage.locator('#my-work-lists li a[href^="/episodes/"] >> nth=0');
    const opened = (await first.getAttribute('href')).split('/')[2];
    await first.click();
    await coldPage.waitForSelector('#timeline');
    await coldPage.waitForSelector('#photo-thumbnail, #no-photo');
    await settled(coldPage);
    figures.episode_page_api_requests_in_app = calls.length;
    figures.episode_page_api_requests_in_app_paths = [...calls];
    // The episode and its history, the child's profile and the episode's entities, each once. The photograph's
    // thumbnail is an <img>: the browser may take it from the images this document already
    // loaded (the direct visit above showed the same one), so it is one request or none.
    const fetched = calls.filter((path) => !path.endsWith('/photo')).sort();
    const child = calls.find((path) => path.endsWith('/profile'))?.split('/')[4];
    assert.deepEqual(fetched, [`/api/v1/children/${child}/profile`, `/api/v1/episodes/${opened}`,
      `/api/v1/episodes/${opened}/entities`, `/api/v1/episodes/${opened}/history`].sort(),
    `in-app requests: ${calls.join(', ')}`);
    assert.ok(calls.length - fetched.length <= 1, `in-app requests: ${calls.join(', ')}`);
    await cold.close();
  });
});

describe('sessions', () => {
  test('after the idle limit the next action lands on sign-in saying why, then returns; sign-out', async () => {
    const short = await startServer({ HOMEWARD_SESSION_IDLE_SECONDS: '3' });
    try {
      const { page, context } = await open(short.origin);
      await page.goto(`${short.origin}/episodes/${episodeId}`);
      await page.waitForURL(/\/sign-in\?return=/);
      await page.fill('#username', worker.username);
      await page.fill('#password', password);
      await page.click('button:has-text("Sign in")');
      await page.waitForURL((url) => url.pathname === `/episodes/${episodeId}`);
      await page.waitForSelector('#timeline');
      await page.waitForTimeout(4000);
      await page.click('a:has-text("My work")');
      await page.waitForURL(/\/sign-in\?reason=idle/);
      const message = await page.locator('.govuk-notification-banner').innerText();
      assert.match(message, /signed out after 3 seconds without activity/);
      assert.equal(new URL(page.url()).searchParams.get('return'), '/my-work');
      await checkPage(page, 'signed-out-idle');
      await page.fill('#username', worker.username);
      await page.fill('#password', password);
      await page.click('button:has-text("Sign in")');
      await page.waitForURL((url) => url.pathname === '/my-work');
      await page.waitForSelector('#my-work-lists');

      await page.click('#sign-out');
      await page.waitForURL(/\/sign-in\?reason=you_signed_out/);
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /You have signed out/);
      await checkPage(page, 'signed-out');
      assert.equal((await page.context().cookies()).filter((c) => c.name === '__Host-homeward' && c.value).length, 0);
      await page.goto(`${short.origin}/my-work`);
      await page.waitForURL(/\/sign-in\?return=%2Fmy-work/);
      await context.close();
    } finally {
      await short.stop();
    }
  });
});

partTwo();
figuresJourneys();
adminJourneys();
privacyJourneys();
twoFactorJourneys();
