// Contract tests generated from the served document by @apideck/portman and run by newman: one
// request per operation (its fixture's role, ids and body as overwrites of what portman generates
// from the document's examples), with portman's contract tests (status, content type, JSON body,
// schema, required headers), and variations for the documented failures that need nothing but
// the document to provoke (401, 403, 404, 422). Every response newman receives also goes to the
// ledger for the ajv check.

import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { photo_jpeg } from './scenario.mjs';

const require = createRequire(import.meta.url);
const newman = require('newman');

const methods = ['get', 'put', 'post', 'delete', 'patch'];
const unknown_id = '00000000-0000-4000-8000-00000000c0de';

export function operations_of(document) {
  const list = [];
  for (const [template, item] of Object.entries(document.paths)) {
    for (const method of methods) {
      if (item[method]) list.push({ template, method, operation: item[method], id: item[method].operationId });
    }
  }
  return list;
}

// The JSON request schema of an operation, its $ref resolved.
function request_schema(document, operation) {
  let schema = operation.requestBody?.content?.['application/json']?.schema;
  while (schema?.$ref) {
    schema = schema.$ref.slice(2).split('/').reduce((node, part) => node?.[part.replaceAll('~1', '/')], document);
  }
  return schema;
}

const secured = (document, operation) => (operation.security ?? document.security ?? []).length > 0;

// A role the operation does not allow, for its 403.
export function outsider(operation) {
  const roles = operation['x-roles'] ?? [];
  if (roles.length === 0) return null;
  return ['admin', 'police', 'social_worker', 'cse_champion', 'manager'].find((r) => !roles.includes(r)) ?? null;
}

function overwrites_of(fixture, tokens, changes = {}) {
  const role = changes.role !== undefined ? changes.role : fixture.role;
  const path_values = { ...(fixture.path ?? {}), ...(changes.probe ? fixture.probe_path ?? {} : {}), ...(changes.path ?? {}) };
  const out = {
    overwriteRequestSecurity: role ? { bearer: { token: tokens[role] ?? role } } : { remove: true },
  };
  if (Object.keys(path_values).length > 0) {
    out.overwriteRequestPathVariables = Object.entries(path_values).map(([key, value]) => ({ key, value, overwrite: true }));
  }
  const query = fixture.query ?? {};
  if (Object.keys(query).length > 0) {
    out.overwriteRequestQueryParams = Object.entries(query).map(([key, value]) => ({ key, value: String(value), overwrite: true }));
  }
  const body = changes.body !== undefined ? changes.body : fixture.body;
  if (body !== undefined) out.overwriteRequestBody = [{ key: '.', value: body, overwrite: true }];
  return out;
}

export function portman_config(document, fixture_table, tokens) {
  const overwrites = [];
  const variations = [];
  const contract = (extra = {}) => ({
    contractTests: [{
      ...extra,
      contentType: { enabled: true },
      jsonBody: { enabled: true },
      schemaValidation: { enabled: true },
      headersPresent: { enabled: true },
    }],
  });
  for (const { template, operation, id } of operations_of(document)) {
    const fixture = fixture_table[id];
    if (!fixture) continue;
    overwrites.push({ openApiOperationId: id, ...overwrites_of(fixture, tokens) });
    const documented = (status) => Boolean(operation.responses?.[status]);
    const variation = (status, name, changes) => {
      if (!documented(status)) return;
      variations.push({
        openApiOperationId: id, openApiResponse: String(status),
        variations: [{
          name,
          overwrites: [overwrites_of(fixture, tokens, { probe: true, ...changes })],
          tests: contract({ statusCode: { enabled: true, code: status } }),
        }],
      });
    };
    if (secured(document, operation)) {
      variation(401, `${id} without a session`, { role: 'no-such-session-token' });
      const other = outsider(operation);
      if (other) variation(403, `${id} as ${other}`, { role: other });
    }
    const path_names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).filter((n) => n !== 'event');
    if (path_names.length > 0) {
      const unknown = Object.fromEntries(path_names.map((n) => [n, n === 'code' ? 'NO-SUCH-ORG' : unknown_id]));
      variation(404, `${id} of an unknown record`, { path: unknown });
    }
    const schema = request_schema(document, operation);
    if (fixture.body !== undefined && schema) {
      if ((schema.required ?? []).length > 0) {
        variation(422, `${id} without its required fields`, { body: {} });
      } else if (schema.additionalProperties === false) {
        variation(422, `${id} with a field it does not know`, { body: { ...fixture.body, not_a_field: true } });
      }
    }
  }
  return {
    version: 1.0,
    tests: {
      contractTests: [{
        openApiOperation: '*::/*',
        statusSuccess: { enabled: true },
        contentType: { enabled: true },
        jsonBody: { enabled: true },
        schemaValidation: { enabled: true },
        headersPresent: { enabled: true },
      }],
      variationTests: variations,
    },
    overwrites,
    globals: { stripResponseExamples: true },
  };
}

