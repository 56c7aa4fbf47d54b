// Loaded with `node --import @iot-mesh/platform/lean-startup`, before the tracing preload and the service,
// because all of these must happen before the service's modules load: two things they would build as
// they load and never use (together 7-13 MiB of every service's resident memory), and four changes to
// Node's HTTP/2 and grpc-js through which every gRPC call's objects outlived the young collections
// (README, Benchmarks, rounds 28 and 29).
import { bindAsyncResourcesWithoutAccessor } from './async-resource-bind.js';
import { releaseClosedStreams } from './closed-stream-release.js';
import { prepareEveryHttp2Session } from './every-http2-session.js';
import { installGrpcActiveCallTables } from './grpc-active-call-tables.js';
import { importHttpWithoutUndici } from './http-esm-without-undici.js';
import { tableSessionStreams } from './http2-stream-tables.js';
import { loadNestWithLazyDateFormatters } from './lazy-nest-date-formatters.js';

await importHttpWithoutUndici();
loadNestWithLazyDateFormatters();
prepareEveryHttp2Session((session) => {
  tableSessionStreams(session);
  releaseClosedStreams(session);
});
bindAsyncResourcesWithoutAccessor();
installGrpcActiveCallTables();
