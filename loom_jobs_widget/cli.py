"""The `loom-jobs` command.

    loom-jobs serve [--data DIR] [--port N] [--workers N] [--show-token]

serves a local Databricks workspace (see `loom_jobs_widget.local`) until interrupted, and prints
what a client needs to reach it: the host, the file holding the token (the token itself only
with `--show-token`: a banner ends up in terminal scrollback, logs and screen shares), and a line
to paste into a shell so that `WorkspaceClient()` and the Databricks CLI find both.

    loom-jobs demo [--data DIR] [--no-lab] [--notebook PATH] [jupyter lab args...]

starts (or reuses) the local workspace that `connect("local")` uses, adds the sample jobs and
notebooks (once: the jobs carry the tag `loom_demo`, and a sample already there is left alone),
then runs JupyterLab on `notebooks/quickstart.ipynb` until interrupted. `--no-lab` only seeds.

    loom-jobs pull --job ID --from PROFILE [--data DIR] [--as NEW_NAME]
    loom-jobs push --job LOCAL_ID --to PROFILE [--data DIR] [--as-new] [--force]

copy a job of a workspace (a `~/.databrickscfg` profile), with the notebooks and files it
references, into the local workspace, and send the edits made there back (see
`loom_jobs_widget.client.transfer`).
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from loom_jobs_widget.local import LocalWorkspace
from loom_jobs_widget.local.engine import DEFAULT_WORKERS

if TYPE_CHECKING:
    from loom_jobs_widget.client import Workspace

__all__ = [
    "DEMO_FOLDER",
    "DEMO_TAG",
    "Seeded",
    "demo_jobs",
    "find_quickstart",
    "lab_command",
    "main",
    "seed_samples",
]


def _default_data_dir() -> Path:
    """`$LOOM_JOBS_DATA`, else `$XDG_DATA_HOME/loom-jobs` (`~/.local/share/loom-jobs`)."""
    configured = os.environ.get("LOOM_JOBS_DATA")
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "loom-jobs"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="loom-jobs", description="Loom jobs tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="serve a local Databricks workspace on 127.0.0.1",
        description="Serve a local Databricks workspace (Jobs API, workspace files) on "
        "127.0.0.1 until interrupted. Jobs, runs and files are kept in the data folder.",
    )
    serve.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"data folder (default: {_default_data_dir()})",
    )
    serve.add_argument(
        "--port", type=int, default=0, metavar="N", help="port (default: 0, a free one)"
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        metavar="N",
        help=f"tasks run at the same time (default: {DEFAULT_WORKERS})",
    )
    serve.add_argument(
        "--show-token",
        action="store_true",
        help="print the bearer token itself (by default only the file that holds it)",
    )
    demo = commands.add_parser(
        "demo",
        help="the local workspace with sample jobs, and JupyterLab on the quickstart",
        description="Start (or reuse) the local workspace that connect(\"local\") uses, add "
        "the sample jobs and notebooks (once), and run JupyterLab on the quickstart notebook "
        "until interrupted. Arguments it does not know go to `jupyter lab` (e.g. --port=8890); "
        "LOOM_DEMO_IP=0.0.0.0 makes JupyterLab listen beyond localhost.",
    )
    demo.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="DIR",
        help="the local workspace's data folder (default: $LOOM_JOBS_DATA, else "
        "~/.loom-jobs/local, as connect(\"local\"))",
    )
    demo.add_argument(
        "--no-lab",
        action="store_true",
        help="only start the workspace and add the samples, then stop: no JupyterLab",
    )
    demo.add_argument(
        "--notebook",
        type=Path,
        default=None,
        metavar="PATH",
        help="the notebook to open (default: notebooks/quickstart.ipynb of the checkout)",
    )
    _transfer_parsers(commands)
    return parser


def _transfer_parsers(commands: Any) -> None:
    data_help = (
        "the local workspace's data folder (default: $LOOM_JOBS_DATA, else ~/.loom-jobs/local, "
        'as connect("local"))'
    )
    pull = commands.add_parser(
        "pull",
        help="copy a job and the notebooks and files it references into the local workspace",
        description="Copy a job of a workspace, and the notebooks and files it references (at "
        "the same paths), into the local workspace, as a new local job. Where it came from is "
        "kept in the data folder, for `loom-jobs push`.",
    )
    pull.add_argument("--job", type=int, required=True, metavar="ID", help="the job's job_id")
    pull.add_argument(
        "--from", dest="profile", required=True, metavar="PROFILE",
        help="the workspace: a profile of ~/.databrickscfg ($DATABRICKS_CONFIG_FILE)",
    )  # fmt: skip
    pull.add_argument("--data", type=Path, default=None, metavar="DIR", help=data_help)
    pull.add_argument(
        "--as", dest="name", default=None, metavar="NEW_NAME", help="name the local job so"
    )
    push = commands.add_parser(
        "push",
        help="send a pulled job's edits, and its changed notebooks and files, back",
        description="Send the edits made to a pulled job back to the job it was pulled from "
        "(only what changed; a field changed on both sides since the pull stops the push), "
        "with the notebooks and files it references that changed here.",
    )
    push.add_argument("--job", type=int, required=True, metavar="LOCAL_ID",
                      help="the local job's job_id")  # fmt: skip
    push.add_argument(
        "--to", dest="profile", required=True, metavar="PROFILE",
        help="the workspace: a profile of ~/.databrickscfg ($DATABRICKS_CONFIG_FILE)",
    )  # fmt: skip
    push.add_argument("--data", type=Path, default=None, metavar="DIR", help=data_help)
    push.add_argument("--as-new", action="store_true", help="create a new job there instead")
    push.add_argument(
        "--force", action="store_true",
        help="where a field or file changed on both sides since the pull, ours wins",
    )  # fmt: skip


def _serve(data_dir: Path, port: int, workers: int, *, show_token: bool = False) -> int:
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        workspace = LocalWorkspace(data_dir, port=port, workers=workers).start()
    except (RuntimeError, OSError) as exc:
        print(f"loom-jobs: {exc}", file=sys.stderr)
        return 1
    try:
        print(f"Local Databricks workspace on {workspace.host}", flush=True)
        print(f"  data:  {workspace.data_dir}", flush=True)
        print(f"  host:  {workspace.host}", flush=True)
        # The data folder's token file (LocalWorkspace: `token`, readable by its owner only).
        token_file = shlex.quote(str(workspace.data_dir.resolve() / "token"))
        if show_token:
            print(f"  token: {workspace.token}", flush=True)
        else:
            print(f"  token: in {token_file} (--show-token prints it)", flush=True)
        print("For a shell (the SDK and the Databricks CLI read these):", flush=True)
        print(
            f'  export DATABRICKS_HOST={workspace.host} DATABRICKS_TOKEN="$(cat {token_file})"',
            flush=True,
        )
        print("Press Ctrl+C to stop.", flush=True)
        stop.wait()
    finally:
        workspace.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("Stopped.", flush=True)
    return 0


# --- demo ----------------------------------------------------------------------------------------

DEMO_TAG = "loom_demo"
"""The tag every sample job carries; its value is the sample's key. A sample whose key is
already tagged on a job is not created again (the job may have been edited since: it is kept)."""
DEMO_FOLDER = "/Workspace/Shared/loom-demo"

_INGEST = """# Databricks notebook source
# MAGIC %md
# MAGIC # Ingest
# MAGIC Reads the day's orders (made up here) and hands their count to the next tasks.

