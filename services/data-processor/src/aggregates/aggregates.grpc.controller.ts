import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import {
  DATA_PROCESSOR_SERVICE_NAME as SERVICE,
  type DataProcessorController,
  type GetAggregatesRequest,
  type GetAggregatesResponse,
  type ListAggregatesRequest,
  type ListAggregatesResponse,
} from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import { toAggregateMessage } from './aggregate.mapper.js';
import { AggregatesService } from './aggregates.service.js';

/** Transport for the aggregate queries of DataProcessor. */
@Controller()
export class AggregatesGrpcController implements Pick<
  DataProcessorController,
  'getAggregates' | 'listAggregates'
> {
  constructor(private readonly aggregates: AggregatesService) {}

  @GrpcMethod(SERVICE, 'GetAggregates')
  async getAggregates(request: GetAggregatesRequest): Promise<GetAggregatesResponse> {
    const page = await this.aggregates.history({
      deviceId: request.deviceId,
      sensorType: request.sensorType,
      customSensor: request.customSensor,
      window: request.window,
      endAfter: request.startTime,
      pageSize: request.pageSize,
      pageToken: request.pageToken,
    });
    return { aggregates: page.aggregates.map(toAggregateMessage), nextPageToken: page.nextPageToken };
  }

  @GrpcMethod(SERVICE, 'ListAggregates')
  async listAggregates(request: ListAggregatesRequest): Promise<ListAggregatesResponse> {
    const page = await this.aggregates.latest(request);
    return { aggregates: page.aggregates.map(toAggregateMessage), nextPageToken: page.nextPageToken };
  }
}
