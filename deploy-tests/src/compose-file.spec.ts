import { execFileSync } from 'node:child_process';
import { composeFile, readText, root } from './workspace';
import {
  callsOf,
  DEPLOYED_SERVICE_NAMES,
  isOptionalUpstream,
  SERVICE_NAMES,
  SERVICES,
  UPSTREAM_NAMES,
  type ServiceEntry,
} from '@jwt-msa/topology';

/**
 * docker-compose.yml, the Dockerfile, docker/secrets/secrets.list and the secrets' handling, offline (the real run is
 * `npm run test:compose`, deploy-tests/compose/run.sh).
 */
type ComposeService = {
  image?: string;
  build?: { context: string; args?: Record<string, string> };
  pull_policy?: string;
  user?: string;
  entrypoint?: string[];
  ports?: string[];
  networks?: string[];
  network_mode?: string;
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  volumes?: string[];
  secrets?: string[];
  container_name?: string;
  read_only?: boolean;
  cap_drop?: string[];
  cap_add?: string[];
  init?: boolean;
  restart?: string;
  healthcheck?: unknown;
  profiles?: string[];
};
const compose = composeFile() as {
  version?: string;
  services: Record<string, ComposeService>;
  networks: Record<string, { internal?: boolean; driver_opts?: Record<string, string> } | null>;
  volumes: Record<string, unknown>;
  secrets?: unknown;
};
/** Compose names each app of the service list by its short name; the counter-examples run under the `sessions` profile. */
const NODE_SERVICES = SERVICE_NAMES;
const COUNTER_EXAMPLES = SERVICE_NAMES.filter((name) => (SERVICES[name] as ServiceEntry).counterExample);
const DATA_SERVICES = DEPLOYED_SERVICE_NAMES.filter((name) => SERVICES[name].kind === 'data');
/** What the stack adds around the apps: PostgreSQL, the two one-shots, a balancer in front of each kind of gateway. */
const INFRASTRUCTURE = ['balancer', 'postgres', 'postgres-roles', 'secrets', 'sessions-balancer'];
/** Started by `docker compose --profile sessions up` only: the counter-example and its balancer. */
const SESSIONS_PROFILE = [...COUNTER_EXAMPLES, 'sessions-balancer'];
const service = (name: string) => compose.services[name]!;

/** docker/secrets/secrets.list: the readers (service -> uid) and the secrets (file -> kind, readers). */
function secretList() {
  const readers = new Map<string, number>();
  const secrets = new Map<string, { kind: string; readers: string[] }>();
  for (const line of readText('docker/secrets/secrets.list').split('\n')) {
    const [type, ...fields] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (type === 'reader') readers.set(fields[0]!, Number(fields[1]));
    else if (type === 'secret') secrets.set(fields[0]!, { kind: fields[1]!, readers: fields.slice(2) });
  }
  return { readers, secrets };
}
const list = secretList();

