import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SERVICE_NAMES, SERVICES } from '@jwt-msa/topology';
import { SESSIONS_VS_JWT_RUNNER } from './cluster';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** The projects whose build target runs (or whose tests run) every app: their build lists name each one. */
const RUNNERS = { 'tools/local-cluster': 'build', 'tools/demo': 'build', e2e: 'test' } as const;

describe('what runs the whole system builds every app of the service list first', () => {
  it.each(Object.entries(RUNNERS))('%s', (project, target) => {
    const json = JSON.parse(readFileSync(path.join(REPO_ROOT, project, 'project.json'), 'utf8')) as {
      targets: Record<string, { dependsOn?: Array<string | { projects?: string[]; target: string }> }>;
    };
    const built = (json.targets[target]?.dependsOn ?? []).flatMap((dependency) =>
      typeof dependency === 'object' && dependency.target === 'build' ? (dependency.projects ?? []) : [],
    );
    expect(built).toEqual(expect.arrayContaining(SERVICE_NAMES.map((name) => SERVICES[name].app)));
  });
});

describe("the console's sessions-vs-JWT runner", () => {
  it("is a command of the launcher, so the launcher's build (tools/build-app.mjs: src/cli/*) bundles it", () => {
    expect(path.relative(REPO_ROOT, SESSIONS_VS_JWT_RUNNER)).toBe(
      path.join('dist', 'tools', 'local-cluster', 'sessions-vs-jwt.js'),
    );
    expect(existsSync(path.join(REPO_ROOT, 'tools', 'local-cluster', 'src', 'cli', 'sessions-vs-jwt.ts'))).toBe(true);
  });
});
