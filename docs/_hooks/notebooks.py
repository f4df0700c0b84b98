"""MkDocs hook: the example notebooks as pages, executed, with their outputs.

Before each build, every notebook of ``notebooks/`` whose page is missing or older than it runs
in a fresh kernel against its own embedded local workspace (no Databricks configuration seen),
then becomes ``docs/notebooks/<name>.md`` through nbconvert's Markdown exporter. The widgets'
outputs carry a static ``text/html`` beside the live view, so the DAGs show as inline SVGs.
The widget state is not stored: that is how a notebook saved by JupyterLab comes, and how
nbconvert then picks the static view.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["NOTEBOOKS", "on_pre_build", "render"]

_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = _ROOT / "notebooks"
_PAGES = _ROOT / "docs" / "notebooks"
# Variables that would make connect() pick a real workspace over the local one.
_CONFIG_ENV = (
    "DATABRICKS_HOST",
    "DATABRICKS_TOKEN",
    "DATABRICKS_CONFIG_PROFILE",
    "DATABRICKS_CONFIG_FILE",
    "DATABRICKS_RUNTIME_VERSION",
    "DATABRICKS_AUTH_TYPE",
    "DATABRICKS_CLIENT_ID",
    "DATABRICKS_CLIENT_SECRET",
    "LOOM_JOBS_DATA",
)


def render(notebook: Path, page: Path) -> None:
    """Execute ``notebook`` in a fresh kernel and write it, outputs included, to ``page``."""
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import MarkdownExporter

    nb = nbformat.read(notebook, as_version=4)
    with tempfile.TemporaryDirectory(prefix="loom-docs-") as folder:
        env = {k: v for k, v in os.environ.items() if k not in _CONFIG_ENV}
        env["HOME"] = folder
        env["LOOM_JOBS_DATA"] = str(Path(folder) / "local")
        client = NotebookClient(
            nb,
            timeout=300,
            kernel_name="python3",
            store_widget_state=False,
            resources={"metadata": {"path": str(notebook.parent)}},
        )
        client.execute(env=env)
    body, _ = MarkdownExporter().from_notebook_node(nb)
    note = (
        f"*Generated from `notebooks/{notebook.name}` of the repository, executed against the "
        "embedded local workspace when this site was built.*\n\n"
    )
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(note + body, encoding="utf-8")


def on_pre_build(config: Any, **_: Any) -> None:
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        page = _PAGES / f"{notebook.stem}.md"
        if not page.exists() or page.stat().st_mtime < notebook.stat().st_mtime:
            render(notebook, page)
