#!/usr/bin/env bash
# Builds every artifact of tamis into target/dist/ and checks each; fails, never skips, when one
# cannot be built or checked.
#
#   bash scripts/dist.sh
#
# 1. Python wheels, abi3 (CPython 3.11+), manylinux2014 (glibc 2.17) for x86_64 and aarch64:
#    maturin links them with zig (from PyPI), which targets an old glibc from any host.
#    `auditwheel show` must find each consistent with manylinux_2_17 (or older) for its arch.
# 2. The x86_64 wheel installed in a new venv, the aarch64 wheel unpacked and run by Debian's
#    aarch64 CPython 3.11 under qemu-user-static (apt-get download + dpkg-deb -x into a
#    sysroot; no arm64 package is installed): each runs bindings-python/tests/test_vectors.py,
#    every conformance vector on the JSON and object paths.
# 3. The sdist: `maturin sdist`, its Cargo.lock pruned to the workspace it holds
#    (scripts/sdist-lock.py), then built by pip in a new venv with build isolation (maturin
#    from PyPI) and `locked = true` (pyproject.toml): cargo --locked. The sdist before pruning
#    must fail that build, which shows the build really is locked.
# 4. The npm package (scripts/build-js.sh): one .wasm, LICENSE, every export present.
# 5. The CLI (release build for this host, its debug line tables stripped), LICENSE beside it.
# 6. Apache-2.0 in every package's metadata: wheel METADATA (License-Expression, License-File
#    and the file itself), sdist PKG-INFO and LICENSE, package.json and the npm tarball, and
#    every crate of the Cargo workspace.
# A musllinux wheel is not built: see ARCHITECTURE.md (Distribution).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

dist=target/dist
venv=target/dist-venv
version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
license=Apache-2.0
start=$(date +%s)
step() {
    local now
    now=$(date +%s)
    printf '\n--- dist: %s (%ss so far)\n' "$1" "$(( now - start ))"
}
fail() {
    echo "error: $*" >&2
    exit 1
}
# The one file matching a glob, or an error.
one() {
    local matches=()
    for f in $1; do [ -e "$f" ] && matches+=("$f"); done
    [ "${#matches[@]}" -eq 1 ] || fail "expected one file matching $1, found ${#matches[@]}"
    printf '%s\n' "${matches[0]}"
}
# Runs pytest's vector runner (the command given); prints its summary line, which must count
# passes only.
vectors() {
    local label=$1 out
    shift
    if ! out=$("$@" 2>&1); then
        printf '%s\n' "$out" >&2
        fail "$label: conformance vectors failed"
    fi
    local summary
    summary=$(printf '%s\n' "$out" | tail -n 1)
    if ! grep -Eq '^[0-9]+ passed in ' <<<"$summary"; then
        printf '%s\n' "$out" >&2
        fail "$label: expected only passes, got: $summary"
    fi
    echo "$label: $summary"
}

rm -rf "$dist"
mkdir -p "$dist"

step "tools: maturin, zig and auditwheel ($venv), rustup targets, qemu-user-static"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r scripts/dist-requirements.txt
# maturin finds zig as `python3 -m ziglang` of the venv.
export PATH="$PWD/$venv/bin:$PATH"
rustup target add aarch64-unknown-linux-gnu
if ! command -v qemu-aarch64-static >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
        qemu-user-static >/dev/null
fi

# --- 1. wheels --------------------------------------------------------------------------------
# Checks a wheel's license metadata: the SPDX expression, the file named and the file itself.
check_wheel_license() {
    "$venv/bin/python" - "$1" "$license" <<'PY'
import sys, zipfile
wheel, spdx = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    info = next(n.split("/")[0] for n in z.namelist() if n.endswith(".dist-info/METADATA"))
    meta = z.read(f"{info}/METADATA").decode()
    lines = meta.splitlines()
    if f"License-Expression: {spdx}" not in lines or "License-File: LICENSE" not in lines:
        sys.exit(f"error: {wheel}: METADATA lacks License-Expression: {spdx} or License-File")
    if z.read(f"{info}/licenses/LICENSE") != open("LICENSE", "rb").read():
        sys.exit(f"error: {wheel}: {info}/licenses/LICENSE is not the root LICENSE")
PY
}
for arch in x86_64 aarch64; do
    step "wheel: manylinux2014 $arch (maturin --zig)"
    maturin build --release --locked --zig --compatibility manylinux2014 \
        --target "$arch-unknown-linux-gnu" -m bindings-python/Cargo.toml -o "$dist"
    wheel=$(one "$dist/tamis-$version-cp311-abi3-*manylinux_2_17_$arch.whl")
    # auditwheel wraps its lines: read the verdict from the text joined into one line.
    verdict=$(auditwheel show "$wheel" | tr -s ' \n' ' ')
    glibc_minor=$(grep -oE "following platform tag: \"manylinux_2_[0-9]+_$arch\"" <<<"$verdict" \
        | grep -oE '2_[0-9]+' | cut -d_ -f2 || true)
    if [ -z "$glibc_minor" ] || [ "$glibc_minor" -gt 17 ]; then
        auditwheel show "$wheel" >&2
        fail "auditwheel does not find $wheel manylinux2014 (manylinux_2_17) compatible"
    fi
    echo "auditwheel: $(basename "$wheel") is consistent with manylinux_2_${glibc_minor}_$arch"
    check_wheel_license "$wheel"
