import { COMMANDS } from './command-options.js';
import { ANALYSIS_OPTIONS, commonOptions } from './shared-options.js';
import { optionList } from './option-list.js';

const MAIN = `Usage: meshctl <command> [service] [options]

Releases the iot-mesh services with Helm (release = namespace = service, chart helm/<service>).

Commands
  deploy <service> --tag T [--environment E]   install or upgrade the stable track and wait
  canary start <service> --canary-tag T     deploy the canary at 0%, wait for it, then send it --weight
  canary weight <service> --stable S --canary C   shift traffic (S + C must be 100)
  canary promote <service>                  stable takes the canary's tag; then 100/0; then canary removed
  canary rollback <service>                 all traffic to stable; canary removed
  canary analyze <service>                  pass / fail / no-data from Prometheus (exit 0 / 1 / 3)
  canary auto <service> --canary-tag T      stepped rollout with analysis; promotes or rolls back
  release rollback <service> --revision N | --to-tag T   helm rollback to an explicit revision
  release check <service> --tag T [--canary-tag C]   would deploy (then canary start) go through? reads only
  status [service]                          versions, weights, replicas, last analysis
  loadgen [options]                         the load generator (meshctl loadgen --help)

Every command but loadgen takes --namespace, --kube-context, --dry-run and --json. --dry-run changes
nothing and prints the helm/kubectl lines that would; status, release check and release rollback still
read the release under it (printing each look-up), the others read no cluster.
Environment: MESHCTL_HELM, MESHCTL_KUBECTL (binaries, default helm / kubectl), PROMETHEUS_URL.
Cluster values (database, autoscaling, Secrets) come from deploy/environments/<E>/<service>.yaml with
deploy --environment E; every later step keeps them (Helm reuses the release's values).
Image tags become the pods' version label: 1-63 letters, digits, _ . -, first and last a letter or digit;
never the moving tag latest. A value starting with "-" may follow its option (--stable -10) or be joined
to it (--stable=-10).
Upgrades use --reset-then-reuse-values (Helm >= 3.14): new chart defaults reach existing releases.
Exit codes: 0 ok, 1 failed (or analysis failed, or rolled back), 2 bad input, 3 analysis had no data,
4 left part-way (canary auto: a rollback failed; its summary says what the release runs).
Run "meshctl <command> --help" for a command's options.`;

