import { Inject, Injectable } from '@nestjs/common';
import { PermissionDeniedError } from '@iot-mesh/platform';
import type { FastifyRequest } from 'fastify';
import type { MonoTypeOperatorFunction } from 'rxjs';
import { clientAddress } from '../auth/client-address.js';
import type { HeaderLookup } from '../auth/credentials.js';
import { DeviceAuthService, type DeviceIdentity } from '../auth/device-auth.service.js';
import { OperatorAuthService } from '../auth/operator-auth.service.js';
import type { GatewayConfig } from '../config.js';
import { GATEWAY_CONFIG } from '../gateway.di-tokens.js';
import { RateLimits } from '../rate-limit/rate-limits.js';

export type Caller = { kind: 'operator'; name: string } | { kind: 'device'; device: DeviceIdentity };

/**
 * The device a caller's request is about: a device always itself (naming another is a 403), an
 * operator whichever it asked for, or none.
 */
export function deviceInScope(caller: Caller, asked: string | undefined, what: string): string | undefined {
  if (caller.kind === 'operator') return asked;
  if (asked && asked !== caller.device.deviceId) {
    throw new PermissionDeniedError('AUTH.FOREIGN_DEVICE', `a device may see only its own ${what}`);
  }
  return caller.device.deviceId;
}

const headerLookup =
  (request: FastifyRequest): HeaderLookup =>
  (name) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };

/** Who is calling a REST route: every request counts against its client address, then authenticates. */
@Injectable()
export class RequestAccess {
  constructor(
    private readonly operators: OperatorAuthService,
    private readonly devices: DeviceAuthService,
    private readonly limits: RateLimits,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async operator(request: FastifyRequest): Promise<string> {
    await this.limitClient(request);
    return this.operators.authenticate(headerLookup(request));
  }

  async device(request: FastifyRequest): Promise<DeviceIdentity> {
    await this.limitClient(request);
    return this.devices.authenticate(headerLookup(request));
  }

  /** Operators with a bearer token, devices with their API key (x-api-key or a key-shaped bearer). */
  async operatorOrDevice(request: FastifyRequest): Promise<Caller> {
    await this.limitClient(request);
    const header = headerLookup(request);
    const bearer = header('authorization') ?? '';
    if (header('x-api-key') || /^Bearer\s+imk_/i.test(bearer))
      return { kind: 'device', device: await this.devices.authenticate(header) };
    return { kind: 'operator', name: await this.operators.authenticate(header) };
  }

  /** A device's stream ends once its key is revoked (see DeviceAuthService.untilRevoked); an operator's runs on. */
  whileKeyValid<T>(request: FastifyRequest, caller: Caller): MonoTypeOperatorFunction<T> {
    return caller.kind === 'device'
      ? this.devices.untilRevoked<T>(headerLookup(request))
      : (source) => source;
  }

  private limitClient(request: FastifyRequest): Promise<void> {
    const peer = request.socket.remoteAddress ?? 'unknown';
    const forwardedFor = [request.headers['x-forwarded-for'] ?? []].flat();
    return this.limits.forClient(clientAddress(peer, forwardedFor, this.config.trustedProxyHops));
  }
}
