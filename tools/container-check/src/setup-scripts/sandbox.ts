// Runs a set-up script with the external CLIs it calls replaced by recorders, so a test can read
// back exactly which commands it ran, in which order, without a cluster, Docker or the network.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { repoPath } from '../repo.js';

/** The real tools the scripts themselves are made of (shell plumbing, not the CLIs under test). */
export const PLUMBING =
  'bash env jq dirname basename cat sed awk grep id mktemp rm mkdir tr uname sort find openssl chmod'.split(
    ' ',
  );

/** Every CLI the scripts drive; each becomes a recorder unless a test leaves it out. */
export const CLIS = (
  'kubectl helm istioctl eksctl aws kind docker jenkins-jobs jenkins-plugin-cli apt-get meshctl ' +
  'curl tar unzip install sudo'
).split(' ');

/** A canned answer for a command line; a key ending in `*` matches by prefix. */
export interface Response {
  stdout?: string;
  status?: number;
}

export interface SandboxOptions {
  recorders?: string[];
  plumbing?: string[];
  /** Keys are whole command lines: "kind get clusters", "eksctl get cluster*". */
  responses?: Record<string, Response>;
}

export interface ScriptRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The `+ command` lines a --dry-run printed. */
  planned: string[];
}

const SEPARATOR = '\u001f';
const shellQuote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

function whereIs(command: string): string {
  for (const dir of ['/usr/bin', '/bin', '/usr/local/bin', '/usr/sbin', '/sbin']) {
    if (existsSync(join(dir, command))) return join(dir, command);
  }
  throw new Error(`the tests need ${command} installed`);
}

function recorderScript(name: string, responses: Record<string, Response>): string {
  const cases = Object.entries(responses)
    .filter(([line]) => line === name || line.startsWith(`${name} `))
    .map(([line, response]) => {
      const rest = line.slice(name.length + 1);
      const pattern = rest.endsWith('*') ? `${shellQuote(rest.slice(0, -1))}*` : shellQuote(rest);
      return `  ${pattern}) printf '%s' ${shellQuote(response.stdout ?? '')}; exit ${response.status ?? 0} ;;`;
    });
  return [
    '#!/bin/bash',
    `{ printf '%s' ${shellQuote(name)}; for a in "$@"; do printf '${SEPARATOR}%s' "$a"; done; echo; } >>"$RECORDER_LOG"`,
    // What is piped in (manifests for `kubectl apply -f -`, secrets read from /dev/stdin) is kept too,
    // and read in full as the real CLI would, so the writer never dies of SIGPIPE.
    'if [[ " $* " == *" -f - "* || "$*" == *"/dev/stdin"* ]]; then cat >>"$RECORDER_LOG.stdin"; fi',
    'case "$*" in',
    ...cases,
    'esac',
    'exit 0',
    '',
  ].join('\n');
}

export class Sandbox {
  readonly dir = mkdtempSync(join(tmpdir(), 'setup-scripts-'));
  readonly tmp = join(this.dir, 'tmp');
  private readonly bin = join(this.dir, 'recorders');
  private readonly plumbingBin = join(this.dir, 'plumbing');
  private readonly log = join(this.dir, 'calls.log');

  constructor(options: SandboxOptions = {}) {
    for (const dir of [this.tmp, this.bin, this.plumbingBin]) mkdirSync(dir, { recursive: true });
    for (const tool of options.plumbing ?? PLUMBING) symlinkSync(whereIs(tool), join(this.plumbingBin, tool));
    for (const cli of options.recorders ?? CLIS) {
      writeFileSync(join(this.bin, cli), recorderScript(cli, options.responses ?? {}));
      chmodSync(join(this.bin, cli), 0o755);
    }
    writeFileSync(this.log, '');
  }

  /** Runs setup-scripts/<script> from the repo root with only recorders and plumbing on PATH. */
  run(script: string, args: string[] = [], env: Record<string, string> = {}): ScriptRun {
    const result = spawnSync(whereIs('bash'), [repoPath('setup-scripts', script), ...args], {
      cwd: repoPath(),
      input: '',
      encoding: 'utf8',
      env: {
        PATH: [this.bin, this.plumbingBin].join(delimiter),
        HOME: this.dir,
        TMPDIR: this.tmp,
        RECORDER_LOG: this.log,
        ...env,
      },
    });
    return {
      status: result.status,
      stdout: result.stdout,
      stderr: result.stderr,
      planned: result.stdout
        .split('\n')
        .filter((line) => line.startsWith('+ '))
        .map((line) => line.slice(2)),
    };
  }

  /** Every recorded call as one line, arguments joined by spaces: "kind get clusters". */
  calls(): string[] {
    return this.argvs().map((argv) => argv.join(' '));
  }

  argvs(): string[][] {
    return readFileSync(this.log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(SEPARATOR));
  }

  /** What was piped into `... -f -` calls, concatenated. */
  stdin(): string {
    const file = `${this.log}.stdin`;
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  clearCalls(): void {
    writeFileSync(this.log, '');
    rmSync(`${this.log}.stdin`, { force: true });
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The runnable scripts directly in setup-scripts/ (lib/ holds only what they source). */
export const setupScripts = (): string[] =>
  readdirSync(repoPath('setup-scripts'))
    .filter((name) => name.endsWith('.sh'))
    .sort();
