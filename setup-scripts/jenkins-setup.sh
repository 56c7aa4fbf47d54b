#!/usr/bin/env bash
# Prepares a Jenkins controller: plugins, configuration as code, and the pipeline jobs.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: jenkins-setup.sh [--jenkins-home DIR] [--jjb-config FILE] [--skip-jobs] [--dry-run] [--help]

  1. installs the plugins in jenkins/plugins.txt with jenkins-plugin-cli into DIR/plugins,
  2. copies jenkins/casc/jenkins.yaml to DIR/casc_configs/jenkins.yaml (point CASC_JENKINS_CONFIG at
     it); its credentials are ${PLACEHOLDERS} that Jenkins fills from the environment at start-up,
     and the script names the ones that are not set,
  3. checks the job definitions offline (jenkins-jobs test) and seeds them into the running controller
     (jenkins-jobs update jenkins/jobs), which creates or updates jobs and never deletes any.
Every step is safe to repeat. Restart Jenkins after the first run so it loads the plugins and the config.

  --jenkins-home DIR   the controller's home (default $JENKINS_HOME or /var/jenkins_home)
  --jjb-config FILE    jenkins_jobs.ini with the controller's URL and an API token (default: JJB's own lookup)
  --skip-jobs          plugins and configuration only (Jenkins not running yet)
  --dry-run            print the commands instead of running them
USAGE
}

jenkins_home="${JENKINS_HOME:-/var/jenkins_home}"
jjb_config=""
skip_jobs=false
OPTION_SPECS=(--jenkins-home=jenkins_home --jjb-config=jjb_config --skip-jobs=skip_jobs!)
parse_options "$@"
[[ ${#ARGS[@]} -eq 0 ]] || usage_error "unexpected argument ${ARGS[0]}"
cd "$REPO_ROOT"
for input in jenkins/plugins.txt jenkins/casc/jenkins.yaml jenkins/jobs; do
  [[ -e "$input" ]] || die "$input is missing"
done
[[ -z "$jjb_config" || -f "$jjb_config" ]] || usage_error "no jenkins-jobs config at $jjb_config"
if ! $DRY_RUN; then
  require_commands jenkins-plugin-cli
  $skip_jobs || require_commands jenkins-jobs
fi

run jenkins-plugin-cli --plugin-file jenkins/plugins.txt --plugin-download-directory "$jenkins_home/plugins"
run install -D -m 0644 jenkins/casc/jenkins.yaml "$jenkins_home/casc_configs/jenkins.yaml"
log "start Jenkins with CASC_JENKINS_CONFIG=$jenkins_home/casc_configs/jenkins.yaml"

# Configuration as code resolves ${NAME} (and ${NAME:-default}) from the environment; name what is unset
# (comment lines left out).
# shellcheck disable=SC2016 # the pattern matches a literal ${NAME}
mapfile -t placeholders < <(grep -v '^[[:space:]]*#' jenkins/casc/jenkins.yaml |
  grep -o '\${[A-Za-z_][A-Za-z0-9_]*}' | sed 's/[${}]//g' | sort -u)
for placeholder in "${placeholders[@]}"; do
  [[ -n "${!placeholder:-}" ]] || log "credential placeholder $placeholder is not set in this environment"
done

if ! $skip_jobs; then
  jjb_options=()
  [[ -z "$jjb_config" ]] || jjb_options=(--conf "$jjb_config")
  run jenkins-jobs "${jjb_options[@]}" test jenkins/jobs -o "${TMPDIR:-/tmp}/iot-mesh-jobs"
  run jenkins-jobs "${jjb_options[@]}" update jenkins/jobs
fi
