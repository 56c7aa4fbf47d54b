#!/usr/bin/env bash
# Creates a development CA and one certificate per service for TLS/mTLS outside the mesh.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: gen-certs.sh [--out DIR] [--ca-name NAME] [--days N] [--dry-run] [SERVICE...]

Creates DIR/ca.crt + DIR/ca.key (once) and, for every SERVICE, DIR/SERVICE.crt + DIR/SERVICE.key
signed by that CA. Each service certificate is valid as server and as client (mTLS) for the
names SERVICE, SERVICE.SERVICE.svc.cluster.local, localhost and 127.0.0.1.
Existing files are kept, so running it again is harmless.

Defaults: --out ./certs, --ca-name "iot-mesh development CA", --days 825, services:
edge-gateway device-registry sensor-ingestion data-processor alert-manager notification
USAGE
}

out="./certs"
ca_name="iot-mesh development CA"
days=825
dry_run=false
services=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --ca-name) ca_name="$2"; shift 2 ;;
    --days) days="$2"; shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "gen-certs.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) services+=("$1"); shift ;;
  esac
done
if [[ ${#services[@]} -eq 0 ]]; then
  services=(edge-gateway device-registry sensor-ingestion data-processor alert-manager notification)
fi
[[ "$days" =~ ^[0-9]+$ ]] || { echo "gen-certs.sh: --days must be a number" >&2; exit 2; }

run() {
  if $dry_run; then echo "+ $*"; else "$@"; fi
}

run mkdir -p "$out"
if [[ ! -f "$out/ca.crt" ]]; then
  run openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$days" \
    -subj "/CN=$ca_name" -keyout "$out/ca.key" -out "$out/ca.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
fi

for service in "${services[@]}"; do
  [[ "$service" =~ ^[a-z0-9][a-z0-9-]*$ ]] || { echo "gen-certs.sh: bad service name '$service'" >&2; exit 2; }
  [[ -f "$out/$service.crt" ]] && continue
  ext="$(mktemp)"
  trap 'rm -f "$ext"' EXIT
  cat >"$ext" <<EXT
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:$service,DNS:$service.$service.svc.cluster.local,DNS:localhost,IP:127.0.0.1
EXT
  run openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=$service" \
    -keyout "$out/$service.key" -out "$out/$service.csr"
  run openssl x509 -req -sha256 -days "$days" -in "$out/$service.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" \
    -CAcreateserial -extfile "$ext" -out "$out/$service.crt"
  run rm -f "$out/$service.csr"
  rm -f "$ext"
done
$dry_run || echo "certificates in $out: ca.crt ${services[*]/%/.crt}"