# COMMAND ----------

dbutils.widgets.text("date", "2024-01-01")
date = dbutils.widgets.get("date")
orders = [{"id": n, "amount": 10 * n} for n in range(1, 6)]
print(f"{len(orders)} orders on {date}")
dbutils.jobs.taskValues.set("rows", len(orders))
"""

_TRANSFORM = """# Databricks notebook source
rows = dbutils.jobs.taskValues.get("ingest", "rows", default=0, debugValue=0)
print(f"transforming {rows} rows")
dbutils.notebook.exit(str(rows))
"""

_REPORT = """import sys

print("report for", *sys.argv[1:])
"""

_FLAKY = """import sys

# Fails until the job parameter `attempt` says it is fixed: repair the run with
# job_parameters={"attempt": "fixed"} (the Runs tab's Repair, or editor.workspace.runs.repair_run).
attempt = sys.argv[1] if len(sys.argv) > 1 else ""
if attempt != "fixed":
    raise SystemExit(f"the upstream table is not there yet (attempt={attempt!r})")
print("loaded")
"""

# (workspace path, content, notebook?) of the sample files.
_DEMO_FILES: tuple[tuple[str, str, bool], ...] = (
    (f"{DEMO_FOLDER}/ingest", _INGEST, True),
    (f"{DEMO_FOLDER}/transform", _TRANSFORM, True),
    (f"{DEMO_FOLDER}/report.py", _REPORT, False),
    (f"{DEMO_FOLDER}/flaky.py", _FLAKY, False),
)


def demo_jobs() -> dict[str, dict[str, Any]]:
    """The sample jobs' settings, by sample key (the value of their `loom_demo` tag)."""
    return {
        "nightly_etl": {
            "name": "Demo: nightly ETL",
            "tags": {DEMO_TAG: "nightly_etl", "team": "data"},
            "parameters": [{"name": "date", "default": "2024-01-01"}],
            "schedule": {
                "quartz_cron_expression": "0 0 2 * * ?",
                "timezone_id": "Europe/Amsterdam",
                "pause_status": "PAUSED",
            },
            "tasks": [
                {"task_key": "ingest",
                 "notebook_task": {"notebook_path": f"{DEMO_FOLDER}/ingest"}},
                {"task_key": "transform", "depends_on": [{"task_key": "ingest"}],
                 "notebook_task": {"notebook_path": f"{DEMO_FOLDER}/transform"}},
                {"task_key": "has_rows", "depends_on": [{"task_key": "transform"}],
                 "condition_task": {"op": "GREATER_THAN",
                                    "left": "{{tasks.ingest.values.rows}}", "right": "0"}},
                {"task_key": "report", "depends_on": [{"task_key": "has_rows", "outcome": "true"}],
                 "spark_python_task": {"python_file": f"{DEMO_FOLDER}/report.py",
                                       "parameters": ["{{job.parameters.date}}"]}},
            ],
        },
        "hello": {
            "name": "Demo: hello",
            "tags": {DEMO_TAG: "hello"},
            "tasks": [
                {"task_key": "hello",
                 "spark_python_task": {"python_file": f"{DEMO_FOLDER}/report.py",
                                       "parameters": ["hello"]}},
            ],
        },
        "repair_me": {
            "name": "Demo: repair me",
            "tags": {DEMO_TAG: "repair_me"},
            "parameters": [{"name": "attempt", "default": "first"}],
            "tasks": [
                {"task_key": "extract",
                 "spark_python_task": {"python_file": f"{DEMO_FOLDER}/report.py",
                                       "parameters": ["extract"]}},
                {"task_key": "load", "depends_on": [{"task_key": "extract"}],
                 "spark_python_task": {"python_file": f"{DEMO_FOLDER}/flaky.py",
                                       "parameters": ["{{job.parameters.attempt}}"]}},
                {"task_key": "report", "depends_on": [{"task_key": "load"}],
                 "spark_python_task": {"python_file": f"{DEMO_FOLDER}/report.py",
                                       "parameters": ["done"]}},
            ],
        },
    }  # fmt: skip


