const COMMON = `Common options
  --namespace NS            namespace of the release (default: the service's name)
  --kube-context CTX        kubeconfig context for helm and kubectl
  --dry-run                 print the helm/kubectl commands and the values that would change; touch nothing
  --json                    machine-readable output
  -h, --help                this text`;

const ANALYSIS = `Analysis options
  --prometheus URL          Prometheus base URL (default $PROMETHEUS_URL or http://127.0.0.1:9090)
  --metrics istio|app       Istio sidecar metrics (in the mesh, default) or the services' own, with a track label
  --window D                PromQL range analysed, e.g. 1m (default 1m)
  --min-success-rate P      canary success rate in percent it must reach (default 99)
  --max-p99-ms MS           canary p99 latency ceiling (default 500)
  --min-requests N          fewer canary calls in the window is no-data (default 20)
  --max-degradation P       percentage points the canary's success rate may trail stable's (default 1)`;

export const USAGE: Record<string, string> = {
  main: `Usage: meshctl <command> [service] [options]

Releases the iot-mesh services with Helm (release = namespace = service, chart helm/<service>).

Commands
  deploy <service> --tag T                  install or upgrade the stable track and wait
  canary start <service> --canary-tag T     deploy the canary track and send it --weight (default 10)
  canary weight <service> --stable S --canary C   shift traffic (S + C must be 100)
  canary promote <service>                  the canary's tag becomes stable; 100/0; canary removed
  canary rollback <service>                 all traffic to stable; canary removed
  canary analyze <service>                  pass / fail / no-data from Prometheus (exit 0 / 1 / 3)
  canary auto <service> --canary-tag T      stepped rollout with analysis; promotes or rolls back
  release rollback <service> [--revision N] helm rollback to the previous (or given) revision
  status [service]                          versions, weights, replicas, last analysis
  loadgen [options]                         the load generator (meshctl loadgen --help)

Environment: MESHCTL_HELM, MESHCTL_KUBECTL (binaries, default helm / kubectl), PROMETHEUS_URL.
Exit codes: 0 ok, 1 failed (or analysis failed, or rolled back), 2 bad input, 3 analysis had no data.
Run "meshctl <command> --help" for a command's options.`,
  deploy: `Usage: meshctl deploy <service> --tag T [options]

Installs or upgrades the release with stable.image.tag=T (helm upgrade --install --reuse-values --wait).

${COMMON}`,
  'canary start': `Usage: meshctl canary start <service> --canary-tag T [--weight W] [options]

Enables the canary track with image tag T and routes W% (default 10) of traffic to it.

${COMMON}`,
  'canary weight': `Usage: meshctl canary weight <service> --stable S --canary C [options]

Sets the traffic split. S and C are whole percentages that must sum to 100.
Pipelines validate their parameters with --dry-run before doing anything.

${COMMON}`,
  'canary promote': `Usage: meshctl canary promote <service> [--canary-tag T] [options]

Rolls stable to the canary's tag, then sends 100% to stable and removes the canary track.
--canary-tag refuses to promote anything else (required with --dry-run, which reads no cluster).

${COMMON}`,
  'canary rollback': `Usage: meshctl canary rollback <service> [options]

Sends all traffic to stable, then removes the canary track.

${COMMON}`,
  'canary analyze': `Usage: meshctl canary analyze <service> [options]

Compares the canary with stable over a window and decides pass (exit 0), fail (1) or no-data (3).
gRPC-aware: a call with a non-OK gRPC status is a failure even when its HTTP status is 200.
The verdict is stored in the ConfigMap meshctl-last-analysis of the namespace (not with --dry-run).

${ANALYSIS}

${COMMON}`,
  'canary auto': `Usage: meshctl canary auto <service> --canary-tag T [options]

Starts the canary at the first step, analyses every --interval, moves to the next step on a pass,
promotes after the last step passes, and rolls back after --failure-threshold failed analyses or when a
step has no data for --deadline. Prints a timeline; exit 0 when promoted, 1 when rolled back.

  --steps LIST              canary weights (default 10,25,50,100)
  --interval D              wait before each analysis (default 1m)
  --failure-threshold N     failed analyses before rolling back (default 2)
  --deadline D              longest a step may go without data (default 5m)

${ANALYSIS}

${COMMON}`,
  'release rollback': `Usage: meshctl release rollback <service> [--revision N] [options]

helm rollback to the previous revision, or to revision N.

${COMMON}`,
  status: `Usage: meshctl status [service] [options]

Versions, traffic weights, replicas and the last analysis of one service or all of them.

${COMMON}`,
};
