"""What the child reports of its workload, as `result.json` holds it (`Result`), and the
failures a user reads there: the exception's line and the traceback from the user's own code on.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

from loom_jobs_widget.local.exec.protocol import WORKLOAD_FAILED

__all__ = [
    "Result",
    "SetupError",
    "enter_folder",
    "exception_line",
    "exit_result",
    "failure",
    "failure_from",
    "success",
    "user_trace",
]

Result = dict[str, Any]


class SetupError(Exception):
    """The workload could not start (missing file, not a notebook, unsupported cell). The message
    is for the user and becomes the run's state message; there is no traceback to show."""


def success(notebook_result: str | None = None) -> Result:
    return {"result_state": "SUCCESS", "notebook_result": notebook_result}


def failure(error: str, trace: str | None, state_message: str = WORKLOAD_FAILED) -> Result:
    return {
        "result_state": "FAILED",
        "state_message": state_message,
        "error": error,
        "error_trace": trace,
    }


def exception_line(exc: BaseException) -> str:
    """`ValueError: bad input`, named as Python's traceback names it."""
    cls = type(exc)
    name = cls.__qualname__
    if cls.__module__ not in ("builtins", "__main__"):
        name = f"{cls.__module__}.{name}"
    text = str(exc)
    return f"{name}: {text}" if text else name


def user_trace(exc: BaseException, filename: str) -> str:
    """The traceback from the user's file on: the bootstrap's and runpy's frames are noise."""
    tb: TracebackType | None = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != filename:
        tb = tb.tb_next
    # No frame of the file (a SyntaxError while compiling it): the exception text says where.
    return "".join(traceback.format_exception(type(exc), exc, tb))


def failure_from(exc: BaseException, filename: str) -> Result:
    trace = user_trace(exc, filename)
    sys.stderr.write(trace)  # what `python file.py` would print, so the logs show it too
    return failure(exception_line(exc), trace)


def exit_result(exc: SystemExit, filename: str) -> Result:
    """sys.exit(): 0 or None is success, as for any process; anything else fails the task."""
    if exc.code is None or exc.code == 0:
        return success()
    if not isinstance(exc.code, int):
        print(exc.code, file=sys.stderr)  # as the interpreter prints sys.exit("message")
    return failure(exception_line(exc), user_trace(exc, filename))


def enter_folder(folder: Path) -> None:
    os.chdir(folder)
    sys.path[0] = str(folder)
