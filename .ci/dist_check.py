#!/usr/bin/env python3
"""Check built distributions of httpx_auth before anyone installs or uploads them.

    python .ci/dist_check.py [--source ROOT] [--git-tag vX.Y.Z] [--local] ARTIFACT...

For every wheel: the file name and the WHEEL tags agree; a compiled wheel is tagged
cp3X-abi3 for a portable platform (manylinux/musllinux/macosx/win) and holds exactly
one extension module, whose ELF (on Linux) needs no newer glibc than its tag allows
and no library outside the manylinux set; a pure wheel is py3-none-any with no
binary at all; the package holds exactly the files of ``python/httpx_auth`` in the
source tree (picked up at check time, so new modules and data files are covered)
plus the extension, with ``__init__.py``, ``py.typed`` and ``_native.pyi`` always
there; nothing else sits at the top level; RECORD lists every file with the right
hash and size. For the sdist: every source file the compiled build needs, no build
or editor junk. Across artifacts: one version (Cargo.toml's) and the same core
metadata. ``--local`` accepts a ``linux_*`` tag (a wheel pip built on this machine
from the sdist, never uploaded). Needs only the standard library and ``packaging``.
"""

from __future__ import annotations

import argparse
import base64
import csv
import email.parser
import email.policy
import hashlib
import io
import re
import sys
import tarfile
import tomllib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from dist_elf import linux_extension_problems
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PACKAGE = "httpx_auth"
MUST_HAVE = ("__init__.py", "py.typed", "_native.pyi")
BINARY_SUFFIXES = (".so", ".pyd", ".dylib", ".dll")
JUNK_PARTS = {
    "__pycache__", ".git", ".github", ".ci", "target", ".venv", ".hypothesis",
    ".pytest_cache", ".mypy_cache", ".benchmarks", ".idea", ".vscode", "dist", "build",
}
JUNK_SUFFIXES = (".pyc", ".pyo", ".orig", ".rej", ".swp", "~", ".DS_Store", ".egg-info")


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)

    def fail(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")


@dataclass
class Metadata:
    """The core metadata fields that must agree between every artifact."""

    name: str
    version: str
    fields: dict[str, object]


def cargo_facts(root: Path) -> tuple[str, str]:
    """(version, lowest CPython tag) from Cargo.toml: the one version source, the abi3 floor."""
    cargo = tomllib.loads((root / "Cargo.toml").read_text(encoding="utf-8"))
    version = cargo["package"]["version"]
    pyo3 = cargo.get("dependencies", {}).get("pyo3", {})
    floors = [f for f in pyo3.get("features", []) if re.fullmatch(r"abi3-py3\d+", f)]
    if len(floors) != 1:
        raise SystemExit("Cargo.toml: pyo3 needs exactly one abi3-py3X feature")
    return version, "cp3" + floors[0].removeprefix("abi3-py3")


def source_package_files(root: Path) -> set[str]:
    """The package's files in the source tree, as ``httpx_auth/...`` paths."""
    base = root / "python"
    found = set()
    for path in (base / PACKAGE).rglob("*"):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        if path.suffix in (".pyc", *BINARY_SUFFIXES):
            continue
        found.add(path.relative_to(base).as_posix())
    return found


def junk_reason(name: str) -> str | None:
    for part in PurePosixPath(name).parts:
        if part in JUNK_PARTS or part.endswith(JUNK_SUFFIXES):
            return f"build or editor junk ({part})"
    return None


def parse_metadata(raw: bytes) -> Metadata:
    msg = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(raw)
    reqs = sorted(str(Requirement(r)) for r in msg.get_all("Requires-Dist") or [])
    description = msg.get_payload() or msg.get("Description") or ""
    fields: dict[str, object] = {
        "Summary": msg.get("Summary"),
        "Requires-Python": (msg.get("Requires-Python") or "").replace(" ", ""),
        "Requires-Dist": reqs,
        "Provides-Extra": sorted(msg.get_all("Provides-Extra") or []),
        "Classifier": sorted(msg.get_all("Classifier") or []),
        "Description-Content-Type": (msg.get("Description-Content-Type") or "").split(";")[0],
        "Description": str(description).strip(),
        "Project-URL": sorted(msg.get_all("Project-URL") or []),
    }
    return Metadata(msg.get("Name") or "", msg.get("Version") or "", fields)


def check_metadata(where: str, meta: Metadata, version: str, report: Report) -> None:
    if canonicalize_name(meta.name) != canonicalize_name(PACKAGE):
        report.fail(where, f"metadata Name is {meta.name!r}")
    if meta.version != version:
        report.fail(where, f"metadata Version {meta.version!r}, Cargo.toml says {version!r}")
    if not meta.fields["Requires-Python"]:
        report.fail(where, "metadata has no Requires-Python")
    requires = meta.fields["Requires-Dist"]
    if not isinstance(requires, list) or not any(Requirement(r).name == "httpx" for r in requires):
        report.fail(where, "metadata does not require httpx")


def check_record(where: str, zf: zipfile.ZipFile, dist_info: str, report: Report) -> None:
    record_name = f"{dist_info}/RECORD"
    rows = list(csv.reader(io.StringIO(zf.read(record_name).decode("utf-8"))))
    listed = {}
    for row in rows:
        if len(row) != 3:
            report.fail(where, f"RECORD row malformed: {row!r}")
            continue
        listed[row[0]] = row
    for name in zf.namelist():
        if name.endswith("/"):
            continue
        if name not in listed:
            report.fail(where, f"{name} is not in RECORD")
            continue
        if name == record_name:
            continue
        _, digest, size = listed[name]
        data = zf.read(name)
        algo, _, expected = digest.partition("=")
        if algo != "sha256":
            report.fail(where, f"RECORD hash of {name} is {algo or 'missing'}, not sha256")
            continue
        actual = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        if actual != expected or str(len(data)) != size:
            report.fail(where, f"RECORD hash or size of {name} does not match its content")
    for name in set(listed) - set(zf.namelist()):
        report.fail(where, f"RECORD lists {name}, which the wheel does not hold")


def wheel_name(filename: str) -> tuple[str, str, str, str, str]:
    """(distribution, version, python tag, abi tag, platform tag) of a wheel's file name."""
    parts = filename.removesuffix(".whl").split("-")
    if len(parts) not in (5, 6):
        raise ValueError(f"not a wheel file name: {filename}")
    return parts[0], parts[1], parts[-3], parts[-2], parts[-1]


def check_wheel(path: Path, root: Path, version: str, floor: str, local: bool, report: Report) -> Metadata | None:
    where = path.name
    try:
        dist_name, file_version, py, abi, plat = wheel_name(path.name)
    except ValueError as exc:
        report.fail(where, str(exc))
        return None
    if dist_name != PACKAGE or file_version != version:
        report.fail(where, f"file name says {dist_name} {file_version}, expected {PACKAGE} {version}")
    expanded = {f"{p}-{a}-{t}" for p in py.split(".") for a in abi.split(".") for t in plat.split(".")}
    with zipfile.ZipFile(path) as zf:
        names = [n for n in zf.namelist() if not n.endswith("/")]
        if len(names) != len(set(names)):
            report.fail(where, "the zip holds the same name twice")
        dist_info = f"{PACKAGE}-{version}.dist-info"
        for name in names:
            top = name.split("/")[0]
            if top not in (PACKAGE, dist_info):
                report.fail(where, f"unexpected top-level entry {name}")
            reason = junk_reason(name)
            if reason:
                report.fail(where, f"{name}: {reason}")
        for required in ("METADATA", "WHEEL", "RECORD"):
            if f"{dist_info}/{required}" not in names:
                report.fail(where, f"{dist_info}/{required} is missing")
                return None
        wheel_msg = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(
            zf.read(f"{dist_info}/WHEEL")
        )
        if set(wheel_msg.get_all("Tag") or []) != expanded:
            report.fail(where, f"WHEEL tags {wheel_msg.get_all('Tag')} != file name tags {sorted(expanded)}")
        purelib = (wheel_msg.get("Root-Is-Purelib") or "").strip().lower() == "true"
        binaries = [n for n in names if n.endswith(BINARY_SUFFIXES)]
        package_files = {n for n in names if n.startswith(PACKAGE + "/")}
        if (py, abi, plat) == ("py3", "none", "any"):
            if not purelib:
                report.fail(where, "a py3-none-any wheel must have Root-Is-Purelib: true")
            if binaries:
                report.fail(where, f"the pure wheel holds binaries: {binaries}")
            extension = None
        else:
            extension = check_compiled_tags(where, py, abi, plat, floor, local, purelib, binaries, report)
            if extension and extension in names:
                if plat.startswith(("manylinux", "musllinux", "linux")):
                    first = plat.split(".")[0]
                    for problem in linux_extension_problems(first, zf.read(extension)):
                        report.fail(where, problem)
        expected = source_package_files(root)
        for must in MUST_HAVE:
            if f"{PACKAGE}/{must}" not in package_files:
                report.fail(where, f"{PACKAGE}/{must} is missing")
        if expected:
            for name in sorted(expected - package_files):
                report.fail(where, f"{name} (in the source tree) is missing from the wheel")
            for name in sorted(package_files - expected - {extension}):
                report.fail(where, f"{name} is not a file of the source package")
            for name in sorted(expected & package_files):
                if zf.read(name) != (root / "python" / name).read_bytes():
                    report.fail(where, f"{name} differs from the source tree (a stale build?)")
        check_record(where, zf, dist_info, report)
        meta = parse_metadata(zf.read(f"{dist_info}/METADATA"))
        check_metadata(where, meta, version, report)
        entry_points = f"{dist_info}/entry_points.txt"
        meta.fields["entry_points"] = (
            sorted(line.replace(" ", "") for line in zf.read(entry_points).decode().splitlines() if line.strip())
            if entry_points in names
            else []
        )
        licence = root / "LICENSE"
        if licence.exists() and not any(n.startswith(dist_info) and "LICENSE" in n for n in names):
            report.fail(where, "the LICENSE file is not in the dist-info folder")
        return meta


def check_compiled_tags(
    where: str, py: str, abi: str, plat: str, floor: str, local: bool,
    purelib: bool, binaries: list[str], report: Report,
) -> str | None:
    if py != floor or abi != "abi3":
        report.fail(where, f"compiled wheel tagged {py}-{abi}, expected {floor}-abi3 (Cargo.toml's floor)")
    portable = re.compile(r"(manylinux\w*|musllinux_\d+_\d+_\w+|macosx_\d+_\d+_\w+|win_amd64|win_arm64|win32)")
    for tag in plat.split("."):
        if not portable.fullmatch(tag) and not (local and tag.startswith("linux_")):
            report.fail(where, f"platform tag {tag} is not one PyPI accepts for a portable wheel")
    if purelib:
        report.fail(where, "a compiled wheel must have Root-Is-Purelib: false")
    windows = plat.startswith("win")
    expected = f"{PACKAGE}/_native.pyd" if windows else f"{PACKAGE}/_native.abi3.so"
    if binaries != [expected]:
        report.fail(where, f"binaries {binaries}, expected exactly [{expected}]")
    return expected


def read_member(tar: tarfile.TarFile, name: str) -> bytes:
    handle = tar.extractfile(name)
    if handle is None:
        raise SystemExit(f"{name} is not a regular file")
    return handle.read()


def check_sdist(path: Path, root: Path, version: str, report: Report) -> Metadata | None:
    where = path.name
    prefix = f"{PACKAGE}-{version}"
    if path.name != f"{prefix}.tar.gz":
        report.fail(where, f"expected the name {prefix}.tar.gz")
    with tarfile.open(path) as tar:
        members = tar.getmembers()
        names = set()
        for member in members:
            if not (member.isfile() or member.isdir()):
                report.fail(where, f"{member.name} is neither a file nor a folder")
            if not member.name.startswith(prefix + "/") and member.name != prefix:
                report.fail(where, f"{member.name} is outside {prefix}/")
                continue
            rel = member.name.removeprefix(prefix + "/")
            if ".." in PurePosixPath(rel).parts:
                report.fail(where, f"{member.name} escapes the archive folder")
            if member.isfile():
                names.add(rel)
                reason = junk_reason(rel)
                if rel.endswith(BINARY_SUFFIXES) or rel.endswith(".pyc") or reason:
                    report.fail(where, f"{rel}: {reason or 'a binary in the sdist'}")
        needed = {"PKG-INFO", "pyproject.toml", "Cargo.toml", "Cargo.lock", "README.md"}
        needed |= {"python/" + f for f in source_package_files(root)}
        needed |= {p.relative_to(root).as_posix() for p in (root / "rust").rglob("*.rs")}
        if (root / "LICENSE").exists():
            needed.add("LICENSE")
        for name in sorted(needed - names):
            report.fail(where, f"{name} is missing from the sdist")
        for name in sorted(needed & names):
            if not name.startswith(("python/", "rust/")):
                continue
            if read_member(tar, f"{prefix}/{name}") != (root / name).read_bytes():
                report.fail(where, f"{name} differs from the source tree")
        if "pyproject.toml" in names:
            pyproject = tomllib.loads(read_member(tar, f"{prefix}/pyproject.toml").decode())
            if pyproject.get("build-system", {}).get("build-backend") != "maturin":
                report.fail(where, "the sdist's pyproject.toml does not build with maturin")
        if "Cargo.toml" in names:
            cargo = tomllib.loads(read_member(tar, f"{prefix}/Cargo.toml").decode())
            if cargo["package"]["version"] != version:
                report.fail(where, "the sdist's Cargo.toml has another version")
        if "PKG-INFO" not in names:
            return None
        meta = parse_metadata(read_member(tar, f"{prefix}/PKG-INFO"))
    check_metadata(where, meta, version, report)
    return meta


# What a release uploads: the sdist, the pure wheel, and a compiled wheel for each of these.
RELEASE_PLATFORMS = {
    "Linux x86_64 (manylinux)": r"manylinux\w*_x86_64",
    "Linux aarch64 (manylinux)": r"manylinux\w*_aarch64",
    "Linux x86_64 (musllinux)": r"musllinux_\d+_\d+_x86_64",
    "Linux aarch64 (musllinux)": r"musllinux_\d+_\d+_aarch64",
    "macOS x86_64": r"macosx_\d+_\d+_x86_64",
    "macOS arm64": r"macosx_\d+_\d+_arm64",
    "Windows x64": r"win_amd64",
}


def check_release_set(artifacts: list[Path], report: Report) -> None:
    names = [p.name for p in artifacts]
    if sum(n.endswith(".tar.gz") for n in names) != 1:
        report.fail("release", "needs exactly one sdist")
    if sum(n.endswith("-py3-none-any.whl") for n in names) != 1:
        report.fail("release", "needs exactly one pure-Python wheel")
    wheel_platforms = [wheel_name(n)[4].split(".") for n in names if n.endswith(".whl")]
    for label, pattern in RELEASE_PLATFORMS.items():
        count = sum(any(re.fullmatch(pattern, t) for t in tags) for tags in wheel_platforms)
        if count != 1:
            report.fail("release", f"needs one compiled wheel for {label}, found {count}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("artifacts", nargs="+", type=Path)
    parser.add_argument("--source", type=Path, default=Path(__file__).resolve().parent.parent,
                        help="source tree the artifacts were built from (default: this checkout)")
    parser.add_argument("--git-tag", help="release tag (vX.Y.Z) the version must match")
    parser.add_argument("--local", action="store_true", help="accept linux_* tags (wheels built here from the sdist)")
    parser.add_argument("--release-set", action="store_true", help="the artifacts must be a whole release")
    args = parser.parse_args(argv)
    version, floor = cargo_facts(args.source)
    report = Report()
    if args.git_tag and args.git_tag.removeprefix("v") != version:
        report.fail("tag", f"{args.git_tag} does not match Cargo.toml's version {version}")
    if args.release_set:
        check_release_set(args.artifacts, report)
    metas: dict[str, Metadata] = {}
    for path in args.artifacts:
        if path.name.endswith(".whl"):
            meta = check_wheel(path, args.source, version, floor, args.local, report)
        elif path.name.endswith(".tar.gz"):
            meta = check_sdist(path, args.source, version, report)
        else:
            report.fail(path.name, "neither a wheel nor an sdist")
            continue
        if meta is not None:
            metas[path.name] = meta
    wheels = {name: m for name, m in metas.items() if name.endswith(".whl")}
    if wheels:
        first_name, first = next(iter(wheels.items()))
        for name, meta in wheels.items():
            for key, value in meta.fields.items():
                if value != first.fields.get(key):
                    report.fail(name, f"metadata {key} differs from {first_name}: {value!r} != {first.fields.get(key)!r}")
    for name, meta in metas.items():
        if name.endswith(".tar.gz") and wheels:
            for key in ("Summary", "Requires-Python", "Requires-Dist", "Provides-Extra"):
                if meta.fields[key] != first.fields[key]:
                    report.fail(name, f"PKG-INFO {key} differs from the wheels'")
    for error in report.errors:
        print(f"dist_check: {error}", file=sys.stderr)
    if report.errors:
        return 1
    for path in args.artifacts:
        print(f"dist_check: ok {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
