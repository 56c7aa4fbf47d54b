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
Existing files are kept, so running it again is harmless. Inside the mesh Istio issues the
workload certificates; these are for the local stack (npm start -- --mtls) and docker compose.

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

run mkdir -p "$out"
if [[ ! -f "$out/ca.crt" ]]; then
  run openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$days" \
    -subj "/CN=$ca_name" -keyout "$out/ca.key" -out "$out/ca.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
  run chmod 600 "$out/ca.key"
fi

# The extensions travel in the request and are copied on signing (OpenSSL 3), so no temporary files.
for service in "${services[@]}"; do
  [[ -f "$out/$service.crt" ]] && continue
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
