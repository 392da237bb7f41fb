// The served OpenAPI document as a contract: finds the operation and the documented response of
// every exchange, and checks the response against it with ajv (JSON Schema draft 2020-12, the
// dialect of OpenAPI 3.1): status, media type, body schema, members the schema does not declare,
// and headers (declared, required, and their schemas). Also lints the document itself.

import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const document_id = 'https://homeward.invalid/openapi.json';
const closed_id = 'https://homeward.invalid/openapi.closed.json';
const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// Headers the server puts on every response the same way, or that belong to HTTP itself: the
// document describes them once, in info.description, not on each response. Every other header a
// response carries must be declared on that response.
const transport_headers = new Set([
  'content-type', 'content-length', 'connection', 'keep-alive', 'date', 'server',
  'transfer-encoding', 'strict-transport-security', 'x-content-type-options', 'cache-control',
  'vary', 'content-encoding', 'content-security-policy', 'referrer-policy', 'x-frame-options',
  'cross-origin-opener-policy',
]);

const pointer = (...parts) =>
  '#/' + parts.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

const decode = (text) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

const clone = (value) => JSON.parse(JSON.stringify(value));

function resolve(document, ref) {
  if (!ref.startsWith('#/')) throw new Error(`only local $ref is supported: ${ref}`);
  let node = document;
  for (const part of ref.slice(2).split('/')) {
    node = node?.[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
  return node;
}

// A copy of a schema in which every object that lists its properties is closed
// (unevaluatedProperties: false), so that a member the document does not declare is found. The
// branches of an allOf are inlined without closing their top, so that the closing at the allOf
// sees the members of every branch.
function closed(document, schema, close_top = true) {
  if (schema === null || typeof schema !== 'object') return schema;
  if (Array.isArray(schema)) return schema.map((s) => closed(document, s, true));
  let out = { ...schema };
  if (out.$ref && !close_top) {
    const target = resolve(document, out.$ref);
    delete out.$ref;
    out = { ...clone(target), ...out };
  }
  for (const key of ['properties', 'patternProperties', '$defs']) {
    if (out[key]) {
      out[key] = Object.fromEntries(
        Object.entries(out[key]).map(([name, s]) => [name, closed(document, s, true)]));
    }
  }
  for (const key of ['items', 'additionalProperties', 'not', 'contains']) {
    if (out[key] && typeof out[key] === 'object') out[key] = closed(document, out[key], true);
  }
  for (const key of ['oneOf', 'anyOf', 'prefixItems']) {
    if (out[key]) out[key] = out[key].map((s) => closed(document, s, true));
  }
  if (out.allOf) {
    out.allOf = out.allOf.map((s) => closed(document, s, false));
  }
  const object_like = out.properties || out.allOf ||
    out.type === 'object' || (Array.isArray(out.type) && out.type.includes('object'));
  if (close_top && object_like && out.additionalProperties === undefined &&
      out.unevaluatedProperties === undefined && (out.properties || out.allOf)) {
    out.unevaluatedProperties = false;
  }
  return out;
}

// The document with every schema under components and under paths closed (see closed()).
function closed_document(document) {
  const copy = clone(document);
  for (const [name, schema] of Object.entries(copy.components?.schemas ?? {})) {
    copy.components.schemas[name] = closed(document, schema);
  }
  const visit = (node) => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'schema' && value && typeof value === 'object') {
        node[key] = closed(document, value);
      } else {
        visit(value);
      }
    }
  };
  visit(copy.paths);
  visit(copy.components?.responses);
  visit(copy.components?.headers);
  return copy;
}

function make_ajv() {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addFormat('password', true);
  return ajv;
}

const media_type_of = (content_type) => (content_type ?? '').split(';')[0].trim().toLowerCase();

function media_matches(documented, actual) {
  if (documented === actual || documented === '*/*') return true;
  const [type, sub] = documented.split('/');
  return sub === '*' && actual.startsWith(type + '/');
}

export class contract {
  constructor(document) {
    this.document = document;
    this.lax = make_ajv();
    this.lax.addSchema({ ...clone(document), $id: document_id });
    this.strict = make_ajv();
    this.strict.addSchema({ ...closed_document(document), $id: closed_id });
    this.compiled = new Map();
    this.templates = Object.keys(document.paths ?? {}).map((template) => ({
      template,
      parts: template.split('/').slice(1),
      literal: template.split('/').filter((p) => p && !p.startsWith('{')).length,
    }));
  }

