import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { UnauthenticatedError } from '@iot-mesh/platform';
import type * as Jose from 'jose';
import type { GatewayConfig } from '../config.js';
import { GATEWAY_CONFIG } from '../gateway.di-tokens.js';
import { operatorNameSchema } from '../http/schemas.js';
import { bearerToken, type HeaderLookup } from './credentials.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

// How far the issuer's clock may be off ours when `exp` and `nbf` are judged.
const CLOCK_TOLERANCE_SECONDS = 5;

// jose is loaded with the first JWT: a gateway without OPERATOR_JWT_SECRET never needs its 46 modules
// (1–1.5 MiB of RSS; README, Benchmarks, round 31).
let jose: Promise<typeof Jose> | undefined;
const loadJose = () => (jose ??= import('jose'));

/**
 * Operators present the configured token, or an HS256 JWT signed with OPERATOR_JWT_SECRET that expires
 * (`exp` is required: without it a token would be good forever) and, when they are configured, names
 * OPERATOR_JWT_ISSUER and OPERATOR_JWT_AUDIENCE.
 */
@Injectable()
export class OperatorAuthService {
  private readonly tokenDigest?: Buffer;
  private readonly jwtKey?: Uint8Array;
  private readonly jwtChecks: Jose.JWTVerifyOptions;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    const { token, jwtSecret, jwtIssuer, jwtAudience } = config.operator;
    if (token) this.tokenDigest = digest(token);
    if (jwtSecret) this.jwtKey = new TextEncoder().encode(jwtSecret);
    this.jwtChecks = {
      algorithms: ['HS256'],
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      ...(jwtIssuer === undefined ? {} : { issuer: jwtIssuer }),
      ...(jwtAudience === undefined ? {} : { audience: jwtAudience }),
    };
  }

  /**
   * The operator's name: the JWT's subject, or "operator" for the shared token and for a JWT without
   * one. A JWT whose `sub` is no name (operatorNameSchema) is refused as an invalid token.
   */
  async authenticate(header: HeaderLookup): Promise<string> {
    const token = bearerToken(header);
    if (!token)
      throw new UnauthenticatedError(
        'AUTH.MISSING_TOKEN',
        'an operator token is required (Authorization: Bearer <token>)',
      );
    if (this.tokenDigest && timingSafeEqual(digest(token), this.tokenDigest)) return 'operator';
    if (this.jwtKey && token.split('.').length === 3) {
      // Outside the try: a jose that fails to load is the gateway's fault, not an invalid token.
      const { jwtVerify } = await loadJose();
      try {
        const { payload } = await jwtVerify(token, this.jwtKey, this.jwtChecks);
        // jose checks no type: a `sub` that is no usable name (a number, blank, overlong) is refused,
        // rather than recorded as whoever acknowledged an alert.
        if (payload.sub === undefined) return 'operator';
        if (operatorNameSchema.safeParse(payload.sub).success) return payload.sub;
      } catch {
        // fall through to the common rejection
      }
    }
    throw new UnauthenticatedError('AUTH.INVALID_TOKEN', 'invalid operator token');
  }
}
