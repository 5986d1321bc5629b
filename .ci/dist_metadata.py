#!/usr/bin/env python3
"""What no packaging tool compares: the artifacts of one release against each other.

    python .ci/dist_metadata.py [--git-tag vX.Y.Z] ARTIFACT...   (wheels and sdists)

Every artifact has Cargo.toml's version (and the tag's, if given) and the same core
metadata (dependencies, extras, Python floor, summary, description, classifiers); the
wheels also the same entry points; every wheel holds the same files but for its one
compiled extension (a pure wheel: none). Needs ``packaging``.
"""

from __future__ import annotations

import argparse
import email.parser
import re
import sys
import tarfile
import zipfile
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
SAME = ("Name", "Version", "Summary", "Requires-Python", "Requires-Dist", "Provides-Extra",
        "Classifier", "License", "Description-Content-Type", "Project-URL")
EXTENSION = re.compile(r"httpx_auth/_native(\.abi3\.so|\.pyd)$")


def read(path: Path) -> tuple[dict[str, object], frozenset[str] | None]:
    """(metadata fields, package files but the extension; None for an sdist) of one artifact."""
    files = entry_points = None
    if path.name.endswith(".whl"):
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
            raw = zf.read(f"{info}/METADATA")
            entry_points = zf.read(f"{info}/entry_points.txt").decode() if f"{info}/entry_points.txt" in names else ""
        files = frozenset(n for n in names if n.startswith("httpx_auth/") and n[-1] != "/" and not EXTENSION.search(n))
        if sum(bool(EXTENSION.search(n)) for n in names) != (0 if path.name.endswith("-none-any.whl") else 1):
            raise SystemExit(f"dist_metadata: {path.name}: wrong number of compiled extensions")
    else:
        with tarfile.open(path) as tar:
            member = next(m for m in tar.getmembers() if m.name.count("/") == 1 and m.name.endswith("/PKG-INFO"))
            raw = tar.extractfile(member).read()  # type: ignore[union-attr]
    msg = email.parser.BytesParser().parsebytes(raw)
    fields: dict[str, object] = {key: sorted(msg.get_all(key) or []) for key in SAME}
    fields["Requires-Dist"] = sorted(str(Requirement(r)) for r in msg.get_all("Requires-Dist") or [])
    fields["Description-Content-Type"] = str(msg.get("Description-Content-Type")).split(";")[0]
    fields["Description"] = str(msg.get_payload()).strip()
    if entry_points is not None:
        fields["entry points"] = sorted(line.replace(" ", "") for line in entry_points.splitlines() if line.strip())
    return fields, files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("artifacts", nargs="+", type=Path)
    parser.add_argument("--git-tag", help="release tag that must name the version")
    args = parser.parse_args()
    version = re.findall(r'(?m)^version = "([^"]+)"', (ROOT / "Cargo.toml").read_text(encoding="utf-8"))[0]
    errors = []
    if args.git_tag and args.git_tag.removeprefix("v") != version:
        errors.append(f"tag {args.git_tag} does not name Cargo.toml's version {version}")
    first: dict[str, tuple[str, object]] = {"Version": ("Cargo.toml", [version])}
    for path in args.artifacts:
        fields, files = read(path)
        for key, value in [*fields.items(), *([("files", files)] if files is not None else [])]:
            seen, expected = first.setdefault(key, (path.name, value))
            if value != expected:
                shown = sorted(value ^ expected) if isinstance(value, frozenset) else f"{value!r} != {expected!r}"  # type: ignore[operator]
                errors.append(f"{path.name}: {key} differs from {seen}'s: {shown}")
    print("\n".join(f"dist_metadata: {e}" for e in errors) or f"dist_metadata: ok, {len(args.artifacts)} agree")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
