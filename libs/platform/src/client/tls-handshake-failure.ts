/**
 * Node's words for a TLS handshake that failed because of the peer's certificate, as grpc-js passes
 * them on in an UNAVAILABLE call's details ("No connection established. Last error: Error:
 * certificate has expired"), and what they mean.
 */
const HANDSHAKE_FAILURES: ReadonlyArray<[RegExp, string]> = [
  [/certificate has expired/i, "the server's TLS certificate has expired"],
  [/certificate is not yet valid/i, "the server's TLS certificate is not valid yet"],
  [
    /unable to verify the first certificate|unable to get local issuer certificate|self[- ]signed certificate/i,
    "the server's TLS certificate was not issued by the CA this service trusts (TLS_CA_FILE)",
  ],
  [/does not match certificate's altnames/i, "the server's TLS certificate does not name the address called"],
  [/alert certificate expired/i, "the server refused this service's TLS certificate as expired"],
  [
    /alert (unknown ca|bad certificate|certificate unknown)/i,
    "the server refused this service's TLS certificate",
  ],
];

/**
 * Why a call's connection failed in its TLS handshake, from the details of its UNAVAILABLE error, or
 * undefined. Only failures the calling side sees are named: the server's certificate (expired, not yet
 * valid, from another CA, for another name). When the server refuses the caller's own certificate
 * (expired, from another CA) under TLS 1.3, grpc-js reports only "Failed to connect", the same as a
 * refused connection: the caller's tls_certificate_expiry_timestamp_seconds and its expiry log tell
 * that case.
 */
export function tlsHandshakeFailure(details: string | undefined): string | undefined {
  if (!details) return undefined;
  return HANDSHAKE_FAILURES.find(([pattern]) => pattern.test(details))?.[1];
}
