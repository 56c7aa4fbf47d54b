import { runCli as runLoadgen } from '@iot-mesh/loadgen';
import type { Cluster, ReleaseTarget } from '../cluster/cluster.port.js';
import { DryRunCluster } from '../cluster/dry-run-cluster.js';
import { HelmCluster } from '../cluster/helm-cluster.js';
import { ReleaseOps } from '../release/release-ops.js';
import {
  catalogServices,
  checkNumber,
  checkPercent,
  checkService,
  checkTag,
  REPO_ROOT,
  UsageError,
} from '../release/validation.js';
import { analyze, auto } from './analysis-commands.js';
import { EXIT, type MeshctlIo } from './io.js';
import { parseCommand, str, type ParsedCommand } from './parse.js';
import { statusJson, statusTable } from './status-format.js';
import { USAGE } from './usage.js';

export { EXIT, type MeshctlIo } from './io.js';

/** The whole CLI; returns the exit code so it runs in-process in tests. */
export async function runMeshctl(argv: readonly string[], io: MeshctlIo): Promise<number> {
  if (argv[0] === 'loadgen') return runLoadgen(argv.slice(1), io);
  try {
    const parsed = parseCommand(argv);
    if (parsed === 'help') {
      io.out(USAGE['main'] ?? '');
      return EXIT.ok;
    }
    if (parsed.values['help']) {
      io.out(USAGE[parsed.command] ?? '');
      return EXIT.ok;
    }
    return await execute(parsed, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(
        `meshctl: ${error.message}\nRun "meshctl ${argv
          .slice(0, 2)
          .filter((a) => !a.startsWith('-'))
          .join(' ')} --help" for usage.`,
      );
      return EXIT.usage;
    }
    io.err(`meshctl: ${(error as Error).message}`);
    return EXIT.failed;
  }
}

function clusterFor(parsed: ParsedCommand, io: MeshctlIo): Cluster {
  if (io.cluster) return io.cluster;
  if (parsed.values['dry-run']) return new DryRunCluster((line) => io.out(line), false);
  return new HelmCluster({
    cwd: REPO_ROOT,
    helm: io.env['MESHCTL_HELM'] ?? 'helm',
    kubectl: io.env['MESHCTL_KUBECTL'] ?? 'kubectl',
    log: (line) => io.err(line),
  });
}

function targetFor(service: string, values: ParsedCommand['values']): ReleaseTarget {
  const context = values['kube-context'];
  return {
    service,
    namespace: typeof values['namespace'] === 'string' ? values['namespace'] : service,
    chart: `helm/${service}`,
    ...(typeof context === 'string' ? { kubeContext: context } : {}),
  };
}

async function execute(parsed: ParsedCommand, io: MeshctlIo): Promise<number> {
  const { command, positionals, values } = parsed;
  const known = catalogServices();
  if (positionals.length > 1) throw new UsageError(`unexpected arguments: ${positionals.slice(1).join(' ')}`);
  if (command === 'status') return status(positionals[0], parsed, io, known);
  const target = targetFor(checkService(positionals[0], known), values);
  const cluster = clusterFor(parsed, io);
  const ops = new ReleaseOps(cluster, target);
  const done = (message: string) => {
    io.err(`meshctl: ${message}${values['dry-run'] ? ' (dry run: nothing changed)' : ''}`);
    return EXIT.ok;
  };
  switch (command) {
    case 'deploy': {
      const tag = checkTag('--tag', str(values, 'tag'));
      await ops.deploy(tag);
      return done(`${target.service} stable is ${tag}`);
    }
    case 'canary start': {
      const tag = checkTag('--canary-tag', str(values, 'canary-tag'));
      const weight = checkPercent('--weight', str(values, 'weight'));
      await ops.startCanary(tag, weight);
      return done(`${target.service} canary ${tag} gets ${weight}%`);
    }
    case 'canary weight': {
      const stable = checkPercent('--stable', str(values, 'stable'));
      const canary = checkPercent('--canary', str(values, 'canary'));
      await ops.setWeights(stable, canary);
      return done(`${target.service} traffic stable ${stable}% / canary ${canary}%`);
    }
    case 'canary promote': {
      const expected = str(values, 'canary-tag');
      const tag = await ops.promote(expected === undefined ? undefined : checkTag('--canary-tag', expected));
      return done(`${target.service} promoted ${tag} to stable`);
    }
    case 'canary rollback':
      await ops.rollback();
      return done(`${target.service} canary rolled back`);
    case 'release rollback': {
      const revision = str(values, 'revision');
      await ops.rollbackRelease(revision === undefined ? undefined : checkNumber('--revision', revision, 1));
      return done(`${target.service} rolled back`);
    }
    case 'canary analyze':
      return analyze(target, parsed, io, cluster);
    case 'canary auto':
      return auto(target, parsed, io, cluster, ops);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

async function status(
  service: string | undefined,
  parsed: ParsedCommand,
  io: MeshctlIo,
  known: string[],
): Promise<number> {
  const services = service === undefined ? known : [checkService(service, known)];
  const cluster = clusterFor(parsed, io);
  const rows = [];
  for (const name of services) {
    const target = targetFor(name, parsed.values);
    rows.push({ service: name, namespace: target.namespace, state: await cluster.readRelease(target) });
  }
  io.out(parsed.values['json'] ? statusJson(rows) : statusTable(rows));
  return EXIT.ok;
}
