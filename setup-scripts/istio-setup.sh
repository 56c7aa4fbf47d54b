#!/usr/bin/env bash
# Installs Istio with the project's profile, the mesh-wide config from istio/, and the observability addons.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

ISTIO_VERSION="${ISTIO_VERSION:-1.27.3}"
# Addon release -> chart, version and values file in istio/addons/ (Istio's samples/addons use the same releases).
ADDONS=(
  "prometheus prometheus-community/prometheus ${PROMETHEUS_CHART_VERSION:-27.20.0}"
  "jaeger jaegertracing/jaeger ${JAEGER_CHART_VERSION:-3.4.1}"
  "grafana grafana/grafana ${GRAFANA_CHART_VERSION:-9.2.10}"
  "kiali kiali/kiali-server ${KIALI_CHART_VERSION:-2.11.0}"
)
REPOSITORIES=(
  "prometheus-community https://prometheus-community.github.io/helm-charts"
  "jaegertracing https://jaegertracing.github.io/helm-charts"
  "grafana https://grafana.github.io/helm-charts"
  "kiali https://kiali.org/helm-charts"
)

usage() {
  cat <<USAGE
Usage: istio-setup.sh [--profile FILE] [--bin-dir DIR] [--skip-addons] [--timeout DURATION] [--dry-run] [--help]

  1. istioctl install (Istio $ISTIO_VERSION) with the IstioOperator profile, and waits for istiod;
     running it again converges the control plane to the profile,
  2. applies the mesh-wide config: istio/mesh/ (namespaces, STRICT mTLS, telemetry) and istio/gateway/
     (the ingress Gateway; it serves the certificate in Secret istio-system/iot-mesh-gateway-cert),
  3. installs the addons with Helm and the values in istio/addons/ (Prometheus, Jaeger, Grafana, Kiali),
     Grafana's admin Secret (password from GRAFANA_ADMIN_PASSWORD, else generated once) and the
     dashboards of istio/dashboards/ as ConfigMaps, then waits for each addon's rollout.
Installs istioctl into --bin-dir when it is missing.

  --profile FILE       IstioOperator file (default istio/install/istio-operator.yaml)
  --bin-dir DIR        where istioctl is installed when missing (default /usr/local/bin)
  --skip-addons        Istio and the mesh config only (monitoring-setup.sh is the alternative)
  --timeout DURATION   how long to wait for each rollout (default 300s)
  --dry-run            print the commands that would change something, run only look-ups

Versions: ISTIO_VERSION, PROMETHEUS_CHART_VERSION, JAEGER_CHART_VERSION, GRAFANA_CHART_VERSION and
KIALI_CHART_VERSION in the environment override the pinned ones.
USAGE
}

profile="istio/install/istio-operator.yaml"
bin_dir="/usr/local/bin"
skip_addons=false
timeout="300s"
OPTION_SPECS=(--profile=profile --bin-dir=bin_dir --skip-addons=skip_addons! --timeout=timeout)
parse_options "$@"
[[ ${#ARGS[@]} -eq 0 ]] || usage_error "unexpected argument ${ARGS[0]}"
[[ "$timeout" =~ ^[0-9]+[smh]$ ]] || usage_error "--timeout needs a duration such as 300s or 5m"
[[ "$ISTIO_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "ISTIO_VERSION must look like 1.27.3"
cd "$REPO_ROOT"
[[ -f "$profile" ]] || usage_error "no IstioOperator profile at $profile"

if ! command -v istioctl >/dev/null 2>&1; then
  install_binary istioctl \
    "https://github.com/istio/istio/releases/download/$ISTIO_VERSION/istioctl-$ISTIO_VERSION-linux-$(machine_arch).tar.gz" \
    istioctl "$bin_dir"
fi
helm="$(helm_command)"
$DRY_RUN || require_commands kubectl istioctl

run istioctl install -y -f "$profile"
run kubectl rollout status deployment/istiod -n istio-system --timeout="$timeout"
for config in istio/mesh istio/gateway; do
  [[ -d "$config" ]] && run kubectl apply -f "$config/"
done
if ! query kubectl get secret iot-mesh-gateway-cert -n istio-system >/dev/null 2>&1; then
  log "the ingress Gateway needs a TLS Secret: kubectl -n istio-system create secret tls iot-mesh-gateway-cert --cert=... --key=..."
fi
$skip_addons && exit 0

# Created once and never printed: the password goes through stdin, not argv or the log.
if ! query kubectl get secret grafana-admin -n istio-system >/dev/null 2>&1; then
  password="${GRAFANA_ADMIN_PASSWORD:-}"
  [[ -n "$password" ]] || $DRY_RUN || password="$(openssl rand -hex 16)"
  printf '%s' "$password" | run kubectl create secret generic grafana-admin -n istio-system \
    --from-literal=admin-user=admin --from-file=admin-password=/dev/stdin
fi
dashboard_configmaps istio-system | apply_manifest

for repository in "${REPOSITORIES[@]}"; do
  read -r repo_name repo_url <<<"$repository"
  run "$helm" repo add "$repo_name" "$repo_url" --force-update
done
# The addon Prometheus evaluates the project's rules, read from rules.yaml at install time (no copy).
rules_values="$(mktemp)"
trap 'rm -f "$rules_values"' EXIT
prometheus_rules_values >"$rules_values"
for addon in "${ADDONS[@]}"; do
  read -r release chart version <<<"$addon"
  extra_values=()
  [[ "$release" == prometheus ]] && extra_values=(--values "$rules_values")
  run "$helm" upgrade --install "$release" "$chart" --namespace istio-system --version "$version" \
    --values "istio/addons/$release-values.yaml" "${extra_values[@]}"
done
for addon in "${ADDONS[@]}"; do
  read -r release _ <<<"$addon"
  run kubectl rollout status "deployment/$release" -n istio-system --timeout="$timeout"
done
log "Istio $ISTIO_VERSION ready; dashboards: istioctl dashboard kiali | grafana | jaeger | prometheus"
