import { asArray, describe, field, ofKind, text, type K8sObject } from '../manifest.js';
import type { Violations } from './violations.js';

/**
 * Each pod outlives the app's drain: terminationGracePeriodSeconds covers the preStop sleep plus the
 * SHUTDOWN_TIMEOUT_MS its ConfigMap gives the app (whatever set it), and the proxy's terminationDrainDuration
 * is as long, so neither the kubelet's SIGKILL nor the sidecar's exit cuts the drain short.
 */
export function gracePeriodCoversDrain(objects: readonly K8sObject[]): Violations {
  const violations: Violations = [];
  const configMaps = new Map(ofKind(objects, 'ConfigMap').map((map) => [map.metadata.name, map]));
  for (const deployment of ofKind(objects, 'Deployment')) {
    const pod = field(deployment.spec, 'template');
    const container = field(pod, 'spec', 'containers', 0);
    const configMap = asArray(field(container, 'envFrom'))
      .map((source) => field(source, 'configMapRef', 'name'))
      .find((name) => name !== undefined);
    const shutdownMs = Number(field(configMaps.get(text(configMap)), 'data', 'SHUTDOWN_TIMEOUT_MS'));
    const preStop = Number(asArray(field(container, 'lifecycle', 'preStop', 'exec', 'command')).at(-1));
    const grace = Number(field(pod, 'spec', 'terminationGracePeriodSeconds'));
    const needed = preStop + Math.ceil(shutdownMs / 1000);
    if (!(grace >= needed))
      violations.push(
        `${describe(deployment)}: terminationGracePeriodSeconds ${grace} < preStop ${preStop}s + SHUTDOWN_TIMEOUT_MS ${shutdownMs}ms`,
      );
    const proxyConfig = text(field(pod, 'metadata', 'annotations', 'proxy.istio.io/config'));
    const drain = /"terminationDrainDuration":\s*"(\d+)s"/.exec(proxyConfig)?.[1];
    if (Number(drain) !== grace)
      violations.push(
        `${describe(deployment)}: proxy terminationDrainDuration ${drain ?? 'unset'}s, grace period ${grace}s`,
      );
  }
  return violations;
}
