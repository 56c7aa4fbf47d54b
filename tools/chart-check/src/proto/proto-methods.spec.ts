import { join } from 'node:path';
import { repoRoot } from '../catalog/generate-catalog-template.js';
import { methodPaths, protoMethodPaths } from './proto-methods.js';

describe('methodPaths', () => {
  it('names each rpc of each service with its package, skipping comments', () => {
    const source = `syntax = "proto3";
package acme.v1;
service Things {
  // rpc Hidden(A) returns (B);
  rpc GetThing(GetThingRequest) returns (Thing);
  rpc WatchThings(WatchRequest) returns (stream Thing);
}
`;
    expect(methodPaths(source)).toEqual(['/acme.v1.Things/GetThing', '/acme.v1.Things/WatchThings']);
  });

  it('finds the real device registry methods in proto/', () => {
    const paths = protoMethodPaths(join(repoRoot, 'proto/iotmesh'));
    expect(paths).toContain('/iotmesh.device.v1.DeviceRegistry/GetDevice');
    expect(paths).not.toContain('/iotmesh.device.v1.DeviceRegistry/NoSuchMethod');
  });
});
