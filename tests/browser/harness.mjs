// What every browser test needs: the real `homeward serve` (the binary ops/test built) on a free
// port over the throwaway PostgreSQL, organisations and users made with the real command line,
// a headless Chromium driven by playwright-core, and the checks every page must pass: axe-core
// at WCAG 2.2 AA, no request to any other host, no Content-Security-Policy violation, no script
// error; screenshots at 375 and 1280 px wide kept under the build tree.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, request } from 'node:https';
import { createConnection } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const binary = process.env.HOMEWARD_BINARY ?? 'build/test/api/homeward';
const clusterUrl = process.env.HOMEWARD_TEST_DATABASE_URL;
export const artifacts = process.env.HOMEWARD_BROWSER_ARTIFACTS ?? 'build/test/browser-artifacts';
export const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
export const password = 'correct horse battery staple';

if (!clusterUrl) throw new Error('HOMEWARD_TEST_DATABASE_URL is not set: run the browser tests through ops/test');
mkdirSync(artifacts, { recursive: true });

// A database of their own in the test cluster, new each run: the server's sweeper and webhook
// worker then meet only this test's data, not what the other suites left behind.
function ownDatabase(url, name) {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  for (const sql of [`drop database if exists ${name} with (force)`, `create database ${name}`]) {
    execFileSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', admin.href, '-c', sql], { stdio: 'pipe' });
  }
  const own = new URL(url);
  own.pathname = `/${name}`;
  return own.href;
}
export const databaseUrl = ownDatabase(clusterUrl, 'homeward_browser');
// serve connects as the application's own role when ops/test names it (HOMEWARD_TEST_APP_DATABASE_URL,
// as in production: it may add to the audit trail, never change it); migrations and the command
// line's org and user add run as the owner.
const serveDatabaseUrl = (() => {
  const app = process.env.HOMEWARD_TEST_APP_DATABASE_URL;
  if (!app) return databaseUrl;
  const url = new URL(app);
  url.pathname = new URL(databaseUrl).pathname;
  return url.href;
})();

// A test certificate authority and a server certificate it signed (for 127.0.0.1 and localhost):
// homeward serve, the webhook receiver and the SMTP relay all present it, and every client in the
// test (Node, homeward's webhook and email senders) trusts only the authority.
const tls = mkdtempSync(join(tmpdir(), 'homeward-browser-tls-'));
export const tlsFiles = { ca: join(tls, 'ca.pem'), cert: join(tls, 'cert.pem'), key: join(tls, 'key.pem') };
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
  '-days', '2', '-subj', '/CN=Homeward browser test CA', '-keyout', join(tls, 'ca-key.pem'), '-out', tlsFiles.ca],
{ stdio: 'ignore' });
execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
  '-subj', '/CN=localhost', '-keyout', tlsFiles.key, '-out', join(tls, 'server.csr')], { stdio: 'ignore' });
