"""Makes the source package's Cargo.lock match the workspace the source package holds, so that
`cargo build --locked` (and so a locked pip build) of it works.

`maturin sdist` keeps only the workspace members the Python package needs (core, reserve,
bindings-python) and rewrites the workspace's member list accordingly, but copies the whole
workspace's Cargo.lock, which also locks the CLI, wasmtime, criterion and the rest: cargo then
wants to drop those entries, and `--locked` forbids it (maturin issue #2609, open). This script
unpacks the sdist, lets cargo drop the entries nothing in it uses, checks that every entry left
is the workspace's own (same name, version, source and checksum, dependencies among its
dependencies there: nothing was resolved anew), and writes the sdist back with that Cargo.lock
and every other member unchanged.

    python3 scripts/sdist-lock.py target/dist/tamis-0.1.0.tar.gz Cargo.lock
"""

from __future__ import annotations

import gzip
import io
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from pathlib import Path


def entries(lock: str) -> dict[tuple[str, str, str, str], set[str]]:
    """The packages a Cargo.lock locks (name, version, source, checksum), each with the names of
    its dependencies. A dependency is spelled `name version` only while two versions of it are
    locked, and one whose feature nothing enables is left out, so names and subsets compare."""
    return {
        (p["name"], p["version"], p.get("source", ""), p.get("checksum", "")):
            {d.split(" ")[0] for d in p.get("dependencies", [])}
        for p in tomllib.loads(lock).get("package", [])
    }


def main() -> int:
    sdist, workspace_lock = Path(sys.argv[1]), Path(sys.argv[2])
    with tarfile.open(sdist, "r:gz") as tar:
        members = [(m, tar.extractfile(m).read() if m.isfile() else None) for m in tar.getmembers()]
    root = members[0][0].name.split("/")[0]
    lock_name = f"{root}/Cargo.lock"
    if not any(m.name == lock_name for m, _ in members):
        sys.exit(f"error: {sdist} has no {lock_name}")

    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(sdist, "r:gz") as tar:
            # Nothing outside tmp, no links out (the filter is in CPython 3.11.4 and later).
            safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            tar.extractall(tmp, **safe)
        # Without --locked cargo rewrites Cargo.lock for this workspace: it drops what nothing
        # uses. Keeping the rest is checked below.
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--manifest-path",
             str(Path(tmp) / root / "Cargo.toml")],
            check=True, stdout=subprocess.DEVNULL,
        )
        pruned = (Path(tmp) / root / "Cargo.lock").read_text(encoding="utf-8")

    ours = entries(workspace_lock.read_text(encoding="utf-8"))
    kept = entries(pruned)
    changed = [f"{k[0]} {k[1]}" for k, deps in kept.items() if k not in ours or not deps <= ours[k]]
    if changed or not kept:
        what = ", ".join(changed) or "no packages left"
        sys.exit(f"error: cargo resolved anew, not only pruned: {what}")

    data = pruned.encode("utf-8")
    out = io.BytesIO()
    # The gzip header's time is 0, as maturin writes it: the same sources give the same bytes.
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for member, content in members:
            if member.name == lock_name:
                member.size, content = len(data), data
            tar.addfile(member, io.BytesIO(content) if content is not None else None)
    sdist.write_bytes(out.getvalue())
    print(f"{sdist}: Cargo.lock pruned to the sdist's workspace ({len(kept)} of {len(ours)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
