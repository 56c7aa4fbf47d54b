import 'reflect-metadata';
import { loadConfigOrExit } from '@iot-mesh/platform';
import { bootstrapGateway } from './bootstrap-gateway.js';
import { gatewayConfigSchema } from './config.js';

await bootstrapGateway(loadConfigOrExit(gatewayConfigSchema));