writeFileSync(join(tls, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' +
  'keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n');
execFileSync('openssl', ['x509', '-req', '-in', join(tls, 'server.csr'), '-CA', tlsFiles.ca, '-CAkey', join(tls, 'ca-key.pem'),
  '-CAcreateserial', '-days', '2', '-extfile', join(tls, 'server.ext'), '-out', tlsFiles.cert], { stdio: 'ignore' });

// The key that seals two-step secrets at rest, as ops/run makes one: the enrolment pages run
// against sealed secrets.
const twoFactorKey = join(tls, 'two-factor.key');
execFileSync(binary, ['two-factor', 'keygen', '--out', twoFactorKey], { stdio: 'ignore' });

function commandEnv(extra = {}) {
  return {
    ...process.env,
    HOMEWARD_DATABASE_URL: databaseUrl,
    HOMEWARD_TLS_CERT: tlsFiles.cert,
    HOMEWARD_TLS_KEY: tlsFiles.key,
    HOMEWARD_TWO_FACTOR_KEY: twoFactorKey,
    ...extra,
  };
}

export function homeward(args, input) {
  return execFileSync(binary, args, { env: commandEnv(), input, encoding: 'utf8' });
}

// A fresh code for each run, so runs never collide in the shared test database.
export const unique = (prefix) => `${prefix}-${randomBytes(3).toString('hex').toUpperCase()}`;

export function makeOrganisation(kind) {
  const code = unique(kind === 'police' ? 'FORCE' : 'COUNCIL');
  homeward(['org', 'add', '--code', code, '--name', `Test ${code}`, '--kind', kind]);
  return code;
}

export function makeUser(role, org, { team, email, deploymentWide = false } = {}) {
  const username = unique(role.replace('_', '.')).toLowerCase();
  const args = ['user', 'add', '--username', username, '--role', role, '--org', org, '--password-stdin'];
  if (team) args.push('--team', team);
  if (email) args.push('--email', email);
  if (deploymentWide) args.push('--deployment-wide');
  homeward(args, `${password}\n`);
  return { username, role, org, team, email };
}

// A TCP port on 127.0.0.1 that nothing listens on now: ops/lib.sh's free_port, which picks it
// below the kernel's range for outgoing connections' local ports (a port the kernel hands out,
// as listen(0) does, can be taken by any connection opened before the server binds it).
export function freePort() {
  const lib = fileURLToPath(new URL('../../ops/lib.sh', import.meta.url));
  return Promise.resolve(Number(execFileSync('bash', ['-c', 'source "$0" && free_port', lib],
    { encoding: 'utf8' }).trim()));
}

// `homeward serve` on a free port (or `port`) until stop(); resolves once it says it listens.
export async function startServer(extraEnv = {}, { port = 0 } = {}) {
  homeward(['migrate']);
  const child = spawn(binary, ['serve'], {
    env: commandEnv({ HOMEWARD_DATABASE_URL: serveDatabaseUrl, HOMEWARD_LISTEN: `127.0.0.1:${port}`, ...extraEnv }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const origin = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`homeward serve did not start:\n${log}`)), 30000);
    child.stdout.on('data', (chunk) => {
      log += chunk;
      const found = /"(?:msg|event)":"listening","url":"(https:\/\/[^"]+)"/.exec(log);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    child.stderr.on('data', (chunk) => { log += chunk; });
    child.on('exit', (code) => reject(new Error(`homeward serve exited ${code}:\n${log}`)));
  });
  // Whatever the server says after start goes to a log beside the screenshots; an early exit
  // (a sanitizer finding) is reported with it.
  const logFile = join(artifacts, `serve-${new URL(origin).port}.log`);
  let stopping = false;
  child.stdout.on('data', (chunk) => appendFileSync(logFile, chunk));
  child.stderr.on('data', (chunk) => appendFileSync(logFile, chunk));
  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`homeward serve exited early (${code ?? signal}): see ${logFile}`);
  });
  return {
    origin,
    async stop() {
      stopping = true;
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      return exited;
    },
  };
}

// One HTTPS call that trusts the test certificate (and nothing else).
export function call(origin, method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(`${origin}${path}`, {
      method,
      ca: readFileSync(tlsFiles.ca),
      headers: { ...(data ? { 'content-type': 'application/json' } : {}), ...headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, etag: res.headers.etag,
        body: text && /json/.test(res.headers['content-type'] ?? '') ? JSON.parse(text) : text }));
    });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

// The API as a script uses it (a Bearer token), for what the test does outside the pages.
export async function bearer(origin, user) {
  const reply = await call(origin, 'POST', '/api/v1/session', { username: user.username, password });
  if (reply.status !== 201) throw new Error(`sign-in of ${user.username}: ${reply.status}`);
  const token = reply.body.token;
  return (method, path, body, headers = {}) => call(origin, method, path, body, { authorization: `Bearer ${token}`, ...headers });
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.HOMEWARD_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

// A browser context whose every request to another host is refused and recorded, and whose
// pages record CSP violations and script errors. `problems` is what the test then asserts empty.
export async function openContext(browser, origin, { width = 375, height = 800 } = {}) {
  const context = await browser.newContext({
    viewport: { width, height },
    ignoreHTTPSErrors: true,
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  const problems = { foreign: [], csp: [], errors: [] };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin !== origin) {
      problems.foreign.push(url);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations = window.__cspViolations ?? [];
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  context.on('page', (page) => watch(page, problems));
  const page = await context.newPage();
  return { context, page, problems };
}

function watch(page, problems) {
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy/i.test(text)) problems.csp.push(text);
    else if (message.type() === 'error' && !/status of 4\d\d/.test(text)) problems.errors.push(text);
  });
  page.on('pageerror', (error) => problems.errors.push(String(error)));
  // The requests still in flight, so that a page that never settles says which request held it.
  const inflight = new Map();
  pending.set(page, inflight);
  page.on('request', (r) => inflight.set(r, Date.now()));
  page.on('requestfinished', (r) => inflight.delete(r));
  page.on('requestfailed', (r) => inflight.delete(r));
}

const pending = new WeakMap();

// Waits until the page has made no request for 500 ms (by default for up to 30 s); if it never
// does, the error names each request still in flight, its method, path and age.
export async function settled(page, timeout = undefined) {
  try {
    await page.waitForLoadState('networkidle', { timeout });
  } catch (error) {
    const now = Date.now();
    const held = [...(pending.get(page) ?? new Map()).entries()].map(([r, since]) =>
      `${r.method()} ${new URL(r.url()).pathname} (${r.resourceType()}, in flight ${now - since} ms)`);
    error.message += `\nrequests in flight: ${held.length ? held.join('; ') : 'none seen'}`;
    throw error;
  }
}

export async function cspViolations(page) {
  return page.evaluate(() => window.__cspViolations ?? []);
}

export async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }))), wcagTags);
}

