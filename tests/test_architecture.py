"""The design rules, read from the code itself: the import graph and the error registry.

Import rules (README, Design):
- ``eventwire.model`` imports nothing of eventwire;
- a stage package imports only the base modules (model, settings, errors and the utility
  modules named in ``BASE``) and its own modules, never another stage;
- only ``eventwire.pipeline`` (the package and its modules) composes stages; ``cli``, ``evaluation``, ``serve``,
  ``report``, ``watch``, ``scripts`` and ``bench`` use ``pipeline``, ``store``, the base modules and the public names
  (``__all__``) a stage package exports from its ``__init__``, never a stage's modules or private names;
- nothing outside the ``cli`` package imports it; no two modules import each other (no cycles, lazy imports included).

Error registry: every code is defined once in ``eventwire.errors.Errors``; every raise of an
eventwire error and every quarantine record takes its code from there; no code literal anywhere
else in the source.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
PKG = SRC / "eventwire"

STAGES = ("ingest", "nlp", "geo", "mentions", "stories", "merge", "reconcile", "store", "export")
# modules every stage may use: the data model, settings, errors and small utilities
BASE = ("eventwire.model", "eventwire.settings", "eventwire.errors", "eventwire.geodesy", "eventwire.sentences",
        "eventwire.embed", "eventwire")
# entry points: use stages only through their packages' public names
CONSUMERS = ("eventwire.cli", "eventwire.evaluation", "eventwire.serve", "eventwire.report", "eventwire.watch",
             "scripts", "bench")


@dataclass(frozen=True)
class Import:
    """One import in a file: the module it names, the names taken from it, and where."""

    importer: str  # dotted module name of the importing file
    module: str  # dotted module imported from (absolute)
    names: tuple[str, ...]
    line: int


def _module_name(path: Path) -> str:
    if path.is_relative_to(SRC):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        return ".".join(parts)
    return ".".join(path.relative_to(REPO).with_suffix("").parts)


def _files() -> Iterator[Path]:
    yield from sorted(PKG.rglob("*.py"))
    for folder in ("scripts", "bench"):
        yield from sorted((REPO / folder).glob("*.py"))


def _is_module(dotted: str) -> bool:
    rel = Path(*dotted.split("."))
    return (SRC / rel).with_suffix(".py").exists() or (SRC / rel / "__init__.py").exists()


def _imports(path: Path) -> Iterator[Import]:
    me = _module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):  # lazy imports inside functions count too
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "eventwire":
                    yield Import(me, alias.name, (), node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and node.module.split(".")[0] == "eventwire":
            names = tuple(a.name for a in node.names)
            # "from eventwire.geo import gazetteer": a submodule import
            subs = [n for n in names if _is_module(f"{node.module}.{n}")]
            for n in subs:
                yield Import(me, f"{node.module}.{n}", (), node.lineno)
            rest = tuple(n for n in names if n not in subs)
            if rest or not subs:
                yield Import(me, node.module, rest, node.lineno)


ALL_IMPORTS = [imp for f in _files() for imp in _imports(f)]


def _stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "eventwire" and parts[1] in STAGES else None


def _public_names(package: str) -> set[str]:
    init = SRC / Path(*package.split(".")) / "__init__.py"
    tree = ast.parse(init.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return set(ast.literal_eval(node.value))
    return set()


def test_the_graph_is_read() -> None:
    importers = {i.importer for i in ALL_IMPORTS}
    assert {"eventwire.pipeline", "eventwire.cli", "eventwire.mentions.extract", "bench.bench_extract"} <= importers
    assert len(ALL_IMPORTS) > 100


def test_model_imports_nothing_of_eventwire() -> None:
    assert [i for i in ALL_IMPORTS if i.importer == "eventwire.model"] == []


def test_base_modules_import_only_base() -> None:
    bad = [i for i in ALL_IMPORTS if i.importer in BASE and i.module not in BASE]
    assert bad == []


def test_stages_import_only_base_and_themselves() -> None:
    bad = []
    for i in ALL_IMPORTS:
        stage = _stage_of(i.importer)
        if stage is None:
            continue
        if i.module in BASE or _stage_of(i.module) == stage:
            continue
        bad.append(i)
    assert bad == []


def test_only_pipeline_and_consumers_use_stages() -> None:
    users = {i.importer for i in ALL_IMPORTS if _stage_of(i.module) and _stage_of(i.module) != _stage_of(i.importer)}
    assert users, "no module uses a stage: the graph is not read"
    for user in users:
        assert user == "eventwire.pipeline" or user.startswith(("eventwire.pipeline.", *CONSUMERS)), user


def test_consumers_use_only_public_names_of_stage_packages() -> None:
    bad = []
    for i in ALL_IMPORTS:
        if not i.importer.startswith(CONSUMERS) or not _stage_of(i.module):
            continue
        package = ".".join(i.module.split(".")[:2])
        if i.module != package and package != "eventwire.store":
            bad.append((i, "a stage's module, not its package"))
            continue
        public = _public_names(package) if package != "eventwire.store" else None
        for name in i.names:
            if (name.startswith("_") and not name.startswith("__")) or (public is not None and name not in public):
                bad.append((i, f"{name} is not exported by {package}"))
    assert bad == []


def test_every_exported_name_exists() -> None:
    """A name in a package's ``__all__`` is one it defines or imports (``from package import *`` works)."""
    import importlib

    missing = []
    for package in ["eventwire.pipeline", *(f"eventwire.{s}" for s in STAGES)]:
        module = importlib.import_module(package)
        missing += [f"{package}.{name}" for name in getattr(module, "__all__", ()) if not hasattr(module, name)]
    assert missing == []


