#!/usr/bin/env bash
# Builds the playground into target/playground/index.html: one self-contained page on the npm
# package's web build (run scripts/build-js.sh first). It opens from the file system as it is,
# and `tamis playground` serves it (the CLI looks for it beside its binary's directory:
# target/release/tamis -> target/playground/index.html).
#
#   bash scripts/build-playground.sh
set -euo pipefail
cd "$(dirname "$0")/.."

tgz=$(ls target/npm/tamis-*.tgz 2>/dev/null | head -n 1 || true)
if [ -z "$tgz" ]; then
    echo "error: no packed npm package in target/npm; run scripts/build-js.sh first" >&2
    exit 1
fi
(
    cd playground
    npm ci --silent --no-audit --no-fund
    npm install --silent --no-save --no-audit --no-fund "../$tgz"
    node build.mjs ../target/playground
)
