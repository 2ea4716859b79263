import type { Deployment, StatefulSet } from 'kubernetes-types/apps/v1';
import type { HorizontalPodAutoscaler } from 'kubernetes-types/autoscaling/v2';
import type { Container, EnvVar, PodSpec, Service } from 'kubernetes-types/core/v1';
import type { Ingress, NetworkPolicy } from 'kubernetes-types/networking/v1';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import { DEPLOYED_SERVICE_NAMES, SERVICES, type ServiceEntry, type ServiceName } from '@jwt-msa/topology';
import { label, typeCheck } from './k8s-types';
import { canConnect, selects, type NetworkPeer } from './network-policy';
import {
  kustomize,
  kustomizeWithComponent,
  overlays,
  printedSecrets,
  readText,
  type K8sObject,
  type Overlay,
} from './workspace';

/**
 * The Kubernetes manifests, offline: every overlay renders with `kubectl kustomize`, every
 * rendered object type-checks against the Kubernetes API types, and the rendered objects keep the
 * promises of docs/deployment.md (probes, limits, hardening, replicas, autoscaling, disruption
 * budgets, network policies, Secrets only by reference).
 */
const NAMESPACE = 'jwt-msa';
/**
 * Every app of the service list but the counter-examples is deployed, except the optional static ones (the console: only
 * where an overlay adds it); the data services each reach a database of their own.
 */
const APPS = DEPLOYED_SERVICE_NAMES.filter((name) => SERVICES[name].kind !== 'static').map(
  (name) => SERVICES[name].app,
);
const DATA_SERVICES = DEPLOYED_SERVICE_NAMES.filter((name) => SERVICES[name].kind === 'data').map(
  (name) => SERVICES[name].app,
);
const entry = (name: ServiceName): ServiceEntry => SERVICES[name];
/**
 * Services that run as many replicas as the load asks for: every kind but `static` (files only,
 * one replica, which says so in its Deployment). Derived from the service list, so a service added
 * there is held to everything below the moment it is deployed.
 */
const SCALED = DEPLOYED_SERVICE_NAMES.filter((name) => entry(name).kind !== 'static');
const STATIC = DEPLOYED_SERVICE_NAMES.filter((name) => entry(name).kind === 'static');
/** Where a service's /metrics is: on its own port, or (an edge) on the internal admin port. */
const metricsPort = (name: ServiceName) => (entry(name).kind === 'edge' ? 'admin' : 'http');
const SINGLE_REPLICA = 'jwt-msa.example.com/single-replica';
/** The opt-in component that adds the static apps (the console): the local overlay lists it, production does not. */
const CONSOLE_COMPONENT = 'k8s/components/console';
const STATIC_APPS = STATIC.map((name) => entry(name).app);
const staticAppsOf = (overlay: Overlay) => (overlay === 'local' ? STATIC_APPS : []);
const productionDbEnv = Object.fromEntries(
  DATA_SERVICES.map((s) => [
    `${s.replace('-service', '').toUpperCase()}_DATABASE_URL`,
    `postgres://${s}:x@10.20.0.5:5432/${s}`,
  ]),
);

const rendered = new Map<Overlay, K8sObject[]>();
beforeAll(() => {
  for (const overlay of overlays) rendered.set(overlay, kustomize(`k8s/overlays/${overlay}`));
});

const all = (overlay: Overlay) => rendered.get(overlay)!;
const ofKind = <T>(overlay: Overlay, kind: string) =>
  all(overlay).filter((o) => o.kind === kind) as unknown as Array<T & K8sObject>;
const named = <T>(overlay: Overlay, kind: string, name: string) => {
  const found = ofKind<T>(overlay, kind).find((o) => o.metadata.name === name);
  if (!found) throw new Error(`${overlay}: no ${kind} ${name}`);
  return found;
};
const workloads = (overlay: Overlay) => [
  ...ofKind<Deployment>(overlay, 'Deployment'),
  ...ofKind<StatefulSet>(overlay, 'StatefulSet'),
];
const podSpec = (workload: Deployment | StatefulSet): PodSpec => workload.spec!.template.spec!;
const envOf = (container: Container, name: string): EnvVar | undefined => container.env?.find((e) => e.name === name);

