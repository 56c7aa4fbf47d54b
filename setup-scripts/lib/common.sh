# shellcheck shell=bash
# Shared by setup-scripts/*.sh so option parsing, logging, dry-run and the service list are written once.
# A script sets OPTION_SPECS and defines usage() before calling parse_options "$@".

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SCRIPT_NAME="$(basename "$0")"
CATALOG="$REPO_ROOT/services/catalog.json"
DRY_RUN=false
ARGS=()

log() { printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() {
  printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2
  exit 1
}
usage_error() {
  printf '%s: %s\n\n' "$SCRIPT_NAME" "$*" >&2
  usage >&2
  exit 2
}

# OPTION_SPECS entries: "--name=VARIABLE" takes a value, "--name=VARIABLE!" is a flag set to true.
# --help and --dry-run are common to all scripts; anything else that is not an option lands in ARGS.
parse_options() {
  # Underscored locals: printf -v into a local of the same name would never reach the script.
  local _spec _option _variable _value _matched _shift
  while [[ $# -gt 0 ]]; do
    case "$1" in
      -h | --help) usage; exit 0 ;;
      --dry-run) DRY_RUN=true; shift; continue ;;
      --) shift; ARGS+=("$@"); return 0 ;;
      -*) ;;
      *) ARGS+=("$1"); shift; continue ;;
    esac
    _matched=false
    for _spec in "${OPTION_SPECS[@]}"; do
      _option="${_spec%%=*}" _variable="${_spec#*=}"
      if [[ "$_variable" == *! && "$1" == "$_option" ]]; then
        printf -v "${_variable%!}" '%s' true
        _matched=true _shift=1
      elif [[ "$_variable" != *! && ("$1" == "$_option" || "$1" == "$_option="*) ]]; then
        if [[ "$1" == *=* ]]; then
          _value="${1#*=}" _shift=1
        else
          [[ $# -ge 2 ]] || usage_error "$_option needs a value"
          _value="$2" _shift=2
        fi
        [[ -n "$_value" ]] || usage_error "$_option needs a value"
        printf -v "$_variable" '%s' "$_value"
        _matched=true
      fi
      $_matched && break
    done
    $_matched || usage_error "unknown option $1"
    shift "$_shift"
  done
}

# Prints a command as a copy-pastable line.
show_command() {
  local word line="+"
  for word in "$@"; do
    if [[ "$word" =~ ^[A-Za-z0-9_./:=@,%+-]+$ ]]; then line+=" $word"; else line+=" $(printf '%q' "$word")"; fi
  done
  printf '%s\n' "$line"
}

# Commands that change something: printed under --dry-run, executed otherwise.
run() {
  if $DRY_RUN; then show_command "$@"; else "$@"; fi
}

# Read-only look-ups (does the cluster exist?) run even under --dry-run, so the plan it prints is the real one.
# Under --dry-run a CLI that is not installed yet counts as "nothing there".
query() {
  if ! command -v "$1" >/dev/null 2>&1; then
    $DRY_RUN && return 1
    die "$1 is not installed"
  fi
  "$@"
}

# Applies a manifest given on stdin; under --dry-run prints it instead.
apply_manifest() {
  local manifest
  manifest="$(cat)"
  if [[ -z "${manifest//[[:space:]]/}" ]]; then
    log "nothing to apply"
  elif $DRY_RUN; then
    show_command kubectl apply -f -
    printf '%s\n' "$manifest"
  else
    printf '%s\n' "$manifest" | kubectl apply -f -
  fi
}

require_commands() {
  local command
  for command in "$@"; do
    command -v "$command" >/dev/null 2>&1 || die "$command is needed but not installed"
  done
}

# The services in start order (dependencies first), from the one list the charts and Jenkins use too.
catalog_services() {
  require_commands jq
  jq -r '.services[].name' "$CATALOG"
}

# Fails on a name that is not in the catalog, so a typo never creates a stray namespace or release.
check_services_known() {
  local known service
  known=" $(catalog_services | tr '\n' ' ')"
  for service in "$@"; do
    [[ "$known" == *" $service "* ]] || usage_error "unknown service '$service' (not in services/catalog.json)"
  done
}

# Sets SERVICES to the named services in catalog order, or to every service when none was named.
select_services() {
  require_commands jq
  check_services_known "$@"
  local all service
  mapfile -t all < <(catalog_services)
  SERVICES=()
  for service in "${all[@]}"; do
    if [[ $# -eq 0 || " $* " == *" $service "* ]]; then SERVICES+=("$service"); fi
  done
  [[ ${#SERVICES[@]} -gt 0 ]] || die "services/catalog.json lists no services"
}

# The existingSecret a values file names, or nothing. Usage: existing_secret FILE
existing_secret() {
  awk '/^existingSecret:/ { gsub(/["'\'']/, "", $2); print $2 }' "$1"
}

# What to run once the cluster exists, on stderr: Istio, the Secrets deploy-all.sh checks for (it deploys
# nothing without them), the deploy. docs/deployment-guide.md shows the same lines, and container-check
# holds the two equal. Usage: print_next_steps kind TAG | print_next_steps eks
print_next_steps() {
  local platform="$1" tag="${2:-}" values service secret
  log "next, as docs/deployment-guide.md has it:"
  {
    echo "setup-scripts/istio-setup.sh"
    cat <<'STEP'
kubectl -n edge-gateway create secret generic edge-gateway-env \
  --from-literal=OPERATOR_TOKEN="$(openssl rand -hex 32)"
STEP
    if [[ "$platform" == eks ]]; then
      # Every other Secret the eks values name holds a database URL (without jq, which eks-setup.sh
      # does not install).
      for values in "$REPO_ROOT"/deploy/environments/eks/*.yaml; do
        service="$(basename "$values" .yaml)" secret="$(existing_secret "$values")"
        [[ -n "$secret" && "$secret" != edge-gateway-env ]] || continue
        printf '%s \\\n' "kubectl -n $service create secret generic $secret"
        echo "  --from-literal=DATABASE_URL='postgres://<user>:<password>@<rds-endpoint>:5432/iotmesh'"
      done
      echo "# the database's ServiceEntry too: \"Databases and Secrets\", step 2 (and step 4 for SMTP and webhooks)"
      echo "setup-scripts/deploy-all.sh --tag <tag> --environment eks"
    else
      echo "setup-scripts/deploy-all.sh --tag $tag"
    fi
  } | sed 's/^/  /' >&2
}

# helm from PATH, else the copy install-helm.sh extracts into .toolchain/bin (scripts run from the repo root).
helm_command() {
  if command -v helm >/dev/null 2>&1; then echo helm; else echo .toolchain/bin/helm; fi
}

# amd64 or arm64, as release downloads name them.
machine_arch() {
  case "$(uname -m)" in
    aarch64 | arm64) echo arm64 ;;
    *) echo amd64 ;;
  esac
}

# Downloads a release archive and puts one binary from it into a bin directory (sudo when it is not writable).
# Usage: install_binary NAME URL PATH_IN_ARCHIVE BIN_DIR   (URL ending in .tar.gz or .zip, or a plain binary)
install_binary() {
  local name="$1" url="$2" member="$3" bin_dir="$4" sudo=""
  local work="${TMPDIR:-/tmp}/iot-mesh-downloads/$name"
  if [[ "$(id -u)" -ne 0 ]] && ! [[ -w "$bin_dir" ]]; then sudo="sudo"; fi
  run mkdir -p "$work"
  case "$url" in
    *.tar.gz)
      run curl -fsSLo "$work/$name.tar.gz" "$url"
      run tar -xzf "$work/$name.tar.gz" -C "$work" "$member"
      ;;
    *) run curl -fsSLo "$work/$member" "$url" ;;
  esac
  run ${sudo:+"$sudo"} install -D -m 0755 "$work/$member" "$bin_dir/$name"
}

# A resource name from a file name: "canary_rules.yaml" -> "iot-mesh-canary-rules".
resource_name() {
  local base
  base="$(basename "$1")"
  base="${base%.*}"
  base="${base//_/-}"
  printf 'iot-mesh-%s' "${base,,}"
}

# Every Grafana dashboard of istio/dashboards/ as a ConfigMap the Grafana sidecar loads (grafana_dashboard=1).
# Usage: dashboard_configmaps NAMESPACE   (from the repo root)
dashboard_configmaps() {
  local file
  for file in istio/dashboards/*.json; do
    [[ -f "$file" ]] || continue
    printf -- '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n'
    printf '  name: %s\n  namespace: %s\n  labels:\n    grafana_dashboard: "1"\n' \
      "$(resource_name "$file")" "$1"
    printf 'data:\n  %s: |\n' "$(basename "$file")"
    sed 's/^/    /' "$file"
  done
}

# istio/prometheus/rules.yaml as values of the prometheus-community/prometheus chart: the chart writes
# serverFiles into the server's ConfigMap, and its default prometheus.yml loads alerting_rules.yml (a
# rule file may hold recording groups too). Usage: prometheus_rules_values   (from the repo root)
prometheus_rules_values() {
  printf 'serverFiles:\n  alerting_rules.yml:\n'
  sed 's/^/    /' istio/prometheus/rules.yaml
}
