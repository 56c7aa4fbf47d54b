import type { ReleaseTarget } from '../cluster/cluster.port.js';
import { environmentValuesFile } from '../release/environment.js';
import { historyHint } from '../release/release-history.js';
import type { ReleaseOps, RollbackTarget } from '../release/release-ops.js';
import { checkInteger, checkPercent, checkTag, UsageError } from '../release/validation.js';
import { EXIT, type MeshctlIo } from './io.js';
import { str, type ParsedCommand } from './parse.js';

// The commands that change a release through helm: deploy, canary start/weight/promote/rollback,
// release rollback. Each reports one line on stderr, or one JSON object on stdout with --json.

/** --revision N or --to-tag T, exactly one: "the previous revision" is rarely the release meant. */
function rollbackTarget(target: ReleaseTarget, values: ParsedCommand['values']): RollbackTarget {
  const revision = str(values, 'revision');
  const toTag = str(values, 'to-tag');
  if ((revision === undefined) === (toTag === undefined)) {
    throw new UsageError(
      'release rollback needs one of --revision N or --to-tag T: every meshctl step is a Helm revision ' +
        `of its own, so "the previous one" is rarely the release you mean; ${historyHint(target)}`,
    );
  }
  return toTag === undefined
    ? { revision: checkInteger('--revision', revision, 1, 1_000_000) }
    : { toTag: checkTag('--to-tag', toTag) };
}

export async function releaseCommand(
  target: ReleaseTarget,
  parsed: ParsedCommand,
  io: MeshctlIo,
  ops: ReleaseOps,
): Promise<number> {
  const { command, values } = parsed;
  const done = (message: string, details: Record<string, unknown> = {}) => {
    const dryRun = values['dry-run'] === true;
    if (values['json']) {
      io.out(JSON.stringify({ service: target.service, command, dryRun, message, ...details }, null, 2));
    } else {
      io.err(`meshctl: ${message}${dryRun ? ' (dry run: nothing changed)' : ''}`);
    }
    return EXIT.ok;
  };
  switch (command) {
    case 'deploy': {
      const tag = checkTag('--tag', str(values, 'tag'));
      const environment = str(values, 'environment');
      const valuesFile =
        environment === undefined ? undefined : environmentValuesFile(environment, target.service);
      await ops.deploy(tag, valuesFile);
      const where = environment === undefined ? '' : ` with the ${environment} values (${valuesFile})`;
      return done(`${target.service} stable is ${tag}${where}`, {
        stableTag: tag,
        ...(environment === undefined ? {} : { environment, valuesFile }),
      });
    }
    case 'canary start': {
      const tag = checkTag('--canary-tag', str(values, 'canary-tag'));
      const weight = checkPercent('--weight', str(values, 'weight'));
      await ops.startCanary(tag, weight, values['replace'] === true);
      return done(`${target.service} canary ${tag} gets ${weight}%`, {
        canaryTag: tag,
        canaryWeight: weight,
      });
    }
    case 'canary weight': {
      const stable = checkPercent('--stable', str(values, 'stable'));
      const canary = checkPercent('--canary', str(values, 'canary'));
      await ops.setWeights(stable, canary);
      return done(`${target.service} traffic stable ${stable}% / canary ${canary}%`, {
        stableWeight: stable,
        canaryWeight: canary,
      });
    }
    case 'canary promote': {
      const expected = str(values, 'canary-tag');
      const tag = await ops.promote(expected === undefined ? undefined : checkTag('--canary-tag', expected));
      return done(`${target.service} promoted ${tag} to stable`, { stableTag: tag });
    }
    case 'canary rollback': {
      const expected = str(values, 'canary-tag');
      const rolledBack = await ops.rollback(
        expected === undefined ? undefined : checkTag('--canary-tag', expected),
      );
      return done(
        rolledBack
          ? `${target.service} canary rolled back`
          : `${target.service} has no canary: nothing to roll back`,
        { rolledBack },
      );
    }
    case 'release rollback': {
      const revision = await ops.rollbackRelease(rollbackTarget(target, values));
      return done(`${target.service} rolled back to revision ${revision}`, { revision });
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}
