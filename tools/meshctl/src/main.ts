#!/usr/bin/env node
// `meshctl --help`: the release CLI people and Jenkins use.
import { runMeshctl } from './cli/run.js';

process.exitCode = await runMeshctl(process.argv.slice(2), {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
  env: process.env,
});
