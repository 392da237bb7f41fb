// A webhook receiver for the run (HTTPS on 127.0.0.1 with the run's certificate): answers 204 to
// every POST, so that North's messages are delivered and one can be replayed.

import https from 'node:https';

export function start_receiver({ cert, key }) {
  const received = [];
  const server = https.createServer({ cert, key }, (request, response) => {
    const chunks = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(204);
      response.end();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `https://127.0.0.1:${server.address().port}/homeward`,
        received,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}
