// Docker HEALTHCHECK: the app answers GET /readyz on its own port with 200 within 2 s.
// PORT, or the app's default port (the gateway 8080, the session gateway 8090, every other service 3000).
'use strict';
const http = require('node:http');

const DEFAULT_PORTS = { gateway: 8080, 'session-gateway': 8090 };
const port = Number(process.env.PORT || DEFAULT_PORTS[process.env.APP_NAME] || 3000);
const request = http.get({ host: '127.0.0.1', port, path: '/readyz', timeout: 2000 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
request.on('timeout', () => request.destroy(new Error('timeout')));
request.on('error', () => process.exit(1));
