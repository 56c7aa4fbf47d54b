import type { OutcomeQueries, QueryScope } from './query-scope.js';

// The server-side sidecar's view (reporter="destination") of one track's Deployment; Istio takes
// destination_version from the pods' version label.
function istioSelector({ service, namespace, track, version }: QueryScope): string {
  const workload = `reporter="destination",destination_workload_namespace="${namespace}",destination_workload="${service}-${track}"`;
  return version === undefined ? workload : `${workload},destination_version="${version}"`;
}

/**
 * A call its client reset: Envoy's response flags DR (downstream remote reset, Envoy >= 1.30) or DC
 * (downstream connection ended), comma-joined when there are several. Istio has no trailer to read for
 * such a call and records it as gRPC status 2 (UNKNOWN), so without this every watcher hanging up on a
 * stream would count as a failure of the server.
 */
const CLIENT_RESET = '(.*,)?D[RC](,.*)?';

/**
 * Istio records grpc_response_status ("0" is OK; absent for plain HTTP), so a call counts as
 * successful only when both the HTTP code is not 5xx and the gRPC status is OK or absent.
 * Istio counts a stream as one request, when it ends, so streams weigh as much as unary calls here.
 * `or vector(0)` keeps a track that failed every call from looking like one without data.
 */
export function istioOutcomeQueries(scope: QueryScope): OutcomeQueries {
  const judged = `${istioSelector(scope)},response_flags!~"${CLIENT_RESET}"`;
  const w = scope.window;
  return {
    successRate:
      `(sum(rate(istio_requests_total{${judged},response_code!~"5..",grpc_response_status=~"0|"}[${w}])) or vector(0))` +
      ` / sum(rate(istio_requests_total{${judged}}[${w}]))`,
    requests: `sum(increase(istio_requests_total{${judged}}[${w}]))`,
  };
}
