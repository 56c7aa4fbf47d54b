import type { Server } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { PROTO_ROOT } from '@iot-mesh/proto';
import { refusingUndecodableRequests } from './package-definition.js';

/**
 * Server reflection (v1 and v1alpha) for the given .proto files, so grpcurl and Kiali can list the API.
 * Only the services this server serves are listed: a file's imports may define others (the gateway's
 * proto imports the alert manager's), which a client would then call here in vain.
 */
export function addReflection(
  server: Server,
  protoFiles: readonly string[],
  served: readonly string[],
): void {
  const definition = loadSync([...protoFiles], { includeDirs: [PROTO_ROOT] });
  new ReflectionService(definition, { services: [...served] }).addToServer(
    refusingUndecodableRequests(server),
  );
}
