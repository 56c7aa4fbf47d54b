#!/usr/bin/env bash
# One namespace per service, labelled for Istio sidecar injection, from services/catalog.json.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: create-namespaces.sh [--dry-run] [--help] [SERVICE...]

Applies one Namespace per service, named as the service and labelled istio-injection=enabled, so
every pod the charts create there gets an Envoy sidecar. kubectl apply makes re-running harmless;
a namespace that already exists keeps its other labels.

  --dry-run    print the manifest instead of applying it
  SERVICE...   only these (default: every service in services/catalog.json)
USAGE
}

OPTION_SPECS=()
parse_options "$@"
select_services "${ARGS[@]}"
$DRY_RUN || require_commands kubectl

for service in "${SERVICES[@]}"; do
  cat <<YAML
---
apiVersion: v1
kind: Namespace
metadata:
  name: $service
  labels:
    istio-injection: enabled
    app.kubernetes.io/part-of: iot-mesh
YAML
done | apply_manifest
log "namespaces: ${SERVICES[*]}"
