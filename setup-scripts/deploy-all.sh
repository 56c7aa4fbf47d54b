#!/usr/bin/env bash
# Deploys every service into its own namespace with meshctl, dependencies first.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: deploy-all.sh [--tag TAG] [--skip-namespaces] [--dry-run] [--help] [SERVICE...]

Creates the namespaces (create-namespaces.sh), then runs `meshctl deploy <service> --tag TAG` for every
service in the order of services/catalog.json, which lists each service after the ones it calls, so a
service's peers are serving before it starts. meshctl waits for each release (helm --wait), so the
first failure stops the run; re-running it is harmless (helm upgrade --install).

  --tag TAG           image tag to deploy (default latest; kind-setup.sh loads "dev")
  --skip-namespaces   do not run create-namespaces.sh first
  --dry-run           print the meshctl commands instead of running them
  SERVICE...          only these, still in catalog order

MESHCTL in the environment replaces the meshctl command (default: node tools/meshctl/dist/main.js).
USAGE
}

tag="latest"
skip_namespaces=false
OPTION_SPECS=(--tag=tag --skip-namespaces=skip_namespaces!)
parse_options "$@"
[[ "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || usage_error "--tag '$tag' is not a valid image tag"
select_services "${ARGS[@]}"
cd "$REPO_ROOT"
read -ra meshctl <<<"${MESHCTL:-node tools/meshctl/dist/main.js}"
if ! $DRY_RUN && [[ -z "${MESHCTL:-}" && ! -f tools/meshctl/dist/main.js ]]; then
  die "tools/meshctl is not built; run ./dev npm run build first"
fi

if ! $skip_namespaces; then
  dry_run_flag=()
  $DRY_RUN && dry_run_flag=(--dry-run)
  bash setup-scripts/create-namespaces.sh "${dry_run_flag[@]}" "${SERVICES[@]}"
fi
for service in "${SERVICES[@]}"; do
  log "deploying $service:$tag"
  run "${meshctl[@]}" deploy "$service" --tag "$tag"
done
log "deployed: ${SERVICES[*]}"
