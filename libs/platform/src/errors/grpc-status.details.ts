import type { Metadata } from '@grpc/grpc-js';
import { BadRequest, ErrorInfo, RetryInfo } from '@iot-mesh/proto/google/rpc/error_details';
import { Status } from '@iot-mesh/proto/google/rpc/status';

/** The google.rpc details a client found in a failed call's trailers. */
export interface DecodedStatusDetails {
  code: number;
  message: string;
  errorInfo?: ErrorInfo;
  badRequest?: BadRequest;
  retryInfo?: RetryInfo;
}

/** Reads `grpc-status-details-bin` from a call's trailing metadata; undefined when absent. */
export function decodeStatusDetails(metadata: Metadata | undefined): DecodedStatusDetails | undefined {
  const raw = metadata?.get('grpc-status-details-bin')[0];
  if (!(raw instanceof Buffer)) return undefined;
  const status = Status.decode(raw);
  const decoded: DecodedStatusDetails = { code: status.code, message: status.message };
  for (const any of status.details) {
    const typeName = any.typeUrl.slice(any.typeUrl.lastIndexOf('/') + 1);
    if (typeName === 'google.rpc.ErrorInfo') decoded.errorInfo = ErrorInfo.decode(any.value);
    if (typeName === 'google.rpc.BadRequest') decoded.badRequest = BadRequest.decode(any.value);
    if (typeName === 'google.rpc.RetryInfo') decoded.retryInfo = RetryInfo.decode(any.value);
  }
  return decoded;
}