@dataclass
class Seeded:
    """What `seed_samples` found and did: the sample jobs by key (job_id), which of them it
    created, and the sample files it wrote."""

    jobs: dict[str, int]
    created: list[str]
    files: list[str]


def seed_samples(workspace: Workspace) -> Seeded:
    """Add the sample notebooks, files and jobs to a workspace, once: a file already there is
    not overwritten, a job already tagged `loom_demo: <key>` is not created again."""
    from databricks.sdk.errors import NotFound, ResourceAlreadyExists
    from databricks.sdk.service.workspace import ImportFormat, Language

    files: list[str] = []
    workspace.client.workspace.mkdirs(DEMO_FOLDER)
    for path, content, notebook in _DEMO_FILES:
        try:
            workspace.client.workspace.get_status(path)
            continue
        except NotFound:
            pass
        try:
            if notebook:
                workspace.client.workspace.upload(
                    path, content.encode(), format=ImportFormat.SOURCE, language=Language.PYTHON
                )
            else:
                workspace.client.workspace.upload(
                    path, content.encode(), format=ImportFormat.AUTO
                )
        except ResourceAlreadyExists:
            continue  # written meanwhile by someone else: theirs stays
        files.append(path)
    jobs: dict[str, int] = {}
    created: list[str] = []
    for key, settings in demo_jobs().items():
        found = next(iter(workspace.jobs.list(tags={DEMO_TAG: key}, limit=1)), None)
        if found is not None and isinstance(found.job_id, int):
            jobs[key] = found.job_id
            continue
        job = workspace.jobs.create(settings)
        assert isinstance(job.job_id, int)
        jobs[key] = job.job_id
        created.append(key)
    return Seeded(jobs=jobs, created=created, files=files)


