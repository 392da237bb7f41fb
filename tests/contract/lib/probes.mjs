// Probes of every operation in the document, each its fixture with one thing wrong, whatever the
// document says the answer is: no session, a role it does not allow, an unknown id, a path or
// query value that is not text, malformed query values, a body that is not JSON, not an object,
// of the wrong type, empty, with a field it does not know, over 1 MiB; and every method a path
// does not have. The ledger's check then says whether the document describes each answer.

import { fill, with_query } from './fixtures.mjs';
import { operations_of, outsider } from './portman.mjs';

const unknown_id = '00000000-0000-4000-8000-00000000c0de';
const all_methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

// A value of the parameter that its schema refuses, or that is not what the server can read.
function malformed(parameter) {
  const schema = parameter.schema ?? {};
  if (parameter.name === 'limit') return '0';
  if (schema.type === 'boolean') return 'maybe';
  if (schema.type === 'integer') return 'many';
  if (schema.enum) return 'not-one-of-them';
  if (schema.format === 'date') return '14/06/2012';
  if (schema.format === 'date-time') return 'yesterday';
  if (schema.format === 'uuid' || /(_id|^actor|^team)$/.test(parameter.name)) return 'not-an-id';
  if (schema.pattern) return 'not,a,match';
  if (parameter.name === 'cursor') return 'not-a-cursor';
  return null;
}

export async function probe_everything({ http, document, fixture_table, tokens, skip = new Set() }) {
  const missing_fixtures = [];
  for (const { template, method, operation, id } of operations_of(document)) {
    const fixture = fixture_table[id];
    if (!fixture) {
      missing_fixtures.push(`${method.toUpperCase()} ${template} (${id})`);
      continue;
    }
    if (skip.has(id)) continue;
    const M = method.toUpperCase();
    const step = (what) => `${id}: ${what}`;
    const token = (role) => (role ? tokens[role] : undefined);
    const path_values = { ...(fixture.path ?? {}), ...(fixture.probe_path ?? {}) };
    const target = (path_changes = {}, query = fixture.query) => with_query(fill(template, { ...path_values, ...path_changes }), query);
    const send = (what, options = {}) => http.call(M, options.target ?? target(), {
      token: options.role === undefined ? token(fixture.role) : token(options.role),
      json: options.json, body: options.body, headers: options.headers, step: step(what), source: 'probe',
    });
    const body = (what, extra) => (fixture.body !== undefined ? send(what, extra) : null);
    const secured = (operation.security ?? document.security ?? []).length > 0;

    if (secured) {
      await send('no session', { role: null, json: fixture.body });
      await http.call(M, target(), { token: 'not-a-session-token', json: fixture.body, step: step('a token that is no session'), source: 'probe' });
      const other = outsider(operation);
      if (other) await send(`as ${other}`, { role: other, json: fixture.body });
    }
    const path_names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const name of path_names) {
      if (name !== 'event') {
        await send(`unknown ${name}`, { target: target({ [name]: name === 'code' ? 'NO-SUCH-ORG' : unknown_id }), json: fixture.body });
      }
      // Bytes that are not UTF-8, straight into the path.
      const raw = fill(template, path_values).split('/');
      const index = template.split('/').indexOf(`{${name}}`);
      raw[index] = '%FF%FE';
      await send(`${name} not text`, { target: with_query(raw.join('/'), fixture.query), json: fixture.body });
    }
    const parameters = [...(operation.parameters ?? [])].filter((p) => p.in === 'query');
    for (const parameter of parameters) {
      const bad = malformed(parameter);
      if (bad !== null) await send(`${parameter.name}=${bad}`, { target: target({}, { ...(fixture.query ?? {}), [parameter.name]: bad }), json: fixture.body });
    }
    await send('a query value not text', { target: target() + (target().includes('?') ? '&' : '?') + 'x=%FF', json: fixture.body });
    if (fixture.body !== undefined) {
      await body('body not JSON', { body: '{"unfinished": ', headers: { 'content-type': 'application/json' } });
      await body('body a JSON array', { body: '[]', headers: { 'content-type': 'application/json' } });
      await body('body as text/plain', { body: JSON.stringify(fixture.body), headers: { 'content-type': 'text/plain' } });
      await body('body an empty object', { json: {} });
      await body('body with a field it does not know', { json: { ...fixture.body, not_a_field: true } });
      await body('body over 1 MiB', { json: { ...fixture.body, padding: 'x'.repeat(1024 * 1024 + 16) } });
    }
  }
  // Every method a documented path does not have.
  for (const [template, item] of Object.entries(document.paths)) {
    const first = Object.values(item).find((op) => op?.operationId && fixture_table[op.operationId]);
    const values = first ? fixture_table[first.operationId].path ?? {} : {};
    for (const M of all_methods) {
      if (item[M.toLowerCase()]) continue;
      await http.call(M, fill(template, values), { step: `${template}: ${M} not allowed`, source: 'probe' });
    }
  }
  return { missing_fixtures };
}

// x-roles as the server applies it: each role outside an operation's x-roles is refused (403),
// and each role in it is not refused for its role on a read (a GET, which changes nothing).
export async function roles_as_documented({ http, document, fixture_table, tokens, expect }) {
  const roles = ['police', 'social_worker', 'manager', 'cse_champion', 'admin'];
  for (const { template, method, operation, id } of operations_of(document)) {
    const fixture = fixture_table[id];
    const listed = operation['x-roles'] ?? [];
    if (!fixture || listed.length === 0) continue;
    const path_values = { ...(fixture.path ?? {}), ...(fixture.probe_path ?? {}) };
    const target = with_query(fill(template, path_values), fixture.query);
    for (const role of roles) {
      if (listed.includes(role) && method !== 'get') continue;
      const answer = await http.call(method.toUpperCase(), target, {
        token: tokens[role], json: fixture.body, step: `${id}: x-roles, as ${role}`, source: 'probe',
      });
      if (listed.includes(role)) {
        expect(`${id}: ${role} (in x-roles) is not refused for their role`, answer.status !== 403, `got ${answer.status}: ${answer.json?.detail ?? ''}`);
      } else {
        expect(`${id}: ${role} (not in x-roles) is refused, 403`, answer.status === 403, `got ${answer.status}`);
      }
    }
  }
}

// With the database stopped: each operation's fixture once more. Every answer must be documented;
// the contract promises 503 with Retry-After wherever the database is needed.
export async function database_away({ http, document, fixture_table, tokens, expect }) {
  // Readiness notices within its probe's interval.
  let ready = 200;
  for (let i = 0; i < 50 && ready !== 503; ++i) {
    ready = (await http.call('GET', '/readyz', { record: false })).status;
    if (ready !== 503) await new Promise((r) => setTimeout(r, 200));
  }
  const without_database = new Set(['getHome', 'getHealth', 'getMetrics', 'getOpenApi']);
  for (const { template, method, id } of operations_of(document)) {
    const fixture = fixture_table[id];
    if (!fixture) continue;
    const answer = await http.call(method.toUpperCase(), with_query(fill(template, fixture.path), fixture.query), {
      token: fixture.role ? tokens[fixture.role] : undefined, json: fixture.body, step: `${id}: database away`, source: 'database away',
    });
    if (!without_database.has(id)) {
      expect(`${id} with the database away is 503 with Retry-After`, answer.status === 503 && answer.headers['retry-after'] !== undefined,
        `got ${answer.status}, Retry-After ${answer.headers['retry-after'] ?? 'absent'}`);
    }
  }
}
