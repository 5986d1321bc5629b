#!/usr/bin/env python3
"""Lint .github/workflows/*.yml, and keep the release workflow in step with .ci/dist.

    python .ci/dist_lint_workflow.py

1. check-jsonschema validates every workflow against the GitHub workflow schema it
   ships (no network);
2. zizmor audits them (offline) with .ci/dist_zizmor.yml;
3. the release workflow is read and must still: build every platform the project
   promises (Linux x86_64/aarch64 manylinux and musllinux, macOS x86_64/arm64,
   Windows x64, the pure wheel, the sdist); run dist_check.py and dist_test.py after
   each build; build with the maturin version pinned in .ci/dist_tools.txt and the
   same maturin arguments as .ci/dist; refer only to .ci files that exist; publish
   only from a tag, with trusted publishing, after every other job.
Needs the tools of .ci/dist_tools.txt (check-jsonschema brings ruamel.yaml).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
RELEASE = ROOT / ".github" / "workflows" / "release.yml"
BUILD_ARGS = "--release --out dist"
SDIST_ARGS = "--out dist"
PLATFORMS = {
    "linux": {("x86_64", "2014"), ("aarch64", "2014"), ("x86_64", "musllinux_1_2"), ("aarch64", "musllinux_1_2")},
    "macos": {("x86_64", None), ("aarch64", None)},
    "windows": {("x64", None)},
}


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        raise SystemExit(f"dist_lint_workflow: {name} is not installed (pip install -r .ci/dist_tools.txt)")
    return found


def pinned(package: str) -> str:
    text = (ROOT / ".ci" / "dist_tools.txt").read_text(encoding="utf-8")
    match = re.search(rf"(?m)^{re.escape(package)}==(\S+)", text)
    if not match:
        raise SystemExit(f"dist_lint_workflow: {package} is not pinned in .ci/dist_tools.txt")
    return match[1]


def steps_of(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps") or [])


def uses(step: dict[str, Any], action: str) -> bool:
    return str(step.get("uses", "")).split("@")[0] == action


def check_release(workflow: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    jobs: dict[str, Any] = workflow.get("jobs") or {}
    dist_script = (ROOT / ".ci" / "dist").read_text(encoding="utf-8")
    maturin_pin = "v" + pinned("maturin")
    if workflow.get("permissions") != {}:
        problems.append("top-level permissions must be {} (each job asks for what it needs)")

    for name in ("linux", "macos", "windows", "pure", "sdist"):
        job = jobs.get(name)
        if job is None:
            problems.append(f"job {name!r} is missing")
            continue
        runs = "\n".join(str(s.get("run", "")) for s in steps_of(job))
        for script in ("dist_check.py", "dist_test.py"):
            if f".ci/{script}" not in runs:
                problems.append(f"job {name!r} does not run .ci/{script}")
        if not any(uses(s, "actions/upload-artifact") for s in steps_of(job)):
            problems.append(f"job {name!r} uploads nothing")
        for step in steps_of(job):
            if not uses(step, "PyO3/maturin-action"):
                continue
            with_ = step.get("with") or {}
            if str(with_.get("maturin-version")) != maturin_pin:
                problems.append(f"job {name!r}: maturin-version is not {maturin_pin} (.ci/dist_tools.txt)")
            command = with_.get("command", "build")
            expected = BUILD_ARGS if command == "build" else SDIST_ARGS
            if with_.get("args") != expected:
                problems.append(f"job {name!r}: maturin {command} args are not {expected!r}")
            if f"maturin {command} {expected}".replace(" dist", ' "$out"') not in dist_script:
                problems.append(f".ci/dist does not run `maturin {command} {expected}` as the workflow does")
        if name in PLATFORMS:
            matrix = ((job.get("strategy") or {}).get("matrix") or {}).get("include") or []
            built = {(str(m.get("target")), m.get("manylinux")) for m in matrix}
            for missing in sorted(PLATFORMS[name] - built, key=str):
                problems.append(f"job {name!r} no longer builds {missing}")
    if "--no-rust" not in "\n".join(str(s.get("run", "")) for s in steps_of(jobs.get("pure") or {})):
        problems.append("the pure wheel is not tested without Rust (--no-rust)")

    publish = jobs.get("publish")
    if publish is None:
        return [*problems, "job 'publish' is missing"]
    others = set(jobs) - {"publish"}
    if set(publish.get("needs") or []) != others:
        problems.append(f"publish must need every other job: {sorted(others)}")
    if "refs/tags/" not in str(publish.get("if", "")):
        problems.append("publish must run only for a tag")
    if (publish.get("permissions") or {}).get("id-token") != "write":
        problems.append("publish needs id-token: write for trusted publishing")
    if not any(uses(s, "pypa/gh-action-pypi-publish") for s in steps_of(publish)):
        problems.append("publish does not use pypa/gh-action-pypi-publish")
    if any("password" in (s.get("with") or {}) for s in steps_of(publish)):
        problems.append("publish passes a password: trusted publishing needs none")
    return problems


def check_ci_paths(text: str) -> list[str]:
    return [
        f"refers to {path}, which does not exist"
        for path in sorted(set(re.findall(r"\.ci/[\w.-]+", text)))
        if not (ROOT / path).exists()
    ]


def main() -> int:
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
    if RELEASE not in workflows:
        raise SystemExit("dist_lint_workflow: .github/workflows/release.yml is missing")
    names = [str(p) for p in workflows]
    failed = False
    for cmd in (
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *names],
        [tool("zizmor"), "--offline", "--quiet", "--config", str(ROOT / ".ci" / "dist_zizmor.yml"), *names],
    ):
        print("dist_lint_workflow: $", " ".join(Path(cmd[0]).name if i == 0 else c for i, c in enumerate(cmd)))
        failed |= subprocess.run(cmd).returncode != 0
    text = RELEASE.read_text(encoding="utf-8")
    problems = check_ci_paths(text) + check_release(YAML(typ="safe").load(text))
    for problem in problems:
        print(f"dist_lint_workflow: release.yml: {problem}", file=sys.stderr)
    if failed or problems:
        return 1
    print(f"dist_lint_workflow: ok ({', '.join(p.name for p in workflows)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
