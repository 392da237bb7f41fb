// What the journeys of part one (journeys.test.mjs) and part two (oversight.journeys.mjs) share:
// the server, the browser, the SMTP relay and the contexts opened (checked at the end), and the
// small helpers that drive the pages.
import { openContext, password, settled } from './harness.mjs';

export const suite = { server: null, browser: null, smtp: null, contexts: [], figures: {} };

export async function open(origin = suite.server.origin, options) {
  const opened = await openContext(suite.browser, origin, options);
  suite.contexts.push(opened);
  return opened;
}

export async function signIn(page, user, origin = suite.server.origin) {
  await page.goto(`${origin}/sign-in`);
  await page.fill('#username', user.username);
  await page.fill('#password', password);
  await page.click('button:has-text("Sign in")');
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

const pad = (n) => String(n).padStart(2, '0');
export function parts(date) {
  return { day: String(date.getUTCDate()), month: String(date.getUTCMonth() + 1), year: String(date.getUTCFullYear()),
    time: `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}` };
}

export async function fillDate(page, id, date) {
  const p = parts(date);
  for (const name of ['day', 'month', 'year']) await page.fill(`#${id}-${name}`, p[name]);
}

export async function fillTime(page, id, date) {
  const p = parts(date);
  for (const name of ['day', 'month', 'year', 'time']) await page.fill(`#${id}-${name}`, p[name]);
}

export async function clickEvent(page, label) {
  await page.click(`#allowed-events a:has-text("${label}")`);
  await page.waitForSelector('form');
}

export async function banner(page) {
  return page.locator('.govuk-notification-banner').innerText();
}

// The API paths a page asks for while `action` runs and until the network is idle.
export async function apiCallsOf(page, action) {
  const calls = [];
  const listener = (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/api/')) calls.push(`${r.method()} ${url.pathname}${url.search}`);
  };
  page.on('request', listener);
  await action();
  await settled(page);
  page.off('request', listener);
  return calls;
}
