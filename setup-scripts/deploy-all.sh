#!/usr/bin/env bash
# Deploys every service into its own namespace with meshctl, dependencies first.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: deploy-all.sh [--tag TAG] [--environment NAME] [--skip-namespaces] [--dry-run] [--help] [SERVICE...]

Creates the namespaces (create-namespaces.sh), then runs `meshctl deploy <service> --tag TAG` for every
service in the order of services/catalog.json, which lists each service after the ones it calls, so a
service's peers are serving before it starts. meshctl waits for each release (helm --wait), so the
first failure stops the run; re-running it is harmless (helm upgrade --install).

  --tag TAG            image tag to deploy (default dev, the tag kind-setup.sh loads; on EKS the
                       commit tag CI pushed); checked against the charts' tag rule before anything runs
  --environment NAME   deploy with deploy/environments/NAME/<service>.yaml (meshctl deploy --environment):
                       e.g. eks, where the services with state use PostgreSQL. Without it the charts'
                       defaults apply: those services run one pod each on SQLite (trials only)
  --skip-namespaces    do not run create-namespaces.sh first
  --dry-run            print the meshctl commands instead of running them
  SERVICE...           only these, still in catalog order

Before the first deploy (not under --dry-run) it runs `meshctl release check` for every service and
deploys none if any is refused: a chart refusing the values, or a Secret the pods need that does not
exist (the edge gateway's edge-gateway-env with its operator credentials, the database URLs an
environment takes from Secrets). docs/deployment-guide.md shows how to create them.

MESHCTL in the environment replaces the meshctl command (default: node tools/meshctl/dist/main.js).
USAGE
}

tag="dev"
environment=""
skip_namespaces=false
OPTION_SPECS=(--tag=tag --environment=environment --skip-namespaces=skip_namespaces!)
parse_options "$@"
select_services "${ARGS[@]}"
cd "$REPO_ROOT"
# The tag becomes the pods' version label: the rule is the charts' own (their values schema), as meshctl's.
for service in "${SERVICES[@]}"; do
  tag_rule="$(jq -r '.definitions.tag.pattern' "helm/$service/values.schema.json")"
  [[ "$tag" =~ $tag_rule ]] ||
    usage_error "--tag '$tag' is not a valid image tag: it becomes the pods' version label, so 1-63 letters, digits, _ . - starting and ending with a letter or digit"
done
environment_flag=()
if [[ -n "$environment" ]]; then
  # meshctl refuses it too, but only at its first check, after the namespaces.
  if [[ ! -d "deploy/environments/$environment" ]]; then
    mapfile -t known < <(find deploy/environments -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
    usage_error "--environment '$environment' is not one of deploy/environments/: ${known[*]}"
  fi
  environment_flag=(--environment "$environment")
fi
read -ra meshctl <<<"${MESHCTL:-node tools/meshctl/dist/main.js}"
if ! $DRY_RUN && [[ -z "${MESHCTL:-}" && ! -f tools/meshctl/dist/main.js ]]; then
  die "tools/meshctl is not built; run ./dev npm run build first"
fi

if ! $skip_namespaces; then
  dry_run_flag=()
  $DRY_RUN && dry_run_flag=(--dry-run)
  bash setup-scripts/create-namespaces.sh "${dry_run_flag[@]}" "${SERVICES[@]}"
fi
# Every deploy is checked before the first runs (the charts' refusals, the Secrets the pods need), so a
# refused one does not leave the services before it deployed and itself failing after helm's timeout.
if ! $DRY_RUN; then
  refused=()
  for service in "${SERVICES[@]}"; do
    "${meshctl[@]}" release check "$service" --tag "$tag" "${environment_flag[@]}" || refused+=("$service")
  done
  ((${#refused[@]} == 0)) || die "nothing deployed: meshctl release check refused ${refused[*]} (above)"
fi
for service in "${SERVICES[@]}"; do
  log "deploying $service:$tag"
  run "${meshctl[@]}" deploy "$service" --tag "$tag" "${environment_flag[@]}"
done
log "deployed: ${SERVICES[*]}"
