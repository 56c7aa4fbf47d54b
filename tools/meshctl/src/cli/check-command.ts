import type { Cluster, ReleaseTarget } from '../cluster/cluster.port.js';
import { environmentValuesFile } from '../release/environment.js';
import { releaseRefusals, type ReleasePlan } from '../release/release-check.js';
import { ReleaseStateError } from '../release/release-state-error.js';
import { checkPercent, checkTag } from '../release/validation.js';
import { prometheusFor } from './analysis-commands.js';
import { EXIT, type MeshctlIo } from './io.js';
import { str, type ParsedCommand } from './parse.js';

/** The plan `release check` is asked about, from its flags. */
function planOf(target: ReleaseTarget, values: ParsedCommand['values']): ReleasePlan {
  const stableTag = checkTag('--tag', str(values, 'tag'));
  const environment = str(values, 'environment');
  const canaryTag = str(values, 'canary-tag');
  return {
    stableTag,
    ...(environment === undefined ? {} : { valuesFile: environmentValuesFile(environment, target.service) }),
    ...(canaryTag === undefined
      ? {}
      : {
          canary: {
            tag: checkTag('--canary-tag', canaryTag),
            weight: checkPercent('--weight', str(values, 'weight')),
          },
        }),
  };
}

/**
 * `release check`: would `deploy --tag T [--environment E]` and then `canary start --canary-tag C` go
 * through? Only reads the cluster, under --dry-run too (which prints each look-up); exit 0 yes, 1 with
 * every refusal.
 */
export async function checkCommand(
  target: ReleaseTarget,
  parsed: ParsedCommand,
  io: MeshctlIo,
  cluster: Cluster,
): Promise<number> {
  const { values } = parsed;
  const plan = planOf(target, values);
  const refusals = await releaseRefusals(cluster, target, plan);
  if (values['analysis']) {
    await prometheusFor(values, io)
      .ping()
      .catch((error: Error) => refusals.push(`canary auto: ${error.message}`));
  }
  if (refusals.length > 0) throw new ReleaseStateError(`${target.service}: ${refusals.join('\n')}`);
  const canary = plan.canary ? `, then canary ${plan.canary.tag} at ${plan.canary.weight}%` : '';
  const summary = `${target.service}: stable ${plan.stableTag}${canary} would go through`;
  if (values['json'])
    io.out(
      JSON.stringify({ service: target.service, command: parsed.command, message: summary, plan }, null, 2),
    );
  else io.err(`meshctl: ${summary}`);
  return EXIT.ok;
}
