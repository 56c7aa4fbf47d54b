import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import {
  ALERT_MANAGER_SERVICE_NAME as SERVICE,
  type EvaluateReadingsRequest,
  type EvaluateReadingsResponse,
} from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { toAlertMessage } from '../alerts/alert.mapper.js';
import { EvaluationService } from './evaluation.service.js';

/** Transport for AlertManager.EvaluateReadings, called by the data processor. */
@Controller()
export class EvaluationGrpcController {
  constructor(private readonly evaluation: EvaluationService) {}

  @GrpcMethod(SERVICE, 'EvaluateReadings')
  async evaluateReadings(request: EvaluateReadingsRequest): Promise<EvaluateReadingsResponse> {
    const result = await this.evaluation.evaluate(request.readings);
    return { evaluatedCount: result.evaluatedCount, changedAlerts: result.changed.map(toAlertMessage) };
  }
}