function run_portman({ tools, document_file, config_file, collection_file, base }) {
  const cli = path.join(tools, 'node_modules', '@apideck', 'portman', 'bin', 'portman');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, '-l', document_file, '-c', config_file, '-o', collection_file,
      '-b', base, '--includeTests', 'true'], { cwd: path.dirname(config_file), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`portman failed (${code}):\n${output}`))));
  });
}

// Portman writes an example string as the body of an image upload, and a raw body is text: an
// upload is sent the run's real JPEG from a file instead, so that it is judged as an image.
function with_real_images(items, image_file) {
  for (const item of items) {
    if (item.item) {
      with_real_images(item.item, image_file);
      continue;
    }
    const type = item.request.header?.find((h) => h.key.toLowerCase() === 'content-type')?.value;
    if (type === 'image/jpeg' && item.request.body?.mode === 'raw') {
      item.request.body = { mode: 'file', file: { src: image_file } };
    }
  }
}

// Generates the collection and runs it: { requests, assertions, failures: [{item, test, message}] }.
export async function portman_and_newman({ tools, work, base, ca_file, document, fixture_table, tokens, ledger }) {
  const document_file = path.join(work, 'openapi.json');
  const config_file = path.join(work, 'portman-config.json');
  const collection_file = path.join(work, 'collection.json');
  writeFileSync(document_file, JSON.stringify(document, null, 2));
  writeFileSync(config_file, JSON.stringify(portman_config(document, fixture_table, tokens), null, 2));
  await run_portman({ tools, document_file, config_file, collection_file, base });
  const collection = JSON.parse(readFileSync(collection_file, 'utf8'));
  const image_file = path.join(work, 'photo.jpg');
  writeFileSync(image_file, photo_jpeg);
  with_real_images(collection.item, image_file);

  const failures = [];
  let requests = 0;
  let assertions = 0;
  await new Promise((resolve, reject) => {
    newman.run({ collection, reporters: [], sslExtraCaCerts: ca_file, timeoutRequest: 30000, workingDir: work, insecureFileRead: true }, (error) => (error ? reject(error) : resolve()))
      .on('request', (error, args) => {
        if (error) {
          failures.push({ item: args.item?.name, test: 'request', message: String(error.message ?? error) });
          return;
        }
        requests += 1;
        const url = new URL(args.request.url.toString());
        const headers = {};
        for (const h of args.response.headers.all()) {
          const name = h.key.toLowerCase();
          headers[name] = headers[name] === undefined ? h.value : `${headers[name]}, ${h.value}`;
        }
        ledger.add({
          source: 'portman/newman', step: args.item.name, method: args.request.method,
          path: url.pathname, target: url.pathname + url.search, status: args.response.code,
          headers, body: args.response.stream ? Buffer.from(args.response.stream).toString('utf8') : '',
        });
      })
      .on('assertion', (error, args) => {
        assertions += 1;
        if (error) failures.push({ item: args.item?.name, test: args.assertion, message: error.message });
      });
  });
  return { requests, assertions, failures, collection_file };
}
