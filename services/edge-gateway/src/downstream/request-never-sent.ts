/**
 * The words in which a failed call's UNAVAILABLE says that its request never reached the service: the
 * only such failures after which a write is known not to have happened. Any other (a connection lost
 * after the request was sent: "Connection dropped", "read ECONNRESET"; a proxy's timeout: Envoy's
 * "upstream request timeout") leaves it unknown whether the service applied it.
 */
const NEVER_SENT: readonly RegExp[] = [
  // grpc-js's picker while no connection could be made (refused, unresolvable, a TLS handshake failed).
  /^(round_robin: |weighted_round_robin: )?No connection established/,
  /^Name resolution failed for target /,
  /^Channel closed before call started$/,
  // HTTP/2 REFUSED_STREAM: the server did no processing of the stream (RFC 9113, section 8.7).
  /^Stream refused by server$/,
  // The caller's Envoy sidecar, when no upstream pod took the connection (in the mesh the gateway's
  // own connection goes to its sidecar, so grpc-js's words above do not appear for a pod that is down).
  /^no healthy upstream$/,
  /reset reason: (local |remote )?connection failure/,
];

/** Whether an UNAVAILABLE call's details say its request never reached the service. */
export const requestNeverSent = (details: string | undefined): boolean =>
  details !== undefined && NEVER_SENT.some((pattern) => pattern.test(details));
