import type { MeshStack } from './mesh-stack.js';
import { rssMiB, startSampling } from './rss-sampler.js';
import { SERVICE_NAMES } from './service-env.js';

/** Samples the RSS of every service's current instance (restarts included) every `everyMs`. */
export function sampleServiceRss(stack: MeshStack, everyMs = 1_000) {
  return startSampling(
    Object.fromEntries(
      SERVICE_NAMES.map((name) => [name, () => rssMiB(stack.instance(name).process.child.pid ?? 0)]),
    ),
    everyMs,
  );
}
