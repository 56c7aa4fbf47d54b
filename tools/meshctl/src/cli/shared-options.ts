import type { DryRunKind, OptionSpec, OptionSpecs } from './option-spec.js';

// The options several commands share: the common ones, and those of the analysis.

const DRY_RUN_HELP: Record<DryRunKind, string> = {
  'no-cluster':
    'change nothing and read no cluster: print the helm/kubectl lines that would change something, ' +
    'and the values they change (the checks that need the release are skipped: release check makes them)',
  reads:
    'change nothing: run the read-only helm/kubectl look-ups as without it, printing each line, and ' +
    'print instead of run any line that would change something',
};

/** Every command takes these; --dry-run's help says what it does in the command at hand. */
export function commonOptions(dryRun: DryRunKind): OptionSpecs {
  return {
    namespace: {
      type: 'string',
      value: 'NS',
      help: "namespace of the release: only the service's own name (the default)",
    },
    'kube-context': { type: 'string', value: 'CTX', help: 'kubeconfig context for helm and kubectl' },
    'dry-run': { type: 'boolean', default: false, help: DRY_RUN_HELP[dryRun] },
    json: {
      type: 'boolean',
      default: false,
      help: 'one JSON document on stdout; the helm/kubectl lines go to stderr',
    },
    help: { type: 'boolean', short: 'h', default: false, help: 'this text' },
  };
}

export const prometheus: OptionSpec = {
  type: 'string',
  value: 'URL',
  help: 'Prometheus base URL (default $PROMETHEUS_URL or http://127.0.0.1:9090)',
};

export const ANALYSIS_OPTIONS: OptionSpecs = {
  prometheus,
  metrics: {
    type: 'string',
    default: 'istio',
    value: 'istio|app',
    help:
      "success rate and requests from Istio's sidecars (in the mesh, default) or the services' own " +
      "metrics, with track and version labels; p99 is the services' own in both",
  },
  window: {
    type: 'string',
    default: '1m',
    value: 'D',
    help: 'PromQL range analysed, above zero, e.g. 1m (default 1m)',
  },
  'min-success-rate': {
    type: 'string',
    default: '99',
    value: 'P',
    help: 'canary success rate in percent it must reach (default 99)',
  },
  'max-p99-ms': {
    type: 'string',
    default: '500',
    value: 'MS',
    help: "ceiling of the canary's p99 of unary gRPC and REST calls (default 500)",
  },
  'min-requests': {
    type: 'string',
    default: '20',
    value: 'N',
    help: 'fewer canary calls in the window, or fewer unary gRPC and REST calls behind its p99, is no-data (default 20)',
  },
  'max-degradation': {
    type: 'string',
    default: '1',
    value: 'P',
    help: "percentage points the canary's success rate may trail stable's (default 1)",
  },
};
