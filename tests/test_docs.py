"""The documentation site's API reference names every public name a user imports.

Builds the reference pages alone (``docs/reference/``, with ``mkdocs.yml``'s mkdocstrings
options, without the notebook and screenshot hooks) into a temporary folder, then looks in the
HTML for each name of each public package's ``__all__``. A name added to an ``__all__`` with no
page for its package, or that mkdocstrings cannot find, fails here.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import loom_jobs_widget

ROOT = Path(__file__).parents[1]
REFERENCE = ROOT / "docs" / "reference"
# `cli` is the `loom-jobs` command (its help is its documentation), not something to import.
NOT_IMPORTED = {"cli"}


def public_packages() -> list[str]:
    names = [
        f"loom_jobs_widget.{info.name}"
        for info in pkgutil.iter_modules(loom_jobs_widget.__path__)
        if not info.name.startswith("_") and info.name not in NOT_IMPORTED
    ]
    return ["loom_jobs_widget", *sorted(names)]


def _pages() -> dict[str, Path]:
    """Per module, the reference page that documents it (its ``::: module`` line)."""
    pages = {}
    for page in REFERENCE.glob("*.md"):
        for module in re.findall(r"^::: (\S+)$", page.read_text(encoding="utf-8"), re.M):
            pages[module] = page
    return pages


def test_every_public_package_has_a_reference_page() -> None:
    pages = _pages()
    assert [name for name in public_packages() if name not in pages] == []
    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!!", ""))
    listed = {
        path
        for section in nav["nav"]
        if isinstance(section, dict) and "API reference" in section
        for entry in section["API reference"]
        for path in entry.values()
    }
    assert {f"reference/{page.name}" for page in pages.values()} <= listed


def test_the_built_reference_names_every_public_name(tmp_path: Path) -> None:
    mkdocs_config = pytest.importorskip("mkdocs.config")
    from mkdocs.commands.build import build

    settings: dict[str, Any] = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    docs = tmp_path / "docs"
    (docs / "reference").mkdir(parents=True)
    for page in REFERENCE.glob("*.md"):
        (docs / "reference" / page.name).write_text(page.read_text(encoding="utf-8"))
    plugins = [p for p in settings["plugins"] if isinstance(p, dict) and "mkdocstrings" in p]
    plugins[0]["mkdocstrings"]["handlers"]["python"]["paths"] = [str(ROOT)]
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(
        yaml.safe_dump(
            {
                "site_name": "reference",
                "docs_dir": str(docs),
                "site_dir": str(tmp_path / "site"),
                "theme": {"name": "mkdocs"},
                "plugins": plugins,
                "strict": True,
            }
        ),
        encoding="utf-8",
    )
    config = mkdocs_config.load_config(config_file=str(config_file))
    build(config)

    pages = _pages()
    missing = []
    for module in public_packages():
        page = pages[module]
        html = (tmp_path / "site" / "reference" / page.stem / "index.html")
        if page.stem == "index":
            html = tmp_path / "site" / "reference" / "index.html"
        ids = set(re.findall(r'id="([^"]+)"', html.read_text(encoding="utf-8")))
        names = importlib.import_module(module).__all__
        missing += [f"{module}.{name}" for name in names if f"{module}.{name}" not in ids]
    assert missing == []
