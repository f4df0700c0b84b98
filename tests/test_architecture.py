"""The rules that keep the tree readable, checked: generated TypeScript up to date, module sizes,
comments that stand alone, every module saying what it offers, and examples that use only the
public API. (The layers are checked by
import-linter, from the contracts in pyproject.toml, as a step of scripts/test.)"""

from __future__ import annotations

import ast
import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "loom_jobs_widget"
MAX_PYTHON_LINES = 800
MAX_TYPESCRIPT_LINES = 700


def _tracked(*patterns: str) -> list[Path]:
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard",
                          *patterns], cwd=ROOT, capture_output=True, text=True, check=True)
    return [ROOT / line for line in out.stdout.splitlines() if (ROOT / line).is_file()]


def test_generated_typescript_is_up_to_date() -> None:
    result = subprocess.run([sys.executable, "scripts/generate_ts.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_generated_typescript_follows_the_python() -> None:
    """The check above must be able to fail: a changed fact makes the file stale."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        generate_ts = importlib.import_module("generate_ts")
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    written = (ROOT / "js/src/generated/limits.ts").read_text(encoding="utf-8")
    assert generate_ts.limits() == written
    assert '"triggers"' in written  # a `triggers[0]` problem belongs to the Schedules tab
    task_types = (ROOT / "js/src/generated/task-types.ts").read_text(encoding="utf-8")
    from loom_jobs_widget.core.task_types import TASK_TYPES

    for task_type in TASK_TYPES:
        assert json.dumps(task_type.key) in task_types
        assert json.dumps(task_type.label) in task_types


@pytest.mark.parametrize(("patterns", "most"), [
    (("*.py",), MAX_PYTHON_LINES),
    (("js/src/*.ts", "js/tests/*.ts"), MAX_TYPESCRIPT_LINES),
])
def test_no_module_is_over_its_size(patterns: tuple[str, ...], most: int) -> None:
    sizes = {path.relative_to(ROOT): len(path.read_text(encoding="utf-8").splitlines())
             for path in _tracked(*patterns)}
    assert sizes, "no module found"
    too_big = {str(path): lines for path, lines in sizes.items() if lines > most}
    assert not too_big, f"over {most} lines: split them by concept"


# Pointers at material outside the repository: a ticket, a section of a note, a shared folder.
_OUTSIDE = re.compile(
    r"\bissues? #?\d+|\(issue #?\d+\)|§\s*\d|\bthe reference (?:says|marks|lists)\b|"
    r"shared/(?:reference|data|recipes)|\.\./shared\b",
    re.IGNORECASE,
)


def test_comments_stand_alone() -> None:
    found = []
    for path in _tracked("*.py", "*.ts", "*.mjs", "*.toml", "*.ipynb", "scripts/*", ".ci/*",
                         "binder/*"):
        if "generated" in path.parts or path.name == "test_architecture.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _OUTSIDE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


# --- examples use only the public API ------------------------------------------------------------


def _public_names(module: str) -> set[str]:
    """What `module` offers: `loom_jobs_widget` and its layer packages, by their `__all__`."""
    parts = module.split(".")
    if parts[0] != PACKAGE or len(parts) > 2 or any(p.startswith("_") for p in parts):
        return set()
    return set(getattr(importlib.import_module(module), "__all__", ()))


def _example_sources() -> list[tuple[str, str]]:
    sources = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for i, cell in enumerate(cells):
            code = "".join(cell["source"])
            # A %%cell magic's body is not Python (a job in YAML); line magics are skipped.
            if cell["cell_type"] == "code" and not code.lstrip().startswith("%%"):
                code = "\n".join(x for x in code.splitlines() if not x.lstrip().startswith("%"))
                sources.append((f"{path.name} cell {i}", code))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for i, block in enumerate(re.findall(r"```python\n(.*?)```", readme, re.DOTALL)):
        sources.append((f"README.md python block {i}", block))
    return sources


def test_notebooks_and_readme_import_only_public_names() -> None:
    private = []
    for where, code in _example_sources():
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PACKAGE):
                public = _public_names(node.module or "")
                private += [f"{where}: from {node.module} import {alias.name}"
                            for alias in node.names if alias.name not in public]
            elif isinstance(node, ast.Import):
                private += [f"{where}: import {alias.name}" for alias in node.names
                            if alias.name.startswith(PACKAGE) and alias.name != PACKAGE]
    assert not private, "\n".join(private)


def test_the_public_api_resolves() -> None:
    package = importlib.import_module(PACKAGE)
    for name in package.__all__:
        assert getattr(package, name) is not None, name


def _top_level_names(tree: ast.Module) -> tuple[list[str], list[str] | None]:
    """A module's own top-level names (not imports) and its `__all__` (None without one)."""
    names: list[str] = []
    exported: list[str] | None = None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id == "__all__":
                    assert isinstance(node.value, (ast.List, ast.Tuple))
                    exported = [ast.literal_eval(e) for e in node.value.elts]
                elif isinstance(target, ast.Name):
                    names.append(target.id)
    return names, exported


# Names another program looks up by name: IPython's extension hook.
_HOOKS = frozenset({"load_ipython_extension"})


def test_every_name_is_exported_or_private() -> None:
    """Each module says what it offers (`__all__`); everything else it defines is `_private`."""
    found = []
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        names, exported = _top_level_names(ast.parse(path.read_text(encoding="utf-8")))
        where = path.relative_to(ROOT)
        if exported is None:
            found.append(f"{where}: no __all__")
            continue
        found += [f"{where}: {name} is neither in __all__ nor _private" for name in names
                  if not name.startswith("_") and name not in exported
                  and name not in _HOOKS]
        found += [f"{where}: __all__ names {name}, which it does not have" for name in exported
                  if not hasattr(importlib.import_module(_module_name(path)), name)]
    assert not found, "\n".join(found)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_a_package_name_is_never_shadowed_by_a_module() -> None:
    """Importing `pkg.name` sets the attribute `name` of `pkg` to that module: a package that
    offers a function or class under the name of one of its modules hands out the module instead
    as soon as anything has imported it (which depends on what ran before)."""
    shadowed = []
    for init in sorted((ROOT / PACKAGE).rglob("__init__.py")):
        _, exported = _top_level_names(ast.parse(init.read_text(encoding="utf-8")))
        modules = {p.stem for p in init.parent.glob("*.py")} | {
            p.parent.name for p in init.parent.glob("*/__init__.py")}
        shadowed += [f"{_module_name(init)}.{name}" for name in exported or ()
                     if name in modules]
    assert not shadowed, shadowed
