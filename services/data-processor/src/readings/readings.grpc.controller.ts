import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import {
  DATA_PROCESSOR_SERVICE_NAME as SERVICE,
  type DataProcessorController,
  type ProcessReadingsRequest,
  type ProcessReadingsResponse,
} from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import { ProcessReadingsService } from './process-readings.service.js';

/** Transport for ProcessReadings (the aggregate queries have their own controller). */
@Controller()
export class ReadingsGrpcController implements Pick<DataProcessorController, 'processReadings'> {
  constructor(private readonly readings: ProcessReadingsService) {}

  @GrpcMethod(SERVICE, 'ProcessReadings')
  processReadings(request: ProcessReadingsRequest): Promise<ProcessReadingsResponse> {
    return this.readings.process(request.readings);
  }
}
