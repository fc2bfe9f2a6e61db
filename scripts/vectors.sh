#!/usr/bin/env bash
# Runs every conformance vector (tests/vectors/*.json) through every front end and prints how many
# each ran: core (object and JSON Lines paths), the `tamis` CLI, the plugin host (a keeping plugin
# in every policy), the Python wheel (object and JSON paths) and the npm package (object and JSON
# paths). Each must produce byte-identical output; any difference fails the script.
#
#   bash scripts/vectors.sh      # after scripts/test.sh has made target/venv (it rebuilds the rest)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

# Runs a command; prints its lines that count vectors, or all of its output when it fails.
counted() {
    local out
    if ! out=$("$@" 2>&1); then
        printf '%s\n' "$out" >&2
        exit 1
    fi
    grep -E "vectors|passed|^# (pass|fail)" <<<"$out" | grep -v "^test result" || true
}

echo "=== core, CLI, plugin host"
counted cargo test -q --locked -p tamis-conformance -- --nocapture
counted cargo test -q --locked -p tamis-cli --test cli conformance -- --nocapture
counted cargo test -q --locked -p tamis-host --test vectors -- --nocapture

echo "=== Python wheel"
venv=target/venv
if [ ! -x "$venv/bin/maturin" ]; then
    echo "error: $venv is missing; run scripts/test.sh once (it makes the Python environment)" >&2
    exit 1
fi
rm -rf target/vector-wheels
"$venv/bin/maturin" build --release --locked -q -m bindings-python/Cargo.toml -o target/vector-wheels
"$venv/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps target/vector-wheels/tamis-*.whl
(cd bindings-python && counted "../$venv/bin/python" -m pytest -q -p no:cacheprovider tests/test_vectors.py)

echo "=== npm package"
bash scripts/build-js.sh >/dev/null
(
    cd bindings-js/test
    npm ci --silent --no-audit --no-fund
    npm install --silent --no-save --no-audit --no-fund ../../target/npm/tamis-*.tgz
    counted node --test vectors.test.mjs
)
