import type { Metadata, ServerWritableStream } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import {
  ALERT_MANAGER_SERVICE_NAME as SERVICE,
  type AcknowledgeAlertRequest,
  type AcknowledgeAlertResponse,
  type GetAlertRequest,
  type GetAlertResponse,
  type ListAlertsRequest,
  type ListAlertsResponse,
  type WatchAlertsRequest,
  type WatchAlertsResponse,
} from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { map, type Observable } from 'rxjs';
import { alertFilterFromMessage } from './alert-filter.js';
import { toAlertEventMessage, toAlertMessage } from './alert.mapper.js';
import { AlertWatchService } from './alert-watch.service.js';
import { AlertsService } from './alerts.service.js';

/** Transport for the alert methods of AlertManager (reading, acknowledging and watching alerts). */
@Controller()
export class AlertsGrpcController {
  constructor(
    private readonly alerts: AlertsService,
    private readonly watcher: AlertWatchService,
  ) {}

  @GrpcMethod(SERVICE, 'GetAlert')
  async getAlert(request: GetAlertRequest): Promise<GetAlertResponse> {
    return { alert: toAlertMessage(await this.alerts.get(request.id)) };
  }

  @GrpcMethod(SERVICE, 'ListAlerts')
  async listAlerts(request: ListAlertsRequest): Promise<ListAlertsResponse> {
    const filter = alertFilterFromMessage(request.filter);
    const page = await this.alerts.list(filter, request.pageSize, request.pageToken);
    return { alerts: page.alerts.map(toAlertMessage), nextPageToken: page.nextPageToken };
  }

  @GrpcMethod(SERVICE, 'AcknowledgeAlert')
  async acknowledgeAlert(request: AcknowledgeAlertRequest): Promise<AcknowledgeAlertResponse> {
    return { alert: toAlertMessage(await this.alerts.acknowledge(request.id, request.acknowledgedBy)) };
  }

  @GrpcMethod(SERVICE, 'WatchAlerts')
  watchAlerts(
    request: WatchAlertsRequest,
    _metadata: Metadata,
    call: ServerWritableStream<WatchAlertsRequest, WatchAlertsResponse>,
  ): Observable<WatchAlertsResponse> {
    const filter = alertFilterFromMessage(request.filter);
    // Written here rather than by Nest, which would queue whatever the watcher does not take.
    const writer = this.watcher.writerFor<WatchAlertsResponse>(call);
    return this.watcher.watch(filter, request, writer.demand).pipe(
      map((event) => ({ event: toAlertEventMessage(event) })),
      writer.writeAll(),
    );
  }
}
