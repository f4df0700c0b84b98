"""Names a package offers without importing them until first used: `import loom_jobs_widget` runs
in a cold kernel (`%load_ext`), and pydantic, anywidget and the SDK are worth a second there."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(package: str, modules: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` for `package` that imports `modules[name]` when `name` is first
    asked for, and keeps the value on the package so the next look-up is a plain attribute."""

    def __getattr__(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
