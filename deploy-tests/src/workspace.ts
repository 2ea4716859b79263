import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments, parse } from 'yaml';

export const root = path.resolve(__dirname, '..', '..');
export const overlays = ['local', 'production'] as const;
export type Overlay = (typeof overlays)[number];

/** A rendered Kubernetes object, as plain JSON. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

export function readText(relative: string): string {
  return readFileSync(path.join(root, relative), 'utf8');
}

/** `kubectl kustomize` of a folder under k8s/, parsed. Needs kubectl (kustomize v5 inside). */
export function kustomize(dir: string): K8sObject[] {
  return render(path.join(root, dir), dir);
}

/**
 * An overlay with an opt-in component added, as a user's overlay would list it under
 * `components:` (rendered from a scratch kustomization that names both by relative path, since
 * kustomize accepts no absolute one).
 */
export function kustomizeWithComponent(overlay: Overlay, component: string): K8sObject[] {
  const scratch = mkdtempSync(path.join(tmpdir(), 'kustomize-'));
  try {
    const relative = (dir: string) => path.relative(scratch, path.join(root, dir));
    writeFileSync(
      path.join(scratch, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'namespace: jwt-msa',
        `resources: [${relative(`k8s/overlays/${overlay}`)}]`,
        `components: [${relative(component)}]`,
        '',
      ].join('\n'),
    );
    return render(scratch, `${overlay} + ${component}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function render(dir: string, name: string): K8sObject[] {
  let out: string;
  try {
    out = execFileSync('kubectl', ['kustomize', dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 20_000,
    });
  } catch (error) {
    const { code, stderr } = error as { code?: string; stderr?: string };
    if (code === 'ENOENT') throw new Error('kubectl not found: install it (it ships kustomize); .ci/run does');
    throw new Error(`kubectl kustomize ${name} failed: ${stderr ?? String(error)}`);
  }
  return parseYamlStream(out);
}

export function parseYamlStream(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('\n'));
      return doc.toJSON() as K8sObject | null;
    })
    .filter((object): object is K8sObject => object !== null);
}

/** docker-compose.yml as Compose would read it (YAML merge keys resolved). */
export function composeFile(): Record<string, unknown> {
  return parse(readText('docker-compose.yml'), { merge: true }) as Record<string, unknown>;
}

/** The Secrets `k8s/make-secrets.sh <overlay> --print` would create (no cluster needed). */
export function printedSecrets(overlay: Overlay, env: Record<string, string> = {}): K8sObject[] {
  const out = execFileSync('bash', [path.join(root, 'k8s', 'make-secrets.sh'), overlay, '--print'], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
  return parseYamlStream(out);
}
