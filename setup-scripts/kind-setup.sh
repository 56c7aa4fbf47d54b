#!/usr/bin/env bash
# A local Kubernetes cluster in Docker (kind) with every service's image built here and loaded into it.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: kind-setup.sh [--name NAME] [--tag TAG] [--registry REGISTRY] [--skip-build] [--dry-run] [--help] [SERVICE...]

Creates the kind cluster from setup-scripts/kind/cluster.yaml (once), builds each service's image with
the repository's Dockerfile (docker build --build-arg SERVICE=<service>) and loads it into the cluster's
nodes, so the charts run it without a registry. Needs Docker and kind.

  --name NAME          cluster name (default iot-mesh; the kubectl context is kind-NAME)
  --tag TAG            image tag to build and load (default dev); deploy with meshctl ... --tag TAG
  --registry REGISTRY  image name prefix, as the charts' image.registry (default ghcr.io/iot-mesh)
  --skip-build         only create the cluster
  --dry-run            print the commands that would change something, run only look-ups
  SERVICE...           build only these (default: every service in services/catalog.json)
USAGE
}

name="iot-mesh"
tag="dev"
registry="ghcr.io/iot-mesh"
skip_build=false
OPTION_SPECS=(--name=name --tag=tag --registry=registry --skip-build=skip_build!)
parse_options "$@"
[[ "$name" =~ ^[a-z0-9][a-z0-9-]*$ ]] || usage_error "--name must be lower-case letters, digits and dashes"
[[ "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || usage_error "--tag '$tag' is not a valid image tag"
select_services "${ARGS[@]}"
cd "$REPO_ROOT"
$DRY_RUN || require_commands docker kind kubectl

if query kind get clusters 2>/dev/null | grep -qx "$name"; then
  log "kind cluster $name already exists; not creating it"
else
  run kind create cluster --name "$name" --config setup-scripts/kind/cluster.yaml --wait 120s
fi

if ! $skip_build; then
  for service in "${SERVICES[@]}"; do
    image="$registry/$service:$tag"
    run docker build --build-arg "SERVICE=$service" -t "$image" .
    # Loading again replaces the image on every node; pods pick it up on their next restart.
    run kind load docker-image "$image" --name "$name"
  done
fi
run kubectl cluster-info --context "kind-$name"
print_next_steps kind "$tag"