const seen = [];
let shot = 0;

// A full-page screenshot, the evidence of each page state. Headless Chromium on a loaded machine
// has been seen to produce no frame for one (a timeout after "fonts loaded", with the page
// otherwise fine); it is asked once more after the page is asked for a frame, and a second timeout
// fails the test.
async function screenshot(page, path) {
  try {
    await page.screenshot({ path, fullPage: true, timeout: 20000 });
  } catch (error) {
    if (error.name !== 'TimeoutError') throw error;
    console.log(`# screenshot ${path}: no frame in 20 s, asked again`);
    await Promise.race([
      page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done()))),
      new Promise((done) => setTimeout(done, 5000)),
    ]);
    await page.screenshot({ path, fullPage: true, timeout: 30000 });
  }
}

// Every page in every state: axe at 375 and 1280 px (zero violations), a screenshot at each.
export async function checkPage(page, name) {
  await settled(page);
  const size = page.viewportSize();
  const results = {};
  shot += 1;
  const stem = `${String(shot).padStart(2, '0')}-${name}`;
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: width === 375 ? 800 : 900 });
    await page.waitForTimeout(50);
    results[width] = await axe(page);
    await screenshot(page, join(artifacts, `${stem}-${width}.png`));
  }
  await page.setViewportSize(size);
  seen.push({ page: name, url: new URL(page.url()).pathname, testOnly: name.startsWith('test-only'),
    violations375: results[375].length, violations1280: results[1280].length });
  const violations = [...results[375], ...results[1280]];
  if (violations.length) {
    throw new Error(`axe found violations on ${name}: ${JSON.stringify(violations, null, 2)}`);
  }
  const csp = await cspViolations(page);
  if (csp.length) throw new Error(`CSP violations on ${name}: ${csp.join('; ')}`);
}

export function writeReport(figures) {
  writeFileSync(join(artifacts, 'axe-results.json'), `${JSON.stringify(seen, null, 2)}\n`);
  if (figures) writeFileSync(join(artifacts, 'figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
  return seen;
}

// Moves focus with Tab (and only the keyboard) until the element matching `selector` has it.
export async function tabTo(page, selector, limit = 80) {
  for (let i = 0; i < limit; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

// A real SMTP relay: Debian's aiosmtpd under Debian's own Python, requiring STARTTLS with the
// test certificate, keeping every message it accepts in a Maildir that messages() reads.
export async function startSmtp() {
  const port = await freePort();
  const maildir = mkdtempSync(join(tmpdir(), 'homeward-browser-mail-'));
  rmSync(maildir, { recursive: true, force: true }); // aiosmtpd's Mailbox makes it
  const child = spawn('/usr/bin/python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`,
    '--tlscert', tlsFiles.cert, '--tlskey', tlsFiles.key, '-c', 'aiosmtpd.handlers.Mailbox', maildir],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (chunk) => { log += chunk; });
  child.stderr.on('data', (chunk) => { log += chunk; });
  const deadline = Date.now() + 15000;
  for (;;) {
    const banner = await new Promise((resolve) => {
      const socket = createConnection(port, '127.0.0.1');
      socket.once('data', (data) => { socket.destroy(); resolve(String(data)); });
      socket.once('error', () => resolve(null));
    });
    if (banner?.startsWith('220')) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`aiosmtpd did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    // Every message received so far: {to, subject, headers, body, raw}, oldest first.
    messages() {
      const folder = join(maildir, 'new');
      if (!existsSync(folder)) return [];
      return readdirSync(folder).sort().map((name) => parseMessage(readFileSync(join(folder, name), 'utf8')));
    },
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.on('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(maildir, { recursive: true, force: true });
    },
  };
}

function parseMessage(raw) {
  const text = raw.replace(/\r\n/g, '\n');
  const split = text.indexOf('\n\n');
  const headers = {};
  for (const line of text.slice(0, split).replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { to: headers.to, subject: headers.subject, headers, body: text.slice(split + 2), raw };
}

// A webhook receiver over HTTPS with the test certificate: answer(request) gives the status to
// answer with; every request received is kept in `received` with its headers and raw body.
export async function startReceiver(answer) {
  const received = [];
  const server = createHttpsServer({ cert: readFileSync(tlsFiles.cert), key: readFileSync(tlsFiles.key) }, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const entry = { method: req.method, url: req.url, headers: req.headers, body, at: Date.now() };
      entry.status = answer(entry);
      received.push(entry);
      res.writeHead(entry.status, { 'content-type': 'text/plain' });
      res.end(entry.status < 300 ? 'ok' : 'not now');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${server.address().port}/homeward`,
    received,
    stop: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}

// Waits until check() gives something truthy (polling), or fails saying what it waited for.
export async function eventually(what, check, { timeout = 20000, every = 200 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

export function cleanup() {
  rmSync(tls, { recursive: true, force: true });
}
