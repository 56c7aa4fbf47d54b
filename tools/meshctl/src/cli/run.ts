import { runCli as runLoadgen } from '@iot-mesh/loadgen';
import type { Cluster, ReleaseTarget } from '../cluster/cluster.port.js';
import { DryRunCluster } from '../cluster/dry-run-cluster.js';
import { HelmCluster } from '../cluster/helm-cluster.js';
import { ReleaseOps } from '../release/release-ops.js';
import { catalogServices, checkService, REPO_ROOT, UsageError } from '../release/validation.js';
import { analyze, auto } from './analysis-commands.js';
import { checkCommand } from './check-command.js';
import { EXIT, type MeshctlIo } from './io.js';
import { COMMANDS } from './command-options.js';
import { helpHint, parseCommand, str, type ParsedCommand } from './parse.js';
import { releaseCommand } from './release-commands.js';
import { statusJson, statusTable } from './status-format.js';
import { helpText } from './usage.js';

export { EXIT, type MeshctlIo } from './io.js';

/**
 * Whether the command stops gracefully on Ctrl+C or SIGTERM (io.signal): loadgen reports and revokes its
 * keys. The others keep Node's default and end at once.
 */
export const stopsOnSignal = (argv: readonly string[]) => argv[0] === 'loadgen';

/** The whole CLI; returns the exit code so it runs in-process in tests. */
export async function runMeshctl(argv: readonly string[], io: MeshctlIo): Promise<number> {
  if (stopsOnSignal(argv)) return runLoadgen(argv.slice(1), io);
  try {
    const parsed = parseCommand(argv);
    if (parsed === 'help') {
      io.out(helpText());
      return EXIT.ok;
    }
    if (parsed.values['help']) {
      io.out(helpText(parsed.command));
      return EXIT.ok;
    }
    return await execute(parsed, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`meshctl: ${error.message}\nRun "${helpHint(argv)}" for usage.`);
      return EXIT.usage;
    }
    io.err(`meshctl: ${(error as Error).message}`);
    return EXIT.failed;
  }
}

/** The cluster as --dry-run and the command's kind of dry run (command-options.ts) have it. */
function clusterFor(parsed: ParsedCommand, io: MeshctlIo): Cluster {
  if (io.cluster) return io.cluster;
  // With --json, stdout carries only the JSON document; the commands a dry run prints go to stderr.
  const print = (line: string) => (parsed.values['json'] ? io.err(line) : io.out(line));
  const dryRun = parsed.values['dry-run'] === true;
  if (dryRun && COMMANDS[parsed.command]?.dryRun === 'no-cluster') return new DryRunCluster(print, false);
  return new HelmCluster({
    cwd: REPO_ROOT,
    helm: io.env['MESHCTL_HELM'] ?? 'helm',
    kubectl: io.env['MESHCTL_KUBECTL'] ?? 'kubectl',
    log: dryRun ? print : (line) => io.err(line),
    dryRun,
  });
}

function targetFor(service: string, values: ParsedCommand['values']): ReleaseTarget {
  const context = values['kube-context'];
  const namespace = values['namespace'];
  // The charts refuse any other: their policies name each service's callers by namespace.
  if (typeof namespace === 'string' && namespace !== service) {
    throw new UsageError(
      `--namespace: ${service} is released only into namespace ${service}, not ${namespace}`,
    );
  }
  return {
    service,
    namespace: service,
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
  if (command === 'canary analyze') return analyze(target, parsed, io, cluster);
  if (command === 'canary auto') return auto(target, parsed, io, cluster, ops);
  if (command === 'release check') return checkCommand(target, parsed, io, cluster);
  return releaseCommand(target, parsed, io, ops);
}

async function status(
  service: string | undefined,
  parsed: ParsedCommand,
  io: MeshctlIo,
  known: string[],
): Promise<number> {
  // Without a service, --namespace NS shows the one released there: each service's namespace is its name.
  const namespace = service === undefined ? str(parsed.values, 'namespace') : undefined;
  if (namespace !== undefined && !known.includes(namespace)) {
    throw new UsageError(`--namespace: no service is released into namespace ${namespace}`);
  }
  const named = service ?? namespace;
  const services = named === undefined ? known : [checkService(named, known)];
  const cluster = clusterFor(parsed, io);
  const rows = [];
  for (const name of services) {
    const target = targetFor(name, parsed.values);
    rows.push({ service: name, namespace: target.namespace, state: await cluster.readRelease(target) });
  }
  io.out(parsed.values['json'] ? statusJson(rows) : statusTable(rows));
  return EXIT.ok;
}
