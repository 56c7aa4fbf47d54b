import { Module, type DynamicModule } from '@nestjs/common';
import type { RegistryConfig } from './config.js';
import { DevicesGrpcController } from './devices/devices.grpc.controller.js';
import { DevicesService } from './devices/devices.service.js';
import { DisabledVerificationMailer } from './infrastructure/disabled-verification.mailer.js';
import { GrpcVerificationMailer } from './infrastructure/grpc-verification.mailer.js';
import type { RegistryStore } from './infrastructure/registry-store.port.js';
import { DeviceKeysGrpcController } from './keys/device-keys.grpc.controller.js';
import { DeviceKeysService } from './keys/device-keys.service.js';
import { CLOCK, DEVICE_REPOSITORY, REGISTRY_CONFIG, VERIFICATION_MAILER } from './registry.di-tokens.js';

@Module({})
export class RegistryModule {
  static register(config: RegistryConfig, store: RegistryStore): DynamicModule {
    return {
      module: RegistryModule,
      controllers: [DevicesGrpcController, DeviceKeysGrpcController],
      providers: [
        DevicesService,
        DeviceKeysService,
        { provide: REGISTRY_CONFIG, useValue: config },
        { provide: DEVICE_REPOSITORY, useValue: store },
        { provide: CLOCK, useValue: () => Date.now() },
        {
          provide: VERIFICATION_MAILER,
          useFactory: () =>
            config.sendVerificationEmails
              ? new GrpcVerificationMailer(config.notificationAddress, config.platform.tls)
              : new DisabledVerificationMailer(),
        },
      ],
    };
  }
}