describe.each(overlays)('k8s/overlays/%s', (overlay) => {
  it('renders, and every object type-checks against the Kubernetes API types (kubernetes-types)', () => {
    expect(all(overlay).length).toBeGreaterThan(30);
    const problems = typeCheck(all(overlay));
    expect(problems.map((p) => `${p.object}: ${p.message}`)).toEqual([]);
  });

  it('puts everything in the jwt-msa namespace, which enforces the restricted Pod Security Standard', () => {
    const namespace = named<K8sObject>(overlay, 'Namespace', NAMESPACE);
    expect(namespace.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    for (const object of all(overlay).filter((o) => o.kind !== 'Namespace'))
      expect([label(object), object.metadata.namespace]).toEqual([label(object), NAMESPACE]);
  });

  it('scales the gateway and each domain service by an HPA (min 3, no replicas in the Deployment), with a PDB', () => {
    for (const app of APPS) {
      const deployment = named<Deployment>(overlay, 'Deployment', app);
      // The HPA owns the scale: a `replicas` here would reset it on every `kubectl apply -k`.
      expect([app, deployment.spec!.replicas]).toEqual([app, undefined]);
      const hpa = named<HorizontalPodAutoscaler>(overlay, 'HorizontalPodAutoscaler', app);
      expect(hpa.spec!.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: app });
      expect(hpa.spec!.minReplicas).toBeGreaterThanOrEqual(3);
      expect(hpa.spec!.maxReplicas).toBeGreaterThan(hpa.spec!.minReplicas!);
      const pdb = named<PodDisruptionBudget>(overlay, 'PodDisruptionBudget', app);
      expect(selects(pdb.spec!.selector, deployment.spec!.template.metadata!.labels)).toBe(true);
      expect(pdb.spec!.maxUnavailable ?? pdb.spec!.minAvailable).toBeDefined();
    }
  });

  it('gives every workload probes on the health endpoints, requests and limits, and a hardened security context', () => {
    expect(workloads(overlay).length).toBeGreaterThanOrEqual(5);
    for (const workload of workloads(overlay)) {
      const spec = podSpec(workload);
      const where = label(workload);
      expect([where, spec.securityContext?.runAsNonRoot]).toEqual([where, true]);
      expect([where, spec.securityContext?.seccompProfile?.type]).toEqual([where, 'RuntimeDefault']);
      expect([where, spec.automountServiceAccountToken]).toEqual([where, false]);
      expect([
        where,
        ofKind<K8sObject>(overlay, 'ServiceAccount').some((sa) => sa.metadata.name === spec.serviceAccountName),
      ]).toEqual([where, true]);
      for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
        const at = `${where} container ${container.name}`;
        expect([at, container.securityContext]).toEqual([
          at,
          expect.objectContaining({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: expect.objectContaining({ drop: ['ALL'] }),
          }),
        ]);
        expect([at, container.securityContext?.capabilities?.add ?? []]).toEqual([at, []]);
        for (const resource of ['cpu', 'memory'])
          expect([at, resource, container.resources?.requests?.[resource]]).toEqual([at, resource, expect.anything()]);
        // A memory limit, and no CPU limit: CFS throttling shows as tail latency (see the manifests' comment).
        expect([at, container.resources?.limits]).toEqual([at, { memory: expect.anything() }]);
        expect([at, container.readinessProbe]).toEqual([at, expect.anything()]);
        expect([at, container.livenessProbe]).toEqual([at, expect.anything()]);
        expect([at, container.image]).toEqual([at, expect.stringMatching(/:[\w.-]+$/)]);
        // A read-only root file system: /tmp (and whatever else is written) is a volume.
        if (workload.kind === 'Deployment') {
          expect([at, container.readinessProbe?.httpGet?.path, container.livenessProbe?.httpGet?.path]).toEqual([
            at,
            '/readyz',
            '/healthz',
          ]);
          expect([at, container.volumeMounts?.some((m) => m.mountPath === '/tmp')]).toEqual([at, true]);
        }
      }
    }
  });

  it('reaches every domain service through a headless Service (the gateway balances over every pod)', () => {
    const gateway = named<Deployment>(overlay, 'Deployment', 'gateway').spec!.template.spec!.containers[0]!;
    for (const app of DATA_SERVICES) {
      const service = named<Service>(overlay, 'Service', app);
      expect([app, service.spec!.clusterIP]).toEqual([app, 'None']);
      const deployment = named<Deployment>(overlay, 'Deployment', app);
      expect(selects({ matchLabels: service.spec!.selector }, deployment.spec!.template.metadata!.labels)).toBe(true);
      const variable = `${app.replace('-service', '').toUpperCase()}_SERVICE_URLS`;
      expect(envOf(gateway, variable)?.value).toBe(`http://${app}:3000`);
    }
    expect(
      envOf(
        named<Deployment>(overlay, 'Deployment', 'orders-service').spec!.template.spec!.containers[0]!,
        'CATALOG_SERVICE_URLS',
      )?.value,
    ).toBe('http://catalog-service:3000');
    // Nothing but the Ingress is a way in: no LoadBalancer or NodePort Service.
    for (const service of ofKind<Service>(overlay, 'Service'))
      expect([label(service), service.spec!.type ?? 'ClusterIP']).toEqual([label(service), 'ClusterIP']);
  });

  it('exposes the gateway, and only the gateway, through an Ingress', () => {
    const ingresses = ofKind<Ingress>(overlay, 'Ingress');
    expect(ingresses.map((i) => i.metadata.name)).toEqual(['gateway']);
    const backends = ingresses[0]!.spec!.rules!.flatMap((rule) => rule.http!.paths.map((p) => p.backend.service));
    expect(backends).toEqual([{ name: 'gateway', port: { name: 'http' } }]);
  });

  it('takes secrets only by reference: no Secret object, no key material or password in any rendered object', () => {
    expect(ofKind<K8sObject>(overlay, 'Secret')).toEqual([]);
    const text = JSON.stringify(all(overlay));
    expect(text).not.toMatch(/PRIVATE KEY|BEGIN RSA|BEGIN EC/);
    expect(text).not.toMatch(/postgres(ql)?:\/\/[^"@\s]*:[^"@\s]*@/); // no URL with a password
    for (const workload of workloads(overlay)) {
      const spec = podSpec(workload);
      for (const container of spec.containers) {
        for (const env of container.env ?? []) {
          if (!/PASSWORD|DATABASE_URL|SECRET|KEY/.test(env.name)) continue;
          // Secrets reach the process as files only (the *_FILE settings), never as environment values.
          const at = `${label(workload)} ${env.name}`;
          expect([at, env.name.endsWith('_FILE'), env.valueFrom]).toEqual([at, true, undefined]);
          const mount = container.volumeMounts?.find((m) => env.value!.startsWith(`${m.mountPath}/`));
          const volume = spec.volumes?.find((v) => v.name === mount?.name);
          expect([at, mount?.readOnly, volume?.secret?.secretName]).toEqual([at, true, expect.any(String)]);
          const file = env.value!.slice(mount!.mountPath.length + 1);
          const items = volume!.secret!.items;
          if (items) expect([at, items.map((item) => item.path)]).toEqual([at, expect.arrayContaining([file])]);
        }
      }
    }
  });

  it('references only Secrets that k8s/make-secrets.sh creates, and those type-check too', () => {
    const secrets = printedSecrets(
      overlay,
      overlay === 'production' ? { ...productionDbEnv, ADMIN_PASSWORD: 'test-admin-password' } : {},
    );
    expect(typeCheck(secrets)).toEqual([]);
    const created = new Map(secrets.map((s) => [s.metadata.name, Object.keys((s as { data?: object }).data ?? {})]));
    for (const workload of workloads(overlay)) {
      const spec = podSpec(workload);
      for (const container of spec.containers) {
        for (const env of container.env ?? []) {
          const ref = env.valueFrom?.secretKeyRef;
          if (!ref || ref.optional) continue;
          expect([label(workload), ref.name, created.get(ref.name!)]).toEqual([
            label(workload),
            ref.name,
            expect.arrayContaining([ref.key]),
          ]);
        }
      }
      for (const volume of spec.volumes ?? []) {
        if (!volume.secret) continue;
        const keys = created.get(volume.secret.secretName!);
        expect([label(workload), volume.secret.secretName, keys]).toEqual([
          label(workload),
          volume.secret.secretName,
          expect.arrayContaining((volume.secret.items ?? []).map((i) => i.key)),
        ]);
      }
    }
    const key = Buffer.from(
      (secrets.find((s) => s.metadata.name === 'jwt-signing-key') as unknown as { data: Record<string, string> }).data[
        'signing-key.pem'
      ]!,
      'base64',
    ).toString();
    expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/); // PKCS#8, as SIGNING_KEY_FILE wants
  });

  it('lets through only client -> ingress -> gateway -> services, orders -> catalog, and data services -> PostgreSQL', () => {
    const policies = ofKind<NetworkPolicy>(overlay, 'NetworkPolicy');
    const denyAll = policies.find((p) => p.metadata.name === 'default-deny-all')!;
    expect(denyAll.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const pod = (app: string): NetworkPeer => ({
      name: app,
      namespace: NAMESPACE,
      labels: podSpecLabels(overlay, app),
    });
    const ingressController: NetworkPeer = {
      name: 'ingress-nginx',
      namespace: 'ingress-nginx',
      labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
    };
    const intruder: NetworkPeer = { name: 'some pod in the namespace', namespace: NAMESPACE, labels: { app: 'debug' } };
    const otherNamespace: NetworkPeer = {
      name: 'a pod of another namespace',
      namespace: 'default',
      labels: { 'app.kubernetes.io/name': 'gateway' },
    };
    const database: NetworkPeer = overlay === 'local' ? pod('postgres') : { name: 'managed database', ip: '10.20.0.5' };
    const reach = (from: NetworkPeer, to: NetworkPeer, port: number) => canConnect(policies, from, to, port);
    const portOf = (app: string) => (app === 'gateway' ? 8080 : 3000);

    // The way in: the Ingress controller to the gateway, and to nothing else.
    expect(reach(ingressController, pod('gateway'), 8080)).toBe(true);
    for (const app of DATA_SERVICES) expect([app, reach(ingressController, pod(app), 3000)]).toEqual([app, false]);
    // The gateway to every service; orders to catalog; no other path between them.
    for (const app of DATA_SERVICES) expect([app, reach(pod('gateway'), pod(app), 3000)]).toEqual([app, true]);
    expect(reach(pod('orders-service'), pod('catalog-service'), 3000)).toBe(true);
    for (const from of DATA_SERVICES) {
      for (const to of APPS) {
        if (from === to || (from === 'orders-service' && to === 'catalog-service')) continue;
        expect([from, to, reach(pod(from), pod(to), portOf(to))]).toEqual([from, to, false]);
      }
    }
    // PostgreSQL: the four data services only.
    for (const app of DATA_SERVICES) expect([app, reach(pod(app), database, 5432)]).toEqual([app, true]);
    expect(reach(pod('gateway'), database, 5432)).toBe(false);
    expect(reach(intruder, database, 5432)).toBe(false);
    if (overlay === 'local') expect(reach(ingressController, database, 5432)).toBe(false); // (the controller's own egress is not ours to police)
    // Nobody else gets in, from this namespace or another.
    for (const to of APPS) {
      expect([to, reach(intruder, pod(to), portOf(to))]).toEqual([to, false]);
      expect([to, reach(otherNamespace, pod(to), portOf(to))]).toEqual([to, false]);
    }
    // No way out of the cluster but DNS (and the database above).
    const internet: NetworkPeer = { name: 'the internet', ip: '203.0.113.7' };
    const dns: NetworkPeer = { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
    for (const from of APPS) {
      expect([from, reach(pod(from), internet, 443)]).toEqual([from, false]);
      expect([from, reach(pod(from), dns, 53)]).toEqual([from, true]);
    }
  });

  it('holds every scaled service of libs/topology to the same rules: probes, resources, hardening, policy, PDB, HPA', () => {
    const policies = ofKind<NetworkPolicy>(overlay, 'NetworkPolicy');
    const deployments = ofKind<Deployment>(overlay, 'Deployment');
    // Nothing is deployed that the service list does not know.
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...APPS, ...staticAppsOf(overlay)].sort());
    for (const name of SCALED) {
      const app = entry(name).app;
      const deployment = named<Deployment>(overlay, 'Deployment', app);
      const spec = podSpec(deployment);
      const labels = deployment.spec!.template.metadata!.labels!;
      expect([app, deployment.spec!.replicas, deployment.metadata.annotations?.[SINGLE_REPLICA]]).toEqual([
        app,
        undefined,
        undefined,
      ]);
      expect([app, spec.securityContext?.runAsNonRoot, spec.terminationGracePeriodSeconds]).toEqual([
        app,
        true,
        expect.any(Number),
      ]);
      for (const container of spec.containers) {
        const at = `${app} container ${container.name}`;
        expect([at, container.startupProbe?.httpGet?.path]).toEqual([at, '/healthz']);
        expect([at, container.readinessProbe?.httpGet?.path]).toEqual([at, '/readyz']);
        expect([at, container.livenessProbe?.httpGet?.path]).toEqual([at, '/healthz']);
        expect([at, container.lifecycle?.preStop]).toEqual([at, expect.anything()]); // endpoints drop it before SIGTERM
        expect([at, container.resources?.requests]).toEqual([
          at,
          { cpu: expect.anything(), memory: expect.anything() },
        ]);
        expect([at, container.securityContext?.readOnlyRootFilesystem]).toEqual([at, true]);
      }
      // A policy of its own admits its callers (beyond the namespace-wide deny and DNS).
      const admitting = policies.filter(
        (p) =>
          (p.spec!.ingress ?? []).length > 0 &&
          p.spec!.podSelector.matchLabels !== undefined &&
          selects(p.spec!.podSelector, labels),
      );
      expect([app, admitting.map((p) => p.metadata!.name)]).toEqual([app, [expect.any(String)]]);
      expect([app, named<HorizontalPodAutoscaler>(overlay, 'HorizontalPodAutoscaler', app).spec!.minReplicas]).toEqual([
        app,
        expect.any(Number),
      ]);
      expect([app, named<PodDisruptionBudget>(overlay, 'PodDisruptionBudget', app).spec!.maxUnavailable]).toEqual([
        app,
        1,
      ]);
      // The opt-in monitoring component finds it by where its /metrics is.
      expect([
        app,
        deployment.metadata.labels?.['jwt-msa.example.com/metrics-port'],
        labels['jwt-msa.example.com/metrics-port'],
      ]).toEqual([app, metricsPort(name), metricsPort(name)]);
    }
  });

  it('lets a static app (kind static: files, no state) run one replica only when its Deployment says why', () => {
    // Production runs none unless its kustomization adds the component; local lists it.
    const objects = overlay === 'local' ? all(overlay) : kustomizeWithComponent(overlay, CONSOLE_COMPONENT);
    for (const name of STATIC) {
      const app = entry(name).app;
      const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === app) as
        | (Deployment & K8sObject)
        | undefined;
      expect([app, deployment?.spec!.replicas, deployment?.metadata.annotations?.[SINGLE_REPLICA]]).toEqual([
        app,
        1,
        expect.stringMatching(/\w{3,}/),
      ]);
      expect([app, objects.some((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === app)]).toEqual([
        app,
        false,
      ]);
    }
    // Every kind of the service list is one of the two cases above.
    expect([...SCALED, ...STATIC].sort()).toEqual([...DEPLOYED_SERVICE_NAMES].sort());
  });

  it(`has the console where ${CONSOLE_COMPONENT} is added only, behind the gateway, reaching the gateways and auth only`, () => {
    const hasConsole = (objects: K8sObject[]) =>
      objects
        .filter((o) => o.metadata.name === 'console')
        .map((o) => o.kind)
        .sort();
    const consoleUrls = (objects: K8sObject[]) => {
      const gateway = objects.find(
        (o) => o.kind === 'Deployment' && o.metadata.name === 'gateway',
      ) as unknown as Deployment;
      return envOf(gateway.spec!.template.spec!.containers[0]!, 'CONSOLE_SERVICE_URLS')?.value;
    };
    // (local lists the component already: adding it twice would add everything twice)
    const added = overlay === 'local' ? all(overlay) : kustomizeWithComponent(overlay, CONSOLE_COMPONENT);
    expect(typeCheck(added).map((p) => `${p.object}: ${p.message}`)).toEqual([]);
    const withConsole = ['Deployment', 'NetworkPolicy', 'Service', 'ServiceAccount'];
    if (overlay === 'production') {
      expect(hasConsole(all(overlay))).toEqual([]);
      expect(consoleUrls(all(overlay))).toBeUndefined(); // the gateway answers /console/* with 404
      expect(all(overlay).some((o) => o.metadata.name === 'gateway-pods')).toBe(false);
    } else {
      expect(hasConsole(all(overlay))).toEqual(withConsole);
    }
    expect(hasConsole(added)).toEqual(withConsole);
    expect(consoleUrls(added)).toBe('http://console:3000');
    // The console finds every gateway pod (public and admin port) by the headless gateway-pods Service.
    const console = added.find(
      (o) => o.kind === 'Deployment' && o.metadata.name === 'console',
    ) as unknown as Deployment;
    const container = console.spec!.template.spec!.containers[0]!;
    expect([envOf(container, 'GATEWAY_URLS')?.value, envOf(container, 'GATEWAY_ADMIN_URLS')?.value]).toEqual([
      'http://gateway-pods:8080',
      'http://gateway-pods:9464',
    ]);
    expect(envOf(container, 'AUTH_SERVICE_URLS')?.value).toBe('http://auth-service:3000');
    const gatewayPods = added.find(
      (o) => o.kind === 'Service' && o.metadata.name === 'gateway-pods',
    ) as unknown as Service;
    expect([gatewayPods.spec!.clusterIP, gatewayPods.spec!.ports!.map((p) => p.port)]).toEqual(['None', [8080, 9464]]);
    const consoleService = added.find(
      (o) => o.kind === 'Service' && o.metadata.name === 'console',
    ) as unknown as Service;
    expect(selects({ matchLabels: consoleService.spec!.selector }, console.spec!.template.metadata!.labels)).toBe(true);
    // Still one way in: the Ingress to the gateway.
    expect(added.filter((o) => o.kind === 'Ingress').map((o) => o.metadata.name)).toEqual(['gateway']);

    const policies = added.filter((o) => o.kind === 'NetworkPolicy') as unknown as NetworkPolicy[];
    const labelsOf = (app: string) =>
      (added.find((o) => o.kind === 'Deployment' && o.metadata.name === app) as unknown as Deployment).spec!.template
        .metadata!.labels!;
    const pod = (app: string): NetworkPeer => ({ name: app, namespace: NAMESPACE, labels: labelsOf(app) });
    const reach = (from: NetworkPeer, to: NetworkPeer, port: number) => canConnect(policies, from, to, port);
    const ingressController: NetworkPeer = {
      name: 'ingress-nginx',
      namespace: 'ingress-nginx',
      labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
    };
    const intruder: NetworkPeer = { name: 'some pod in the namespace', namespace: NAMESPACE, labels: { app: 'debug' } };
    expect(reach(pod('gateway'), pod('console'), 3000)).toBe(true);
    expect(reach(pod('console'), pod('gateway'), 8080)).toBe(true);
    expect(reach(pod('console'), pod('gateway'), 9464)).toBe(true);
    expect(reach(pod('console'), pod('auth-service'), 3000)).toBe(true);
    for (const app of DATA_SERVICES.filter((a) => a !== 'auth-service'))
      expect([app, reach(pod('console'), pod(app), 3000)]).toEqual([app, false]);
    for (const app of DATA_SERVICES) expect([app, reach(pod(app), pod('console'), 3000)]).toEqual([app, false]);
    expect(reach(ingressController, pod('console'), 3000)).toBe(false);
    expect(reach(ingressController, pod('gateway'), 9464)).toBe(false); // the admin port stays internal
    expect(reach(intruder, pod('console'), 3000)).toBe(false);
    expect(reach(pod('console'), { name: 'the internet', ip: '203.0.113.7' }, 443)).toBe(false);
    const dns: NetworkPeer = { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
    expect(reach(pod('console'), dns, 53)).toBe(true);
    const postgres = added.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'postgres') as unknown as
      | StatefulSet
      | undefined;
    const database: NetworkPeer = postgres
      ? { name: 'postgres', namespace: NAMESPACE, labels: postgres.spec!.template.metadata!.labels! }
      : { name: 'managed database', ip: '10.20.0.5' };
    expect(reach(pod('console'), database, 5432)).toBe(false);
  });

  it('with k8s/components/monitoring: scrape annotations on every pod, and the scraper admitted to /metrics only', () => {
    const monitored = kustomizeWithComponent(overlay, 'k8s/components/monitoring');
    expect(typeCheck(monitored).map((p) => `${p.object}: ${p.message}`)).toEqual([]);
    const policies = monitored.filter((o) => o.kind === 'NetworkPolicy') as unknown as NetworkPolicy[];
    const scraper: NetworkPeer = {
      name: 'prometheus',
      namespace: 'monitoring',
      labels: { 'app.kubernetes.io/name': 'prometheus' },
    };
    const stranger: NetworkPeer = { ...scraper, namespace: 'default' };
    for (const name of SCALED) {
      const app = entry(name).app;
      const deployment = monitored.find(
        (o) => o.kind === 'Deployment' && o.metadata.name === app,
      ) as unknown as Deployment;
      const template = deployment.spec!.template.metadata!;
      const port = metricsPort(name) === 'admin' ? 9464 : 3000;
      expect([app, template.annotations]).toEqual([
        app,
        { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': '/metrics' },
      ]);
      const containerPorts = deployment.spec!.template.spec!.containers[0]!.ports!.map((p) => p.containerPort);
      expect([app, containerPorts]).toEqual([app, expect.arrayContaining([port])]);
      const pod: NetworkPeer = { name: app, namespace: NAMESPACE, labels: template.labels! };
      expect([app, canConnect(policies, scraper, pod, port)]).toEqual([app, true]);
      expect([app, canConnect(policies, stranger, pod, port)]).toEqual([app, false]);
      // Without the component, nobody reaches the gateway's admin port.
      expect([app, canConnect(ofKind<NetworkPolicy>(overlay, 'NetworkPolicy'), scraper, pod, port)]).toEqual([
        app,
        false,
      ]);
    }
  });
});