def test_consumers_use_no_private_names() -> None:
    bad = [(i, n) for i in ALL_IMPORTS if i.importer.startswith(CONSUMERS) for n in i.names
           if n.startswith("_") and not n.startswith("__")]
    assert bad == []


def _in_cli(module: str) -> bool:
    return module == "eventwire.cli" or module.startswith("eventwire.cli.")


def test_nothing_imports_the_cli() -> None:
    """The cli package's modules import one another; nothing outside it imports any of them."""
    assert [i for i in ALL_IMPORTS if _in_cli(i.module) and not _in_cli(i.importer)] == []
    assert any(_in_cli(i.importer) and _in_cli(i.module) for i in ALL_IMPORTS), "the cli package is not read"


def test_no_import_cycles() -> None:
    graph: dict[str, set[str]] = {}
    for i in ALL_IMPORTS:
        if i.module != i.importer and i.module != "eventwire":
            graph.setdefault(i.importer, set()).add(i.module)
    # a package's __init__ re-exporting its modules is the one expected direction: a module
    # importing its own package back is the cycle to catch
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt):], nxt] if nxt in stack else [node, nxt])
            elif state.get(nxt) is None:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for node in sorted(graph):
        if state.get(node) is None:
            visit(node, [node])
    assert cycles == []


def test_pipeline_runs_no_undeclared_stage_table() -> None:
    import eventwire.pipeline as pipeline

    assert not hasattr(pipeline, "STAGES")  # the README's Design table documents the stages


# --------------------------------------------------------------------------- error registry


def test_registry_codes_are_unique_and_well_formed() -> None:
    from eventwire.errors import Errors, Message, registry

    source = (PKG / "errors.py").read_text(encoding="utf-8")
    defined = re.findall(r"^    ([EW]\d{3}) = ", source, flags=re.M)
    assert len(defined) == len(set(defined)) > 50
    reg = registry()
    assert set(reg) == set(defined)
    for code, msg in reg.items():
        assert isinstance(msg, Message) and msg.code == code and getattr(Errors, code) is msg
        assert msg.format(**dict.fromkeys(msg.fields(), "x")).startswith(f"[{code}] ")
    # one meaning per code: no two codes share a template
    assert len({m.template for m in reg.values()}) == len(reg)


def _calls(tree: ast.AST) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node


ERROR_CLASSES = {"EventwireError", "InputError", "UsageError", "StoreError"}


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


@pytest.mark.parametrize("path", sorted(PKG.rglob("*.py")), ids=lambda p: str(p.relative_to(PKG)))
def test_every_raise_and_failure_takes_its_code_from_the_registry(path: Path) -> None:
    from eventwire.errors import registry

    codes = set(registry())
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(PKG).as_posix()
    for call in _calls(tree):
        name = _name(call.func)
        if name in ERROR_CLASSES and rel != "errors.py":
            first = call.args[0] if call.args else None
            assert isinstance(first, ast.Attribute) and isinstance(first.value, ast.Name) \
                and first.value.id == "Errors" and first.attr in codes, f"{rel}:{call.lineno}"
        if name == "InputFailure":
            assert rel == "errors.py", f"{rel}:{call.lineno}: build quarantine records with input_failure()"
        if name in {"input_failure"}:
            msg = call.args[1] if len(call.args) > 1 else None
            assert isinstance(msg, ast.Attribute) and msg.attr in codes, f"{rel}:{call.lineno}"
    if rel != "errors.py":
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not re.search(r"\b[EW]\d{3}\b", node.value), f"{rel}:{node.lineno}: code literal"
