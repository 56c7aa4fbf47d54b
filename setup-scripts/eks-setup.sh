#!/usr/bin/env bash
# Creates the EKS cluster from setup-scripts/eks/cluster.yaml, installing the CLIs it needs when missing.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

KUBECTL_VERSION="${KUBECTL_VERSION:-v1.33.5}"
EKSCTL_VERSION="${EKSCTL_VERSION:-v0.210.0}"
CLUSTER_AUTOSCALER_CHART_VERSION="${CLUSTER_AUTOSCALER_CHART_VERSION:-9.46.6}"

usage() {
  cat <<USAGE
Usage: eks-setup.sh [--config FILE] [--bin-dir DIR] [--skip-tools] [--dry-run] [--help]

Creates (once) the EKS cluster described by an eksctl config: a managed node group of 2-6 nodes,
an OIDC provider for IAM roles for service accounts, and the cluster autoscaler that grows and
shrinks the node group. Then points kubectl at it. The cluster name and region come from the config.

  --config FILE   eksctl ClusterConfig (default setup-scripts/eks/cluster.yaml)
  --bin-dir DIR   where missing CLIs are installed (default /usr/local/bin)
  --skip-tools    do not install aws, eksctl, kubectl or helm; fail if one is missing
  --dry-run       print the commands that would change something, run only look-ups
  --help          this text

Versions (override through the environment): kubectl $KUBECTL_VERSION, eksctl $EKSCTL_VERSION,
cluster-autoscaler chart $CLUSTER_AUTOSCALER_CHART_VERSION, AWS CLI v2 (latest), helm from install-helm.sh.
Needs AWS credentials with rights to create EKS clusters (aws configure, or AWS_PROFILE).
USAGE
}

config="setup-scripts/eks/cluster.yaml"
bin_dir="/usr/local/bin"
skip_tools=false
OPTION_SPECS=(--config=config --bin-dir=bin_dir --skip-tools=skip_tools!)
parse_options "$@"
[[ ${#ARGS[@]} -eq 0 ]] || usage_error "unexpected argument ${ARGS[0]}"
cd "$REPO_ROOT"
[[ -f "$config" ]] || usage_error "no eksctl config at $config"

# metadata.name / metadata.region of the config: the first indented keys under "metadata:".
config_value() {
  awk -v key="$1" '/^metadata:/ { inside = 1; next } /^[^ #]/ { inside = 0 }
    inside && $1 == key ":" { gsub(/["'\'']/, "", $2); print $2; exit }' "$config"
}
cluster="$(config_value name)"
region="$(config_value region)"
[[ -n "$cluster" && -n "$region" ]] || die "$config needs metadata.name and metadata.region"

install_missing_tools() {
  local arch
  arch="$(machine_arch)"
  if ! command -v aws >/dev/null 2>&1; then
    local zip="${TMPDIR:-/tmp}/iot-mesh-downloads/awscli.zip"
    local arch_name="x86_64"
    [[ "$arch" == amd64 ]] || arch_name="aarch64"
    run mkdir -p "$(dirname "$zip")"
    run curl -fsSLo "$zip" "https://awscli.amazonaws.com/awscli-exe-linux-$arch_name.zip"
    run unzip -qo "$zip" -d "$(dirname "$zip")"
    run "$(dirname "$zip")/aws/install" --update --bin-dir "$bin_dir"
  fi
  command -v eksctl >/dev/null 2>&1 || install_binary eksctl \
    "https://github.com/eksctl-io/eksctl/releases/download/$EKSCTL_VERSION/eksctl_Linux_$arch.tar.gz" eksctl "$bin_dir"
  command -v kubectl >/dev/null 2>&1 || install_binary kubectl \
    "https://dl.k8s.io/release/$KUBECTL_VERSION/bin/linux/$arch/kubectl" kubectl "$bin_dir"
  command -v helm >/dev/null 2>&1 || run bash setup-scripts/install-helm.sh
}

if $skip_tools; then
  require_commands aws eksctl kubectl
else
  install_missing_tools
fi
helm="$(helm_command)"

log "cluster $cluster in $region from $config"
if ! $DRY_RUN; then
  aws sts get-caller-identity >/dev/null || die "no usable AWS credentials (aws configure, or set AWS_PROFILE)"
fi
if query eksctl get cluster --name "$cluster" --region "$region" >/dev/null 2>&1; then
  log "cluster $cluster already exists; not creating it"
else
  run eksctl create cluster -f "$config"
fi
run aws eks update-kubeconfig --name "$cluster" --region "$region"

# The node group's 2-6 bounds only matter with an autoscaler watching pending pods.
run "$helm" repo add autoscaler https://kubernetes.github.io/autoscaler --force-update
run "$helm" upgrade --install cluster-autoscaler autoscaler/cluster-autoscaler \
  --namespace kube-system --version "$CLUSTER_AUTOSCALER_CHART_VERSION" \
  --set "autoDiscovery.clusterName=$cluster" --set "awsRegion=$region" \
  --set rbac.serviceAccount.create=false --set rbac.serviceAccount.name=cluster-autoscaler --wait
run kubectl get nodes -o wide
print_next_steps eks
