#!/usr/bin/env python3
"""Run the test suite against an installed httpx_auth, and refuse to test anything else.

    python .ci/dist_pytest.py --backend rust|python SOURCE_TREE [PYTEST_ARGS...]

Run by the interpreter of the venv the package is installed in. Takes the tests and
the pytest settings from SOURCE_TREE, runs from a scratch folder so that no source
package can shadow the installed one, and stops the run (exit 3) if ``httpx_auth`` or
any of its modules was imported from anywhere but the venv, or if the default backend
is not the expected one. Integration tests are left out; no test collected is a failure.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest


class InstalledPackageGuard:
    """A pytest plugin: the package under test must be the venv's."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self.prefix = Path(sys.prefix).resolve()

    def strays(self) -> list[str]:
        found = []
        for name, module in list(sys.modules.items()):
            if name != "httpx_auth" and not name.startswith("httpx_auth."):
                continue
            origin = getattr(module, "__file__", None)
            if origin and self.prefix not in Path(origin).resolve().parents:
                found.append(f"{name} from {origin}")
        return found

    def pytest_collection_finish(self, session: Any) -> None:
        import httpx_auth
        from httpx_auth import _core

        if sys.prefix == sys.base_prefix:
            pytest.exit(f"{sys.executable} is not a venv's interpreter", returncode=3)
        strays = self.strays()
        if strays:
            shown = ", ".join(strays[:3]) + (f" and {len(strays) - 3} more" if len(strays) > 3 else "")
            pytest.exit(f"not the installed package: {shown}", returncode=3)
        if _core.BACKEND != self.backend:
            pytest.exit(f"default BACKEND is {_core.BACKEND!r}, expected {self.backend!r}", returncode=3)
        print(f"\ndist_pytest: testing {Path(httpx_auth.__file__).parent} (BACKEND={_core.BACKEND})")

    def pytest_sessionfinish(self, session: Any, exitstatus: int) -> None:
        strays = self.strays()
        if strays:
            print(f"dist_pytest: modules imported from outside the venv: {strays}", file=sys.stderr)
            session.exitstatus = 3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("rust", "python"), required=True)
    parser.add_argument("source", type=Path)
    args, extra = parser.parse_known_args()
    source = args.source.resolve()
    with tempfile.TemporaryDirectory(prefix="httpx_auth-pytest-") as scratch:
        os.chdir(scratch)
        code = pytest.main(
            [
                "-c", str(source / "pyproject.toml"),
                "--rootdir", str(source),
                "-p", "no:cacheprovider",
                "-m", "not integration",
                "-q",
                *extra,
                str(source / "tests"),
            ],
            plugins=[InstalledPackageGuard(args.backend)],
        )
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
