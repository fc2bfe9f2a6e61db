#!/usr/bin/env bash
# The whole test suite: formatting, lints, the no_std build, every Rust test (unit, property,
# snapshot, conformance vectors through core and through the CLI binary), the shipped policies'
# own tests, the README's main job, and every distributed artifact built and checked
# (scripts/dist.sh). Fails (never skips) when a part cannot run.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# Property tests run this many cases per property.
export PROPTEST_CASES="${PROPTEST_CASES:-10000}"
# Every build here is from scratch or nearly: incremental state only costs disk (about 0.7 GB).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

stage_start=0
total_start=$(date +%s)
timings=()
stage() {
    end_stage
    stage_name="$1"
    stage_start=$(date +%s)
    printf '\n=== %s (disk: %s free)\n' "$stage_name" "$(df -h . | awk 'NR==2 {print $4}')"
}
end_stage() {
    if [ "$stage_start" -ne 0 ]; then
        local secs=$(( $(date +%s) - stage_start ))
        timings+=("$(printf '%-44s %4ss' "$stage_name" "$secs")")
        printf -- '--- %s: %ss\n' "$stage_name" "$secs"
    fi
}

need() {
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "error: \`$1\` is not installed; $2" >&2
        exit 1
    fi
}
need cargo "install Rust 1.95 with rustup"
need rustfmt "run \`rustup component add rustfmt\`"
need cargo-clippy "run \`rustup component add clippy\`"

stage "format (cargo fmt --check)"
cargo fmt --all -- --check

stage "lints (cargo clippy, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

stage "no import circle in tamis-core (scripts/check-imports.py)"
python3 scripts/check-imports.py

stage "no_std build of tamis-core"
cargo check -p tamis-core --no-default-features --locked

stage "tests (cargo test --workspace, PROPTEST_CASES=$PROPTEST_CASES)"
# The host's transform tests run real plugins built by the guest SDK (wasm32).
rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
    || rustup target add wasm32-unknown-unknown
cargo build --release --locked --target wasm32-unknown-unknown -p tamis-guest --examples
cargo test --workspace --locked
# Linear time for every detector and action (time per byte at 1 KB, 64 KB and 1 MB): timed, so
# in a release build, where it takes seconds (the debug build above lists it as ignored).
cargo test --release -p tamis-core --test linearity --locked -- --include-ignored --nocapture --test-threads 1
# Fault injection (a feature no shipped build has): every point fails at each pass, over every vector.
cargo test -p tamis-core --features faults --test faults --locked -- --nocapture
# Allocation failure (the reserve allocator with failures injected): every allocation of every
# vector fails in turn, once and for good; the reserve itself.
cargo test -p tamis-core --features faults --test out_of_memory --locked -- --nocapture
cargo test -p tamis-reserve --features faults --locked

stage "release build of the tamis CLI"
cargo build --release -p tamis-cli --locked
tamis=target/release/tamis

