#!/usr/bin/env bash
# kube-prometheus-stack with the project's recording/alerting rules and Grafana dashboards.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

CHART_VERSION="${KUBE_PROMETHEUS_STACK_VERSION:-77.0.0}"

usage() {
  cat <<USAGE
Usage: monitoring-setup.sh [--namespace NS] [--release NAME] [--dry-run] [--help]

The alternative to Istio's sample Prometheus and Grafana: installs kube-prometheus-stack $CHART_VERSION
(override with KUBE_PROMETHEUS_STACK_VERSION) with setup-scripts/monitoring/values.yaml, then applies
  - every rule file in istio/prometheus/ as a PrometheusRule,
  - every dashboard in istio/dashboards/ as a ConfigMap Grafana's sidecar loads (label grafana_dashboard=1).
Prometheus scrapes every meshed pod through Istio's metrics merging (plaintext :15020, so STRICT mTLS
is no obstacle), keeping the pods' app, version and track (stable|canary) labels.
helm upgrade --install and kubectl apply make re-running harmless.

  --namespace NS   where the stack runs (default monitoring). The charts' NetworkPolicy (networkPolicy.enabled)
                   admits scrapes from networkPolicy.metricsNamespaces, istio-system and monitoring by default:
                   add any other NS there, or every target stays down
  --release NAME   Helm release name (default kube-prometheus-stack)
  --dry-run        print the commands and manifests instead of applying them
USAGE
}

namespace="monitoring"
release="kube-prometheus-stack"
OPTION_SPECS=(--namespace=namespace --release=release)
parse_options "$@"
[[ ${#ARGS[@]} -eq 0 ]] || usage_error "unexpected argument ${ARGS[0]}"
[[ "$namespace" =~ ^[a-z0-9][a-z0-9-]*$ ]] || usage_error "--namespace '$namespace' is not a namespace name"
cd "$REPO_ROOT"
helm="$(helm_command)"
$DRY_RUN || require_commands kubectl "$helm"

run "$helm" repo add prometheus-community https://prometheus-community.github.io/helm-charts --force-update
run "$helm" upgrade --install "$release" prometheus-community/kube-prometheus-stack \
  --namespace "$namespace" --create-namespace --version "$CHART_VERSION" \
  --values setup-scripts/monitoring/values.yaml --wait

# Rule files are the ones with a top-level "groups:"; promtool test files (rule_files:/tests:) are left out.
rule_manifests() {
  local file
  for file in istio/prometheus/*.y*ml; do
    if ! [[ -f "$file" ]] || ! grep -q '^groups:' "$file"; then continue; fi
    printf -- '---\napiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n'
    printf '  name: %s\n  namespace: %s\n  labels:\n    release: %s\nspec:\n' \
      "$(resource_name "$file")" "$namespace" "$release"
    sed 's/^/  /' "$file"
  done
}

{
  rule_manifests
  dashboard_configmaps "$namespace"
} | apply_manifest
log "Grafana: kubectl -n $namespace port-forward svc/$release-grafana 3000:80"
