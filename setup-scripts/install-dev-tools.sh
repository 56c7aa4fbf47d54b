#!/usr/bin/env bash
# Installs what a developer (and CI) needs on Debian/Ubuntu, skipping what is already present.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: install-dev-tools.sh [--dry-run] [--help]

Installs the Debian packages the build and tests use, each only when it is missing:
openssl (certificates), git, unzip, redis-server (shared rate limits), the PostgreSQL server
binaries (the storage tests start a throwaway server), prometheus + promtool (rule tests and
canary analysis), shellcheck and yamllint (script and manifest checks), jenkins-job-builder
(job definitions) and groovy (Jenkinsfile syntax). Node 24 and the npm packages are
installed by ./dev.
USAGE
}

dry_run=false
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=true ;;
    -h | --help) usage; exit 0 ;;
    *) echo "install-dev-tools.sh: unknown option $arg" >&2; usage >&2; exit 2 ;;
  esac
done

# command:package pairs
wanted=(openssl:openssl git:git unzip:unzip redis-server:redis-server prometheus:prometheus
  promtool:prometheus shellcheck:shellcheck yamllint:yamllint jenkins-jobs:jenkins-job-builder groovy:groovy)
missing=()
for pair in "${wanted[@]}"; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
# initdb and pg_ctl live outside PATH, under /usr/lib/postgresql/<version>/bin.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-dev-tools: everything present"
  exit 0
fi
sudo=""
[[ "$(id -u)" -eq 0 ]] || sudo="sudo"
if $dry_run; then
  echo "+ $sudo apt-get update"
  echo "+ $sudo apt-get install -y --no-install-recommends ${missing[*]}"
  exit 0
fi
$sudo apt-get update
$sudo apt-get install -y --no-install-recommends "${missing[@]}"
