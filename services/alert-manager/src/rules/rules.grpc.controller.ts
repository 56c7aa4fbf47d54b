import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import {
  ALERT_MANAGER_SERVICE_NAME as SERVICE,
  type CreateRuleRequest,
  type CreateRuleResponse,
  type DeleteRuleRequest,
  type DeleteRuleResponse,
  type GetRuleRequest,
  type GetRuleResponse,
  type ListRulesRequest,
  type ListRulesResponse,
  type UpdateRuleRequest,
  type UpdateRuleResponse,
} from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { ruleFilterFromRequest } from './rule-filter.js';
import { ruleFieldsFromMessage, toRuleMessage } from './rule.mapper.js';
import { RulesService } from './rules.service.js';

/** Transport for the rule methods of AlertManager. */
@Controller()
export class RulesGrpcController {
  constructor(private readonly rules: RulesService) {}

  @GrpcMethod(SERVICE, 'CreateRule')
  async createRule(request: CreateRuleRequest): Promise<CreateRuleResponse> {
    return { rule: toRuleMessage(await this.rules.create(ruleFieldsFromMessage(request.rule))) };
  }

  @GrpcMethod(SERVICE, 'GetRule')
  async getRule(request: GetRuleRequest): Promise<GetRuleResponse> {
    return { rule: toRuleMessage(await this.rules.get(request.id)) };
  }

  @GrpcMethod(SERVICE, 'ListRules')
  async listRules(request: ListRulesRequest): Promise<ListRulesResponse> {
    const filter = ruleFilterFromRequest(request);
    const page = await this.rules.list(filter, request.pageSize, request.pageToken);
    return { rules: page.rules.map(toRuleMessage), nextPageToken: page.nextPageToken };
  }

  @GrpcMethod(SERVICE, 'UpdateRule')
  async updateRule(request: UpdateRuleRequest): Promise<UpdateRuleResponse> {
    const rule = await this.rules.update(
      request.rule?.id ?? '',
      ruleFieldsFromMessage(request.rule),
      request.updateMask ?? [],
    );
    return { rule: toRuleMessage(rule) };
  }

  @GrpcMethod(SERVICE, 'DeleteRule')
  async deleteRule(request: DeleteRuleRequest): Promise<DeleteRuleResponse> {
    await this.rules.delete(request.id);
    return {};
  }
}
