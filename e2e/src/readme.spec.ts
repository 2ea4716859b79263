import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeSchema, type Schema } from '@jwt-msa/config';
import { databaseSettings } from '@jwt-msa/db';
import { serviceSettings } from '@jwt-msa/service-defaults';
import { forwardedTokenSettings } from '@jwt-msa/token-verifier';
import { authConfigSchema } from '../../apps/auth-service/src/config';
import { catalogConfigSchema } from '../../apps/catalog-service/src/config';
import { gatewayConfigSchema } from '../../apps/gateway/src/config';
import { ordersConfigSchema } from '../../apps/orders-service/src/config';
import { profileConfigSchema } from '../../apps/profile-service/src/config';
import { launcherConfigSchema } from '../../tools/local-cluster/src/config';

/**
 * The README's configuration tables are generated from the apps' config schemas: this test fails
 * when they drift, and `npm run docs:config` (UPDATE_README=1) rewrites them.
 */
const README = path.resolve(__dirname, '..', '..', 'README.md');
const START = '<!-- config:start -->';
const END = '<!-- config:end -->';

const shared = new Set<unknown>([
  ...Object.values(serviceSettings),
  ...Object.values(databaseSettings),
  ...Object.values(forwardedTokenSettings),
]);
const ownSettings = (schema: Schema): Schema =>
  Object.fromEntries(Object.entries(schema).filter(([, setting]) => !shared.has(setting)));

function renderTables(): string {
  const sections: Array<[string, Schema]> = [
    ['Every service', serviceSettings],
    ['Every service that owns a database (auth, catalog, orders, profile)', databaseSettings],
    ['Every domain service (catalog, orders, profile): verify-token mode', forwardedTokenSettings],
    ['gateway', ownSettings(gatewayConfigSchema)],
    ['auth-service', ownSettings(authConfigSchema)],
    ['catalog-service', ownSettings(catalogConfigSchema)],
    ['orders-service', ownSettings(ordersConfigSchema)],
    ['profile-service', ownSettings(profileConfigSchema)],
    ['`npm start` (the local launcher)', launcherConfigSchema],
  ];
  return sections
    .filter(([, schema]) => Object.keys(schema).length > 0)
    .map(([title, schema]) => `#### ${title}\n\n${describeSchema(schema)}\n`)
    .join('\n');
}

describe('README configuration tables', () => {
  it('match the config schemas', () => {
    const readme = readFileSync(README, 'utf8');
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const expected = `${START}\n${renderTables()}${END}`;
    if (process.env['UPDATE_README'] === '1') {
      writeFileSync(README, readme.slice(0, start) + expected + readme.slice(end + END.length));
      return;
    }
    expect(readme.slice(start, end + END.length)).toBe(expected);
  });
});
