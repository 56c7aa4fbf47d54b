// Loaded with `node --import @iot-mesh/platform/lean-startup`, before the tracing preload and the service,
// because all of these must happen before the service's modules load: two things they would build as
// they load and never use (together 7-13 MiB of every service's resident memory), and HTTP/2 sessions
// that let go of closed streams, for less garbage promoted per gRPC call (README, Benchmarks).
import { importHttpWithoutUndici } from './http-esm-without-undici.js';
import { loadNestWithLazyDateFormatters } from './lazy-nest-date-formatters.js';
import { releaseClosedHttp2Streams } from './release-closed-http2-streams.js';

await importHttpWithoutUndici();
loadNestWithLazyDateFormatters();
releaseClosedHttp2Streams();
