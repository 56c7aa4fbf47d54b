#!/usr/bin/env bash
# Creates a development CA and one certificate per service for TLS/mTLS outside the mesh.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: gen-certs.sh [--out DIR] [--ca-name NAME] [--days N] [--dry-run] [--help] [SERVICE...]

Creates DIR/ca.crt + DIR/ca.key (once) and, for every SERVICE, DIR/SERVICE.crt + DIR/SERVICE.key
signed by that CA. Each service certificate is valid as server and as client (mTLS) for the
names SERVICE, SERVICE.SERVICE.svc.cluster.local, localhost and 127.0.0.1.
Existing files are kept, so running it again is harmless, except a certificate that cannot be read
(empty or damaged), has expired, expires within 30 days (half of --days when that is shorter), was not
signed by DIR/ca.crt or does not match its key: that one is made again, and the script says why. A new CA (the old one expiring) makes
every certificate it is asked for again. Inside the mesh Istio issues the workload certificates; these are for
the local stack (npm start -- --mtls) and docker compose.

Defaults: --out ./certs, --ca-name "iot-mesh development CA", --days 825, every service in
services/catalog.json.
USAGE
}

out="./certs"
ca_name="iot-mesh development CA"
days=825
OPTION_SPECS=(--out=out --ca-name=ca_name --days=days)
parse_options "$@"
[[ "$days" =~ ^[1-9][0-9]*$ ]] || usage_error "--days must be a positive number"
for service in "${ARGS[@]}"; do
  [[ "$service" =~ ^[a-z0-9][a-z0-9-]*$ ]] || usage_error "bad service name '$service'"
done
if [[ ${#ARGS[@]} -gt 0 ]]; then services=("${ARGS[@]}"); else select_services "${ARGS[@]}"; services=("${SERVICES[@]}"); fi
$DRY_RUN || require_commands openssl

# Renewed this long before it expires, or after half its life when --days is shorter, so that a
# certificate just made is not renewed again on the next run.
renew_within=$((days < 60 ? days * 86400 / 2 : 30 * 86400))

# Why the certificate in $1 must be made again (nothing when it is good), its CA file in $2 (none for the CA).
renewal_reason() {
  local crt="$1" ca="${2:-}" key="${1%.crt}.key"
  # Unreadable first: -checkend fails on a file that holds no certificate too, which is not an expiry.
  if ! query openssl x509 -in "$crt" -noout >/dev/null 2>&1; then
    echo "it cannot be read as a PEM certificate (empty or damaged)"
  elif [[ ! -f "$key" ]]; then
    echo "its key ${key##*/} is missing"
  elif ! query openssl x509 -in "$crt" -noout -checkend 0 >/dev/null 2>&1; then
    echo "it has expired"
  elif ! query openssl x509 -in "$crt" -noout -checkend "$renew_within" >/dev/null 2>&1; then
    echo "it expires within $((renew_within / 86400)) days"
  elif [[ -n "$ca" ]] && ! query openssl verify -CAfile "$ca" "$crt" >/dev/null 2>&1; then
    echo "it was not signed by the CA in ${ca##*/}"
  elif [[ "$(query openssl x509 -in "$crt" -noout -pubkey 2>/dev/null)" != "$(query openssl pkey -in "$key" -pubout 2>/dev/null)" ]]; then
    echo "it does not match its key ${key##*/}"
  fi
}

run mkdir -p "$out"
new_ca=true
if [[ -f "$out/ca.crt" ]]; then
  reason="$(renewal_reason "$out/ca.crt")"
  if [[ -z "$reason" ]]; then
    new_ca=false
  else
    log "making a new CA: $out/ca.crt: $reason; the certificates it signed are made again"
  fi
fi
if $new_ca; then
  run openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$days" \
    -subj "/CN=$ca_name" -keyout "$out/ca.key" -out "$out/ca.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
  run chmod 600 "$out/ca.key"
fi

# The extensions travel in the request and are copied on signing (OpenSSL 3), so no temporary files.
for service in "${services[@]}"; do
  if [[ -f "$out/$service.crt" ]]; then
    if $new_ca; then reason="there is a new CA"; else reason="$(renewal_reason "$out/$service.crt" "$out/ca.crt")"; fi
    [[ -z "$reason" ]] && continue
    log "renewing $out/$service.crt: $reason"
  fi
  run openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=$service" \
    -addext "basicConstraints=CA:FALSE" -addext "keyUsage=critical,digitalSignature,keyEncipherment" \
    -addext "extendedKeyUsage=serverAuth,clientAuth" \
    -addext "subjectAltName=DNS:$service,DNS:$service.$service.svc.cluster.local,DNS:localhost,IP:127.0.0.1" \
    -keyout "$out/$service.key" -out "$out/$service.csr"
  run openssl x509 -req -sha256 -days "$days" -in "$out/$service.csr" -copy_extensions copyall \
    -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial -out "$out/$service.crt"
  run rm -f "$out/$service.csr"
done
$DRY_RUN || log "certificates in $out: ca.crt ${services[*]/%/.crt}"
