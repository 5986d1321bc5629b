#!/usr/bin/env python3
"""Build the pure-Python wheel (py3-none-any) of httpx_auth, without Rust.

    python .ci/dist_pure_wheel.py OUT_DIR

Calls hatchling's PEP 517 ``build_wheel`` hook on the repository root: hatchling reads
the same ``[project]`` table as maturin, the version from Cargo.toml and the package
from ``python/httpx_auth`` (``[tool.hatch.*]`` in pyproject.toml). The compiled
extension is never put in, even if a developer's tree holds one. Needs ``hatchling``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(sys.argv[1]).resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.chdir(Path(__file__).resolve().parent.parent)
    from hatchling.build import build_wheel

    name = build_wheel(str(out))
    if not name.endswith("-py3-none-any.whl"):
        print(f"dist_pure_wheel: hatchling built {name}, not a py3-none-any wheel", file=sys.stderr)
        return 1
    print(f"dist_pure_wheel: built {out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
