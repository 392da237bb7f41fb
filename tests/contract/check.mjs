// ops/check's contract run against a homeward serve that ops/check started: the run's data, the
// contract tests portman generates from the served document (run by newman), probes of every
// operation, the behaviours the contract promises, throttling, and the database taken away; then
// every response checked against the served document with ajv. Prints the counts and exits 1 on
// any mismatch. Settings (from ops/check):
//   CHECK_BASE_URL  CHECK_CA_FILE  CHECK_CERT_FILE  CHECK_KEY_FILE  CHECK_ACCOUNTS (a JSON file)
//   CHECK_WORK_DIR  CHECK_DATABASE (a command: `CHECK_DATABASE stop` stops the database)
//   CHECK_REPORT (where the JSON report goes)

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { contract } from './lib/contract.mjs';
import { fixtures } from './lib/fixtures.mjs';
import { client, ledger } from './lib/http.mjs';
import { operations_of, portman_and_newman } from './lib/portman.mjs';
import { database_away, probe_everything, roles_as_documented } from './lib/probes.mjs';
import { start_receiver } from './lib/receiver.mjs';
import { scenario } from './lib/scenario.mjs';

const tools = path.dirname(fileURLToPath(import.meta.url));
const setting = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`check.mjs: ${name} is not set (run ops/check)`);
    process.exit(2);
  }
  return value;
};
const say = (text) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${text}\n`);

// Replay: the exchanges of an earlier run's report checked against a document file, with no
// server (CHECK_REPLAY=report.json CHECK_DOCUMENT=openapi.json), e.g. to see what an older
// document would have said of today's answers.
if (process.env.CHECK_REPLAY) {
  const { exchanges } = JSON.parse(readFileSync(process.env.CHECK_REPLAY, 'utf8'));
  const model = new contract(JSON.parse(readFileSync(setting('CHECK_DOCUMENT'), 'utf8')));
  let matching = 0;
  const kinds = new Map();
  for (const exchange of exchanges) {
    const { problems } = model.check(exchange);
    if (problems.length === 0) matching += 1;
    for (const kind of new Set(problems.map((p) => p.kind))) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  console.log(`responses checked: ${exchanges.length}, matching: ${matching}, mismatching: ${exchanges.length - matching}`);
  for (const [kind, count] of kinds) console.log(`  responses with ${kind}: ${count}`);
  console.log(`document findings: ${model.lint().length}`);
  process.exit(matching === exchanges.length ? 0 : 1);
}

const base = setting('CHECK_BASE_URL');
const ca_file = setting('CHECK_CA_FILE');
const ca = readFileSync(ca_file);
const accounts = JSON.parse(readFileSync(setting('CHECK_ACCOUNTS'), 'utf8'));
const work = setting('CHECK_WORK_DIR');
const database = setting('CHECK_DATABASE');
const report_file = process.env.CHECK_REPORT ?? path.join(work, 'report.json');

const book = new ledger();
const http = new client({ base, ca, ledger: book });
const receiver = await start_receiver({ cert: readFileSync(setting('CHECK_CERT_FILE')), key: readFileSync(setting('CHECK_KEY_FILE')) });
const run = new scenario({ http, accounts, receiver_url: receiver.url, unreachable_url: accounts.unreachable_url, log: say });

let newman_result = { requests: 0, assertions: 0, failures: [] };
let missing_fixtures = [];
let document;
const started = Date.now();
try {
  say('setting up the run\'s data through the API');
  await run.setup();
  const served = await http.call('GET', '/api/v1/openapi.json', { step: 'the served document' });
  document = served.json;
  const table = fixtures({ ids: run.ids, users: accounts.users, user_ids: run.user_ids });

  say('portman: generating contract tests from the served document; newman: running them');
  newman_result = await portman_and_newman({ tools, work, base, ca_file, document, fixture_table: table, tokens: run.tokens, ledger: book });
  say(`newman: ${newman_result.requests} requests, ${newman_result.assertions} assertions, ${newman_result.failures.length} failed`);

  say('the lifecycle, the police view, conflicts and the promised behaviours');
  await run.lifecycle_and_views();
  say('probing every operation with one thing wrong');
  ({ missing_fixtures } = await probe_everything({ http, document, fixture_table: table, tokens: run.tokens }));
  say('x-roles against the roles the server lets through');
  await roles_as_documented({ http, document, fixture_table: table, tokens: run.tokens, expect: (s, ok, d) => run.expect(s, ok, d) });
  say('throttling of log-ins');
  await run.throttling();
  say('the database taken away');
  execFileSync(database, ['stop'], { stdio: 'inherit' });
  await database_away({ http, document, fixture_table: table, tokens: run.tokens, expect: (s, ok, d) => run.expect(s, ok, d) });
} catch (error) {
  console.error(`\nthe run stopped: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  http.close();
  await receiver.close();
}

