import { Inject, Injectable } from '@nestjs/common';
import { PermissionDeniedError, UnauthenticatedError } from '@iot-mesh/platform';
import type { FastifyRequest } from 'fastify';
import type { MonoTypeOperatorFunction } from 'rxjs';
import { clientAddress } from '../auth/client-address.js';
import { presentsDeviceKey, refuseRepeatedAuthorization, type HeaderLookup } from '../auth/credentials.js';
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

/** The request's headers as credentials read them; a request with two Authorization headers is refused. */
function headerLookup(request: FastifyRequest): HeaderLookup {
  refuseRepeatedAuthorization(request.raw.rawHeaders);
  return (name) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
}

/** Who is calling a REST route: every request counts against its client address, then authenticates. */
@Injectable()
export class RequestAccess {
  constructor(
    private readonly operators: OperatorAuthService,
    private readonly devices: DeviceAuthService,
    private readonly limits: RateLimits,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * An operator's name. A request that is no operator's but carries a valid device key is a 403 (who
   * is calling is known, and may not do this), any other a 401.
   */
  async operator(request: FastifyRequest): Promise<string> {
    const client = await this.limitClient(request);
    const header = headerLookup(request);
    try {
      return await this.operators.authenticate(header);
    } catch (error) {
      if (!(error instanceof UnauthenticatedError) || !presentsDeviceKey(header)) throw error;
      await this.devices.authenticate(header, client).catch((deviceError: unknown) => {
        throw deviceError instanceof UnauthenticatedError ? error : deviceError;
      });
      throw new PermissionDeniedError(
        'AUTH.OPERATOR_ONLY',
        'this route is for operators; a device key may not use it',
      );
    }
  }

  async device(request: FastifyRequest): Promise<DeviceIdentity> {
    const client = await this.limitClient(request);
    return this.devices.authenticate(headerLookup(request), client);
  }

  /** Operators with a bearer token, devices with their API key (x-api-key or a key-shaped bearer). */
  async operatorOrDevice(request: FastifyRequest): Promise<Caller> {
    const client = await this.limitClient(request);
    const header = headerLookup(request);
    if (presentsDeviceKey(header))
      return { kind: 'device', device: await this.devices.authenticate(header, client) };
    return { kind: 'operator', name: await this.operators.authenticate(header) };
  }

  /** Anyone, counted against the client address like every other request (`/status`). */
  async anyone(request: FastifyRequest): Promise<void> {
    await this.limitClient(request);
  }

  /** The address the request counts against. */
  clientOf(request: FastifyRequest): string {
    const peer = request.socket.remoteAddress ?? 'unknown';
    const forwardedFor = [request.headers['x-forwarded-for'] ?? []].flat();
    return clientAddress(peer, forwardedFor, this.config.trustedProxyHops);
  }

  /** A device's stream ends once its key is revoked (see DeviceAuthService.untilRevoked); an operator's runs on. */
  whileKeyValid<T>(request: FastifyRequest, caller: Caller): MonoTypeOperatorFunction<T> {
    return caller.kind === 'device'
      ? this.devices.untilRevoked<T>(headerLookup(request))
      : (source) => source;
  }

  private async limitClient(request: FastifyRequest): Promise<string> {
    const client = this.clientOf(request);
    await this.limits.forClient(client);
    return client;
  }
}
