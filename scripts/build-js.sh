#!/usr/bin/env bash
# Builds the npm package `tamis` into bindings-js/pkg and packs it into target/npm/tamis-*.tgz.
#
#   bash scripts/build-js.sh
#
# 1. the wasm32-unknown-unknown target: rustup first; where rustup cannot fetch it, Debian's
#    rustc-web + lld-19 with build-std (shared/DESIGN.md section 6);
# 2. wasm-bindgen-cli at exactly the version of the `wasm-bindgen` crate in Cargo.lock
#    (`cargo install`, never a binary download);
# 3. the crate bindings-js (tamis-js) for wasm32, then wasm-bindgen for Node (CommonJS, with
#    the reset function the wrapper calls after a trap) and for bundlers (ES module);
# 4. the package files, the .d.cts/.d.mts declarations, and `npm pack`.
# No wasm-opt (see below).
set -euo pipefail
cd "$(dirname "$0")/.."

target=wasm32-unknown-unknown
out=target/$target/release/tamis_js.wasm
wbg_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$wbg_version" ]; then
    echo "error: wasm-bindgen is not in Cargo.lock; run \`cargo generate-lockfile\`" >&2
    exit 1
fi

# One codegen unit, fat LTO and wasm SIMD (Node 16.4+, every current browser) for the wasm
# build only: they do not touch the host build in the same target directory.
export CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128"

# 1. the target
if rustup target list --installed 2>/dev/null | grep -qx "$target" \
    || rustup target add "$target" >/dev/null 2>&1; then
    cargo build --release --locked --target "$target" -p tamis-js
else
    echo "rustup cannot add $target; using Debian's rustc-web (build-std)" >&2
    if ! [ -x /usr/bin/rustc ] || ! [ -x /usr/lib/llvm-19/bin/wasm-ld ]; then
        apt-get install -y rustc-web cargo-web rust-web-src lld-19
    fi
    RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=/usr/lib/llvm-19/bin/wasm-ld \
        cargo build --release --locked --target "$target" -p tamis-js -Z build-std=std,panic_abort
fi

# 2. the CLI, matching the crate
if ! command -v wasm-bindgen >/dev/null 2>&1 \
    || [ "$(wasm-bindgen --version | awk '{print $2}')" != "$wbg_version" ]; then
    # Not --locked: one locked dependency of the CLI is missing from the registry here.
    cargo install wasm-bindgen-cli --version "$wbg_version"
fi

# 3. bindings
pkg=bindings-js/pkg
rm -rf "$pkg"
mkdir -p "$pkg/wasm" "$pkg/lib" "$pkg/types"
wasm-bindgen --target nodejs --experimental-reset-state-function --out-dir "$pkg/wasm/node" "$out"
wasm-bindgen --target bundler --out-dir "$pkg/wasm/bundler" "$out"
# The bundler glue is ES modules inside a CommonJS package.
printf '{ "type": "module" }\n' >"$pkg/wasm/bundler/package.json"
# No wasm-opt: Binaryen 132 (its npm build) made applyJson 4% faster for 104 MB of tooling and
# 40 s per module; Debian's Binaryen 108 cannot read the module (see ARCHITECTURE.md).

# 4. package
cp bindings-js/package.json bindings-js/README.md bindings-js/*.cjs bindings-js/*.mjs "$pkg/"
cp bindings-js/lib/*.cjs "$pkg/lib/"
for d in bindings-js/types/*.d.ts; do
    base=$(basename "$d" .d.ts)
    sed "s#'./index.js'#'./index.mjs'#" "$d" >"$pkg/types/$base.d.mts"
    sed "s#'./index.js'#'./index.cjs'#" "$d" >"$pkg/types/$base.d.cts"
done
mkdir -p target/npm
rm -f target/npm/tamis-*.tgz
(cd "$pkg" && npm pack --silent --pack-destination ../../target/npm >/dev/null)
ls -l target/npm/tamis-*.tgz
wasm=$pkg/wasm/node/tamis_js_bg.wasm
echo "wasm: $(stat -c %s "$wasm") bytes raw, $(gzip -9 -c "$wasm" | wc -c) bytes gzipped"