describe('docker-compose.yml', () => {
  it('is a Compose v2 file without version or name key, and without container_name (so --scale works)', () => {
    expect(compose.version).toBeUndefined();
    expect(Object.keys(compose)).not.toContain('name');
    for (const [name, entry] of Object.entries(compose.services))
      expect([name, entry.container_name]).toEqual([name, undefined]);
    expect(Object.keys(compose.services).sort()).toEqual([...NODE_SERVICES, ...INFRASTRUCTURE].sort());
  });

  it("publishes one port, the balancer's 8080 in front of every gateway (on loopback unless GATEWAY_BIND says otherwise)", () => {
    const published = Object.entries(compose.services).filter(([, s]) => s.ports && s.ports.length > 0);
    expect(published.map(([name]) => name).sort()).toEqual(['balancer', 'sessions-balancer']);
    expect(service('balancer').ports).toEqual(['${GATEWAY_BIND:-127.0.0.1}:${GATEWAY_PORT:-8080}:8080']);
    // The counter-example's balancer, under its profile only, on a loopback port of its own.
    expect(service('sessions-balancer').ports).toEqual([
      '${GATEWAY_BIND:-127.0.0.1}:${SESSION_GATEWAY_PORT:-8090}:8080',
    ]);
    expect(service('sessions-balancer').environment).toEqual({
      BALANCER_UPSTREAM_HOST: 'session-gateway',
      BALANCER_UPSTREAM_PORT: '8090',
    });
    for (const balancer of ['balancer', 'sessions-balancer']) {
      expect([balancer, service(balancer).entrypoint]).toEqual([balancer, ['node', '/balancer.cjs']]);
      expect([balancer, service(balancer).volumes]).toEqual([balancer, ['./docker/balancer.cjs:/balancer.cjs:ro']]);
    }
    // Behind the balancer every request carries one more X-Forwarded-For hop, which auth must skip.
    expect(service('auth').environment!['TRUSTED_PROXY_HOPS']).toBe('1');
  });

  it('keeps PostgreSQL, the services and the gateways on internal networks that the host has no address on', () => {
    const closed = { internal: true, driver_opts: { 'com.docker.network.bridge.inhibit_ipv4': 'true' } };
    expect(compose.networks['backend']).toEqual(closed);
    expect(compose.networks['front']).toEqual(closed);
    expect(compose.networks['sessions-front']).toEqual(closed);
    const networksOf: Record<string, string[]> = {
      gateway: ['backend', 'front'],
      balancer: ['front', 'edge'],
      'session-gateway': ['backend', 'sessions-front'],
      'sessions-balancer': ['sessions-front', 'edge'],
    };
    for (const [name, entry] of Object.entries(compose.services)) {
      if (name === 'secrets') expect(entry.network_mode).toBe('none');
      else expect([name, entry.networks]).toEqual([name, networksOf[name] ?? ['backend']]);
    }
  });

  it('starts each service once what it needs is ready: secrets, then PostgreSQL, its roles, the services, the gateways', () => {
    const needs: Record<string, Record<string, string>> = {
      postgres: { secrets: 'service_completed_successfully' },
      'postgres-roles': { postgres: 'service_healthy' },
      ...Object.fromEntries(
        DATA_SERVICES.map((name) => [
          name,
          {
            'postgres-roles': 'service_completed_successfully',
            ...Object.fromEntries(callsOf(name).map((called) => [called, 'service_healthy'])),
          },
        ]),
      ),
      gateway: Object.fromEntries(UPSTREAM_NAMES.map((name) => [name, 'service_healthy'])),
      balancer: { gateway: 'service_healthy' },
      // Its session table is a database of the shared server; it routes to every upstream but the optional console.
      'session-gateway': {
        'postgres-roles': 'service_completed_successfully',
        ...Object.fromEntries(
          UPSTREAM_NAMES.filter((name) => !isOptionalUpstream(name)).map((name) => [name, 'service_healthy']),
        ),
      },
      'sessions-balancer': { 'session-gateway': 'service_healthy' },
    };
    for (const [name, wanted] of Object.entries(needs)) {
      const dependsOn = Object.fromEntries(
        Object.entries(service(name).depends_on ?? {}).map(([dependency, { condition }]) => [dependency, condition]),
      );
      expect([name, dependsOn]).toEqual([name, wanted]);
    }
    expect(service('postgres').healthcheck).toBeDefined(); // the Node images have their HEALTHCHECK
    for (const oneShot of ['secrets', 'postgres-roles'])
      expect([oneShot, service(oneShot).restart]).toEqual([oneShot, 'no']);
  });

  it('builds every app from this checkout with the one Dockerfile (never pulled) and runs it hardened', () => {
    for (const name of NODE_SERVICES) {
      const entry = service(name);
      const app = SERVICES[name].app;
      expect([name, entry.build, entry.image, entry.pull_policy]).toEqual([
        name,
        { context: '.', args: { APP: app } },
        `jwt-msa/${app}:\${TAG:-latest}`,
        'build',
      ]);
      expect([name, entry.read_only, entry.cap_drop, entry.init]).toEqual([name, true, ['ALL'], true]);
      // The image's entrypoint and command, with the replica's name (orders-2) preloaded.
      expect([name, entry.entrypoint]).toEqual([
        name,
        ['node', '--enable-source-maps', '--require', '/replica-name.cjs', 'main.js'],
      ]);
      expect([name, entry.volumes]).toEqual([
        name,
        ['secrets:/run/secrets:ro', './docker/replica-name.cjs:/replica-name.cjs:ro'],
      ]);
    }
    // The one-shots and the balancer run images this file builds (or PostgreSQL's), so nothing is pulled for them.
    expect([service('secrets').image, service('secrets').pull_policy]).toEqual([
      'jwt-msa/auth-service:${TAG:-latest}',
      'never',
    ]);
    for (const balancer of ['balancer', 'sessions-balancer'])
      expect([balancer, service(balancer).image, service(balancer).pull_policy]).toEqual([
        balancer,
        'jwt-msa/gateway:${TAG:-latest}',
        'never',
      ]);
    expect(service('postgres').image).toBe('postgres:17');
    expect(service('postgres-roles').image).toBe('postgres:17');
    for (const name of Object.keys(compose.services).filter((n) => n !== 'postgres'))
      expect([name, service(name).read_only, service(name).cap_drop]).toEqual([name, true, ['ALL']]);
    // The init hands each folder to its service's uid: exactly the capabilities for that, nothing more.
    expect(service('secrets').cap_add).toEqual(['CHOWN', 'DAC_OVERRIDE', 'FOWNER']);
  });

  it('starts the counter-example only under the `sessions` profile, and everything else without one', () => {
    expect(COUNTER_EXAMPLES).toEqual(['session-gateway']);
    for (const [name, entry] of Object.entries(compose.services))
      expect([name, entry.profiles]).toEqual([name, SESSIONS_PROFILE.includes(name) ? ['sessions'] : undefined]);
  });

  it('runs the session gateway on a session table of its own in PostgreSQL, logging in through auth', () => {
    const database = (SERVICES['session-gateway'] as ServiceEntry).sessionDatabase!;
    expect(service('session-gateway').environment).toEqual(
      expect.objectContaining({
        SESSION_STORE: 'postgres',
        DATABASE_URL: `postgres://${database}@postgres:5432/${database}`,
        DATABASE_PASSWORD_FILE: `/run/secrets/session-gateway/${database}-db-password`,
        CREDENTIALS_CHECK_SECRET_FILE: '/run/secrets/session-gateway/credentials-check-secret',
      }),
    );
    // The same secret on both sides of the credentials check, and a password that postgres-roles turns into its role.
    expect(list.secrets.get('credentials-check-secret')).toEqual({
      kind: 'token',
      readers: ['auth', 'session-gateway'],
    });
    expect(service('auth').environment!['CREDENTIALS_CHECK_SECRET_FILE']).toBe(
      '/run/secrets/auth/credentials-check-secret',
    );
    expect(list.secrets.get(`${database}-db-password`)).toEqual({
      kind: 'password',
      readers: ['postgres', 'session-gateway'],
    });
  });
});

