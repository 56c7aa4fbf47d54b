import type { Cluster, ReleaseTarget } from '../cluster/cluster.port.js';
import { parseAllDocuments } from 'yaml';

interface SecretReference {
  name?: string;
  secretName?: string;
  optional?: boolean;
}
interface Container {
  envFrom?: { secretRef?: SecretReference }[];
  env?: { valueFrom?: { secretKeyRef?: SecretReference } }[];
}
interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  volumes?: { secret?: SecretReference; projected?: { sources?: { secret?: SecretReference }[] } }[];
  imagePullSecrets?: { name?: string }[];
}
interface Resource {
  kind?: string;
  metadata?: { name?: string };
  spec?: {
    template?: { spec?: PodSpec };
    jobTemplate?: { spec?: { template?: { spec?: PodSpec } } };
  } & PodSpec;
}

/** The pod template of a workload (or a bare Pod's spec); undefined for anything that runs no pods. */
function podSpecOf(resource: Resource): PodSpec | undefined {
  if (resource.kind === 'Pod') return resource.spec;
  if (resource.kind === 'CronJob') return resource.spec?.jobTemplate?.spec?.template?.spec;
  return resource.spec?.template?.spec;
}

/** A reference the pod cannot start without: Kubernetes waits for a missing Secret unless it is optional. */
const required = (reference: SecretReference | undefined) =>
  reference && reference.optional !== true ? [reference.name ?? reference.secretName ?? ''] : [];

function secretsOf(pod: PodSpec): string[] {
  const containers = [...(pod.containers ?? []), ...(pod.initContainers ?? [])];
  return [
    ...containers.flatMap((container) => [
      ...(container.envFrom ?? []).flatMap((source) => required(source.secretRef)),
      ...(container.env ?? []).flatMap((variable) => required(variable.valueFrom?.secretKeyRef)),
    ]),
    ...(pod.volumes ?? []).flatMap((volume) => [
      ...required(volume.secret),
      ...(volume.projected?.sources ?? []).flatMap((source) => required(source.secret)),
    ]),
    ...(pod.imagePullSecrets ?? []).flatMap((secret) => required(secret)),
  ].filter((name) => name !== '');
}

/**
 * The Secrets a rendered release's pods cannot start without and that the release does not create:
 * they must exist in its namespace beforehand. Without one, every pod waits in
 * CreateContainerConfigError and the upgrade's --wait runs out its whole timeout before saying anything.
 */
export function secretsPodsNeed(manifest: string): string[] {
  const needed = new Set<string>();
  const created = new Set<string>();
  for (const document of parseAllDocuments(manifest)) {
    const resource = document.toJS() as Resource | null;
    if (!resource) continue;
    if (resource.kind === 'Secret' && resource.metadata?.name) created.add(resource.metadata.name);
    const pod = podSpecOf(resource);
    if (pod) for (const name of secretsOf(pod)) needed.add(name);
  }
  return [...needed].filter((name) => !created.has(name)).sort();
}

/**
 * What a deploy of that manifest would run into: its pods' Secrets that the namespace lacks, said with
 * how to create them; undefined when there are none (or nothing was rendered).
 */
export async function missingSecretsRefusal(
  cluster: Cluster,
  target: ReleaseTarget,
  manifest: string,
): Promise<string | undefined> {
  const missing = await cluster.missingSecrets(target, secretsPodsNeed(manifest));
  if (missing.length === 0) return undefined;
  const one = missing.length === 1;
  const names = missing.map((name) => `${target.namespace}/${name}`).join(', ');
  return (
    `${target.service}'s pods need the Secret${one ? '' : 's'} ${names}, which ${one ? 'does' : 'do'} not ` +
    `exist: every pod would wait for ${one ? 'it' : 'them'} until the rollout timed out. Create ` +
    `${one ? 'it' : 'them'} first, e.g. kubectl -n ${target.namespace} create secret generic ${missing[0]} ` +
    `--from-literal=NAME=value (docs/deployment-guide.md, "Databases and Secrets", says what each holds)`
  );
}
