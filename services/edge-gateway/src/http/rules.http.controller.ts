import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import { ListRulesRequest, ListRulesResponse, Rule } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import type { FastifyRequest } from 'fastify';
import type { Downstream } from '../downstream/downstream-clients.js';
import { DOWNSTREAM } from '../gateway.di-tokens.js';
import { callDownstream } from './call-downstream.js';
import { parseInput } from './parse-body.js';
import { messageFromJson, messageSchema, proto3Writer } from './proto-json.js';
import { RequestAccess } from './request-access.js';
import { listRulesQuerySchema, ruleUpdateMaskQuerySchema } from './query-schemas.js';
import { newRuleFieldsSchema, ruleFieldsSchema } from './schemas.js';

// Rules go through the proto3 JSON mapping, which reads and writes `forDuration` as "30s".
const ruleSchema = messageSchema('iotmesh.alert.v1.Rule');
const ruleFromJson = (fields: unknown): Rule => messageFromJson(ruleSchema, Rule, fields);
// The list query read as proto3 JSON: an unknown sensor type is a 400 naming it.
const listRulesSchema = messageSchema('iotmesh.alert.v1.ListRulesRequest');
const ruleJson = proto3Writer('iotmesh.alert.v1.Rule', Rule);
const rulePageJson = proto3Writer('iotmesh.alert.v1.ListRulesResponse', ListRulesResponse);
const ruleToJson = (rule: Rule | undefined) => ruleJson(rule!);

/** Operators manage alert rules over REST. */
@Controller('api/v1/rules')
export class RulesHttpController {
  constructor(
    @Inject(DOWNSTREAM) private readonly downstream: Downstream,
    private readonly access: RequestAccess,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Req() request: FastifyRequest, @Body() body: unknown) {
    await this.access.operator(request);
    const rule = ruleFromJson(parseInput(newRuleFieldsSchema, body));
    return ruleToJson(
      (await callDownstream('alert-manager', 'CreateRule', this.downstream.alerts.createRule({ rule }))).rule,
    );
  }

  @Get()
  async list(@Req() request: FastifyRequest, @Query() query: unknown) {
    await this.access.operator(request);
    const q = parseInput(listRulesQuerySchema, query, 'query');
    const response = await callDownstream(
      'alert-manager',
      'ListRules',
      this.downstream.alerts.listRules(messageFromJson(listRulesSchema, ListRulesRequest, q, 'query')),
    );
    return rulePageJson(response);
  }

  @Get(':id')
  async get(@Req() request: FastifyRequest, @Param('id') id: string) {
    await this.access.operator(request);
    return ruleToJson(
      (await callDownstream('alert-manager', 'GetRule', this.downstream.alerts.getRule({ id }))).rule,
    );
  }

  @Patch(':id')
  async update(
    @Req() request: FastifyRequest,
    @Param('id') id: string,
    @Body() body: unknown,
    @Query() query: unknown,
  ) {
    await this.access.operator(request);
    const rule = { ...ruleFromJson(parseInput(ruleFieldsSchema, body)), id };
    const { updateMask } = parseInput(ruleUpdateMaskQuerySchema, query, 'query');
    return ruleToJson(
      (
        await callDownstream(
          'alert-manager',
          'UpdateRule',
          this.downstream.alerts.updateRule({ rule, updateMask }),
        )
      ).rule,
    );
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Req() request: FastifyRequest, @Param('id') id: string): Promise<void> {
    await this.access.operator(request);
    await callDownstream('alert-manager', 'DeleteRule', this.downstream.alerts.deleteRule({ id }));
  }
}
