#!/usr/bin/env python3
"""Install one built artifact of httpx_auth into a fresh venv and test it there.

    python .ci/dist_test.py ARTIFACT --backend rust|python [--no-rust] [--python EXE] [--smoke-only]

An sdist is first built into a wheel by pip (compiling the Rust core). In a new venv made
by EXE (default: this interpreter; PyPy too): the artifact alone, then dist_smoke.py with
httpx only; unless ``--smoke-only``, its ``dev`` extra (with uv when at hand), smoke
checks with httpx and httpx2, and this checkout's unit tests run against the install,
with this file as their pytest plugin (``-p dist_test``): it stops the run (exit 3) if a
module of ``httpx_auth`` comes from anywhere but the venv (a source tree on the path would
hide a broken artifact) or the default backend is not ``--backend``. ``--no-rust`` takes
cargo, rustc and rustup off PATH first. Runs on Linux, macOS and Windows (release.yml).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RUST_TOOLS = ("cargo", "rustc", "rustup")


def run(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> None:
    print(f"dist_test: $ {' '.join(cmd)}", flush=True)
    if subprocess.run(cmd, env=env, cwd=cwd).returncode != 0:
        raise SystemExit(f"dist_test: FAILED: {' '.join(cmd)}")


def without_rust(env: dict[str, str]) -> dict[str, str]:
    """``env`` with every PATH folder that holds a Rust tool left out."""
    folders = env.get("PATH", "").split(os.pathsep)
    kept = [f for f in folders if f and not any(shutil.which(t, path=f) for t in RUST_TOOLS)]
    env = {k: v for k, v in env.items() if k not in ("CARGO", "RUSTC", "RUSTUP_TOOLCHAIN")}
    env["PATH"] = os.pathsep.join(kept)
    assert not any(shutil.which(t, path=env["PATH"]) for t in RUST_TOOLS)
    print("dist_test: no Rust toolchain on PATH for this run", flush=True)
    return env


def installer(python: str) -> list[str]:
    try:
        from uv import find_uv_bin  # faster than pip, when the tools venv has it
    except ImportError:
        return [python, "-m", "pip", "install", "--quiet"]
    return [find_uv_bin(), "pip", "install", "--quiet", "--python", python]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("artifact", type=Path)
    parser.add_argument("--backend", choices=("rust", "python"), required=True)
    parser.add_argument("--no-rust", action="store_true", help="take the Rust toolchain off PATH")
    parser.add_argument("--python", default=sys.executable, help="interpreter for the venv")
    parser.add_argument("--smoke-only", action="store_true", help="no dev extra, no test suite")
    args = parser.parse_args()
    version = (ROOT / "Cargo.toml").read_text(encoding="utf-8").split('version = "', 1)[1].split('"', 1)[0]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "HTTPX_AUTH_NO_EXTENSIONS")}
    env = without_rust(env) if args.no_rust else env
    with tempfile.TemporaryDirectory(prefix="httpx_auth-dist-") as tmp:
        scratch, artifact = Path(tmp), args.artifact.resolve()
        if artifact.name.endswith(".tar.gz"):
            run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", tmp, str(artifact)], env)
            (artifact,) = scratch.glob("httpx_auth-*.whl")
        run([args.python, "-m", "venv", str(scratch / "venv")], env)
        python = str(scratch / "venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python"))

        def smoke(backend: str, libs: str, **extra: str) -> None:
            cmd = [python, "-I", str(HERE / "dist_smoke.py"), "--backend", backend, "--version", version]
            run([*cmd, "--libs", libs], {**env, **extra}, cwd=scratch)

        run([python, "-m", "pip", "install", "--quiet", str(artifact)], env, cwd=scratch)
        smoke(args.backend, "httpx")
        if not args.smoke_only:
            run([*installer(python), f"{artifact}[dev]"], env, cwd=scratch)
            smoke(args.backend, "httpx,httpx2")
            smoke("python", "httpx,httpx2", HTTPX_AUTH_NO_EXTENSIONS="1")
            pytest = [python, "-m", "pytest", "-p", "dist_test", "-p", "no:cacheprovider", "-q", "-m", "not integration"]
            pytest += ["-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT), str(ROOT / "tests")]
            run(pytest, {**env, "PYTHONPATH": str(HERE), "HTTPX_AUTH_EXPECT_BACKEND": args.backend}, cwd=scratch)
    print(f"dist_test: ok: {args.artifact.name} ({args.backend}, {Path(args.python).name})")
    return 0


def _strays() -> list[str]:
    prefix = Path(sys.prefix).resolve()
    found = [(name, getattr(module, "__file__", None)) for name, module in list(sys.modules.items())]
    return [f"{n} from {f}" for n, f in found if n.partition(".")[0] == "httpx_auth" and f and prefix not in Path(f).resolve().parents]


def pytest_collection_finish(session: Any) -> None:
    import httpx_auth
    import pytest

    if sys.prefix == sys.base_prefix or _strays():
        pytest.exit(f"not the venv's installed package: {sys.executable}, {_strays()[:3]}", returncode=3)
    if httpx_auth.BACKEND != os.environ["HTTPX_AUTH_EXPECT_BACKEND"]:
        pytest.exit(f"default BACKEND is {httpx_auth.BACKEND!r}, not {os.environ['HTTPX_AUTH_EXPECT_BACKEND']!r}", returncode=3)
    print(f"\ndist_test: testing {Path(httpx_auth.__file__).parent} (BACKEND={httpx_auth.BACKEND})")


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    if _strays():
        print(f"dist_test: modules imported from outside the venv: {_strays()}", file=sys.stderr)
        session.exitstatus = 3


if __name__ == "__main__":
    sys.exit(main())
