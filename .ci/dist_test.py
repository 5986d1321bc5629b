#!/usr/bin/env python3
"""Install one built artifact of httpx_auth into a fresh venv and test it there.

    python .ci/dist_test.py ARTIFACT --backend rust|python [--no-rust] [--python EXE] [--smoke-only]

An sdist is first built into a wheel by pip (compiling the Rust core). In a new venv made
by EXE (default: this interpreter; PyPy too): the artifact alone, then dist_smoke.py with
httpx only; unless ``--smoke-only``, its ``dev`` extra (with uv when at hand), smoke
checks with httpx and httpx2, and this checkout's unit tests run against the install
(``-p dist_guard``). ``--no-rust`` takes cargo, rustc and rustup off PATH first.
Runs on Linux, macOS and Windows (the release workflow calls it too).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

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
    cargo = (ROOT / "Cargo.toml").read_text(encoding="utf-8")
    version = cargo.split('version = "', 1)[1].split('"', 1)[0]
    drop = ("PYTHONPATH", "VIRTUAL_ENV", "HTTPX_AUTH_NO_EXTENSIONS")
    env = {k: v for k, v in os.environ.items() if k not in drop}
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
            pytest = [python, "-m", "pytest", "-p", "dist_guard", "-p", "no:cacheprovider", "-q"]
            pytest += ["-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT), "-m", "not integration"]
            guard = {"PYTHONPATH": str(HERE), "HTTPX_AUTH_EXPECT_BACKEND": args.backend}
            run([*pytest, str(ROOT / "tests")], {**env, **guard}, cwd=scratch)
    print(f"dist_test: ok: {args.artifact.name} ({args.backend}, {Path(args.python).name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
