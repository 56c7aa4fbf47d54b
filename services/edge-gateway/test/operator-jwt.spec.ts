import type { ServiceProcess } from '@iot-mesh/platform/testing';
import {
  AcknowledgeAlertResponse,
  type AcknowledgeAlertRequest,
} from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { SignJWT, type JWTPayload } from 'jose';
import { startDownstreamStubs, type DownstreamStubs } from './downstream-stubs.js';
import { rest, startGateway } from './gateway-process.js';

const SECRET = 'operator-jwt-test-secret-0123456789abcdef';
const ISSUER = 'https://idp.example';
const AUDIENCE = 'iot-mesh';

const token = (claims: JWTPayload, secret = SECRET) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));

describe('an operator JWT over REST', () => {
  let stubs: DownstreamStubs;
  let gateway: ServiceProcess;

  beforeAll(async () => {
    stubs = await startDownstreamStubs();
    gateway = await startGateway({
      ...stubs.env,
      OPERATOR_JWT_SECRET: SECRET,
      OPERATOR_JWT_ISSUER: ISSUER,
      OPERATOR_JWT_AUDIENCE: AUDIENCE,
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await stubs?.stop();
  });

  const listDevices = async (jwt: string) => {
    const answer = await rest(gateway, 'GET', '/api/v1/devices', {
      headers: { authorization: `Bearer ${jwt}` },
    });
    return { status: answer.status, body: answer.body };
  };

  it('that expires and names the issuer and audience lists the devices', async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    expect((await listDevices(await token({ sub: 'alice', exp, iss: ISSUER, aud: AUDIENCE }))).status).toBe(
      200,
    );
  });

  it('that never expires, or was minted for someone else, is refused as one with the wrong secret is', async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const wrongSecret = await listDevices(await token({ exp, iss: ISSUER, aud: AUDIENCE }, 'x'.repeat(40)));
    expect(wrongSecret.status).toBe(401);
    for (const claims of [
      { sub: 'alice', iss: ISSUER, aud: AUDIENCE },
      { sub: 'alice', exp, iss: ISSUER, aud: 'someone-else' },
      { sub: 'alice', exp, iss: 'evil', aud: AUDIENCE },
    ]) {
      expect(await listDevices(await token(claims))).toEqual(wrongSecret);
    }
  });

  it("records its sub as who acknowledged an alert, and is refused when the sub is no operator's name", async () => {
    stubs.answer('AcknowledgeAlert', ({ id, acknowledgedBy }: AcknowledgeAlertRequest) =>
      AcknowledgeAlertResponse.fromJSON({ alert: { id, acknowledgedBy } }),
    );
    const exp = Math.floor(Date.now() / 1000) + 600;
    /** The status, and who acknowledged the alert or the reason of the refusal. */
    const acknowledge = async (claims: JWTPayload) => {
      const answer = await rest(gateway, 'POST', '/api/v1/alerts/alert-1/acknowledge', {
        headers: { authorization: `Bearer ${await token({ ...claims, exp, iss: ISSUER, aud: AUDIENCE })}` },
        body: {},
      });
      const body = answer.body as { acknowledgedBy?: string; error?: { reason: string } };
      return [answer.status, body.acknowledgedBy ?? body.error?.reason];
    };
    expect(await acknowledge({ sub: 'alice' })).toEqual([200, 'alice']);
    expect(await acknowledge({})).toEqual([200, 'operator']);
    const asked = stubs.requests('AcknowledgeAlert').length;
    for (const sub of [12, { a: 1 }, ['x', 'y'], true, '', ' ', 'x'.repeat(201)]) {
      expect([sub, ...(await acknowledge({ sub } as JWTPayload))]).toEqual([sub, 401, 'AUTH.INVALID_TOKEN']);
    }
    expect(stubs.requests('AcknowledgeAlert')).toHaveLength(asked);
  });
});
