"""IPython magics, registered by `%load_ext loom_jobs_widget`.

- `%loom_connect [local [--data DIR] [--spark] | URL | --profile NAME] [--auth azure-identity]`:
  connect the magics' workspace (by default the first `%loom_*` magic connects as `connect()`
  does); `--spark` gives the local workspace's tasks a local `spark`.
- `%loom_jobs`: the jobs browser (search, filters, paging, run / pause / edit / delete).
- `%loom_job <job_id or name>`: the JobEditor of a saved job.
- `%%loom_job [resource key]`: the cell is a job (Jobs API settings, a `jobs/get` response or a
  bundle file's `resources.jobs` entry, in YAML or JSON), opened unsaved until Save.

Loading the extension imports nothing heavy (pydantic, the SDK and the widget come with the first
magic), so it is quick in a cold kernel. Errors are one clear line (IPython's UsageError), never a
traceback.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import threading
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

    from loom_jobs_widget.browser import JobsBrowser
    from loom_jobs_widget.client import Workspace
    from loom_jobs_widget.editor import JobEditor

__all__ = ["LoomMagics", "load", "warming"]


@magics_class
class LoomMagics(Magics):
    """The `%loom_*` magics; they share one workspace connection."""

    def __init__(self, shell: InteractiveShell) -> None:
        super().__init__(shell)
        self.workspace: Workspace | None = None
        self._own = False  # whether the magics connected it (and so close it)

    def _connected(self) -> Workspace:
        if self.workspace is None:
            self.workspace, self._own = self._connect([]), True
        return self.workspace

    def _connect(self, words: list[str]) -> Workspace:
        from loom_jobs_widget.client import connect

        target: str | None = None
        options: dict[str, Any] = {}
        names = {"--data": "data_dir", "--profile": "profile", "--auth": "auth"}
        position = 0
        while position < len(words):
            word = words[position]
            if word == "--spark":
                options["spark"] = True
                position += 1
            elif word in names:
                if position + 1 >= len(words):
                    raise UsageError(f"{word} needs a value.")
                options[names[word]] = words[position + 1]
                position += 2
            elif word.startswith("-"):
                raise UsageError(
                    f"%loom_connect does not know {word}: use local [--data DIR] [--spark], a "
                    "workspace URL, --profile NAME, --auth azure-identity."
                )
            elif target is None:
                target = word
                position += 1
            else:
                raise UsageError(f"%loom_connect takes one workspace, not {target} and {word}.")
        try:
            return connect(target, **options)
        except Exception as error:  # connection errors are sentences already
            raise UsageError(str(error)) from None

    @line_magic
    def loom_connect(self, line: str) -> Workspace:
        """Connect the %loom_* magics to a workspace (see the module's docstring)."""
        try:
            words = shlex.split(line)
        except ValueError as error:
            raise UsageError(f"%loom_connect: {error}.") from None
        workspace = self._connect(words)  # the old connection stays if this one fails
        if self.workspace is not None and self._own and self.workspace is not workspace:
            self.workspace.close()
        self.workspace, self._own = workspace, True
        return workspace

    @line_magic
    def loom_job(self, line: str) -> JobEditor:
        """`%loom_job <job_id or name>`: open a saved job in the editor."""
        from loom_jobs_widget.client import WorkspaceError
        from loom_jobs_widget.editor import JobEditor

        what = line.strip()
        if not what:
            raise UsageError("%loom_job needs a job_id or a job name: %loom_job 123.")
        workspace = self._connected()
        try:
            job_id = int(what) if what.isdigit() else self._job_named(workspace, what)
            return JobEditor(job_id, workspace)
        except WorkspaceError as error:
            raise UsageError(str(error)) from None

    @line_magic
    def loom_jobs(self, line: str) -> JobsBrowser:
        """`%loom_jobs`: the jobs browser of the connected workspace."""
        from loom_jobs_widget.browser import JobsBrowser

        return JobsBrowser(self._connected())

    @staticmethod
    def _job_named(workspace: Workspace, name: str) -> int:
        found = [
            job.job_id for job in workspace.jobs.list(name=name) if isinstance(job.job_id, int)
        ]
        if not found:
            raise UsageError(f"There is no job named '{name}' in {workspace.host}.")
        if len(found) > 1:
            ids = ", ".join(str(job_id) for job_id in found)
            raise UsageError(f"{len(found)} jobs are named '{name}' ({ids}): give the job_id.")
        return int(found[0])

    @cell_magic("loom_job")  # type: ignore[arg-type]  # IPython types the named form as Never
    def loom_job_cell(self, line: str, cell: str) -> JobEditor:
        """`%%loom_job [key]`: the cell's job (YAML or JSON) in the editor, unsaved."""
        from loom_jobs_widget.core import BundleError, import_job
        from loom_jobs_widget.editor import JobEditor

        try:
            job = import_job(cell, line.strip() or None)
        except BundleError as error:
            raise UsageError(f"%%loom_job: {error}") from None
        return JobEditor(settings=job.settings, workspace=self._connected())


def load(shell: InteractiveShell) -> None:
    """Register the magics once per shell (loading the extension again changes nothing)."""
    if not any(isinstance(m, LoomMagics) for m in shell.magics_manager.registry.values()):
        shell.register_magics(LoomMagics)
        _warm_up()


warming: threading.Thread | None = None
"""The background import started by `_warm_up` (tests join it)."""


def _warm_up() -> None:
    """Import what the first %loom_* magic needs in the background, while the user types the
    next cell: pydantic and the models (built), the widget, and the Databricks SDK's core (its
    service modules stay unloaded until something asks for `Workspace.client`), which a cold kernel
    would otherwise pay when the first editor is asked for. `LOOM_JOBS_NO_WARMUP=1` turns it off."""
    global warming
    if warming is not None or os.environ.get("LOOM_JOBS_NO_WARMUP"):
        return

    def imports() -> None:
        # A failure here is met again, and reported, by the magic that needs the module.
        with contextlib.suppress(Exception):
            from loom_jobs_widget.client.sdk_core import import_core

            # The client imports the SDK's core only when it connects: ask for it by name.
            import_core()
            import databricks.sdk.core  # noqa: F401

            import loom_jobs_widget.client.connection
            import loom_jobs_widget.editor.widget  # noqa: F401
            from loom_jobs_widget.core.models import Job, JobSettings, built

            # Model classes are built on first use: these two are what opening a job loads.
            built(Job)
            built(JobSettings)

    warming = threading.Thread(target=imports, name="loom-jobs-warm-up", daemon=True)
    warming.start()