stage "shipped policies: tamis check and tamis test"
# policies/default.toml turns on exactly the catalog types marked `default = true`.
python3 scripts/catalog-default.py --check
python3 scripts/catalog-person.py --check
"$tamis" detectors > /dev/null
for policy in policies/*.toml; do
    "$tamis" check --policy "$policy"
    "$tamis" test --policy "$policy"
done

stage "the README's main job"
out=$(TAMIS_HASH_KEY=demo-key-change-me "$tamis" apply --policy policies/default.toml examples/traces.jsonl)
lines_in=$(wc -l < examples/traces.jsonl)
lines_out=$(printf '%s\n' "$out" | wc -l)
if [ "$lines_in" -ne "$lines_out" ] || printf '%s' "$out" | grep -q 'jane@example.com'; then
    echo "error: the main job wrote $lines_out lines for $lines_in, or left an email unmasked" >&2
    exit 1
fi
echo "main job: $lines_out records masked"

stage "plugins: guest SDK examples (wasm32) through tamis plugin check and tamis apply"
for plugin in drop_internal acme_ids mask_field echo hostile tokenize misbehave; do
    "$tamis" plugin check "target/wasm32-unknown-unknown/release/examples/$plugin.wasm" >/dev/null
done
out=$("$tamis" apply --policy examples/plugins/policy.toml examples/plugins/records.jsonl)
if [ "$(printf '%s\n' "$out" | wc -l)" -ne 2 ] || printf '%s' "$out" | grep -Eq 'internal|ACME-[0-9]{6}"|jane@|C-1001' \
    || ! printf '%s' "$out" | grep -q '"customer":"tok_'; then
    echo "error: the plugin example left a record or a value it should have removed:" >&2
    printf '%s\n' "$out" >&2
    exit 1
fi
echo "plugins example: 4 records in, 2 out, ids and emails masked, customer numbers tokenized"

stage "Python: test environment (target/venv, bindings-python/tests/requirements.txt)"
need python3 "install CPython 3.11 or later with pip and venv"
venv=target/venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r bindings-python/tests/requirements.txt
# PySpark runs on a JVM: Debian's Java 17 runtime.
if ! command -v java >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
java -version 2>&1 | head -n 1

stage "Python: build the wheel (maturin, abi3) and install it"
rm -rf target/wheels
"$venv/bin/maturin" build --release --locked -m bindings-python/Cargo.toml -o target/wheels
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps \
    target/wheels/tamis-*.whl
"$venv/bin/python" -c 'import tamis, sys; print("tamis", tamis.__version__, "from", tamis.__file__)'

stage "Python: stubs (mypy.stubtest) and pytest against the installed wheel"
py="$PWD/$venv/bin/python"
(cd /tmp && "$py" -m mypy.stubtest tamis._tamis)
# Two workers (pytest-xdist): Hypothesis's generation, not tamis, is most of this stage's time;
# Spark's and Ray's tests keep to one worker each (tests/conftest.py).
(cd bindings-python && "$py" -m pytest -q -p no:cacheprovider -n 2 --dist loadgroup tests)

stage "Node: build the npm package (wasm32 + wasm-bindgen) and pack it"
need node "install Node.js 20 or later"
need npm "install npm (it comes with Node.js)"
bash scripts/build-js.sh

stage "playground: one page on the npm package's web build (scripts/build-playground.sh)"
bash scripts/build-playground.sh

stage "Node: Debian's Chromium for the browser tests (apt-get; playwright-core drives it)"
if ! [ -x /usr/bin/chromium ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
/usr/bin/chromium --version

stage "Node: node --test (Node; the package and the playground in Chromium) and tsc"
(
    cd bindings-js/test
    npm ci --silent --no-audit --no-fund
    npm install --silent --no-save --no-audit --no-fund ../../target/npm/tamis-*.tgz
    node --test ./*.test.mjs
    npx --no-install tsc -p types
)

stage "canary leak scan (CLI, Python, Node, plugin logs, temporary files)"
"$venv/bin/python" tests/canary/scan.py

stage "people in free text: accuracy per type and language (tests/person/accuracy.py; benign >= 98% untouched)"
"$venv/bin/python" tests/person/accuracy.py

stage "differential: CLI, Python and Node, JSON and object paths, 10,000 random records"
"$venv/bin/python" tests/differential/run.py 10000

stage "distribution: every artifact built into target/dist and checked (scripts/dist.sh)"
# manylinux2014 wheels (x86_64, and aarch64 run under qemu), the sdist built --locked, the npm
# tarball, the CLI, their licenses. Installs its tools (PyPI, apt-get) like the stages above.
bash scripts/dist.sh

stage "benchmarks compile"
cargo bench -p tamis-bench --no-run --locked

end_stage
printf '\n=== stage times\n'
printf '%s\n' "${timings[@]}"
printf '%-44s %4ss\n' "total" "$(( $(date +%s) - total_start ))"
