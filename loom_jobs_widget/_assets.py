"""Where the widgets' built front end is: one ES module per widget under ``static/``, made by
``npm --prefix js run build`` (which ``pip install`` runs through hatch-jupyter-builder)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["bundle_path"]

_STATIC = Path(__file__).parent / "static"


def bundle_path(name: str) -> Path:
    """The bundle ``static/<name>.js``. anywidget reads it when the widget class is defined, so
    a checkout that was never built fails at import, saying how to build."""
    path = _STATIC / f"{name}.js"
    if not path.is_file():  # pragma: no cover - only on a checkout that was never built
        raise FileNotFoundError(
            f"The JavaScript bundle {path} is missing. Build it with "
            "`npm --prefix js install && npm --prefix js run build`, or install the package "
            'with `pip install -e ".[test]"`, which runs the build.'
        )
    return path
