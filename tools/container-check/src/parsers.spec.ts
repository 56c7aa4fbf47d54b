import { metricNames } from './promql.js';
import { copyTarget, exposedPorts, parseCopy, parseDockerfile, substitute } from './dockerfile.js';
import { interpolate, publishedPorts } from './compose-file.js';

// The parsers the repo checks rely on, on inputs where a naive reading would be wrong.
describe('parsers', () => {
  it('finds metric names in PromQL, not functions, labels or keywords', () => {
    const expr =
      'histogram_quantile(0.99, sum by (le, service) (rate(a_seconds_bucket{grpc_code!="OK", x=~"b_total"}[$__rate_interval]))) / on (service) group_left b_total or vector(0)';
    expect(metricNames(expr).sort()).toEqual(['a_seconds_bucket', 'b_total']);
  });

  it('reads Dockerfile stages, continuations, COPY flags and port ranges', () => {
    const file = parseDockerfile(
      'ARG IMG=node:24\nFROM ${IMG} AS build\n# note\nRUN a \\\n && b\nFROM scratch\nCOPY --from=build /app/x y/\n',
    );
    expect(file.stages.map((s) => [s.image, s.name])).toEqual([
      ['node:24', 'build'],
      ['scratch', undefined],
    ]);
    expect(file.stages[0]?.instructions).toEqual([{ keyword: 'RUN', args: 'a && b' }]);
    expect(parseCopy('--from=build /app/x y/')).toEqual({
      from: 'build',
      sources: ['/app/x'],
      destination: 'y/',
    });
    expect(copyTarget('x/', 'a/b.json', false)).toBe('x/b.json');
    expect(copyTarget('x/', 'a/dist', true)).toBe('x');
    expect(copyTarget('./', 'package.json', false)).toBe('package.json');
    expect(exposedPorts('8080 9461-9463/tcp')).toEqual([8080, 9461, 9462, 9463]);
    expect(substitute('services/${SERVICE}/$SERVICE/$OTHER', { SERVICE: 's' })).toBe('services/s/s/$OTHER');
  });

  it('interpolates compose defaults and reads published ports', () => {
    expect(interpolate('x${A:-dflt}y${B}z$$')).toBe('xdfltyz$');
    expect(publishedPorts({ ports: ['127.0.0.1:1:2', '3:4/udp', '5'] })).toEqual([
      { host: 1, container: 2 },
      { host: 3, container: 4 },
      { host: 5, container: 5 },
    ]);
  });
});