  // "GET /api/v1/episodes/{id}" for a method and a concrete path, or null when no documented
  // path matches; { template, operation: null } when the path is documented without the method.
  operation_of(method, path) {
    const parts = path.split('?')[0].split('/').slice(1);
    const candidates = this.templates.filter((t) => t.parts.length === parts.length &&
      t.parts.every((p, i) => p.startsWith('{') ? parts[i] !== '' : p === decode(parts[i])));
    if (candidates.length === 0) return null;
    const m = method.toLowerCase();
    // A path parameter with an enum (the event) must hold one of its values to choose the
    // template; failing that, a template with the method whose enum the value misses (the
    // server answers such a request, e.g. 404 for an unknown event).
    const fitting = (t, strict) => {
      const op = this.document.paths[t.template][m];
      if (!op) return false;
      return !strict || t.parts.every((p, i) => {
        if (!p.startsWith('{')) return true;
        const name = p.slice(1, -1);
        const parameter = this.parameters_of(t.template, m).find((q) => q.in === 'path' && q.name === name);
        const values = parameter?.schema?.enum;
        return !values || values.includes(decode(parts[i]));
      });
    };
    const ordered = [...candidates].sort((a, b) => b.literal - a.literal);
    const match = ordered.find((t) => fitting(t, true)) ?? ordered.find((t) => fitting(t, false));
    if (match) {
      return { template: match.template, method: m, operation: this.document.paths[match.template][m] };
    }
    return { template: ordered[0].template, method: m, operation: null };
  }

  parameters_of(template, method) {
    const item = this.document.paths[template] ?? {};
    const own = (item[method]?.parameters ?? []).map((p) => (p.$ref ? resolve(this.document, p.$ref) : p));
    const shared = (item.parameters ?? []).map((p) => (p.$ref ? resolve(this.document, p.$ref) : p));
    return [...own, ...shared.filter((s) => !own.some((o) => o.name === s.name && o.in === s.in))];
  }

  // The documented response for a status: exact, then a range (4XX), then default; with the
  // JSON pointer of where it is, and the object itself ($ref resolved).
  response_of(found, status) {
    if (found.operation) {
      const responses = found.operation.responses ?? {};
      const base = ['paths', found.template, found.method, 'responses'];
      for (const key of [String(status), `${String(status)[0]}XX`, 'default']) {
        if (responses[key]) return this.response_at(responses[key], [...base, key]);
      }
      return null;
    }
    // A documented path without the method: the path item's x-other-methods says how the
    // server answers a method the path does not list (405, with Allow).
    const other = this.document.paths[found.template]['x-other-methods'] ?? {};
    if (other[String(status)]) {
      return this.response_at(other[String(status)], ['paths', found.template, 'x-other-methods', String(status)]);
    }
    return null;
  }

