"""Where the widgets' built front end is, and how a page loads it once.

``npm --prefix js run build`` (which ``pip install`` runs through hatch-jupyter-builder) makes one
ES module per widget under ``static/``, and ``static/loader.js``. A widget gives anywidget the
loader as its ``_esm`` and its bundle as the ``_bundle`` trait (`Bundle`): anywidget imports a
widget's ``_esm`` anew for every widget, and the loader imports the bundle only once per page, so
a second editor does not compile and run ~0.9 MB of JavaScript cold again.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import traitlets

__all__ = ["Bundle", "bundle_path", "module_loader"]

_STATIC = Path(__file__).parent / "static"


def bundle_path(name: str) -> Path:
    """The bundle ``static/<name>.js``. The widget classes look for it when they are defined, so
    a checkout that was never built fails at import, saying how to build."""
    path = _STATIC / f"{name}.js"
    if not path.is_file():  # pragma: no cover - only on a checkout that was never built
        raise FileNotFoundError(
            f"The JavaScript bundle {path} is missing. Build it with "
            "`npm --prefix js install && npm --prefix js run build`, or install the package "
            'with `pip install -e ".[test]"`, which runs the build.'
        )
    return path


def _hot_reload() -> bool:
    """anywidget's hot reload (`ANYWIDGET_HMR=1`, with `npm run dev`) watches the file `_esm`
    names: then each widget gets its bundle's file as before."""
    return os.environ.get("ANYWIDGET_HMR", "") not in ("", "0")


def module_loader(name: str) -> str | Path:
    """A widget's ``_esm``: the loader, which imports the bundle sent as ``_bundle``."""
    bundle = bundle_path(name)  # fail at import, as before, when the build is missing
    return bundle if _hot_reload() else _loader_text()


@cache
def _loader_text() -> str:
    return bundle_path("loader").read_text(encoding="utf-8")


@cache
def _bundle_text(name: str) -> str:
    return bundle_path(name).read_text(encoding="utf-8")


class Bundle(traitlets.Unicode):  # type: ignore[type-arg]
    """A widget's ``_bundle`` trait: its built view, read when the first widget is made (empty
    under hot reload, where ``_esm`` is the bundle itself)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        # No static default: traitlets then asks `make_dynamic_default`.
        self.default_value = traitlets.Undefined  # type: ignore[assignment]
        self.bundle_name = name
        self.tag(sync=True)

    def make_dynamic_default(self) -> str:
        return "" if _hot_reload() else _bundle_text(self.bundle_name)
