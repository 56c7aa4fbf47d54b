import { UnauthenticatedError } from '@iot-mesh/platform';
import { SignJWT, type JWTPayload } from 'jose';
import { gatewayConfigSchema } from '../config.js';
import { OperatorAuthService } from './operator-auth.service.js';

const SECRET = 'operator-jwt-test-secret-0123456789abcdef';
const now = () => Math.floor(Date.now() / 1000);
const inAnHour = () => now() + 3600;

const operators = (env: Record<string, string> = {}) =>
  new OperatorAuthService(gatewayConfigSchema.parse({ OPERATOR_JWT_SECRET: SECRET, ...env }));

const signed = (claims: JWTPayload, secret = SECRET, alg = 'HS256') =>
  new SignJWT(claims).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));

/** Whom the service takes the token for, or the code it refuses it with. */
async function verdict(service: OperatorAuthService, token: string): Promise<string> {
  try {
    return `operator ${await service.authenticate((name) =>
      name === 'authorization' ? `Bearer ${token}` : undefined,
    )}`;
  } catch (error) {
    if (error instanceof UnauthenticatedError) return error.code;
    throw error;
  }
}

describe('operator JWTs', () => {
  it('are taken when signed with the secret and not expired', async () => {
    const service = operators();
    expect(await verdict(service, await signed({ sub: 'alice', exp: inAnHour() }))).toBe('operator alice');
    expect(await verdict(service, await signed({ exp: inAnHour() }))).toBe('operator operator');
  });

  it('name the operator by a sub that is a name, and are refused with any other sub', async () => {
    const service = operators();
    const exp = inAnHour();
    expect(await verdict(service, await signed({ sub: 'Ops Ünal 🛠', exp }))).toBe('operator Ops Ünal 🛠');
    expect(await verdict(service, await signed({ sub: 'x'.repeat(200), exp }))).toBe(
      `operator ${'x'.repeat(200)}`,
    );
    for (const sub of [
      12,
      true,
      null,
      { a: 1 },
      ['x', 'y'],
      '',
      '  ',
      '\u200b',
      'x'.repeat(201),
      'a\nb',
      'a\ud800',
    ])
      expect([sub, await verdict(service, await signed({ sub, exp } as JWTPayload))]).toEqual([
        sub,
        'AUTH.INVALID_TOKEN',
      ]);
  });

  it('must expire: a token without exp is refused like any other bad token', async () => {
    const service = operators();
    expect(await verdict(service, await signed({ sub: 'alice' }))).toBe('AUTH.INVALID_TOKEN');
    expect(await verdict(service, await signed({ sub: 'alice', exp: now() - 60 }))).toBe(
      'AUTH.INVALID_TOKEN',
    );
  });

  it("allow the issuer's clock to be a few seconds off", async () => {
    const service = operators();
    expect(await verdict(service, await signed({ sub: 'alice', exp: now() - 2 }))).toBe('operator alice');
    expect(await verdict(service, await signed({ sub: 'alice', exp: now() - 10 }))).toBe(
      'AUTH.INVALID_TOKEN',
    );
    expect(await verdict(service, await signed({ sub: 'a', nbf: now() + 2, exp: inAnHour() }))).toBe(
      'operator a',
    );
  });

  it('are refused with another algorithm or secret, as before', async () => {
    const service = operators();
    const exp = inAnHour();
    expect(await verdict(service, await signed({ exp }, SECRET, 'HS512'))).toBe('AUTH.INVALID_TOKEN');
    expect(await verdict(service, await signed({ exp }, 'x'.repeat(40)))).toBe('AUTH.INVALID_TOKEN');
  });

  it('name the configured issuer and audience', async () => {
    const service = operators({
      OPERATOR_JWT_ISSUER: 'https://idp.example',
      OPERATOR_JWT_AUDIENCE: 'iot-mesh',
    });
    const exp = inAnHour();
    const iss = 'https://idp.example';
    expect(await verdict(service, await signed({ sub: 'a', exp, iss, aud: 'iot-mesh' }))).toBe('operator a');
    expect(await verdict(service, await signed({ sub: 'a', exp, iss, aud: ['other', 'iot-mesh'] }))).toBe(
      'operator a',
    );
    expect(await verdict(service, await signed({ sub: 'a', exp, iss, aud: 'someone-else' }))).toBe(
      'AUTH.INVALID_TOKEN',
    );
    expect(await verdict(service, await signed({ sub: 'a', exp, iss: 'evil', aud: 'iot-mesh' }))).toBe(
      'AUTH.INVALID_TOKEN',
    );
    expect(await verdict(service, await signed({ sub: 'a', exp }))).toBe('AUTH.INVALID_TOKEN');
    // Unconfigured, neither is looked at.
    expect(await verdict(operators(), await signed({ sub: 'a', exp, iss: 'evil', aud: 'x' }))).toBe(
      'operator a',
    );
  });

  it('are checked for an issuer or audience only with a secret to verify them', () => {
    const problems = gatewayConfigSchema.safeParse({
      OPERATOR_TOKEN: 'operator-token-0123456789',
      OPERATOR_JWT_ISSUER: 'https://idp.example',
      OPERATOR_JWT_AUDIENCE: 'iot-mesh',
    }).error?.issues;
    expect(problems?.map((issue) => issue.path.join('.'))).toEqual([
      'OPERATOR_JWT_ISSUER',
      'OPERATOR_JWT_AUDIENCE',
    ]);
  });
});