// ---- the check and the report -------------------------------------------------------------
if (!document) process.exit(1);
const model = new contract(document);
const by_operation = new Map();
const mismatches = new Map();
let matching = 0;
for (const exchange of book.exchanges) {
  const { key, problems } = model.check(exchange);
  const row = by_operation.get(key) ?? { checked: 0, matching: 0, mismatching: 0, statuses: new Set() };
  row.checked += 1;
  row.statuses.add(exchange.status);
  if (problems.length === 0) {
    row.matching += 1;
    matching += 1;
  } else {
    row.mismatching += 1;
    for (const p of problems) {
      const id = `${key} | ${exchange.status} | ${p.kind} | ${p.detail}`;
      const entry = mismatches.get(id) ?? { key, status: exchange.status, kind: p.kind, detail: p.detail, count: 0, example: `${exchange.source}: ${exchange.step} (${exchange.method} ${exchange.target.slice(0, 120)})` };
      entry.count += 1;
      mismatches.set(id, entry);
    }
  }
  by_operation.set(key, row);
}
const checked = book.exchanges.length;
const lint = model.lint();
const behaviours = run.expectations;
const failed_behaviours = behaviours.filter((b) => !b.ok);
const documented_operations = operations_of(document).map((o) => `${o.method.toUpperCase()} ${o.template}`);
const unexercised = documented_operations.filter((k) => !by_operation.has(k));

const pad = (text, width) => String(text).padEnd(width);
const lines = [];
lines.push('', `Contract check of ${base} against its served OpenAPI ${document.openapi} document (${documented_operations.length} operations), ${((Date.now() - started) / 1000).toFixed(0)} s`);
lines.push(`portman + newman: ${newman_result.requests} requests, ${newman_result.assertions} assertions, ${newman_result.failures.length} failed`);
lines.push(`responses checked: ${checked}, matching: ${matching}, mismatching: ${checked - matching}`, '');
lines.push(`${pad('operation', 66)} ${pad('checked', 8)}${pad('match', 7)}${pad('mismatch', 9)}statuses`);
// Methods the paths do not have: one row for all of them.
const rows = new Map();
for (const [key, row] of by_operation) {
  const other = key.endsWith('(method not documented)');
  const name = other ? 'any path, a method it does not list' : key;
  const sum = rows.get(name) ?? { checked: 0, matching: 0, mismatching: 0, statuses: new Set() };
  sum.checked += row.checked;
  sum.matching += row.matching;
  sum.mismatching += row.mismatching;
  for (const status of row.statuses) sum.statuses.add(status);
  rows.set(name, sum);
}
for (const [key, row] of [...rows.entries()].sort(([a], [b]) => a.localeCompare(b))) {
  lines.push(`${pad(key.slice(0, 65), 66)} ${pad(row.checked, 8)}${pad(row.matching, 7)}${pad(row.mismatching, 9)}${[...row.statuses].sort().join(' ')}`);
}
if (mismatches.size > 0) {
  lines.push('', `Mismatches (${mismatches.size} distinct):`);
  for (const m of [...mismatches.values()].sort((a, b) => a.key.localeCompare(b.key) || a.status - b.status)) {
    lines.push(`  ${m.key} → ${m.status}: ${m.kind}: ${m.detail} ×${m.count}`, `      e.g. ${m.example}`);
  }
}
if (newman_result.failures.length > 0) {
  lines.push('', 'portman contract tests that failed:');
  for (const f of newman_result.failures) lines.push(`  ${f.item}: ${f.test}: ${f.message}`);
}
lines.push('', `Behaviours the contract promises: ${behaviours.length - failed_behaviours.length} of ${behaviours.length} hold`);
for (const b of failed_behaviours) lines.push(`  FAILS: ${b.step} (${b.detail})`);
lines.push('', `The document itself: ${lint.length} finding(s)`);
const lint_by_kind = new Map();
for (const f of lint) lint_by_kind.set(f.kind, [...(lint_by_kind.get(f.kind) ?? []), f.detail]);
for (const [kind, details] of lint_by_kind) {
  lines.push(`  ${kind} (${details.length}): ${details.slice(0, 6).join('; ')}${details.length > 6 ? '; ...' : ''}`);
}
if (missing_fixtures.length > 0) lines.push('', `Operations without a fixture in tests/contract/lib/fixtures.mjs: ${missing_fixtures.join(', ')}`);
if (unexercised.length > 0) lines.push('', `Documented operations no request reached: ${unexercised.join(', ')}`);
// For information: documented answers no request provoked (500 cannot be, by design).
const unprovoked = [];
for (const { template, method, operation } of operations_of(document)) {
  const key = `${method.toUpperCase()} ${template}`;
  const seen = by_operation.get(key)?.statuses ?? new Set();
  for (const status of Object.keys(operation.responses ?? {})) {
    if (status !== '500' && !seen.has(Number(status))) unprovoked.push(`${key} ${status}`);
  }
}
lines.push('', `Documented answers (500 aside) that no request provoked: ${unprovoked.length}${unprovoked.length ? ': ' + unprovoked.join(', ') : ''}`);
console.log(lines.join('\n'));

writeFileSync(report_file, JSON.stringify({
  base, checked, matching, mismatching: checked - matching,
  newman: newman_result,
  by_operation: Object.fromEntries([...by_operation].map(([k, v]) => [k, { ...v, statuses: [...v.statuses] }])),
  mismatches: [...mismatches.values()], behaviours, lint, missing_fixtures, unexercised,
  exchanges: book.exchanges,
}, null, 2));
console.log(`\nFull report: ${report_file}`);

const failed = checked - matching > 0 || newman_result.failures.length > 0 || failed_behaviours.length > 0 ||
  lint.length > 0 || missing_fixtures.length > 0 || unexercised.length > 0 || process.exitCode === 1;
process.exit(failed ? 1 : 0);
