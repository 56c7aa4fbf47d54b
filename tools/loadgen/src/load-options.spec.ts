import { describeOptionsError, parseCliArgs, UsageError } from './cli-options.js';
import { LoadOptionsError, parseLoadOptions, type LoadOptionsInput } from './load-options.js';

const TOKEN = 'an-operator-token-long-enough';
const request = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const parsed = parseCliArgs(argv, env);
  if (parsed === 'help') throw new Error('unexpected help');
  return parsed;
};
const problemsOf = (input: LoadOptionsInput) => {
  try {
    parseLoadOptions(input);
  } catch (error) {
    if (error instanceof LoadOptionsError) return describeOptionsError(error);
    throw error;
  }
  throw new Error('expected the options to be refused');
};

describe('command-line options', () => {
  it('maps every flag onto the run options', () => {
    const { options, json } = request([
      '--target=gw.example:50051',
      '--http',
      'https://gw.example/',
      '--devices',
      '25',
      '--rate',
      '500.5',
      '--batch',
      '50',
      '--duration',
      '0.5',
      '--warmup',
      '2',
      '--out-of-range',
      '0.25',
      '--operator-token',
      TOKEN,
      '--device-prefix',
      'canary-7',
      '--timeout',
      '3',
      '--max-in-flight',
      '4',
      '--connections',
      '3',
      '--tls-ca',
      'ca.pem',
      '--tls-cert',
      'c.pem',
      '--tls-key',
      'k.pem',
      '--tls-server-name',
      'edge-gateway',
      '--json',
    ]);
    expect(json).toBe(true);
    expect(parseLoadOptions(options)).toMatchObject({
      protocol: 'grpc',
      grpcTarget: 'gw.example:50051',
      httpBaseUrl: 'https://gw.example',
      devices: 25,
      ratePerSecond: 500.5,
      batchSize: 50,
      durationSeconds: 0.5,
      warmupSeconds: 2,
      outOfRangeFraction: 0.25,
      operatorToken: TOKEN,
      devicePrefix: 'canary-7',
      timeoutSeconds: 3,
      maxInFlightPerDevice: 4,
      connectionsPerDevice: 3,
      tls: { caFile: 'ca.pem', certFile: 'c.pem', keyFile: 'k.pem', serverName: 'edge-gateway' },
    });
  });

  it('fills in defaults, takes the token from OPERATOR_TOKEN and picks rest without a gRPC target', () => {
    const { options, json } = request(['--http', 'http://127.0.0.1:8080'], { OPERATOR_TOKEN: TOKEN });
    expect(json).toBe(false);
    expect(parseLoadOptions(options)).toEqual({
      protocol: 'rest',
      httpBaseUrl: 'http://127.0.0.1:8080',
      devices: 10,
      ratePerSecond: 100,
      batchSize: 10,
      durationSeconds: 10,
      warmupSeconds: 0,
      outOfRangeFraction: 0,
      operatorToken: TOKEN,
      devicePrefix: 'loadgen',
      timeoutSeconds: 10,
      maxInFlightPerDevice: 32,
      connectionsPerDevice: 6,
    });
  });

  it('prefers --operator-token over the environment, and --tls alone means TLS with system roots', () => {
    const { options } = request(
      ['--target', '[::1]:50051', '--http', 'http://[::1]:8080', '--operator-token', 'flag-token', '--tls'],
      { OPERATOR_TOKEN: TOKEN },
    );
    expect(parseLoadOptions(options)).toMatchObject({ operatorToken: 'flag-token', tls: {} });
  });

  it('answers --help and -h', () => {
    expect(parseCliArgs(['--help'])).toBe('help');
    expect(parseCliArgs(['-h', '--rate', 'x'])).toBe('help');
  });

  it.each([
    [['--rate', 'fast'], '--rate needs a number, not "fast"'],
    [['--devices', ''], '--devices needs a number, not ""'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['extra'], 'extra'],
    [['--devices'], "Option '--devices <value>' argument missing"],
  ])('refuses malformed input %j', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(UsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});

describe('option validation', () => {
  const valid: LoadOptionsInput = {
    grpcTarget: '127.0.0.1:50051',
    httpBaseUrl: 'http://127.0.0.1:8080',
    operatorToken: TOKEN,
  };

  it('accepts a minimal gRPC run', () => {
    expect(parseLoadOptions(valid).protocol).toBe('grpc');
  });

  it('accepts TLS settings over REST to an https:// URL (they apply to every HTTPS request)', () => {
    const tls = { caFile: 'ca.pem', certFile: 'c.pem', keyFile: 'k.pem', serverName: 'gw' };
    const options = parseLoadOptions({ ...valid, protocol: 'rest', httpBaseUrl: 'https://gw:8443', tls });
    expect(options).toMatchObject({ protocol: 'rest', tls });
  });

  it('lists every out-of-range number with the flag to fix', () => {
    const text = problemsOf({
      ...valid,
      devices: 0,
      ratePerSecond: -1,
      batchSize: 1001,
      durationSeconds: Number.POSITIVE_INFINITY,
      warmupSeconds: -1,
      outOfRangeFraction: 1.5,
      timeoutSeconds: 0,
      maxInFlightPerDevice: 2.5,
      connectionsPerDevice: 0,
    });
    expect(text.split('\n')).toEqual([
      '--devices: devices must be at least 1',
      '--rate: rate must be greater than 0',
      '--batch: batch must be at most 1000',
      '--duration: duration must be a finite number',
      '--warmup: warm-up must be at least 0',
      '--out-of-range: out-of-range fraction must be between 0 and 1',
      '--timeout: timeout must be greater than 0',
      '--max-in-flight: max in flight must be a whole number',
      '--connections: connections must be at least 1',
    ]);
  });

  it.each<[string, LoadOptionsInput, string]>([
    [
      'a gRPC run without a target',
      { ...valid, grpcTarget: undefined, protocol: 'grpc' },
      '--target: the grpc protocol needs a gRPC target',
    ],
    [
      'a run without the HTTP base URL',
      { ...valid, httpBaseUrl: undefined },
      "--http: the HTTP base URL is needed: devices are registered through the gateway's REST operator API",
    ],
    [
      'a target without a port',
      { ...valid, grpcTarget: 'gateway' },
      '--target: gRPC target must be host:port',
    ],
    ['a port out of range', { ...valid, grpcTarget: 'gateway:70000' }, '--target: port must be 1..65535'],
    [
      'a non-HTTP base URL',
      { ...valid, httpBaseUrl: 'ftp://gateway' },
      '--http: HTTP base URL must be an http:// or https:// URL',
    ],
    [
      'an HTTP base URL with a query (API paths are appended to it)',
      { ...valid, httpBaseUrl: 'http://127.0.0.1:8080?a=b' },
      '--http: HTTP base URL must not have a query (?) or fragment (#)',
    ],
    [
      'an HTTP base URL with a fragment',
      { ...valid, httpBaseUrl: 'http://127.0.0.1:8080/#frag' },
      '--http: HTTP base URL must not have a query (?) or fragment (#)',
    ],
    [
      'an unknown protocol',
      { ...valid, protocol: 'mqtt' as 'grpc' },
      '--protocol: protocol must be grpc or rest',
    ],
    [
      'an empty operator token',
      { ...valid, operatorToken: '' },
      '--operator-token: an operator token is needed',
    ],
    [
      'an upper-case device prefix',
      { ...valid, devicePrefix: 'Load' },
      '--device-prefix: device prefix may hold lowercase letters',
    ],
    [
      'a device prefix too long for a device id',
      { ...valid, devicePrefix: 'x'.repeat(58) },
      '--device-prefix: device prefix must be at most 57 characters',
    ],
    [
      'TLS over REST to a plain http:// URL',
      { ...valid, protocol: 'rest', tls: { caFile: 'ca.pem' } },
      '--tls-*: TLS settings over REST need an https:// HTTP base URL',
    ],
    [
      'a client certificate without its key',
      { ...valid, tls: { caFile: 'ca.pem', certFile: 'c.pem' } },
      '--tls-*: mTLS needs both a client certificate and its key',
    ],
    [
      'mTLS without a CA',
      { ...valid, tls: { certFile: 'c.pem', keyFile: 'k.pem' } },
      '--tls-*: mTLS needs the CA that signed the server certificate',
    ],
  ])('refuses %s', (_, input, message) => {
    expect(problemsOf(input)).toContain(message);
  });

  it('refuses options it does not know (a typo in a benchmark must not pass silently)', () => {
    expect(() => parseLoadOptions({ ...valid, rate: 5 } as LoadOptionsInput)).toThrow(LoadOptionsError);
  });
});
