// Loaded with `node --import @iot-mesh/platform/lean-startup`, before the tracing preload and the service,
// because both of these must happen before the service's modules load: two things they would build as
// they load and never use: together 7-13 MiB of every service's resident memory (README, Benchmarks).
import { importHttpWithoutUndici } from './http-esm-without-undici.js';
import { loadNestWithLazyDateFormatters } from './lazy-nest-date-formatters.js';

await importHttpWithoutUndici();
loadNestWithLazyDateFormatters();
