import { typeCheck, typesModule } from './k8s-types';
import type { K8sObject } from './workspace';

/** The type check itself catches what a typo in a manifest would be. */
const deployment = (container: Record<string, unknown>, spec: Record<string, unknown> = {}): K8sObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'demo' },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'demo' } },
    template: {
      metadata: { labels: { app: 'demo' } },
      spec: { containers: [{ name: 'demo', image: 'demo:1', ...container }] },
    },
    ...spec,
  },
});

describe('type-checking rendered objects against kubernetes-types', () => {
  it('maps API versions to the modules of kubernetes-types', () => {
    expect(typesModule('v1')).toBe('kubernetes-types/core/v1');
    expect(typesModule('apps/v1')).toBe('kubernetes-types/apps/v1');
    expect(typesModule('networking.k8s.io/v1')).toBe('kubernetes-types/networking/v1');
    expect(typesModule('autoscaling/v2')).toBe('kubernetes-types/autoscaling/v2');
  });

  it('accepts a correct object', () => {
    expect(typeCheck([deployment({ readinessProbe: { httpGet: { path: '/readyz', port: 'http' } } })])).toEqual([]);
  });

  it('catches a misspelt field, at any depth', () => {
    const problems = typeCheck([deployment({ readinesProbe: { httpGet: { path: '/readyz', port: 'http' } } })]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.object).toBe('Deployment demo');
    expect(problems[0]!.message).toMatch(/'"readinesProbe"' does not exist in type 'Container'/);
    expect(typeCheck([deployment({ securityContext: { readOnlyRootFileSystem: true } })])[0]!.message).toMatch(
      /readOnlyRootFileSystem/,
    );
  });

  it('catches a wrong type and a missing required field', () => {
    expect(typeCheck([deployment({}, { replicas: '3' })])[0]!.message).toMatch(
      /Type 'string' is not assignable to type 'number'/,
    );
    const noContainers: K8sObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { restartPolicy: 'Never' },
    };
    expect(typeCheck([noContainers])[0]!.message).toMatch(/'containers' is missing/);
  });

  it('catches an unknown kind or API version', () => {
    const wrongVersion: K8sObject = { apiVersion: 'apps/v1beta9', kind: 'Deployment', metadata: { name: 'x' } };
    expect(typeCheck([wrongVersion])[0]!.message).toMatch(/Cannot find module 'kubernetes-types\/apps\/v1beta9'/);
    const wrongKind: K8sObject = { apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } };
    expect(typeCheck([wrongKind])[0]!.message).toMatch(/has no exported member named 'Deploymnet'/);
  });
});
