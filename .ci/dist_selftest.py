#!/usr/bin/env python3
"""Prove that the distribution checks can fail: feed them broken copies of good artifacts.

    python .ci/dist_selftest.py COMPILED_WHEEL PURE_WHEEL SDIST

Each case breaks one thing (junk in a wheel, a missing stub, a wrong tag, a newer glibc
symbol, a bad RECORD hash, a metadata drift, a module missing, a platform dropped from
the release workflow, ...) and must make dist_check.py or dist_lint_workflow.py report
exactly that. The good artifacts must pass first. Needs the tools of .ci/dist_tools.txt.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import hashlib
import io
import re
import shutil
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dist_check
import dist_lint_workflow
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
Files = dict[str, bytes]


def record_of(files: Files, dist_info: str) -> bytes:
    lines = []
    for name, data in files.items():
        if name == f"{dist_info}/RECORD":
            continue
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        lines.append(f"{name},sha256={digest},{len(data)}")
    lines.append(f"{dist_info}/RECORD,,")
    return ("\n".join(lines) + "\n").encode()


def mutate_wheel(wheel: Path, out: Path, edit: Callable[[Files], None], name: str | None = None,
                 fix_record: bool = True) -> Path:
    with zipfile.ZipFile(wheel) as zf:
        files = {n: zf.read(n) for n in zf.namelist() if not n.endswith("/")}
    dist_info = next(n.split("/")[0] for n in files if n.split("/")[0].endswith(".dist-info"))
    edit(files)
    if fix_record:
        files[f"{dist_info}/RECORD"] = record_of(files, dist_info)
    target = out / (name or wheel.name)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in files.items():
            zf.writestr(n, data)
    return target


def mutate_sdist(sdist: Path, out: Path, edit: Callable[[Files], None]) -> Path:
    with tarfile.open(sdist) as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}  # type: ignore[union-attr]
    edit(files)
    target = out / sdist.name
    with tarfile.open(target, "w:gz") as tar:
        for n, data in files.items():
            info = tarfile.TarInfo(n)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


def run_check(args: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = dist_check.main(args)
    return code, err.getvalue()


def dist_info_of(files: Files) -> str:
    return next(n.split("/")[0] for n in files if n.split("/")[0].endswith(".dist-info"))


def replace_in(files: Files, suffix: str, old: bytes, new: bytes) -> None:
    name = next(n for n in files if n.endswith(suffix))
    assert old in files[name], f"{old!r} not in {name}"
    files[name] = files[name].replace(old, new, 1)


def newer_glibc(files: Files) -> None:
    name = next(n for n in files if n.endswith(".so"))
    data, count = re.subn(rb"GLIBC_2\.(\d+)\0", lambda m: b"GLIBC_9." + m[1] + b"\0", files[name], count=1)
    assert count == 1, "the extension names no GLIBC_2.x version"
    files[name] = data


def main() -> int:
    compiled, pure, sdist = (Path(a).resolve() for a in sys.argv[1:4])
    version = dist_check.cargo_facts(ROOT)[0]
    failures = []
    code, err = run_check([str(compiled), str(pure), str(sdist)])
    if code != 0:
        print(f"dist_selftest: the good artifacts do not pass:\n{err}", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="httpx_auth-selftest-") as tmp:
        work = Path(tmp)
        linux_name = compiled.name.split("-cp")[0] + "-cp39-abi3-linux_x86_64.whl"
        wheel_cases: list[tuple[str, Path, Callable[[Files], None], str, dict[str, Any]]] = [
            ("tests in a wheel", compiled, lambda f: f.update({"tests/test_x.py": b""}), "unexpected top-level", {}),
            ("py.typed missing", compiled, lambda f: f.pop("httpx_auth/py.typed"), "py.typed is missing", {}),
            ("stub missing", pure, lambda f: f.pop("httpx_auth/_native.pyi"), "_native.pyi is missing", {}),
            ("bytecode junk", pure, lambda f: f.update({"httpx_auth/__pycache__/a.pyc": b""}), "junk", {}),
            ("binary in the pure wheel", pure, lambda f: f.update({"httpx_auth/_native.abi3.so": b""}),
             "holds binaries", {}),
            ("stray module", compiled, lambda f: f.update({"httpx_auth/scratch.py": b""}),
             "not a file of the source package", {}),
            ("glibc newer than the tag", compiled, newer_glibc, "needs glibc 9.", {}),
            ("local linux tag", compiled,
             lambda f: replace_in(f, "/WHEEL", b"manylinux2014_x86_64\nTag: cp39-abi3-manylinux_2_17_x86_64",
                                  b"linux_x86_64"),
             "not one PyPI accepts", {"name": linux_name}),
            ("WHEEL tags differ from the name", pure,
             lambda f: replace_in(f, "/WHEEL", b"py3-none-any", b"py2-none-any"), "WHEEL tags", {}),
            ("RECORD hash stale", compiled,
             lambda f: f.update({"httpx_auth/__init__.py": f["httpx_auth/__init__.py"] + b"#"}),
             "RECORD hash or size", {"fix_record": False}),
            ("stale module", pure,
             lambda f: f.update({"httpx_auth/__init__.py": f["httpx_auth/__init__.py"] + b"#"}),
             "differs from the source tree", {}),
            ("version drift", pure,
             lambda f: replace_in(f, "/METADATA", f"Version: {version}".encode(), b"Version: 9.9.9"),
             "metadata Version", {}),
            ("dependency drift between wheels", pure,
             lambda f: replace_in(f, "/METADATA", b"Requires-Dist: ", b"Requires-Dist: six\nRequires-Dist: "),
             "metadata Requires-Dist differs", {}),
        ]
        for label, good, edit, expected, options in wheel_cases:
            case_dir = work / re.sub(r"\W+", "-", label)
            case_dir.mkdir()
            bad = mutate_wheel(good, case_dir, edit, **options)
            other = pure if good == compiled else compiled
            code, err = run_check([str(bad), str(other)])
            if code == 0 or expected not in err:
                failures.append(f"{label}: expected {expected!r}, got {code}: {err.strip() or 'no error'}")

        prefix = sdist.name.removesuffix(".tar.gz")
        sdist_cases: list[tuple[str, Callable[[Files], None], str]] = [
            ("sdist without lib.rs", lambda f: f.pop(f"{prefix}/rust/lib.rs"), "rust/lib.rs is missing"),
            ("sdist with target/", lambda f: f.update({f"{prefix}/target/x": b""}), "junk (target)"),
            ("sdist with a binary", lambda f: f.update({f"{prefix}/python/httpx_auth/_n.abi3.so": b""}), "binary"),
        ]
        for label, edit, expected in sdist_cases:
            case_dir = work / re.sub(r"\W+", "-", label)
            case_dir.mkdir()
            code, err = run_check([str(mutate_sdist(sdist, case_dir, edit))])
            if code == 0 or expected not in err:
                failures.append(f"{label}: expected {expected!r}, got {code}: {err.strip() or 'no error'}")

        # A module added to the source tree after the build must be missed in every artifact.
        source = work / "source"
        shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", "target", "__pycache__"))
        (source / "python" / "httpx_auth" / "_added_later.py").write_text("")
        code, err = run_check(["--source", str(source), str(compiled), str(pure), str(sdist)])
        for artifact in (compiled, pure, sdist):
            if code == 0 or not re.search(rf"{re.escape(artifact.name)}: .*_added_later\.py.* missing", err):
                failures.append(f"new module: {artifact.name} not reported: {err.strip() or 'no error'}")

    # The publish job's completeness check, on file names alone.
    release = [sdist.name, pure.name] + [
        f"httpx_auth-{version}-cp39-abi3-{tag}.whl"
        for tag in ("manylinux_2_17_x86_64.manylinux2014_x86_64", "manylinux_2_17_aarch64.manylinux2014_aarch64",
                    "musllinux_1_2_x86_64", "musllinux_1_2_aarch64", "macosx_10_12_x86_64", "macosx_11_0_arm64",
                    "win_amd64")
    ]
    for label, names, expected in (
        ("whole release", release, None),
        ("release without Windows", release[:-1], "Windows x64, found 0"),
        ("release without the pure wheel", release[:1] + release[2:], "pure-Python wheel"),
    ):
        report = dist_check.Report()
        dist_check.check_release_set([Path(n) for n in names], report)
        if (expected is None) != (not report.errors) or (expected and expected not in str(report.errors)):
            failures.append(f"{label}: expected {expected or 'no error'}, got {report.errors}")

    workflow = YAML(typ="safe").load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    lint_cases: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
        ("aarch64 musllinux dropped",
         lambda w: w["jobs"]["linux"]["strategy"]["matrix"]["include"].pop(), "no longer builds"),
        ("windows untested",
         lambda w: w["jobs"]["windows"]["steps"].__setitem__(
             slice(None), [s for s in w["jobs"]["windows"]["steps"] if "dist_test" not in str(s.get("run"))]),
         "does not run .ci/dist_test.py"),
        ("publish without OIDC", lambda w: w["jobs"]["publish"]["permissions"].pop("id-token"), "id-token"),
        ("publish on every push", lambda w: w["jobs"]["publish"].__setitem__("if", "true"), "only for a tag"),
        ("maturin drift",
         lambda w: next(s for s in w["jobs"]["sdist"]["steps"] if "maturin-action" in str(s.get("uses")))[
             "with"].__setitem__("maturin-version", "v1.0.0"), "maturin-version"),
    ]
    for label, edit, expected in lint_cases:
        broken = copy.deepcopy(workflow)
        edit(broken)
        problems = dist_lint_workflow.check_release(broken)
        if not any(expected in p for p in problems):
            failures.append(f"workflow {label}: expected {expected!r}, got {problems}")
    if dist_lint_workflow.check_release(workflow):
        failures.append("the release workflow itself does not pass")

    for failure in failures:
        print(f"dist_selftest: FAILED: {failure}", file=sys.stderr)
    total = len(wheel_cases) + len(sdist_cases) + 1 + 3 + len(lint_cases) + 1
    print(f"dist_selftest: {total - len(failures)} of {total} broken inputs caught")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
