import type { Metadata } from '@grpc/grpc-js';
import type { HeaderLookup } from './credentials.js';

/** gRPC metadata as a header lookup (first value, as text). */
export const metadataLookup =
  (metadata: Metadata): HeaderLookup =>
  (name) => {
    const value = metadata.get(name)[0];
    return value === undefined ? undefined : value.toString();
  };
