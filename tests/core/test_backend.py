"""Backend selection and parity between the compiled core and its pure-Python twin."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys

import pytest

import httpx_auth
from httpx_auth import _purepy

from backends import native as _native

needs_native = pytest.mark.skipif(_native is None, reason="compiled core not built in this install")


def _backend_with(env_value: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "HTTPX_AUTH_NO_EXTENSIONS"}
    if env_value is not None:
        env["HTTPX_AUTH_NO_EXTENSIONS"] = env_value
    result = subprocess.run(
        [sys.executable, "-c", "import httpx_auth; print(httpx_auth.BACKEND)"],
        env=env, capture_output=True, text=True, check=True,
    )
    return result.stdout.strip()


@pytest.mark.parametrize("value", ["1", "true", "yes"])
def test_env_var_forces_the_pure_python_twin(value: str) -> None:
    assert _backend_with(value) == "python"


@pytest.mark.parametrize("value", [None, "", "0"])
def test_compiled_core_is_used_unless_disabled(value: str | None) -> None:
    assert _backend_with(value) == ("rust" if _native is not None else "python")


def test_backend_is_public() -> None:
    assert httpx_auth.BACKEND in ("rust", "python")
    assert "BACKEND" in httpx_auth.__all__


def _public_functions(module: object) -> dict[str, object]:
    # The twin lists its exports in __all__; the compiled module exports nothing else.
    names = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
    return {name: getattr(module, name) for name in names if callable(getattr(module, name))}


@needs_native
def test_both_backends_export_the_same_functions_with_the_same_signatures() -> None:
    native = _public_functions(_native)
    pure = _public_functions(_purepy)
    assert native and sorted(native) == sorted(pure)
    for name in native:
        native_params = list(inspect.signature(native[name]).parameters)  # type: ignore[arg-type]
        pure_params = list(inspect.signature(pure[name]).parameters)  # type: ignore[arg-type]
        assert native_params == pure_params, name


def test_stub_describes_every_function() -> None:
    stub = os.path.join(os.path.dirname(httpx_auth.__file__), "_native.pyi")
    with open(stub, encoding="utf-8") as f:
        text = f.read()
    for name in _public_functions(_purepy):
        assert f"def {name}(" in text or f"class {name}:" in text, name
