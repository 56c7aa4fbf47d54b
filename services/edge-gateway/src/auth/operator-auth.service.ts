import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { UnauthenticatedError } from '@iot-mesh/platform';
import { jwtVerify } from 'jose';
import type { GatewayConfig } from '../config.js';
import { GATEWAY_CONFIG } from '../gateway.di-tokens.js';
import { bearerToken, type HeaderLookup } from './credentials.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Operators present the configured token, or an HS256 JWT signed with OPERATOR_JWT_SECRET. */
@Injectable()
export class OperatorAuthService {
  private readonly tokenDigest?: Buffer;
  private readonly jwtKey?: Uint8Array;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    if (config.operator.token) this.tokenDigest = digest(config.operator.token);
    if (config.operator.jwtSecret) this.jwtKey = new TextEncoder().encode(config.operator.jwtSecret);
  }

  /** The operator's name (JWT subject, or "operator" for the shared token). */
  async authenticate(header: HeaderLookup): Promise<string> {
    const token = bearerToken(header);
    if (!token)
      throw new UnauthenticatedError(
        'AUTH.MISSING_TOKEN',
        'an operator token is required (Authorization: Bearer <token>)',
      );
    if (this.tokenDigest && timingSafeEqual(digest(token), this.tokenDigest)) return 'operator';
    if (this.jwtKey && token.split('.').length === 3) {
      try {
        const { payload } = await jwtVerify(token, this.jwtKey, { algorithms: ['HS256'] });
        return payload.sub ?? 'operator';
      } catch {
        // fall through to the common rejection
      }
    }
    throw new UnauthenticatedError('AUTH.INVALID_TOKEN', 'invalid operator token');
  }
}
