// Preloaded (`node --require`) by docker-compose.yml into every app container: names the replica
// after compose's container number, e.g. `orders-2`, for X-Served-By and the logs, where the
// default INSTANCE_ID would read `<container id>-<pid>`. Compose tells a container its own name
// only through Docker's DNS (the PTR record of its address: <project>-<service>-<n>.<network>), so
// this asks once, at start, in a child process, so that the app starts with the name already set.
// An INSTANCE_ID given explicitly wins; without an answer the app keeps its default name.
'use strict';
const { execFileSync } = require('node:child_process');

const LOOKUP = `
const { networkInterfaces } = require('node:os');
const { resolvePtr } = require('node:dns');
const own = Object.values(networkInterfaces()).flat().find((a) => a.family === 'IPv4' && !a.internal);
if (!own) process.exit(1);
resolvePtr(own.address.split('.').reverse().join('.') + '.in-addr.arpa', (error, names) => {
  const number = error ? undefined : /-(\\d+)$/.exec(names[0].split('.')[0])?.[1];
  if (!number) process.exit(1);
  process.stdout.write((process.env.APP_NAME || 'replica').replace(/-service$/, '') + '-' + number);
});`;

if (!process.env.INSTANCE_ID) {
  try {
    const name = execFileSync(process.execPath, ['-e', LOOKUP], {
      encoding: 'utf8',
      timeout: 3000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    if (/^[A-Za-z0-9_.-]{1,64}$/.test(name)) process.env.INSTANCE_ID = name;
  } catch {
    // No answer in time: the app's default name.
  }
}
