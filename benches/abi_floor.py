"""What the compiled core's abi3 floor (pyo3's ``abi3-py310`` in Cargo.toml) buys.

    python benches/abi_floor.py [abi3-py39]   # builds the other floor (~2 min), then compares

Builds the extension a second time with the other ``abi3-py3X`` feature (in a scratch
copy of Cargo.toml and rust/, into target/<feature>/; the checkout is left alone), then
times it against the extension in python/httpx_auth (build it first) in alternating
fresh interpreters: the native signer call alone, a header signature through AWS4Auth's
flow, and a single ``presign()``. 3.10's limited API reads UTF-8 out of a ``str``
without a temporary copy (``PyUnicode_AsUTF8AndSize``), which every string argument and
keyword name of a call pays for under 3.9's. Prints median and range (CPU time of the
thread) per build. The same script weighs a later floor (``abi3-py311``, ...).
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 11
SNIPPET = r"""
import time, httpx, httpx_auth
from httpx_auth import _native
URL = "https://examplebucket.s3.eu-west-1.amazonaws.com/photos/2024/06/cat-0042.jpg"
auth = httpx_auth.AWS4Auth("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "eu-west-1", "s3")
signer = auth._signer()
headers = [(b"Host", b"host", b"examplebucket.s3.eu-west-1.amazonaws.com")]
def per_call(fn, n=20000):
    fn(); start = time.thread_time()
    for _ in range(n): fn()
    return (time.thread_time() - start) / n * 1e6
native = per_call(lambda: signer.sign_headers(method="GET", target=b"/photos/2024/06/cat-0042.jpg", headers=headers,
                                              payload_hash="UNSIGNED-PAYLOAD", timestamp=1700000000))
requests = [httpx.Request("GET", URL) for _ in range(20000)]
it = iter(requests)
flow = per_call(lambda: next(auth.sync_auth_flow(next(it))), 19999)
presign = per_call(lambda: auth.presign(URL, expires_in=900))
print(native, flow, presign)
"""


def current_feature() -> str:
    found = re.search(r'"(abi3-py3\d+)"', (ROOT / "Cargo.toml").read_text())
    assert found, "Cargo.toml names no abi3-py3X feature"
    return found[1]


def build(feature: str) -> Path:
    scratch = Path(tempfile.mkdtemp(prefix=f"{feature}-"))
    shutil.copy(ROOT / "Cargo.toml", scratch)
    if (ROOT / "Cargo.lock").exists():
        shutil.copy(ROOT / "Cargo.lock", scratch)
    shutil.copytree(ROOT / "rust", scratch / "rust")
    cargo = scratch / "Cargo.toml"
    cargo.write_text(cargo.read_text().replace(f'"{current_feature()}"', f'"{feature}"'))
    target = ROOT / "target" / feature
    subprocess.run(["cargo", "build", "-q", "--release", "--features", "python", "--lib",
                    "--target-dir", str(target)], cwd=scratch, check=True)
    shutil.rmtree(scratch)
    return target / "release" / "lib_native.so"


def package_with(extension: Path, where: Path) -> Path:
    shutil.copytree(ROOT / "python" / "httpx_auth", where / "httpx_auth")
    shutil.copy(extension, where / "httpx_auth" / "_native.abi3.so")
    return where


def main() -> int:
    current = ROOT / "python" / "httpx_auth" / "_native.abi3.so"
    if not current.exists():
        print("build the extension first: pip install -e . (docs/development.md)")
        return 1
    other = sys.argv[1] if len(sys.argv) > 1 else "abi3-py39"
    with tempfile.TemporaryDirectory() as tmp:
        trees = {f"{current_feature()} (this tree)": package_with(current, Path(tmp, "current")),
                 other: package_with(build(other), Path(tmp, "other"))}
        results: dict[str, list[list[float]]] = {name: [] for name in trees}
        for index in range(ROUNDS):
            for name in (list(trees) if index % 2 == 0 else list(reversed(trees))):
                env = {**os.environ, "PYTHONPATH": str(trees[name])}
                env.pop("HTTPX_AUTH_NO_EXTENSIONS", None)
                out = subprocess.run([sys.executable, "-c", SNIPPET], env=env, capture_output=True, text=True,
                                     check=True).stdout
                results[name].append([float(v) for v in out.split()])
    print(f"{'':22s} {'native sign_headers':>24s} {'AWS4Auth flow':>24s} {'presign()':>24s}")
    for name, rows in results.items():
        cells = []
        for column in zip(*rows):
            cells.append(f"{statistics.median(column):.2f} ({min(column):.2f}-{max(column):.2f}) us")
        print(f"{name:22s} " + " ".join(f"{c:>24s}" for c in cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
