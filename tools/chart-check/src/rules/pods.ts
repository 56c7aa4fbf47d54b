import { asArray, describe, field, ofKind, text, type K8sObject } from '../manifest.js';
import type { Violations } from './violations.js';

export function podTemplates(objects: readonly K8sObject[]): { owner: K8sObject; pod: unknown }[] {
  return ofKind(objects, 'Deployment').map((owner) => ({ owner, pod: field(owner.spec, 'template') }));
}

function containerProblems(container: unknown, podSecurity: unknown): string[] {
  const problems: string[] = [];
  for (const probe of ['readinessProbe', 'livenessProbe']) {
    if (typeof field(container, probe, 'grpc', 'port') !== 'number') problems.push(`no native gRPC ${probe}`);
  }
  for (const bound of ['requests', 'limits']) {
    if (!field(container, 'resources', bound, 'cpu') || !field(container, 'resources', bound, 'memory')) {
      problems.push(`no cpu/memory ${bound}`);
    }
  }
  const security = field(container, 'securityContext');
  const runAsNonRoot = field(security, 'runAsNonRoot') ?? field(podSecurity, 'runAsNonRoot');
  if (runAsNonRoot !== true) problems.push('runAsNonRoot is not true');
  if (field(security, 'readOnlyRootFilesystem') !== true) problems.push('root filesystem is writable');
  if (field(security, 'allowPrivilegeEscalation') !== false)
    problems.push('allowPrivilegeEscalation is not false');
  if (!asArray(field(security, 'capabilities', 'drop')).includes('ALL'))
    problems.push('capabilities not dropped (ALL)');
  const seccomp = field(security, 'seccompProfile', 'type') ?? field(podSecurity, 'seccompProfile', 'type');
  if (seccomp !== 'RuntimeDefault') problems.push('seccomp profile is not RuntimeDefault');
  return problems;
}

/** Every pod: app/version/track labels (Kiali, subsets), gRPC probes, resources and a locked-down securityContext. */
export function podsAreHardened(objects: readonly K8sObject[]): Violations {
  const violations: Violations = [];
  for (const { owner, pod } of podTemplates(objects)) {
    for (const label of ['app', 'version', 'track']) {
      if (!field(pod, 'metadata', 'labels', label))
        violations.push(`${describe(owner)}: pod label ${label} missing`);
    }
    const track = field(pod, 'metadata', 'labels', 'track');
    if (track !== undefined && track !== 'stable' && track !== 'canary') {
      violations.push(`${describe(owner)}: track label is ${text(track)}, not stable|canary`);
    }
    const podSecurity = field(pod, 'spec', 'securityContext');
    const containers = asArray(field(pod, 'spec', 'containers'));
    if (containers.length === 0) violations.push(`${describe(owner)}: no containers`);
    for (const container of containers) {
      for (const problem of containerProblems(container, podSecurity)) {
        violations.push(`${describe(owner)} container ${text(field(container, 'name'))}: ${problem}`);
      }
    }
  }
  return violations;
}
