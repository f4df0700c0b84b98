"""The %loom_* magics in a real IPython shell, against the local workspace."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

from loom_jobs_widget.client import Workspace
from loom_jobs_widget.editor import JobEditor
from loom_jobs_widget.magics import LoomMagics


@pytest.fixture
def shell(ws: Workspace) -> Iterator[InteractiveShell]:
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "loom_jobs_widget")
    magics = next(m for m in shell.magics_manager.registry.values() if isinstance(m, LoomMagics))
    magics.workspace, magics._own = ws, False  # the session's local workspace: not theirs
    yield shell
    magics.workspace, magics._own = None, False


def test_loading_twice_registers_once(shell: InteractiveShell) -> None:
    shell.run_line_magic("reload_ext", "loom_jobs_widget")
    shell.run_line_magic("load_ext", "loom_jobs_widget")
    registered = [m for m in shell.magics_manager.registry.values() if isinstance(m, LoomMagics)]
    assert len(registered) == 1
    assert {"loom_connect", "loom_job"} <= set(shell.magics_manager.magics["line"])
    assert "loom_job" in shell.magics_manager.magics["cell"]


def test_loom_job_opens_a_saved_job_by_id_or_name(shell: InteractiveShell, ws: Workspace) -> None:
    job_id = int(ws.jobs.create({"name": "magic-by-name", "tasks": [
        {"task_key": "a", "notebook_task": {"notebook_path": "/a"}}]}).job_id)  # type: ignore[arg-type]  # fmt: skip
    try:
        by_id = shell.run_line_magic("loom_job", str(job_id))
        assert isinstance(by_id, JobEditor) and by_id.job_id == job_id
        by_name = shell.run_line_magic("loom_job", "magic-by-name")
        assert by_name.job_id == job_id
        with pytest.raises(UsageError, match="no job named 'nope'"):
            shell.run_line_magic("loom_job", "nope")
        with pytest.raises(UsageError, match="needs a job_id"):
            shell.run_line_magic("loom_job", "")
        with pytest.raises(UsageError, match="does not exist"):
            shell.run_line_magic("loom_job", "987654321")
    finally:
        ws.jobs.delete(job_id)


def test_a_cell_job_opens_unsaved(shell: InteractiveShell) -> None:
    editor = shell.run_cell_magic("loom_job", "", """
resources:
  jobs:
    etl:
      name: etl from a bundle
      tasks:
        - task_key: load
          notebook_task:
            notebook_path: /src/load
            base_parameters: {catalog: "${var.catalog}"}
""")
    assert isinstance(editor, JobEditor)
    assert editor.job_id is None and editor.dirty and editor.title == "etl from a bundle"
    assert editor.settings.to_api()["tasks"][0]["notebook_task"]["base_parameters"] == {
        "catalog": "${var.catalog}"
    }
    with pytest.raises(UsageError, match="YAML is malformed at line 3"):
        shell.run_cell_magic("loom_job", "", "name: x\ntasks: [\n")


def test_connect_errors_are_one_line(shell: InteractiveShell, ws: Workspace) -> None:
    with pytest.raises(UsageError, match="does not know --port"):
        shell.run_line_magic("loom_connect", "local --port 5")
    with pytest.raises(UsageError, match="give \"local\", or a workspace URL"):
        shell.run_line_magic("loom_connect", "nowhere")
    # A failed connect leaves the connection as it was, open.
    magics = next(m for m in shell.magics_manager.registry.values() if isinstance(m, LoomMagics))
    assert magics.workspace is ws
    assert ws.jobs.list(limit=1) is not None and list(ws.jobs.list(limit=1)) is not None


def test_connect_replaces_only_its_own_connection(
    shell: InteractiveShell, ws: Workspace, tmp_path: Path
) -> None:
    first = shell.run_line_magic("loom_connect", f"local --data {tmp_path / 'a'}")
    assert first is not ws
    second = shell.run_line_magic("loom_connect", f"local --data {tmp_path / 'b'}")
    assert second is not first
    assert list(ws.jobs.list(limit=1)) is not None  # the session's workspace was not closed
    second.close()


def test_loading_the_extension_imports_nothing_heavy() -> None:
    code = (
        "import sys, time\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        "shell.run_line_magic('load_ext', 'loom_jobs_widget')\n"
        "heavy = [m for m in ('pydantic', 'databricks.sdk', 'anywidget', 'croniter') "
        "if m in sys.modules]\n"
        "print(heavy)\n"
    )
    quiet = {**os.environ, "LOOM_JOBS_NO_WARMUP": "1"}  # the background import comes after
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).parent, env=quiet)  # fmt: skip
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_loading_the_extension_warms_the_first_editor_up() -> None:
    code = (
        "import sys\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "from loom_jobs_widget import magics\n"
        "InteractiveShell.instance().run_line_magic('load_ext', 'loom_jobs_widget')\n"
        "magics.warming.join(60)\n"
        "print('databricks.sdk' in sys.modules, 'loom_jobs_widget.editor.widget' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "LOOM_JOBS_NO_WARMUP"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).parent, env=env)  # fmt: skip
    assert out.stdout.strip().splitlines()[-1] == "True True"
