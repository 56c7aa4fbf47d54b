import { Controller, Inject, UseFilters } from '@nestjs/common';
import { GrpcMethod, GrpcStreamMethod } from '@nestjs/microservices';
import type { Metadata, ServerDuplexStream, ServerUnaryCall, ServerWritableStream } from '@grpc/grpc-js';
import {
  FlowControlledWriter,
  GrpcExceptionFilter,
  METRICS_REGISTRY,
  StreamReadAhead,
  streamMessageTraces,
  StreamShutdown,
} from '@iot-mesh/platform';
import {
  EDGE_GATEWAY_SERVICE_NAME as SERVICE,
  type PublishReadingRequest,
  type PublishReadingResponse,
  type PublishReadingsRequest,
  type PublishReadingsResponse,
  type WatchAlertsRequest,
  type WatchAlertsResponse,
} from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { Gauge, type Registry } from 'prom-client';
import {
  concatMap,
  defer,
  firstValueFrom,
  from,
  map,
  shareReplay,
  switchMap,
  tap,
  type Observable,
} from 'rxjs';
import { AlertStreamSlots } from '../alerts/alert-stream-slots.js';
import { AlertStreamService } from '../alerts/alert-stream.service.js';
import { clientAddress } from '../auth/client-address.js';
import { DeviceAuthService, type DeviceIdentity } from '../auth/device-auth.service.js';
import type { HeaderLookup } from '../auth/credentials.js';
import { metadataLookup } from '../auth/metadata-lookup.js';
import type { GatewayConfig } from '../config.js';
import { GATEWAY_CONFIG } from '../gateway.di-tokens.js';
import { RateLimits } from '../rate-limit/rate-limits.js';
import { PublishReadingsService } from './publish-readings.service.js';
import { gatewayShuttingDown } from '../gateway-shutting-down.js';

/**
 * The public gRPC API for devices; every call carries the device's API key in its metadata. In this
 * hybrid app the REST filter is global, so the gRPC filter is bound here.
 */
@Controller()
@UseFilters(GrpcExceptionFilter)
export class EdgeGatewayGrpcController {
  private readonly pendingBatches: Gauge;

  constructor(
    private readonly auth: DeviceAuthService,
    private readonly publisher: PublishReadingsService,
    private readonly alerts: AlertStreamService,
    private readonly alertSlots: AlertStreamSlots,
    private readonly limits: RateLimits,
    private readonly shutdown: StreamShutdown,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.pendingBatches = new Gauge({
      name: 'edge_gateway_publish_batches_pending',
      help: 'PublishReadings batches read from device streams whose acknowledgement has not been sent yet',
      registers: [registry],
    });
  }

  // The request stream is a hot subject: it is subscribed at once (so no batch sent while the key is
  // being verified is lost) and the key is verified once. Each batch goes on as soon as it is read, so
  // a stream's batches share the pipeline (and IngestBatch calls) instead of each waiting for the one
  // before; the acknowledgements go out in order. At most PUBLISH_STREAM_READ_AHEAD batches are under
  // way: beyond that the stream is not read and flow control holds the client back (see StreamReadAhead).
  // A batch is under way until HTTP/2 took its acknowledgement, so a client that does not read them is
  // held back too, rather than have them queue here. On shutdown the stream is read no further; it ends
  // with UNAVAILABLE once those read are acknowledged.
  // Each batch is a trace of its own, linked to the stream's (see streamMessageTraces).
  @GrpcStreamMethod(SERVICE, 'PublishReadings')
  publishReadings(
    requests: Observable<PublishReadingsRequest>,
    metadata: Metadata,
    call: ServerDuplexStream<PublishReadingsRequest, PublishReadingsResponse>,
  ): Observable<PublishReadingsResponse> {
    const device = defer(() => this.admit(metadata, call.getPeer())).pipe(shareReplay(1));
    const header = metadataLookup(metadata);
    const readAhead = new StreamReadAhead(call, this.config.publishStreamReadAhead, this.pendingBatches);
    call.once('close', () => readAhead.closed());
    const acknowledgements = new FlowControlledWriter<PublishReadingsResponse>(call, {
      sent: () => readAhead.answered(),
    });
    const batchTrace = streamMessageTraces(call.getPath());
    let lastChecked: Promise<unknown> = Promise.resolve();
    return this.shutdown.drain(
      requests,
      (batches) =>
        batches.pipe(
          tap(() => readAhead.read()),
          map((batch) =>
            batchTrace(() => {
              const { checked, answer } = this.startBatch(device, header, batch, lastChecked);
              lastChecked = checked;
              return answer;
            }),
          ),
          concatMap((answer) => answer),
          acknowledgements.writeAll(),
        ),
      () => gatewayShuttingDown('reconnect and send again the batches not acknowledged'),
    );
  }

