import { deployment, object } from './fixtures.testing.js';
import { portsNamedByProtocol } from './ports.js';

describe('portsNamedByProtocol', () => {
  const service = (name: string) => object('Service', 'shop', { ports: [{ name, port: 1 }] });

  it('accepts grpc-* and http-* names', () => {
    expect(portsNamedByProtocol([service('grpc-api'), service('http-admin'), deployment('stable')])).toEqual(
      [],
    );
  });

  it('reports a Service port and a container port without a protocol prefix', () => {
    const pod = deployment('stable', (c) => (c.ports = [{ name: 'api', containerPort: 1 }]));
    expect(portsNamedByProtocol([service('admin'), pod])).toEqual([
      'Service shop/shop port admin is not named grpc-* or http-*',
      'Deployment shop/shop-stable container port api is not named grpc-* or http-*',
    ]);
  });
});