done

# --- 2. the wheels run the conformance vectors --------------------------------------------------
pytest_req="pytest==9.2.0"

step "wheel x86_64: installed in a new venv, every conformance vector (pytest)"
check_venv=target/dist-check-x86_64
rm -rf "$check_venv"
python3 -m venv "$check_venv"
"$check_venv/bin/python" -m pip install --quiet --disable-pip-version-check "$pytest_req" \
    "$(one "$dist/tamis-$version-*_x86_64.whl")"
# From /tmp, so `import tamis` can only find the installed wheel.
(cd /tmp && "$OLDPWD/$check_venv/bin/python" -c \
    'import platform, tamis; print("tamis", tamis.__version__, platform.machine(), tamis.__file__)')
vectors "x86_64 (native)" "$check_venv/bin/python" -m pytest -q -p no:cacheprovider \
    bindings-python/tests/test_vectors.py

step "wheel aarch64: Debian's arm64 CPython 3.11 under qemu-aarch64-static, every vector"
arm=target/dist-aarch64
rm -rf "$arm"
mkdir -p "$arm/debs" "$arm/sysroot" "$arm/site" "$arm/wheel"
# The interpreter, its standard library and the libraries they load.
arm_debs=(python3.11-minimal libpython3.11-minimal libpython3.11-stdlib libc6 zlib1g libexpat1
    libffi8 libssl3 libgcc-s1)
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64
    apt-get update -qq
fi
# apt-get download writes into the current directory; run as root, not the _apt sandbox user,
# which cannot write under target/.
download_debs() {
    (cd "$arm/debs" && apt-get download -qq -o APT::Sandbox::User=root "${arm_debs[@]/%/:arm64}")
}
if ! download_debs; then
    apt-get update -qq # the lists named versions the mirror no longer has
    download_debs