  response_at(response, at) {
    if (response.$ref) {
      return { at: response.$ref.slice(2).split('/').map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~')), response: resolve(this.document, response.$ref) };
    }
    return { at, response };
  }

  // A compiled validator of the schema at a JSON pointer of the document, as written (lax) or
  // with every object closed (strict).
  validator(which, parts) {
    const key = which + pointer(...parts);
    if (!this.compiled.has(key)) {
      const ajv = which === 'strict' ? this.strict : this.lax;
      const id = which === 'strict' ? closed_id : document_id;
      this.compiled.set(key, ajv.compile({ $ref: id + pointer(...parts) }));
    }
    return this.compiled.get(key);
  }

  // Every mismatch of one exchange: [{kind, detail}]; empty when it matches the document.
  check(exchange) {
    const problems = [];
    if (exchange.status === 0) {
      return { key: `${exchange.method} ${exchange.path}`, problems: [{ kind: 'no answer', detail: exchange.error }] };
    }
    const found = this.operation_of(exchange.method, exchange.path);
    if (!found) {
      return { key: `${exchange.method} ${exchange.path} (no documented path)`,
        problems: [{ kind: 'undocumented path', detail: `${exchange.method} ${exchange.path} answered ${exchange.status}` }] };
    }
    const key = found.operation ? `${exchange.method} ${found.template}` : `${exchange.method} ${found.template} (method not documented)`;
    const documented = this.response_of(found, exchange.status);
    if (!documented) {
      problems.push({ kind: 'undocumented status', detail: `${exchange.status} is not documented for ${key}` });
      return { key, problems };
    }
    const { response, at } = documented;

    // Headers: every header the response carries beyond HTTP's own is declared; every declared
    // required header is present; each value fits its schema.
    const declared = Object.fromEntries(Object.entries(response.headers ?? {}).map(([name, h]) => [
      name.toLowerCase(), { name, header: h.$ref ? resolve(this.document, h.$ref) : h }]));
    for (const name of Object.keys(exchange.headers)) {
      if (!transport_headers.has(name) && !declared[name]) {
        problems.push({ kind: 'undeclared header', detail: `${name} (sent with ${exchange.status})` });
      }
    }
    for (const [name, { header }] of Object.entries(declared)) {
      const value = exchange.headers[name];
      if (value === undefined) {
        if (header.required) problems.push({ kind: 'missing header', detail: `${name} is required on ${exchange.status}` });
        continue;
      }
      if (header.schema) {
        const ajv = this.lax;
        const validate = ajv.compile(header.schema.$ref ? { $ref: document_id + header.schema.$ref } : header.schema);
        const typed = ['integer', 'number'].includes(header.schema.type) && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
        if (!validate(typed)) {
          problems.push({ kind: 'header value', detail: `${name}: ${JSON.stringify(value)} ${ajv.errorsText(validate.errors)}` });
        }
      }
    }

    // The body: a documented media type, and the schema of that media type.
    const content = response.content ?? {};
    const has_body = exchange.body.length > 0;
    const media = media_type_of(exchange.headers['content-type']);
    if (!has_body) {
      if (Object.keys(content).length > 0 && exchange.method !== 'HEAD') {
        problems.push({ kind: 'body', detail: `no body, but ${Object.keys(content).join(', ')} is documented` });
      }
      return { key, problems };
    }
    const media_key = Object.keys(content).find((m) => media_matches(m, media));
    if (!media_key) {
      problems.push({ kind: 'media type', detail: `${media || '(none)'} is not documented for ${exchange.status} (documented: ${Object.keys(content).join(', ') || 'no body'})` });
      return { key, problems };
    }
    if (!content[media_key].schema) return { key, problems };
    let instance = exchange.body;
    if (media.endsWith('json')) {
      try {
        instance = JSON.parse(exchange.body);
      } catch {
        problems.push({ kind: 'body', detail: `not JSON: ${exchange.body.slice(0, 80)}` });
        return { key, problems };
      }
    }
    const parts = [...at, 'content', media_key, 'schema'];
    const lax = this.validator('lax', parts);
    if (!lax(instance)) {
      for (const e of lax.errors.slice(0, 8)) {
        problems.push({ kind: 'schema', detail: `${e.instancePath || '/'} ${e.message}${e.params?.allowedValues ? ' ' + JSON.stringify(e.params.allowedValues) : ''}` });
      }
    } else {
      const strict = this.validator('strict', parts);
      if (!strict(instance)) {
        const members = new Set(strict.errors.filter((e) => e.keyword === 'unevaluatedProperties')
          .map((e) => `${e.instancePath}/${e.params.unevaluatedProperty}`.replace(/\/\d+\//g, '/*/')));
        for (const m of members) problems.push({ kind: 'undocumented member', detail: m });
      }
    }
    return { key, problems };
  }

  // What the document must say of itself, beyond JSON: [{kind, detail}].
  lint() {
    const findings = [];
    const doc = this.document;
    const tags = new Set((doc.tags ?? []).map((t) => t.name));
    const example_ok = (where, media, schema_parts) => {
      const examples = media.example !== undefined ? [media.example]
        : Object.values(media.examples ?? {}).map((e) => (e.$ref ? resolve(doc, e.$ref) : e).value);
      if (examples.length === 0) {
        findings.push({ kind: 'no example', detail: where });
        return;
      }
      if (!media.schema) return;
      const validate = this.validator('lax', schema_parts);
      const strict = this.validator('strict', schema_parts);
      for (const example of examples) {
        if (typeof example === 'string' && !(media.schema.type === 'string' || media.schema.$ref)) continue;
        if (!validate(example)) {
          findings.push({ kind: 'example fails its schema', detail: `${where}: ${this.lax.errorsText(validate.errors)}` });
        } else if (!strict(example)) {
          findings.push({ kind: 'example has undocumented members', detail: `${where}: ${this.strict.errorsText(strict.errors)}` });
        }
      }
    };
    const response_ok = (where, status, r, parts) => {
      const { response, at } = this.response_at(r, parts);
      const headers = Object.fromEntries(Object.entries(response.headers ?? {}).map(([n, h]) => [n.toLowerCase(), h.$ref ? resolve(doc, h.$ref) : h]));
      if (!headers['x-request-id']?.required) {
        findings.push({ kind: 'X-Request-Id not required', detail: `${where} ${status}` });
      }
      for (const [media_key, media] of Object.entries(response.content ?? {})) {
        example_ok(`${where} ${status} ${media_key}`, media, [...at, 'content', media_key, 'schema']);
      }
    };
    for (const [template, item] of Object.entries(doc.paths ?? {})) {
      if (!item['x-other-methods']?.['405']) {
        findings.push({ kind: 'no 405', detail: `${template}: x-other-methods does not document 405` });
      }
      for (const [status, r] of Object.entries(item['x-other-methods'] ?? {})) {
        response_ok(`other methods of ${template}`, status, r, ['paths', template, 'x-other-methods', status]);
      }
      for (const method of methods) {
        const op = item[method];
        if (!op) continue;
        const where = `${method.toUpperCase()} ${template}`;
        if (!op.operationId) findings.push({ kind: 'no operationId', detail: where });
        if (!Array.isArray(op['x-roles'])) findings.push({ kind: 'no x-roles', detail: where });
        for (const tag of op.tags ?? []) {
          if (!tags.has(tag)) findings.push({ kind: 'undeclared tag', detail: `${where}: ${tag}` });
        }
        const body = op.requestBody?.$ref ? resolve(doc, op.requestBody.$ref) : op.requestBody;
        for (const [media_key, media] of Object.entries(body?.content ?? {})) {
          example_ok(`${where} request ${media_key}`, media,
            ['paths', template, method, 'requestBody', 'content', media_key, 'schema']);
        }
        for (const [status, r] of Object.entries(op.responses ?? {})) {
          response_ok(where, status, r, ['paths', template, method, 'responses', status]);
        }
      }
    }
    return findings;
  }
}