/** What each command does; its options follow, listed from command-options.ts. */
const ABOUT: Record<string, string> = {
  deploy: `Usage: meshctl deploy <service> --tag T [--environment E] [options]

Installs or upgrades the release with stable.image.tag=T
(helm upgrade --install --reset-then-reuse-values --wait). Refuses first, changing nothing, when a Secret
the rendered pods need does not exist in the namespace: they would wait for it until helm's timeout.`,
  'canary start': `Usage: meshctl canary start <service> --canary-tag T [--weight W] [--replace] [options]

Two upgrades: enables the canary track with image tag T at weight 0 and waits for it to be ready, then
routes W% (default 10) of traffic to it, so a canary that never gets ready never gets a request. When
either fails, the canary is rolled back (all traffic to stable, canary removed) and the exit code is 1.
Refuses T equal to stable's tag, and a release that already has a canary: roll that back first
("meshctl canary rollback <service>"), or pass --replace to do so in the same run.`,
  'canary weight': `Usage: meshctl canary weight <service> --stable S --canary C [options]

Sets the traffic split. S and C are whole percentages that must sum to 100. Without --wait, like the
rollback's first step: only routing changes, and a wait that timed out on an unready canary would leave
a failed Helm revision whose weights the next upgrade would silently undo. Refuses (exit 1, nothing
changed) to raise the canary's weight while fewer of its pods are ready than its Deployment wants;
keeping or lowering it is always allowed. Pipelines validate their parameters with --dry-run before
doing anything (a dry run reads no cluster, so not the pods).`,
  'canary promote': `Usage: meshctl canary promote <service> [--canary-tag T] [options]

Three upgrades: rolls stable to the canary's tag and waits for it, then sends 100% to stable, then
removes the canary track. A dry run reads no cluster, so it takes the canary's tag from --canary-tag.`,
  'canary rollback': `Usage: meshctl canary rollback <service> [--canary-tag T] [options]

Sends all traffic to stable (without --wait: it must not wait for a canary that never got ready), then
removes the canary track (waiting for the release). Without a canary it changes nothing and says
"nothing to roll back" (exit 0).`,
  'canary analyze': `Usage: meshctl canary analyze <service> [--canary-tag T] [options]

Compares the canary with stable over a window and decides pass (exit 0), fail (1) or no-data (3).
Each track's calls are taken by its version (image tag) as well as its track, so the calls a previous
canary made within the window never count for this one: the running canary's tag and stable's, read
from the release (with --dry-run, which reads no cluster, the canary's from --canary-tag and stable by
its track alone).
Success rate counts every call, streams included (a stream counts once, in the window it ends in):
a non-OK gRPC status is a failure even when its HTTP status is 200, and so is a REST 5xx. A call its
client cancelled is left out (gRPC Canceled; in Istio's metrics a reset by the client, flag DR or DC):
watchers hang up on streams all the time. The p99 is taken over unary gRPC calls and REST requests
other than SSE only, from the services' own histograms, as a stream lasts as long as its client keeps
it open; too few of them is no-data, not a pass. The output names the metrics of each figure.
The verdict is stored in the ConfigMap meshctl-last-analysis of the namespace (with --dry-run the
kubectl line that would store it is printed instead; Prometheus is still queried).`,
  'canary auto': `Usage: meshctl canary auto <service> --canary-tag T [options]

Starts the canary at the first step, analyses every --interval, moves to the next step on a pass,
promotes after the last step passes, and rolls back after --failure-threshold failed analyses or when a
step has no data for --deadline. Any error once the canary exists (an upgrade, Prometheus, recording
the verdict) rolls back too; a promotion that fails part-way puts stable's previous tag back. Prints a
timeline and the release it leaves; exit 0 when promoted, 1 when rolled back (the release as before),
4 when a rollback failed too (the release is as the summary says). Refused before anything changes when
Prometheus does not answer; the start is that of "canary start": refused when a canary runs already.
With --dry-run it prints at once the lines of a run in which every analysis passes: it waits for
nothing and asks Prometheus nothing (release check can ask it beforehand).`,
  'release rollback': `Usage: meshctl release rollback <service> (--revision N | --to-tag T) [options]

helm rollback to an explicit revision. Every meshctl step is a Helm revision of its own (a canary
start is two, a promote three), so "the previous revision" is rarely the release you mean.
With --dry-run it still reads the release and, for --to-tag, its history (helm status, history, get
values), so it names the revision it would go back to, and prints the helm rollback line.`,
  'release check': `Usage: meshctl release check <service> --tag T [--environment E] [--canary-tag C]
       [--weight W] [--analysis] [options]

Would "deploy --tag T [--environment E]" and then "canary start --canary-tag C --weight W" go through?
Reads the release (helm status, history, get values; kubectl get) and renders the chart with the values
the upgrades would leave (helm template), changing nothing. Refuses what canary start would (C equal to
T, a canary running already), what the chart would (its schema and checks, e.g. SQLite with more than
one pod) and what deploy would: a Secret the rendered pods need that does not exist (kubectl get secret).
Exit 0 when both would go through, 1 with every refusal. Pipelines run it before changing stable.
It changes nothing with or without --dry-run, which prints each helm/kubectl line it runs.`,
  status: `Usage: meshctl status [service] [options]

Versions, traffic weights, replicas and the last analysis of one service or all of them (without a
service, --namespace NS shows the one released there). It only reads; --dry-run prints each
helm/kubectl line it runs.`,
};

/** The tool's help, or a command's: what it does, then its options, the analysis ones, the common ones. */
export function helpText(command?: string): string {
  const spec = command === undefined ? undefined : COMMANDS[command];
  if (command === undefined || !spec) return MAIN;
  return [
    ABOUT[command] ?? `Usage: meshctl ${command} <service> [options]`,
    ...(Object.keys(spec.options).length > 0 ? [`Options\n${optionList(spec.options)}`] : []),
    ...(spec.analysis ? [`Analysis options\n${optionList(ANALYSIS_OPTIONS)}`] : []),
    `Common options\n${optionList(commonOptions(spec.dryRun))}`,
  ].join('\n\n');
}
