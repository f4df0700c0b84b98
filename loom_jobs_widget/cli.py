"""The `loom-jobs` command.

    loom-jobs serve [--data DIR] [--port N] [--workers N]

serves a local Databricks workspace (see `loom_jobs_widget.local`) until interrupted, and prints
what a client needs to reach it: the host, the token, and a line to paste into a shell so that
`WorkspaceClient()` and the Databricks CLI find it.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from loom_jobs_widget.local import LocalWorkspace
from loom_jobs_widget.local.engine import DEFAULT_WORKERS


def default_data_dir() -> Path:
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
        help=f"data folder (default: {default_data_dir()})",
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
    return parser


def serve(data_dir: Path, port: int, workers: int) -> int:
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
        print(f"  token: {workspace.token}", flush=True)
        print("For a shell (the SDK and the Databricks CLI read these):", flush=True)
        print(
            f"  export DATABRICKS_HOST={workspace.host} DATABRICKS_TOKEN={workspace.token}",
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


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        if args.workers < 1:
            print("loom-jobs: --workers must be at least 1", file=sys.stderr)
            return 2
        return serve(args.data or default_data_dir(), args.port, args.workers)
    return 2  # argparse refuses unknown commands before this


if __name__ == "__main__":
    sys.exit(main())
