import type { ReleaseValues, ValueChange } from '../release/release-values.js';

/** One service's release: helm release = service = namespace (deployment contract). */
export interface ReleaseTarget {
  service: string;
  namespace: string;
  kubeContext?: string;
  /** Chart path relative to the repo root: helm/<service>. */
  chart: string;
}

export interface TrackReplicas {
  ready: number;
  desired: number;
}

/** What `canary analyze` decided last; stored in the ConfigMap meshctl-last-analysis. */
export interface AnalysisRecord {
  at: string;
  verdict: string;
  reasons: string[];
  canaryTag?: string;
}

/** One entry of `helm history`: status is deployed, superseded, failed, pending-upgrade... */
export interface RevisionInfo {
  revision: number;
  status: string;
}

export interface RenderOptions {
  /** A values file (relative to the repo root) applied over the release's values, under the changes. */
  valuesFile?: string;
}

export interface UpgradeOptions extends RenderOptions {
  /** Wait for every resource of the release to be ready (helm --wait); default true. */
  wait?: boolean;
}

export interface ReleaseState {
  revision: number;
  values: ReleaseValues;
  replicas: { stable?: TrackReplicas; canary?: TrackReplicas };
  lastAnalysis?: AnalysisRecord;
}

/**
 * Where releases live: a real cluster through helm/kubectl, or an in-memory one for tests and for the dry
 * runs that read no cluster.
 */
export interface Cluster {
  /** False when the adapter cannot read the cluster (a dry run that reads none): callers skip state checks. */
  readonly knowsState: boolean;
  /** undefined: the release is not installed (or, without knowsState, unknown). */
  readRelease(target: ReleaseTarget): Promise<ReleaseState | undefined>;
  /** helm upgrade --install --reset-then-reuse-values with the changes, by default waiting for the rollout. */
  upgrade(target: ReleaseTarget, changes: readonly ValueChange[], options?: UpgradeOptions): Promise<void>;
  /**
   * Renders the chart with the values the upgrade would use (the last deployed revision's, then the
   * values file, then the changes) and changes nothing; resolves to the manifest ('' where nothing is
   * rendered: a dry run), rejects with the chart's message when it refuses.
   */
  render(target: ReleaseTarget, changes: readonly ValueChange[], options?: RenderOptions): Promise<string>;
  /** Those of the named Secrets that do not exist in the release's namespace. */
  missingSecrets(target: ReleaseTarget, names: readonly string[]): Promise<string[]>;
  /** helm rollback to the given revision. */
  rollbackRelease(target: ReleaseTarget, revision: number): Promise<void>;
  /** helm history, oldest first ([] when not installed). */
  listRevisions(target: ReleaseTarget): Promise<RevisionInfo[]>;
  /** The values of one revision (helm get values --revision N --all). */
  valuesAt(target: ReleaseTarget, revision: number): Promise<ReleaseValues>;
  recordAnalysis(target: ReleaseTarget, record: AnalysisRecord): Promise<void>;
}
