import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../release/validation.js';

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON: Options = {
  namespace: { type: 'string' },
  'kube-context': { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
};

const ANALYSIS: Options = {
  prometheus: { type: 'string' },
  metrics: { type: 'string', default: 'istio' },
  window: { type: 'string', default: '1m' },
  'min-success-rate': { type: 'string', default: '99' },
  'max-p99-ms': { type: 'string', default: '500' },
  'min-requests': { type: 'string', default: '20' },
  'max-degradation': { type: 'string', default: '1' },
};

/** The options each command accepts besides the common ones. */
export const COMMAND_OPTIONS: Record<string, Options> = {
  deploy: { tag: { type: 'string' }, environment: { type: 'string' } },
  'canary start': {
    'canary-tag': { type: 'string' },
    weight: { type: 'string', default: '10' },
    replace: { type: 'boolean', default: false },
  },
  'canary weight': { stable: { type: 'string' }, canary: { type: 'string' } },
  'canary promote': { 'canary-tag': { type: 'string' } },
  'canary rollback': { 'canary-tag': { type: 'string' } },
  'canary analyze': { ...ANALYSIS, 'canary-tag': { type: 'string' } },
  'canary auto': {
    ...ANALYSIS,
    'canary-tag': { type: 'string' },
    steps: { type: 'string', default: '10,25,50' },
    interval: { type: 'string', default: '1m' },
    'failure-threshold': { type: 'string', default: '2' },
    deadline: { type: 'string', default: '5m' },
  },
  'release rollback': { revision: { type: 'string' }, 'to-tag': { type: 'string' } },
  'release check': {
    tag: { type: 'string' },
    environment: { type: 'string' },
    'canary-tag': { type: 'string' },
    weight: { type: 'string', default: '10' },
    analysis: { type: 'boolean', default: false },
    prometheus: { type: 'string' },
  },
  status: {},
};

export interface ParsedCommand {
  command: string;
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

const isGroup = (word: string | undefined) => word === 'canary' || word === 'release';

/** "canary start" from "canary start x --flag"; "deploy" from "deploy x". */
function commandName(argv: readonly string[]): string {
  const [first = '', second] = argv;
  return isGroup(first) ? `${first} ${second ?? ''}`.trim() : first;
}

/** The help a usage error points to: the command's own when it exists, else the tool's. */
export function helpHint(argv: readonly string[]): string {
  const command = commandName(argv);
  return COMMAND_OPTIONS[command] ? `meshctl ${command} --help` : 'meshctl --help';
}

/**
 * "--stable -10" as "--stable=-10": parseArgs takes a value starting with "-" only in that form and calls
 * it ambiguous otherwise, so the value would never meet its own check ("a whole number from 0 to 100",
 * "not a valid image tag"). A word that is one of the command's options stays an option (and parseArgs
 * still refuses it as a value), so a tag parameter can never add a flag.
 */
function joinDashValues(args: readonly string[], options: Options): string[] {
  const isOption = (word: string) =>
    (word.startsWith('--') && (word.slice(2).split('=')[0] ?? '') in options) ||
    Object.values(options).some(({ short }) => short !== undefined && word === `-${short}`);
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i] ?? '';
    const next = args[i + 1];
    if (word === '--') return [...joined, ...args.slice(i)];
    const takesValue = word.startsWith('--') && options[word.slice(2)]?.type === 'string';
    if (takesValue && next?.startsWith('-') && !isOption(next)) {
      joined.push(`${word}=${next}`);
      i++;
    } else {
      joined.push(word);
    }
  }
  return joined;
}

/** Splits "canary start x --flag" into the command name, its positionals and its flags. */
export function parseCommand(argv: readonly string[]): ParsedCommand | 'help' {
  const [first, second] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') return 'help';
  const grouped = isGroup(first);
  const command = commandName(argv);
  const spec = COMMAND_OPTIONS[command];
  if (!spec) {
    if (grouped && (second === undefined || second === '--help' || second === '-h')) return 'help';
    throw new UsageError(`unknown command "${command}"`);
  }
  const options = { ...COMMON, ...spec };
  try {
    const { values, positionals } = parseArgs({
      args: joinDashValues(argv.slice(grouped ? 2 : 1), options),
      options,
      strict: true,
      allowPositionals: true,
    });
    return { command, positionals, values: values as ParsedCommand['values'] };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A string option's value, or undefined when absent. */
export const str = (values: ParsedCommand['values'], key: string) => {
  const value = values[key];
  return typeof value === 'string' ? value : undefined;
};