def find_quickstart(start: Path | None = None) -> Path | None:
    """`notebooks/quickstart.ipynb` in the current folder or above it, else in the checkout
    this package runs from (an editable install); None when there is none."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents, Path(__file__).resolve().parents[1]):
        candidate = folder / "notebooks" / "quickstart.ipynb"
        if candidate.is_file():
            return candidate
    return None


def lab_command(notebook: Path | None, extra: Sequence[str]) -> tuple[list[str], Path]:
    """The `jupyter lab` command line of the demo, and the folder to run it in."""
    command = [sys.executable, "-m", "jupyter", "lab",
               f"--ip={os.environ.get('LOOM_DEMO_IP') or '127.0.0.1'}"]  # fmt: skip
    if hasattr(os, "getuid") and os.getuid() == 0:
        command.append("--allow-root")
    if sys.platform == "linux" and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        command.append("--no-browser")  # no display: JupyterLab prints the address instead
    root = Path.cwd()
    if notebook is not None:
        notebook = notebook.resolve()
        # The notebooks folder's parent is the root, so relative paths in the notebooks work.
        root = notebook.parent.parent if notebook.parent.name == "notebooks" else notebook.parent
        relative = notebook.relative_to(root).as_posix()
        command.append(f"--ServerApp.root_dir={root}")
        command.append(f"--LabApp.default_url=/lab/tree/{relative}")
    return [*command, *extra], root


def _demo(
    data_dir: Path | None, *, lab: bool = True, notebook: Path | None = None,
    lab_args: Sequence[str] = (),
) -> int:  # fmt: skip
    from loom_jobs_widget.client import WorkspaceError, connect
    from loom_jobs_widget.client import default_data_dir as local_data_dir

    data = (data_dir or local_data_dir()).expanduser().resolve()
    try:
        workspace = connect("local", data_dir=data)
    except WorkspaceError as error:
        print(f"loom-jobs: {error}", file=sys.stderr)
        return 1
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    process: subprocess.Popen[bytes] | None = None
    try:
        seeded = seed_samples(workspace)
        served = "started here" if workspace.local is not None else "reused"
        print(f"Local workspace ({served}) on {workspace.host}, data in {data}", flush=True)
        for key, job_id in seeded.jobs.items():
            what = "created" if key in seeded.created else "already there"
            print(f"  sample job {key}: job_id {job_id} ({what})", flush=True)
        if not lab:
            return 0
        quickstart = notebook or find_quickstart()
        if quickstart is None:
            print("loom-jobs: notebooks/quickstart.ipynb not found: JupyterLab opens on the "
                  "current folder.", flush=True)  # fmt: skip
        command, root = lab_command(quickstart, lab_args)
        # Kernels find this workspace through its folder: connect("local") reads LOOM_JOBS_DATA.
        env = {**os.environ, "LOOM_JOBS_DATA": str(data)}
        print(f"Starting JupyterLab in {root} (Ctrl+C stops it and the workspace)", flush=True)
        process = subprocess.Popen(command, cwd=root, env=env, start_new_session=True)
        while not stop.wait(0.5):
            if process.poll() is not None:
                return 0 if process.returncode in (0, -signal.SIGTERM) else 1
        return 0
    except WorkspaceError as error:
        print(f"loom-jobs: {error}", file=sys.stderr)
        return 1
    finally:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)  # JupyterLab shuts its kernels down
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        workspace.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# --- pull / push ---------------------------------------------------------------------------------


def _transfer(args: argparse.Namespace) -> int:
    from loom_jobs_widget.client import WorkspaceError, connect
    from loom_jobs_widget.client import default_data_dir as local_data_dir
    from loom_jobs_widget.client.transfer import TransferError, pull, push

    data = (args.data or local_data_dir()).expanduser().resolve()
    try:
        with connect(profile=args.profile) as remote, connect("local", data_dir=data) as local:
            if args.command == "pull":
                pulled = pull(remote, local, data, args.job, name=args.name)
                print(f"Pulled job {pulled.remote_job_id} of {pulled.host} as local job "
                      f"{pulled.local_job_id} ({local.host}).", flush=True)  # fmt: skip
                for path in pulled.copied:
                    print(f"  copied   {path}", flush=True)
                for path in pulled.missing:
                    print(f"  missing  {path} (not in {pulled.host}: not copied)", flush=True)
                return 0
            pushed = push(local, remote, data, args.job, as_new=args.as_new, force=args.force)
            verb = "Created" if pushed.created else "Pushed to"
            print(f"{verb} job {pushed.remote_job_id} of {pushed.host}.", flush=True)
            if not pushed.created:
                changed = ", ".join(pushed.fields) if pushed.fields else "none"
                print(f"  settings changed: {changed}", flush=True)
            for path in pushed.sent:
                print(f"  sent     {path}", flush=True)
            for path in pushed.missing:
                print(f"  missing  {path} (not in the local workspace: not sent)", flush=True)
            return 0
    except (WorkspaceError, TransferError) as error:
        print(f"loom-jobs: {error}", file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    args, extra = _parser().parse_known_args(argv)
    if args.command == "demo":
        return _demo(args.data, lab=not args.no_lab, notebook=args.notebook, lab_args=extra)
    if extra:
        _parser().error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "serve":
        if args.workers < 1:
            print("loom-jobs: --workers must be at least 1", file=sys.stderr)
            return 2
        return _serve(
            args.data or _default_data_dir(), args.port, args.workers, show_token=args.show_token
        )
    if args.command in ("pull", "push"):
        return _transfer(args)
    return 2  # argparse refuses unknown commands before this


if __name__ == "__main__":
    sys.exit(main())
