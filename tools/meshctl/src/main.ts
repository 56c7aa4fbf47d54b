#!/usr/bin/env node
// `meshctl --help`: the release CLI people and Jenkins use.
import { untilStopSignal } from '@iot-mesh/loadgen';
import { runMeshctl, stopsOnSignal } from './cli/run.js';

const argv = process.argv.slice(2);
const io = {
  out: (text: string) => console.log(text),
  err: (text: string) => console.error(text),
  env: process.env,
};

// `meshctl loadgen` handles Ctrl+C and SIGTERM exactly as the load generator's own entry point does.
process.exitCode = stopsOnSignal(argv)
  ? await untilStopSignal((signal) => runMeshctl(argv, { ...io, signal }))
  : await runMeshctl(argv, io);
