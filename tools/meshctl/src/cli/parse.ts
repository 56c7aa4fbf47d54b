import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../release/validation.js';
import { COMMANDS, optionsOf } from './command-options.js';
import { parserOptions } from './option-spec.js';

type Options = NonNullable<ParseArgsConfig['options']>;

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
  return COMMANDS[command] ? `meshctl ${command} --help` : 'meshctl --help';
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
  const specs = optionsOf(command);
  if (!specs) {
    if (grouped && (second === undefined || second === '--help' || second === '-h')) return 'help';
    throw new UsageError(`unknown command "${command}"`);
  }
  const options = parserOptions(specs);
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