function podSpecLabels(overlay: Overlay, app: string): Record<string, string> {
  const workload = workloads(overlay).find((w) => w.metadata!.name === app);
  if (!workload) throw new Error(`${overlay}: no workload ${app}`);
  return workload.spec!.template.metadata!.labels!;
}

describe('overlay specifics', () => {
  it('local: PostgreSQL 17 as a StatefulSet with a volume, its roles made by the same script as compose', () => {
    const postgres = named<StatefulSet>('local', 'StatefulSet', 'postgres');
    expect(postgres.spec!.template.spec!.containers[0]!.image).toBe('postgres:17');
    expect(postgres.spec!.volumeClaimTemplates?.map((claim) => claim.metadata!.name)).toEqual(['data']);
    const initdb = ofKind<K8sObject & { data: Record<string, string> }>('local', 'ConfigMap').find((c) =>
      c.metadata.name.startsWith('postgres-initdb-'),
    )!;
    expect(initdb.data['roles.sh']).toBe(readText('docker/postgres/roles.sh'));
    for (const app of APPS)
      expect(named<Deployment>('local', 'Deployment', app).spec!.template.spec!.containers[0]!.image).toBe(
        `jwt-msa/${app}:latest`,
      );
  });

  it('production: no database in the cluster, images from a registry at a fixed tag, TLS on the Ingress', () => {
    expect(ofKind<K8sObject>('production', 'StatefulSet')).toEqual([]);
    expect(all('production').filter((o) => /postgres/.test(o.metadata.name))).toEqual([]);
    for (const app of APPS) {
      const image = named<Deployment>('production', 'Deployment', app).spec!.template.spec!.containers[0]!.image!;
      expect(image).toMatch(new RegExp(`^[\\w.-]+\\.[a-z]+/.*${app}:\\d+\\.\\d+\\.\\d+$`));
    }
    const ingress = named<Ingress>('production', 'Ingress', 'gateway');
    expect(ingress.spec!.tls?.[0]?.hosts).toEqual([ingress.spec!.rules![0]!.host]);
    const settings = ofKind<K8sObject & { data: Record<string, string> }>('production', 'ConfigMap').find((c) =>
      c.metadata.name.startsWith('jwt-msa-settings-'),
    )!;
    expect(settings.data['JWT_ISSUER']).toBe(`https://${ingress.spec!.rules![0]!.host}`);
  });
});
