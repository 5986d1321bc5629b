#!/usr/bin/env python3
"""Install one built artifact of httpx_auth into a fresh venv and test it there.

    python .ci/dist_test.py ARTIFACT --backend rust|python [--no-rust] [--venv DIR]
                            [--python EXE] [--smoke-only]

ARTIFACT is a wheel, or the sdist: that one is first built into a wheel by pip (as
``pip install`` would do, compiling the Rust core) and the wheel is checked with
dist_check.py. Then, in a new venv (never editable, never the source tree):
1. install the artifact alone and run dist_smoke.py with httpx only (httpx2 absent);
2. add its ``dev`` extra (the test tools; with uv when the running interpreter has it,
   as .ci/dist_tools.txt provides, else pip), run dist_smoke.py with httpx and httpx2,
   once more with HTTPX_AUTH_NO_EXTENSIONS=1 (expecting "python");
3. run the test suite of this checkout with dist_pytest.py against the install.
``--no-rust`` removes every folder holding cargo, rustc or rustup from PATH first and
proves they are gone. ``--smoke-only`` stops after step 1 (used for other Pythons).
Runs on Linux, macOS and Windows; the release workflow calls it too.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RUST_TOOLS = ("cargo", "rustc", "rustup")


def log(message: str) -> None:
    print(f"dist_test: {message}", flush=True)


def run(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> None:
    shown = " ".join(str(c) for c in cmd)
    log(f"$ {shown}")
    result = subprocess.run(cmd, env=env, cwd=cwd)
    if result.returncode != 0:
        raise SystemExit(f"dist_test: FAILED ({result.returncode}): {shown}")


def without_rust(env: dict[str, str]) -> dict[str, str]:
    """``env`` with every PATH folder that holds a Rust tool removed, checked."""
    kept = []
    for folder in env.get("PATH", "").split(os.pathsep):
        if folder and not any(shutil.which(tool, path=folder) for tool in RUST_TOOLS):
            kept.append(folder)
    env = {**env, "PATH": os.pathsep.join(kept)}
    for var in ("CARGO", "RUSTC", "RUSTUP_TOOLCHAIN"):
        env.pop(var, None)
    found = [tool for tool in RUST_TOOLS if shutil.which(tool, path=env["PATH"])]
    if found:
        raise SystemExit(f"dist_test: could not take {found} off PATH")
    log("no Rust toolchain on PATH for this run (cargo, rustc, rustup: not found)")
    return env


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def tools_installer(python: str) -> list[str]:
    """The command that adds the test tools to the venv of ``python``: uv if at hand."""
    if importlib.util.find_spec("uv") is not None:
        from uv import find_uv_bin

        return [find_uv_bin(), "pip", "install", "--quiet", "--python", python]
    return [python, "-m", "pip", "install", "--quiet"]


def wheel_from_sdist(sdist: Path, out: Path, python: str, env: dict[str, str]) -> Path:
    """Build the sdist into a wheel the way ``pip install`` does, then check it."""
    run([python, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(out), str(sdist)], env)
    (wheel,) = out.glob("httpx_auth-*.whl")
    run([python, str(HERE / "dist_check.py"), "--local", str(wheel)], env)
    return wheel


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("artifact", type=Path)
    parser.add_argument("--backend", choices=("rust", "python"), required=True)
    parser.add_argument("--no-rust", action="store_true", help="take the Rust toolchain off PATH")
    parser.add_argument("--venv", type=Path, help="where to make the venv (default: a temp folder)")
    parser.add_argument("--python", default=sys.executable, help="interpreter for the venv")
    parser.add_argument("--smoke-only", action="store_true", help="stop after the minimal-install smoke check")
    args = parser.parse_args()

    started = time.monotonic()
    version = tomllib.loads((ROOT / "Cargo.toml").read_text(encoding="utf-8"))["package"]["version"]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "HTTPX_AUTH_NO_EXTENSIONS")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    if args.no_rust:
        env = without_rust(env)
    with tempfile.TemporaryDirectory(prefix="httpx_auth-dist-") as tmp:
        artifact = args.artifact.resolve()
        if artifact.name.endswith(".tar.gz"):
            artifact = wheel_from_sdist(artifact, Path(tmp) / "from-sdist", sys.executable, env)
        venv = (args.venv or Path(tmp) / "venv").resolve()
        if venv.exists():
            shutil.rmtree(venv)
        run([args.python, "-m", "venv", str(venv)], env)
        python = str(venv_python(venv))
        pip = [python, "-m", "pip", "install", "--quiet"]

        def smoke(backend: str, libs: str, smoke_env: dict[str, str]) -> None:
            script = str(HERE / "dist_smoke.py")
            cmd = [python, "-I", script, "--backend", backend, "--version", version, "--libs", libs]
            run(cmd, smoke_env, cwd=Path(tmp))

        run([*pip, str(artifact)], env, cwd=Path(tmp))
        smoke(args.backend, "httpx", env)
        if not args.smoke_only:
            run([*tools_installer(python), f"{artifact}[dev]"], env, cwd=Path(tmp))
            smoke(args.backend, "httpx,httpx2", env)
            smoke("python", "httpx,httpx2", {**env, "HTTPX_AUTH_NO_EXTENSIONS": "1"})
            run([python, str(HERE / "dist_pytest.py"), "--backend", args.backend, str(ROOT)], env)
    log(f"ok: {args.artifact.name} ({args.backend}) in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
