#!/usr/bin/env bash
# Regenerates the ts-proto stubs and the descriptor set in libs/proto from proto/ (the only way they
# may change).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../proto"
../node_modules/.bin/buf lint
../node_modules/.bin/buf generate
bash ../tools/proto/descriptor-set.sh ../libs/proto/src/generated
echo "generated libs/proto/src/generated from proto/"