describe('the secrets of the compose stack', () => {
  it('lists a reader for every service and PostgreSQL, each with a uid of its own that compose runs it as', () => {
    expect([...list.readers.keys()].sort()).toEqual(['postgres', ...NODE_SERVICES].sort());
    expect(new Set(list.readers.values()).size).toBe(list.readers.size);
    for (const name of NODE_SERVICES) {
      const uid = list.readers.get(name);
      expect([name, service(name).user]).toEqual([name, `${uid}:${uid}`]);
    }
    expect(list.readers.get('postgres')).toBe(999); // the postgres image's user
    expect(service('postgres-roles').user).toBe('999:999');
  });

  it('gives every data service a database password of its own, shared with PostgreSQL only, read from a file', () => {
    for (const name of DATA_SERVICES) {
      const database = (SERVICES[name] as { database: string }).database;
      const file = `${database}-db-password`;
      expect([name, list.secrets.get(file)]).toEqual([name, { kind: 'password', readers: ['postgres', name] }]);
      expect([name, service(name).environment]).toEqual([
        name,
        expect.objectContaining({
          DATABASE_URL: `postgres://${database}@postgres:5432/${database}`, // no password in it
          DATABASE_PASSWORD_FILE: `/run/secrets/${name}/${file}`,
        }),
      ]);
    }
    expect(service('auth').environment).toEqual(
      expect.objectContaining({
        SIGNING_KEY_FILE: '/run/secrets/auth/signing-key.pem',
        ADMIN_PASSWORD_FILE: '/run/secrets/auth/admin-password',
      }),
    );
    expect(service('postgres').environment).toEqual({
      POSTGRES_PASSWORD_FILE: '/run/secrets/postgres/postgres-password',
    });
  });

  it('points every *_FILE setting at a secret of the list that this service may read, in its own folder', () => {
    for (const [name, entry] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries(entry.environment ?? {})) {
        if (!key.endsWith('_FILE')) continue;
        const match = /^\/run\/secrets\/([a-z-]+)\/([a-z0-9.-]+)$/.exec(value);
        expect([name, key, match?.[1]]).toEqual([name, key, name]);
        expect([name, key, list.secrets.get(match![2]!)?.readers]).toEqual([name, key, expect.arrayContaining([name])]);
      }
      if (list.readers.has(name))
        expect([name, entry.volumes]).toEqual([name, expect.arrayContaining(['secrets:/run/secrets:ro'])]);
    }
  });

  it('holds no secret value: nothing interpolated from .env or the shell, no compose secrets from files', () => {
    expect(compose.secrets).toBeUndefined();
    expect(Object.keys(compose.volumes).sort()).toEqual(['pgdata', 'secrets']);
    for (const [name, entry] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries(entry.environment ?? {})) {
        expect([name, key, /PASSWORD|SECRET|TOKEN|KEY/.test(key) && !key.endsWith('_FILE')]).toEqual([
          name,
          key,
          false,
        ]);
        expect([name, key, value]).toEqual([name, key, expect.not.stringMatching(/\$\{[A-Z_]*(PASSWORD|SECRET|KEY)/)]);
        expect([name, key, value]).toEqual([name, key, expect.not.stringMatching(/:\/\/[^@/]*:[^@/]*@/)]);
      }
    }
    const ignored = execFileSync('git', ['check-ignore', '--no-index', '.env', 'secrets/admin-password'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(ignored.trim().split('\n')).toEqual(['.env', 'secrets/admin-password']);
    const tracked = execFileSync('git', ['ls-files', '--', '.env', 'secrets'], { cwd: root, encoding: 'utf8' });
    expect(tracked).toBe('');
  });

  it('runs only scripts that are in the repository (a clone has them: none is git-ignored)', () => {
    const mounted = Object.values(compose.services)
      .flatMap((entry) => entry.volumes ?? [])
      .filter((volume) => volume.startsWith('./'))
      .map((volume) => volume.slice(2, volume.indexOf(':')));
    const scripts = [...mounted, 'docker/secrets/init.cjs', 'docker/secrets/secrets.list'];
    const tracked = execFileSync('git', ['ls-files', '--', ...scripts], { cwd: root, encoding: 'utf8' });
    expect(tracked.trim().split('\n').sort()).toEqual([...new Set(scripts)].sort());
  });

  it('mounts secrets/ (bring your own) into the init service only, read-only with the rest of the checkout', () => {
    expect(service('secrets').volumes).toEqual(['secrets:/run/secrets', '.:/project:ro']);
    expect(service('secrets').entrypoint).toEqual(['node', '/project/docker/secrets/init.cjs']);
    for (const [name, entry] of Object.entries(compose.services))
      if (name !== 'secrets')
        expect([name, (entry.volumes ?? []).some((volume) => /^\.\/?(secrets)?:/.test(volume))]).toEqual([name, false]);
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
