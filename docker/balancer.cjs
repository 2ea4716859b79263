// The compose stack's front door: an HTTP balancer over every gateway replica
// (`docker compose up --scale gateway=N`). Compose gives one DNS name to all replicas of a
// service; this re-resolves it every BALANCER_REFRESH_MS and sends each request to the next
// address in turn. Run by docker-compose.yml with the gateway image's node, node built-ins only.
//
// Why HTTP and not TCP: it appends the client's address to X-Forwarded-For (RFC 7239 describes the
// standard form; X-Forwarded-For is the de-facto one the gateway and auth read), so login
// throttling still sees each client (auth runs with TRUSTED_PROXY_HOPS=1 behind it). A TCP relay
// would make every client one address. Requests are read whole first (bodies are small: the
// gateway's own limit is 16 kB), so a request refused by a replica that just stopped is safely
// sent to the next one: nothing of it reached the first.
'use strict';
const http = require('node:http');
const dns = require('node:dns/promises');

const upstreamHost = process.env.BALANCER_UPSTREAM_HOST || 'gateway';
const upstreamPort = Number(process.env.BALANCER_UPSTREAM_PORT || 8080);
const port = Number(process.env.PORT || 8080);
const refreshMs = Number(process.env.BALANCER_REFRESH_MS || 2000);
const maxBodyBytes = 1024 * 1024;
const upstreamTimeoutMs = 30_000;
// Errors that mean the request never reached the replica: another one may take it.
const NOT_DELIVERED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND']);
// RFC 9110 section 7.6.1: connection-specific fields are not forwarded.
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
let addresses = [];
let next = 0;

function log(level, msg, extra = {}) {
  process.stdout.write(`${JSON.stringify({ level, time: Date.now(), service: 'balancer', msg, ...extra })}\n`);
}

async function refresh() {
  try {
    const found = (await dns.lookup(upstreamHost, { all: true, family: 4 })).map((entry) => entry.address).sort();
    if (found.join() !== addresses.join()) log('info', 'gateway replicas', { addresses: found });
    addresses = found;
  } catch (error) {
    // Keeps the last known replicas: a failed lookup is not a stack without gateways.
    if (addresses.length === 0) log('warn', 'no gateway replica resolves yet', { error: error.code });
  }
}

function forwardedFor(req) {
  const client = req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '';
  const earlier = req.headers['x-forwarded-for'];
  return earlier ? `${earlier}, ${client}` : client;
}

function send(req, res, body, attemptsLeft) {
  if (addresses.length === 0) return fail(res, 503, 'no_gateway', 'No gateway replica is running');
  const address = addresses[next++ % addresses.length];
  const headers = { ...req.headers, 'x-forwarded-for': forwardedFor(req), 'content-length': String(body.length) };
  for (const name of HOP_BY_HOP) delete headers[name];
  if (body.length === 0 && !['POST', 'PUT', 'PATCH'].includes(req.method)) delete headers['content-length'];
  const upstream = http.request(
    {
      host: address,
      port: upstreamPort,
      method: req.method,
      path: req.url,
      headers,
      agent,
      timeout: upstreamTimeoutMs,
    },
    (answer) => {
      const answerHeaders = { ...answer.headers };
      for (const name of HOP_BY_HOP) delete answerHeaders[name];
      res.writeHead(answer.statusCode ?? 502, answerHeaders);
      answer.pipe(res);
    },
  );
  upstream.on('timeout', () => upstream.destroy(Object.assign(new Error('upstream timeout'), { code: 'ETIMEDOUT' })));
  upstream.on('error', (error) => {
    if (res.headersSent) return res.destroy();
    if (NOT_DELIVERED.has(error.code) && attemptsLeft > 1) return send(req, res, body, attemptsLeft - 1);
    log('warn', 'gateway replica failed', { address, error: error.code ?? error.message });
    if (error.code === 'ETIMEDOUT') return fail(res, 504, 'gateway_timeout', 'The gateway did not answer in time');
    fail(res, 502, 'bad_gateway', 'The gateway could not be reached');
  });
  upstream.end(body);
}

function fail(res, status, code, message) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { code, message } }));
}

const server = http.createServer((req, res) => {
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    // Past the limit the rest is read and dropped (not reset), so the client gets to read the 413.
    if (size <= maxBodyBytes) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > maxBodyBytes) {
      res.setHeader('connection', 'close');
      return fail(res, 413, 'payload_too_large', 'Request body too large');
    }
    send(req, res, Buffer.concat(chunks), Math.max(2, addresses.length));
  });
});
server.keepAliveTimeout = 5000;

function stop() {
  log('info', 'stopping: draining in-flight requests');
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 10_000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

refresh().then(() => {
  setInterval(refresh, refreshMs).unref();
  server.listen(port, process.env.HOST || '0.0.0.0', () =>
    log('info', 'listening', { port: server.address().port, upstream: `${upstreamHost}:${upstreamPort}` }),
  );
});
