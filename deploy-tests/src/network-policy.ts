import type { LabelSelector } from 'kubernetes-types/meta/v1';
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from 'kubernetes-types/networking/v1';

/**
 * A small evaluator of Kubernetes NetworkPolicy semantics (enough for these manifests): can a
 * connection from one endpoint reach another on a TCP port? Both the source's egress and the
 * destination's ingress must allow it; a pod that no policy of a direction selects is open in it.
 */
export interface NetworkPeer {
  name: string;
  /** Namespace of a pod; undefined for an address outside the cluster. */
  namespace?: string;
  labels?: Record<string, string>;
  ip?: string;
}

export function selects(selector: LabelSelector | undefined, labels: Record<string, string> = {}): boolean {
  if (!selector) return true;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case 'In':
        return key in labels && values.includes(labels[key]!);
      case 'NotIn':
        return !(key in labels) || !values.includes(labels[key]!);
      case 'Exists':
        return key in labels;
      case 'DoesNotExist':
        return !(key in labels);
      default:
        throw new Error(`unknown selector operator ${operator}`);
    }
  });
  return byLabels && byExpressions;
}

function ipv4(ip: string): number {
  return ip.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4(ip) / size) === Math.floor(ipv4(base!) / size);
}

function peerMatches(peer: NetworkPolicyPeer, policyNamespace: string, endpoint: NetworkPeer): boolean {
  if (peer.ipBlock) {
    return (
      endpoint.ip !== undefined &&
      inCidr(endpoint.ip, peer.ipBlock.cidr) &&
      !(peer.ipBlock.except ?? []).some((cidr) => inCidr(endpoint.ip!, cidr))
    );
  }
  if (endpoint.namespace === undefined) return false;
  const namespaceOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, { 'kubernetes.io/metadata.name': endpoint.namespace })
    : endpoint.namespace === policyNamespace;
  return namespaceOk && selects(peer.podSelector, endpoint.labels);
}

function portMatches(ports: NetworkPolicyPort[] | undefined, port: number): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((rule) => (rule.protocol ?? 'TCP') === 'TCP' && (rule.port === undefined || rule.port === port));
}

function allowedOneWay(
  policies: NetworkPolicy[],
  direction: 'Ingress' | 'Egress',
  self: NetworkPeer,
  other: NetworkPeer,
  port: number,
): boolean {
  if (self.namespace === undefined) return true; // outside the cluster: no policy applies
  const applying = policies.filter(
    (policy) =>
      policy.metadata?.namespace === self.namespace &&
      selects(policy.spec?.podSelector, self.labels) &&
      (policy.spec?.policyTypes ?? ['Ingress']).includes(direction),
  );
  if (applying.length === 0) return true;
  return applying.some((policy) => {
    const rules = direction === 'Ingress' ? (policy.spec?.ingress ?? []) : (policy.spec?.egress ?? []);
    return rules.some((rule) => {
      const peers = 'from' in rule ? rule.from : (rule as { to?: NetworkPolicyPeer[] }).to;
      const peerOk = !peers || peers.length === 0 || peers.some((peer) => peerMatches(peer, self.namespace!, other));
      return peerOk && portMatches(rule.ports, port);
    });
  });
}

export function canConnect(policies: NetworkPolicy[], from: NetworkPeer, to: NetworkPeer, port: number): boolean {
  return allowedOneWay(policies, 'Egress', from, to, port) && allowedOneWay(policies, 'Ingress', to, from, port);
}
