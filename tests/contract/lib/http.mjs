// HTTPS calls to the server under test, trusting only the run's own CA; every exchange is kept in
// the ledger, to be checked against the document afterwards.

import https from 'node:https';

export class ledger {
  constructor() {
    this.exchanges = [];
  }

  add(exchange) {
    this.exchanges.push(exchange);
  }
}

const lower_headers = (raw) => {
  const headers = {};
  for (const [name, value] of Object.entries(raw)) {
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
};

export class client {
  constructor({ base, ca, ledger: book }) {
    this.base = new URL(base);
    this.ca = ca;
    this.ledger = book;
    this.agent = new https.Agent({ ca, keepAlive: true, maxSockets: 4 });
    this.source = 'scenario';
  }

  // call(METHOD, '/path?query', {token, json, body, headers, step}) → {status, headers, text, json}
  call(method, target, options = {}) {
    const headers = { accept: 'application/json, application/problem+json, */*', ...(options.headers ?? {}) };
    let payload = null;
    if (options.json !== undefined) {
      payload = Buffer.from(JSON.stringify(options.json));
      headers['content-type'] ??= 'application/json';
    } else if (options.body !== undefined) {
      payload = Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body);
    }
    if (payload !== null) headers['content-length'] = String(payload.length);
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    return new Promise((resolve) => {
      const request = https.request({
        host: this.base.hostname, port: this.base.port, method, path: target, headers,
        agent: this.agent, servername: this.base.hostname === '127.0.0.1' ? undefined : this.base.hostname,
      }, (response) => {
        const chunks = [];
        response.on('data', (c) => chunks.push(c));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const exchange = {
            source: options.source ?? this.source,
            step: options.step ?? '',
            method,
            path: target.split('?')[0],
            target,
            status: response.statusCode,
            headers: lower_headers(response.headers),
            body: text,
          };
          if (options.record !== false) this.ledger.add(exchange);
          let json = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            json = null;
          }
          resolve({ status: response.statusCode, headers: exchange.headers, text, json });
        });
      });
      // A connection closed before any answer is an exchange too: the check reports it.
      request.on('error', (error) => {
        const exchange = { source: options.source ?? this.source, step: options.step ?? '', method,
          path: target.split('?')[0], target, status: 0, headers: {}, body: '', error: error.message };
        if (options.record !== false) this.ledger.add(exchange);
        resolve({ status: 0, headers: {}, text: '', json: null, error });
      });
      request.setTimeout(30000, () => request.destroy(new Error(`${method} ${target}: no answer in 30 s`)));
      if (payload !== null) request.write(payload);
      request.end();
    });
  }

  close() {
    this.agent.destroy();
  }
}