  /**
   * A batch under way. It is checked (rate limit, size, ownership) only once the batch before it passed
   * its checks, so no batch read after a refused one is ingested; the ingestion itself does not wait.
   * Once one batch failed, the stream ends and awaits none of the later ones, so their failures are
   * marked handled here rather than left as unhandled rejections.
   */
  private startBatch(
    device: Observable<DeviceIdentity>,
    header: HeaderLookup,
    batch: PublishReadingsRequest,
    previousChecked: Promise<unknown>,
  ): { checked: Promise<Reading[]>; answer: Promise<PublishReadingsResponse> } {
    // The stream was admitted once; the key is looked up again (from the cache) for every batch, so
    // a stream of a key revoked since ends with UNAUTHENTICATED.
    const checked = previousChecked
      .then(() => firstValueFrom(device))
      .then(() => this.auth.authenticate(header))
      .then((identity) => this.publisher.checkBatch(identity, batch.readings));
    const answer = checked.then(async (own) => ({
      batchId: batch.batchId,
      ...(await this.publisher.ingestChecked(own)),
    }));
    checked.catch(() => undefined);
    answer.catch(() => undefined);
    return { checked, answer };
  }

  @GrpcMethod(SERVICE, 'PublishReading')
  async publishReading(
    request: PublishReadingRequest,
    metadata: Metadata,
    call: ServerUnaryCall<unknown, unknown>,
  ): Promise<PublishReadingResponse> {
    const device = await this.admit(metadata, call.getPeer());
    return this.publisher.publishOne(device, request.reading);
  }

  // The events are written here, and the alert manager's stream is read only while the watcher takes
  // them (see AlertStreamService), so a watcher that does not read holds back the alert manager instead
  // of having its replay and every later event queue in this process.
  @GrpcMethod(SERVICE, 'WatchAlerts')
  watchAlerts(
    request: WatchAlertsRequest,
    metadata: Metadata,
    call: ServerWritableStream<WatchAlertsRequest, WatchAlertsResponse>,
  ): Observable<WatchAlertsResponse> {
    const client = this.clientOf(metadata, call.getPeer());
    const writer = this.alerts.writerFor<WatchAlertsResponse>(call);
    return from(this.admit(metadata, call.getPeer())).pipe(
      switchMap((device) =>
        this.alerts
          .watch({ state: 0, severity: 0, deviceId: device.deviceId, ruleId: '' }, request, writer.demand)
          .pipe(this.alertSlots.held({ client, deviceId: device.deviceId })),
      ),
      map((event) => ({ event })),
      this.auth.untilRevoked(metadataLookup(metadata)),
      writer.writeAll(),
    );
  }

  private async admit(metadata: Metadata, peer: string): Promise<DeviceIdentity> {
    const client = this.clientOf(metadata, peer);
    await this.limits.forClient(client);
    return this.auth.authenticate(metadataLookup(metadata), client);
  }

  private clientOf(metadata: Metadata, peer: string): string {
    const forwardedFor = metadata.get('x-forwarded-for').map(String);
    return clientAddress(peer, forwardedFor, this.config.trustedProxyHops);
  }
}
