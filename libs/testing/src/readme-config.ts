import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tokenContractSettings } from '@jwt-msa/claims';
import { describeSchema, type Schema } from '@jwt-msa/config';
import { databaseSettings } from '@jwt-msa/db';
import { edgeSettings } from '@jwt-msa/edge';
import { serviceSettings } from '@jwt-msa/service-defaults';
import { forwardedTokenSettings, verifierSettings } from '@jwt-msa/token-verifier';
import { upstreamPoolSettings } from '@jwt-msa/upstreams';

const README = path.resolve(__dirname, '..', '..', '..', 'README.md');

function without(schema: Schema, documented: Schema): Schema {
  const elsewhere = new Set<unknown>(Object.values(documented));
  return Object.fromEntries(Object.entries(schema).filter(([, setting]) => !elsewhere.has(setting)));
}

/** Settings several apps share, each documented once, in its own README section. */
export const SHARED_CONFIG_SECTIONS: ReadonlyArray<{ id: string; title: string; schema: Schema }> = [
  { id: 'service', title: 'Every service', schema: serviceSettings },
  {
    id: 'database',
    title:
      'Every service that owns a database (auth, catalog, orders, profile; the session gateway with SESSION_STORE=postgres)',
    schema: databaseSettings,
  },
  { id: 'token-contract', title: 'The token contract (auth, gateway, domain services)', schema: tokenContractSettings },
  {
    id: 'token-verification',
    title: 'Token verification (gateway; domain services in verify-token mode)',
    schema: verifierSettings,
  },
  {
    id: 'verify-token-mode',
    title: 'Every domain service (catalog, orders, profile): verify-token mode',
    schema: { verifyForwardedToken: forwardedTokenSettings.verifyForwardedToken },
  },
  {
    id: 'upstream-replicas',
    title: 'Every service that calls another (gateways, orders): its replicas',
    schema: upstreamPoolSettings,
  },
  { id: 'edge', title: 'Every edge (gateway, session gateway)', schema: without(edgeSettings, upstreamPoolSettings) },
];

const shared = new Set<unknown>(SHARED_CONFIG_SECTIONS.flatMap((section) => Object.values(section.schema)));

/** The settings of a schema that no shared section documents. */
export function ownSettings(schema: Schema): Schema {
  return Object.fromEntries(Object.entries(schema).filter(([, setting]) => !shared.has(setting)));
}

/**
 * The README's configuration tables are generated from the schemas, one section per schema
 * between `<!-- config:<id>:start -->` and `<!-- config:<id>:end -->`: each project checks the
 * sections of its own settings, so a schema and its table cannot drift. With UPDATE_README=1
 * (`npm run docs:config`) the section is rewritten instead.
 */
export function expectReadmeConfigSection(id: string, title: string, schema: Schema): void {
  const start = `<!-- config:${id}:start -->`;
  const end = `<!-- config:${id}:end -->`;
  const readme = readFileSync(README, 'utf8');
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) {
    throw new Error(
      `README.md has no configuration section "${id}": add the lines ${start} and ${end} where it belongs`,
    );
  }
  const expected = `${start}\n#### ${title}\n\n${describeSchema(schema)}\n${end}`;
  if (process.env['UPDATE_README'] === '1') {
    writeFileSync(README, readme.slice(0, from) + expected + readme.slice(to + end.length));
    return;
  }
  expect(readme.slice(from, to + end.length)).toBe(expected);
}