fi
for deb in "$arm"/debs/*.deb; do
    dpkg-deb -x "$deb" "$arm/sysroot"
done
"$venv/bin/python" -m zipfile -e "$(one "$dist/tamis-$version-*_aarch64.whl")" "$arm/wheel"
# pytest and its dependencies are pure Python: chosen for CPython 3.11 on aarch64.
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --target "$arm/site" \
    --only-binary=:all: --python-version 3.11 --implementation cp \
    --platform manylinux2014_aarch64 "$pytest_req"
arm_python() {
    PYTHONPATH="$PWD/$arm/wheel:$PWD/$arm/site" PYTHONDONTWRITEBYTECODE=1 \
        qemu-aarch64-static -L "$arm/sysroot" "$arm/sysroot/usr/bin/python3.11" "$@"
}
arm_python -c 'import platform, tamis
assert platform.machine() == "aarch64", platform.machine()
print("tamis", tamis.__version__, platform.machine(), tamis._tamis.__file__)'
vectors "aarch64 (qemu)" arm_python -m pytest -q -p no:cacheprovider \
    bindings-python/tests/test_vectors.py

# --- 3. sdist -----------------------------------------------------------------------------------
step "sdist: maturin sdist, Cargo.lock pruned to its workspace (scripts/sdist-lock.py)"
maturin sdist -m bindings-python/Cargo.toml -o "$dist"
sdist=$(one "$dist/tamis-$version.tar.gz")
unpruned=target/dist-sdist-unpruned.tar.gz
cp "$sdist" "$unpruned"
python3 scripts/sdist-lock.py "$sdist" Cargo.lock
python3 - "$sdist" "$license" <<'PY'
import sys, tarfile
sdist, spdx = sys.argv[1:]
with tarfile.open(sdist) as tar:
    root = tar.getnames()[0].split("/")[0]
    lines = tar.extractfile(f"{root}/PKG-INFO").read().decode().splitlines()
    if f"License-Expression: {spdx}" not in lines or "License-File: LICENSE" not in lines:
        sys.exit(f"error: {sdist}: PKG-INFO lacks License-Expression: {spdx} or License-File")
    if tar.extractfile(f"{root}/LICENSE").read() != open("LICENSE", "rb").read():
        sys.exit(f"error: {sdist}: {root}/LICENSE is not the root LICENSE")
PY

step "sdist: pip builds it in a new venv (build isolation, cargo --locked)"
sdist_venv=target/dist-sdist-venv
sdist_out=target/dist-sdist-wheel
rm -rf "$sdist_venv" "$sdist_out"
python3 -m venv "$sdist_venv"
# Cargo's own target directory for these builds keeps the dependencies between runs. The sdist's
# files all carry maturin's fixed date, so cargo cannot see that our crates changed: they are
# removed first and always compiled anew.
export CARGO_TARGET_DIR="$PWD/target/dist-sdist-cargo"
cargo clean --release -p tamis-python -p tamis-core -p tamis-reserve --locked --quiet
# The sdist as maturin writes it must fail: the build is locked, and cargo refuses to prune.
if "$sdist_venv/bin/python" -m pip wheel --quiet --disable-pip-version-check --no-deps \
    -w "$sdist_out" "$unpruned" >target/dist-sdist-unpruned.log 2>&1; then
    fail "the unpruned sdist built: the sdist build is not locked (pyproject.toml: locked = true)"
fi
if ! grep -q 'because --locked was passed' target/dist-sdist-unpruned.log; then
    cat target/dist-sdist-unpruned.log >&2
    fail "the unpruned sdist failed for another reason"
fi
echo "the unpruned sdist fails as it should (cargo: \"--locked was passed\")"
"$sdist_venv/bin/python" -m pip wheel --quiet --disable-pip-version-check --no-deps \
    -w "$sdist_out" "$sdist"
unset CARGO_TARGET_DIR
"$sdist_venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
    "$(one "$sdist_out/tamis-$version-*.whl")"
(cd /tmp && "$OLDPWD/$sdist_venv/bin/python" -c '
import tamis
p = tamis.Policy.from_toml(
    "version = 1\nname = \"t\"\n[[rule]]\nid = \"e\"\ndetect = [\"email\"]\naction = \"replace\"\n"
)
out = p.apply({"a": "mail x@example.com"})
assert out == {"a": "mail [REDACTED]"}, out
print("wheel built from the sdist: import and apply ok")')

# --- 4. npm -------------------------------------------------------------------------------------
step "npm package (scripts/build-js.sh)"
bash scripts/build-js.sh
cp "$(one "target/npm/tamis-$version.tgz")" "$dist/"
python3 - "$dist/tamis-$version.tgz" "$license" <<'PY'
import json, sys, tarfile
tgz, spdx = sys.argv[1:]
with tarfile.open(tgz) as tar:
    names = set(tar.getnames())
    wasm = sorted(n for n in names if n.endswith(".wasm"))
    if len(wasm) != 1:
        sys.exit(f"error: {tgz} holds {len(wasm)} .wasm files, not one: {wasm}")
    if tar.extractfile("package/LICENSE").read() != open("LICENSE", "rb").read():
        sys.exit(f"error: {tgz}: package/LICENSE is not the root LICENSE")
    pkg = json.load(tar.extractfile("package/package.json"))
if pkg.get("license") != spdx:
    sys.exit(f"error: {tgz}: package.json license is {pkg.get('license')!r}, not {spdx!r}")
# Every file an export names (Node, browser, worker entries and their types) is in the tarball.
def targets(v):
    if isinstance(v, str):
        yield v
    else:
        for x in v.values():
            yield from targets(x)
missing = sorted(t for t in set(targets(pkg["exports"])) if "package/" + t[2:] not in names)
if missing:
    sys.exit(f"error: {tgz}: exports name files it does not hold: {missing}")
print(f"{tgz}: one wasm ({wasm[0]}), LICENSE, license {spdx}, every export present")
PY

# --- 5. CLI -------------------------------------------------------------------------------------
step "CLI (cargo build --release -p tamis-cli)"
cargo build --release -p tamis-cli --locked
host=$(rustc -vV | awk '/^host:/ { print $2 }')
cli="$dist/tamis-$version-$host"
# Without the line tables of the release profile (about 100 MB of them); symbols stay, so a
# backtrace still names functions.
strip --strip-debug -o "$cli" target/release/tamis
cp LICENSE "$dist/LICENSE"
"$cli" --version
cli_glibc=$(objdump -T "$cli" | grep -oE 'GLIBC_[0-9.]+' | sort -Vu | tail -n 1 | cut -d_ -f2)
echo "$(basename "$cli") needs glibc $cli_glibc or later (the build host's)"

# --- 6. the workspace's license -----------------------------------------------------------------
step "license: every crate of the Cargo workspace"
cargo metadata --no-deps --format-version 1 --locked | python3 -c '
import json, sys
spdx = sys.argv[1]
bad = [p["name"] for p in json.load(sys.stdin)["packages"] if p.get("license") != spdx]
if bad:
    sys.exit(f"error: crates without license = \"{spdx}\": {bad}")
print(f"every workspace crate: license {spdx}")' "$license"

# --- the table ----------------------------------------------------------------------------------
printf '\n=== target/dist (%ss)\n' "$(( $(date +%s) - start ))"
for f in "$dist"/*; do
    size=$(stat -c %s "$f")
    printf '%-72s %10s  %s\n' "$(basename "$f")" "$size" "$(numfmt --to=iec-i --suffix=B "$size")"
done
