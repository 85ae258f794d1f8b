"""Generate ``src/respnb/resources/_sync_resources.py`` from the async resources.

Each ``Async<Name>`` class of ``respnb/resources/_*.py`` gets a sync twin ``<Name>`` with the
same public methods and the same signatures (overloads, ``Unpack[...]`` parameters and
docstrings copied), returning plain values: an awaited call runs on the client's
``LoopThread``, an ``AsyncPager`` becomes a ``SyncPager`` and an ``AsyncResponseStream`` a
``ResponseStream``. The declaration lives once, in the async class; this file is derived.

    python scripts/gen_sync_resources.py          # rewrite the generated module
    python scripts/gen_sync_resources.py --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import ast
import builtins
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "src" / "respnb" / "resources"
TARGET = PKG / "_sync_resources.py"
MODULES = ("_responses", "_conversations", "_files", "_tasks", "_vector_stores")
SYNC_NAMES = {"AsyncPager": "SyncPager", "AsyncResponseStream": "ResponseStream"}
RUNTIME = {"SyncPager", "ResponseStream", "AsyncResponseStream", "LoopThread"}

HEADER = '''"""The synchronous resources of ``respnb.Client``: GENERATED from the async resources by
``scripts/gen_sync_resources.py``; do not edit (``tests/client/test_sync_twins.py`` checks that
it is current). Same arguments as the async methods; plain values instead of awaitables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast, overload

from .._loop_thread import LoopThread
from .._stream import AsyncResponseStream
from .._sync_stream import ResponseStream
from ._sync_base import SyncPager

