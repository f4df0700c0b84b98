"""Where a local workspace another process serves is found: the files its data folder holds
while it runs. Light on purpose: a kernel connecting to a workspace that `loom-jobs demo` or
another kernel serves reads these without importing the server.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Final

from loom_jobs_widget.local.exec.processes import process_running

__all__ = ["SERVER_FILE", "TOKEN_FILE", "find_running"]

TOKEN_FILE: Final = "token"
"""The data folder's file holding the workspace's token."""
SERVER_FILE: Final = "server.json"
"""The data folder's file naming the serving process and its address, while it serves."""


def find_running(data_dir: str | os.PathLike[str]) -> tuple[str, str] | None:
    """`(host, token)` of the local workspace another process serves from `data_dir`, or None
    when none does (a server that died leaves a `server.json` naming a process that is gone, or
    whose pid another process has since)."""
    folder = Path(data_dir).expanduser()
    try:
        info = json.loads((folder / SERVER_FILE).read_text(encoding="utf-8"))
        token = (folder / TOKEN_FILE).read_text(encoding="utf-8").strip()
    except (OSError, ValueError):
        return None
    if not isinstance(info, dict):
        return None
    host, pid = info.get("host"), info.get("pid")
    if not isinstance(host, str) or not isinstance(pid, int) or not token:
        return None
    process = info.get("process")
    if process is None:  # written by a version that kept the pid only
        alive = _alive(pid)
    else:
        alive = isinstance(process, dict) and process.get("pid") == pid
        alive = alive and process_running(json.dumps(process))
    return (host, token) if alive else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True
