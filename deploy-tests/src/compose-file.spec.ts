import { execFileSync } from 'node:child_process';
import { composeFile, readText, root } from './workspace';
import { DEPLOYED_SERVICE_NAMES } from '@jwt-msa/topology';

/**
 * docker-compose.yml, the Dockerfile and the secrets' handling, offline (the real run is
 * `npm run test:compose`, deploy-tests/compose/run.sh).
 */
type ComposeService = {
  image?: string;
  build?: { context: string; args?: Record<string, string> };
  ports?: string[];
  networks?: string[];
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  secrets?: string[];
  container_name?: string;
  read_only?: boolean;
  cap_drop?: string[];
  init?: boolean;
  healthcheck?: unknown;
};
const compose = composeFile() as {
  version?: string;
  services: Record<string, ComposeService>;
  networks: Record<string, { internal?: boolean; driver_opts?: Record<string, string> } | null>;
  secrets: Record<string, { file: string }>;
};
/** Compose names each app of the service list by its short name (the counter-examples: under a profile, not checked here yet). */
const NODE_SERVICES = DEPLOYED_SERVICE_NAMES;

describe('docker-compose.yml', () => {
  it('works with Compose v1 and v2: no version or name key, no container_name (so --scale works)', () => {
    expect(compose.version).toBeUndefined();
    expect(Object.keys(compose)).not.toContain('name');
    for (const [name, service] of Object.entries(compose.services))
      expect([name, service.container_name]).toEqual([name, undefined]);
    expect(Object.keys(compose.services).sort()).toEqual([
      'auth',
      'catalog',
      'gateway',
      'orders',
      'postgres',
      'profile',
    ]);
  });

  it("publishes one port, the gateway's 8080 (on loopback unless GATEWAY_BIND says otherwise)", () => {
    const published = Object.entries(compose.services).filter(([, s]) => s.ports && s.ports.length > 0);
    expect(published.map(([name]) => name)).toEqual(['gateway']);
    expect(compose.services['gateway']!.ports).toEqual(['${GATEWAY_BIND:-127.0.0.1}:${GATEWAY_PORT:-8080}:8080']);
  });

  it('keeps PostgreSQL and the services on an internal network that the host has no address on', () => {
    expect(compose.networks['backend']).toEqual({
      internal: true,
      driver_opts: { 'com.docker.network.bridge.inhibit_ipv4': 'true' },
    });
    for (const [name, service] of Object.entries(compose.services)) {
      expect([name, service.networks]).toEqual([name, name === 'gateway' ? ['backend', 'edge'] : ['backend']]);
    }
  });

  it('starts each service once what it needs is healthy', () => {
    const needs: Record<string, string[]> = {
      auth: ['postgres'],
      catalog: ['postgres'],
      orders: ['catalog', 'postgres'],
      profile: ['postgres'],
      gateway: ['auth', 'catalog', 'orders', 'profile'],
    };
    for (const [name, wanted] of Object.entries(needs)) {
      const dependsOn = compose.services[name]!.depends_on!;
      expect([name, Object.keys(dependsOn).sort()]).toEqual([name, wanted]);
      for (const dependency of Object.values(dependsOn)) expect(dependency.condition).toBe('service_healthy');
    }
    expect(compose.services['postgres']!.healthcheck).toBeDefined(); // the Node images have their HEALTHCHECK
  });

  it('builds every app from the one Dockerfile and runs it hardened', () => {
    for (const name of NODE_SERVICES) {
      const service = compose.services[name]!;
      const app = name === 'gateway' ? 'gateway' : `${name}-service`;
      expect([name, service.build, service.image]).toEqual([
        name,
        { context: '.', args: { APP: app } },
        `jwt-msa/${app}:\${TAG:-latest}`,
      ]);
      expect([name, service.read_only, service.cap_drop, service.init]).toEqual([name, true, ['ALL'], true]);
    }
    expect(compose.services['postgres']!.image).toBe('postgres:17');
  });

  it('takes secrets from git-ignored files only: compose secrets and .env, nothing secret in the file', () => {
    expect(Object.values(compose.secrets).map((s) => s.file)).toEqual([
      './secrets/jwt-signing-key.pem',
      './secrets/postgres-password',
    ]);
    expect(compose.services['auth']!.environment!['SIGNING_KEY_FILE']).toBe('/run/secrets/jwt-signing-key');
    expect(compose.services['postgres']!.environment!['POSTGRES_PASSWORD_FILE']).toBe('/run/secrets/postgres-password');
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (/PASSWORD$|DATABASE_URL/.test(key))
          expect([name, key, value]).toEqual([name, key, expect.stringMatching(/\$\{[A-Z_]+_PASSWORD(:[?-][^}]*)?\}/)]);
      }
    }
    const ignored = execFileSync(
      'git',
      ['check-ignore', '--no-index', '.env', 'secrets/jwt-signing-key.pem', 'secrets/postgres-password'],
      { cwd: root, encoding: 'utf8' },
    );
    expect(ignored.trim().split('\n')).toEqual(['.env', 'secrets/jwt-signing-key.pem', 'secrets/postgres-password']);
    const tracked = execFileSync('git', ['ls-files', '--', '.env', 'secrets'], { cwd: root, encoding: 'utf8' });
    expect(tracked).toBe('');
  });
});

describe('Dockerfile', () => {
  const dockerfile = readText('Dockerfile');
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('builds from the lockfile on the official Node.js LTS slim image, and ships production packages only', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-slim$/m);
    expect(dockerfile).toMatch(/RUN npm ci --ignore-scripts/);
    expect(dockerfile).toMatch(/RUN npm ci --omit=dev/);
    expect(finalStage).toMatch(/COPY --from=prod-deps \/workspace\/node_modules/);
    expect(finalStage).not.toMatch(/COPY (?!--from)(?!docker\/healthcheck\.cjs)/); // nothing else from the context
  });

  it('runs as a numeric non-root user, with a HEALTHCHECK, node as the process that gets SIGTERM', () => {
    expect(finalStage).toMatch(/^USER 1000:1000$/m);
    expect(finalStage).toMatch(/^HEALTHCHECK .*CMD \["node", "healthcheck\.cjs"\]$/m);
    expect(finalStage).toMatch(/^ENTRYPOINT \["node", /m); // exec form: no shell in between
  });

  it('sends only sources and the lockfile to the build (.dockerignore): never secrets or .env', () => {
    const ignore = readText('.dockerignore')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'));
    expect(ignore[0]).toBe('*');
    expect(ignore.filter((line) => line.startsWith('!')).some((line) => /secret|\.env/.test(line))).toBe(false);
  });
});