'''


def _sync_text(text: str) -> str:
    for old, new in SYNC_NAMES.items():
        text = re.sub(rf"\b{old}\b", new, text)
    return text


def _names(node: ast.AST | None) -> set[str]:
    if node is None:
        return set()
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


class Module:
    """One async resource module: where each top-level name comes from."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.tree = ast.parse((PKG / f"{name}.py").read_text())
        self.origin: dict[str, str] = {}
        for stmt in self._statements():
            if isinstance(stmt, ast.ImportFrom):
                dots = "." * stmt.level
                for alias in stmt.names:
                    local = alias.asname or alias.name
                    spec = alias.name if alias.asname is None else f"{alias.name} as {local}"
                    self.origin[local] = f"from {dots}{stmt.module or ''} import {spec}"
            elif isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    self.origin[alias.asname or alias.name] = f"import {alias.name}"
            elif isinstance(stmt, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                self.origin[stmt.name] = f"from .{name} import {stmt.name}"
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        self.origin[target.id] = f"from .{name} import {target.id}"

    def _statements(self) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in self.tree.body:
            if isinstance(stmt, ast.If):  # if TYPE_CHECKING:
                out += stmt.body
            else:
                out.append(stmt)
        return out

    def classes(self) -> list[ast.ClassDef]:
        return [
            s for s in self.tree.body if isinstance(s, ast.ClassDef) and s.name.startswith("Async")
        ]


def _forward(args: ast.arguments) -> str:
    parts = [a.arg for a in (args.posonlyargs + args.args)[1:]]
    if args.vararg is not None:
        parts.append(f"*{args.vararg.arg}")
    parts += [f"{a.arg}={a.arg}" for a in args.kwonlyargs]
    if args.kwarg is not None:
        parts.append(f"**{args.kwarg.arg}")
    return ", ".join(parts)


def _docstring(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> str | None:
    doc = ast.get_docstring(node, clean=False)
    if doc is None:
        return None
    prefix = "r" if "\\" in doc else ""
    return f'{prefix}"""{doc}"""'


def _method(fn: ast.FunctionDef | ast.AsyncFunctionDef, used: set[str]) -> str:
    is_async = isinstance(fn, ast.AsyncFunctionDef)
    overloaded = any(isinstance(d, ast.Name) and d.id == "overload" for d in fn.decorator_list)
    for arg in [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]:
        used |= _names(arg.annotation)
    for arg in (fn.args.vararg, fn.args.kwarg):
        if arg is not None:
            used |= _names(arg.annotation)
    used |= _names(fn.returns)
    returns = ast.unparse(fn.returns) if fn.returns is not None else "None"
    sync_returns = _sync_text(returns)
    signature = _sync_text(ast.unparse(fn.args))
    lines = []
    if overloaded:
        lines.append("    @overload")
        lines.append(f"    def {fn.name}({signature}) -> {sync_returns}: ...")
        return "\n".join(lines)
    lines.append(f"    def {fn.name}({signature}) -> {sync_returns}:")
    doc = _docstring(fn)
    if doc:
        lines.append(f"        {doc}")
    call = f"self._r.{fn.name}({_forward(fn.args)})"
    impl_of_overloads = fn.name in _OVERLOADED
    if impl_of_overloads:
        call = f"cast(Any, self._r).{fn.name}({_forward(fn.args)})"
    if not is_async:
        if "AsyncPager" in returns:
            lines.append(f"        return SyncPager({call}, self._loop)")
        elif "AsyncResponseStream" in returns:
            lines.append(f"        return ResponseStream({call}, self._loop)")
        else:
            lines.append(f"        return {call}")
    elif "AsyncResponseStream" in returns:
        lines.append(f"        result: {returns} = self._loop.run({call})")
        lines.append("        if isinstance(result, AsyncResponseStream):")
        lines.append("            return ResponseStream(result, self._loop)")
        lines.append("        return result")
    else:
        if impl_of_overloads:
            lines.append(f"        result: {returns} = self._loop.run({call})")
            lines.append("        return result")
        else:
            lines.append(f"        return self._loop.run({call})")
    return "\n".join(lines)


_OVERLOADED: set[str] = set()


def _class(cls: ast.ClassDef, used: set[str]) -> str:
    name = cls.name.removeprefix("Async")
    used.add(cls.name)
    doc = f'"""Sync ``{name}``: the twin of :class:`{cls.name}` (same arguments)."""'
    init = [
        f"    def __init__(self, resource: {cls.name}, loop: LoopThread) -> None:",
        "        self._r = resource",
        "        self._loop = loop",
    ]
    methods: list[str] = []
    for stmt in cls.body:
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if stmt.name == "__init__":
            for sub in ast.walk(stmt):
                if (
                    isinstance(sub, ast.Assign)
                    and isinstance(sub.value, ast.Call)
                    and isinstance(sub.value.func, ast.Name)
                    and sub.value.func.id.startswith("Async")
                    and isinstance(sub.targets[0], ast.Attribute)
                ):
                    attr = sub.targets[0].attr
                    twin = sub.value.func.id.removeprefix("Async")
                    init.append(f"        self.{attr} = {twin}(resource.{attr}, loop)")
            continue
        if stmt.name.startswith("_"):
            continue
        methods.append(_method(stmt, used))
    body = "\n\n".join(["\n".join(init), *methods])
    return f"class {name}:\n    {doc}\n\n{body}\n"


def generate() -> str:
    used: set[str] = set()
    origins: dict[str, str] = {}
    classes: list[str] = []
    names: list[str] = []
    for mod_name in MODULES:
        module = Module(mod_name)
        for cls in module.classes():
            _OVERLOADED.clear()
            for stmt in cls.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                    isinstance(d, ast.Name) and d.id == "overload" for d in stmt.decorator_list
                ):
                    _OVERLOADED.add(stmt.name)
            before = set(used)
            classes.append(_class(cls, used))
            names.append(cls.name.removeprefix("Async"))
            for new in used - before:
                origins.setdefault(new, module.origin.get(new, ""))
    skip = set(dir(builtins)) | RUNTIME | set(SYNC_NAMES) | {"overload", "Any", "cast"}
    imports = sorted({origins[n] for n in used - skip if origins.get(n)})
    missing = sorted(n for n in used - skip if not origins.get(n))
    if missing:
        raise SystemExit(f"no import found for {missing}")
    text = HEADER
    text += "if TYPE_CHECKING:\n" + "".join(f"    {line}\n" for line in imports) + "\n"
    text += "__all__ = [" + ", ".join(f'"{n}"' for n in sorted([*names, "SyncPager"])) + "]\n\n"
    text += "\n\n".join(classes)
    return _format(text)


def _format(text: str) -> str:
    ruff = [sys.executable, "-m", "ruff"]
    target = str(TARGET)
    fixed = subprocess.run(
        [*ruff, "check", "--fix-only", "--quiet", "--stdin-filename", target, "-"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    return subprocess.run(
        [*ruff, "format", "--quiet", "--stdin-filename", target, "-"],
        input=fixed,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if out of date")
    args = parser.parse_args(argv)
    text = generate()
    if args.check:
        current = TARGET.read_text() if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is out of date: run python scripts/gen_sync_resources.py")
            return 1
        return 0
    TARGET.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
