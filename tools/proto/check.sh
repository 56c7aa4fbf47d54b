#!/usr/bin/env bash
# CI gate for the API: buf lint, stubs in libs/proto identical to a fresh generation, and no
# breaking change against the main branch.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
buf="$root/node_modules/.bin/buf"
cd "$root/proto"

echo "proto: buf lint"
"$buf" lint

echo "proto: generated stubs are fresh"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
sed "s#out: ../libs/proto/src/generated#out: $tmp/generated#" buf.gen.yaml >"$tmp/buf.gen.yaml"
"$buf" generate --template "$tmp/buf.gen.yaml"
bash "$root/tools/proto/descriptor-set.sh" "$tmp/generated"
if ! diff -r "$tmp/generated" "$root/libs/proto/src/generated" >"$tmp/diff"; then
  head -n 40 "$tmp/diff" >&2
  echo "proto: libs/proto/src/generated is stale; run 'npm run proto:generate' and commit the result" >&2
  exit 1
fi

echo "proto: buf breaking against main"
if git -C "$root" rev-parse --verify --quiet main >/dev/null &&
  git -C "$root" cat-file -e main:proto/buf.yaml 2>/dev/null; then
  "$buf" breaking --against "$root/.git#branch=main,subdir=proto"
else
  echo "proto: main has no proto/ yet; nothing to compare against"
fi
echo "proto: ok"
