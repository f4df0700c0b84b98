"""The package's top level: cheap to import, and every lazy name resolves."""

from __future__ import annotations

import subprocess
import sys

import loom_jobs_widget


def test_every_public_name_resolves() -> None:
    assert set(loom_jobs_widget.__all__) == {"__version__", *loom_jobs_widget._LAZY}
    for name in loom_jobs_widget._LAZY:
        assert getattr(loom_jobs_widget, name) is not None


def test_import_loads_no_heavy_dependency() -> None:
    # %load_ext runs in a cold kernel: the SDK alone takes seconds to import.
    code = (
        "import sys, loom_jobs_widget;"
        "print(sorted(m for m in ('pydantic', 'databricks.sdk', 'anywidget', 'croniter')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
