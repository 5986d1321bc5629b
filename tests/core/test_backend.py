"""Backend selection and parity between the compiled core and its pure-Python twin."""

from __future__ import annotations

import ast
import inspect
import os
import types
import subprocess
import sys
from typing import Any

import pytest

import httpx_auth
from httpx_auth import _purepy

_native: Any
try:  # built or not, whatever HTTPX_AUTH_NO_EXTENSIONS says: parity is about the modules
    from httpx_auth import _native
except ImportError:
    _native = None

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


def _public(module: object) -> dict[str, object]:
    # Both list their exports in __all__ (pyo3 adds it to the compiled module).
    names = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
    return {name: getattr(module, name) for name in names}


def _parameters(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


def _methods(cls: type) -> dict[str, object]:
    return {name: getattr(cls, name) for name in dir(cls) if not name.startswith("_")}


@needs_native
def test_both_backends_export_the_same_names_with_the_same_signatures() -> None:
    native, pure = _public(_native), _public(_purepy)
    assert native and sorted(native) == sorted(pure)
    for name, item in native.items():
        if isinstance(item, type):
            assert _parameters(item) == _parameters(pure[name]), name
            assert sorted(_methods(item)) == sorted(_methods(pure[name])), name  # type: ignore[arg-type]
            for method, function in _methods(item).items():
                if callable(function):  # (properties have no signature)
                    assert _parameters(function)[1:] == _parameters(getattr(pure[name], method))[1:], method
        elif callable(item) and not inspect.ismodule(item):
            assert _parameters(item) == _parameters(pure[name]), name


@needs_native
def test_the_test_only_steps_match_and_stay_out_of_the_public_module() -> None:
    native = {n: f for n, f in vars(_native.testing).items() if not n.startswith("_")}
    pure = {n: f for n, f in vars(_purepy.testing).items() if n.startswith("sigv4_")}
    assert native and sorted(native) == sorted(pure)
    for name, function in native.items():
        assert _parameters(function) == _parameters(pure[name]), name
        assert not hasattr(_native, name) and not hasattr(_purepy, name)


def test_stub_describes_every_name() -> None:
    stub = os.path.join(os.path.dirname(httpx_auth.__file__), "_native.pyi")
    with open(stub, encoding="utf-8") as f:
        text = f.read()
    for name, item in _public(_purepy).items():
        if isinstance(item, type):
            assert f"class {name}:" in text, name
            for method in _methods(item):
                assert f"def {method}(" in text, method
        elif inspect.ismodule(item):
            assert f"{name}: ModuleType" in text, name
        else:
            assert f"def {name}(" in text, name


# -- the twin against the stub: the contract (see _core), annotations included --------


def _stub_functions() -> dict[str, ast.FunctionDef]:
    """The stub's functions and methods, as ``name`` and ``Class.method``."""
    stub = os.path.join(os.path.dirname(httpx_auth.__file__), "_native.pyi")
    with open(stub, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    found: dict[str, ast.FunctionDef] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            found[node.name] = node
        elif isinstance(node, ast.ClassDef):
            found.update({f"{node.name}.{n.name}": n for n in node.body if isinstance(n, ast.FunctionDef)})
    return found


def _written(annotation: str, namespace: dict[str, Any]) -> str:
    """``annotation`` (the twin's, a string) with its type aliases spelt out, as the stub writes it."""

    class Expand(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> Any:
            value = namespace.get(node.id)
            if isinstance(value, types.GenericAlias):  # ``Header = tuple[bytes, bytes, bytes]``
                return ast.parse(repr(value), mode="eval").body
            return node

    return ast.unparse(Expand().visit(ast.parse(annotation, mode="eval")))


def _twin_function(name: str) -> Any:
    owner, _, method = name.rpartition(".")
    if not owner:
        return getattr(_purepy, name)
    item = inspect.getattr_static(getattr(_purepy, owner), "__init__" if method == "__new__" else method)
    return item.fget if isinstance(item, property) else item


@pytest.mark.parametrize("name", sorted(_stub_functions()))
def test_the_twin_has_the_stubs_signatures_annotations_included(name: str) -> None:
    stub = _stub_functions()[name]
    twin = _twin_function(name)
    stub_parameters = [*stub.args.posonlyargs, *stub.args.args, *stub.args.kwonlyargs]
    stubbed = [(a.arg, a.annotation and ast.unparse(a.annotation)) for a in stub_parameters]
    signature = inspect.signature(twin)
    namespace = twin.__globals__
    given = [
        (p.name, None if p.annotation is p.empty else _written(p.annotation, namespace))
        for p in signature.parameters.values()
    ]
    if "." in name:  # self or cls (the twin's constructors are __init__, the stub's __new__)
        stubbed, given = stubbed[1:], given[1:]
    assert given == stubbed
    if not name.endswith(".__new__"):  # the stub's constructors return Self, the twin's None
        assert stub.returns is not None
        assert _written(signature.return_annotation, namespace) == ast.unparse(stub.returns)


def test_the_stub_is_compared_in_full() -> None:
    functions = _stub_functions()
    classes = [name for name, item in _public(_purepy).items() if isinstance(item, type)]
    assert {f"{c}.__new__" for c in classes} <= set(functions)
    assert {n for n, item in _public(_purepy).items() if callable(item) and not isinstance(item, type)} <= set(functions)
