import type { CommandSpec, OptionSpec, OptionSpecs } from './option-spec.js';
import { ANALYSIS_OPTIONS, commonOptions, prometheus } from './shared-options.js';

// The one place the release commands declare their options: the parser takes exactly these, and each
// command's help lists them from here, so help can name no option the command does not take.

const canaryTag = (help: string, value = 'T'): OptionSpec => ({ type: 'string', value, help });
const percent = (help: string, fallback?: string): OptionSpec => ({
  type: 'string',
  value: 'W',
  help,
  ...(fallback === undefined ? {} : { default: fallback }),
});
const environment: OptionSpec = {
  type: 'string',
  value: 'E',
  help:
    'also apply deploy/environments/E/<service>.yaml (--values): what that cluster needs, such as ' +
    'PostgreSQL for the services with state. The release keeps these values, so canary steps and later ' +
    'deploys reuse them. The file must not set the values meshctl sets itself (tags, canary.enabled, ' +
    'traffic weights)',
};

export const COMMANDS: Record<string, CommandSpec> = {
  deploy: {
    dryRun: 'no-cluster',
    options: { tag: { type: 'string', value: 'T', help: "stable's image tag (required)" }, environment },
  },
  'canary start': {
    dryRun: 'no-cluster',
    options: {
      'canary-tag': canaryTag("the canary's image tag (required); not stable's"),
      weight: percent("the canary's share of traffic once it is ready, 0 to 100 (default 10)", '10'),
      replace: {
        type: 'boolean',
        default: false,
        help: 'roll back a canary that runs already, then start this one',
      },
    },
  },
  'canary weight': {
    dryRun: 'no-cluster',
    options: {
      stable: { ...percent("stable's share of traffic, 0 to 100 (required)"), value: 'S' },
      canary: { ...percent("the canary's share; S + C must be 100 (required)"), value: 'C' },
    },
  },
  'canary promote': {
    dryRun: 'no-cluster',
    options: {
      'canary-tag': canaryTag('refuse unless the running canary has this tag (required with --dry-run)'),
    },
  },
  'canary rollback': {
    dryRun: 'no-cluster',
    options: { 'canary-tag': canaryTag('refuse to roll back a canary of another tag') },
  },
  'canary analyze': {
    dryRun: 'no-cluster',
    analysis: true,
    options: {
      'canary-tag': canaryTag(
        'the canary analysed: refused while one of another tag runs; with none running, the calls of ' +
          'canary T (required with --dry-run)',
      ),
    },
  },
  'canary auto': {
    dryRun: 'no-cluster',
    analysis: true,
    options: {
      'canary-tag': canaryTag("the canary's image tag (required)"),
      steps: {
        type: 'string',
        default: '10,25,50',
        value: 'LIST',
        help:
          'rising canary weights below 100 (default 10,25,50): stable keeps traffic as the baseline, and ' +
          'the promotion after the last step moves it all',
      },
      interval: { type: 'string', default: '1m', value: 'D', help: 'wait before each analysis (default 1m)' },
      'failure-threshold': {
        type: 'string',
        default: '2',
        value: 'N',
        help: 'failed analyses before rolling back, 1 to 10 (default 2)',
      },
      deadline: {
        type: 'string',
        default: '5m',
        value: 'D',
        help: 'longest a step may go without data (default 5m)',
      },
    },
  },
  'release rollback': {
    dryRun: 'reads',
    options: {
      revision: {
        type: 'string',
        value: 'N',
        help:
          'that revision; list them with "helm history <service> -n <service>" and see one\'s tags with ' +
          '"helm get values <service> -n <service> --revision N"',
      },
      'to-tag': {
        type: 'string',
        value: 'T',
        help: 'the newest earlier revision whose stable track ran T without a canary',
      },
    },
  },
  'release check': {
    dryRun: 'reads',
    options: {
      tag: { type: 'string', value: 'T', help: 'the tag deploy would give stable (required)' },
      environment: { ...environment, help: 'the environment deploy would apply: deploy/environments/E/' },
      'canary-tag': canaryTag('also check "canary start --canary-tag C" after the deploy', 'C'),
      weight: percent("that canary's share of traffic (default 10)", '10'),
      analysis: {
        type: 'boolean',
        default: false,
        help: 'also check that Prometheus answers, as canary auto needs',
      },
      prometheus,
    },
  },
  status: { dryRun: 'reads', options: {} },
};

/** Every option the command takes: its own, the analysis options where it has them, the common ones. */
export function optionsOf(command: string): OptionSpecs | undefined {
  const spec = COMMANDS[command];
  if (!spec) return undefined;
  return { ...spec.options, ...(spec.analysis ? ANALYSIS_OPTIONS : {}), ...commonOptions(spec.dryRun) };
}
