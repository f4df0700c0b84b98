"""The magic cells of a Databricks notebook that the local workspace runs (`NotebookSession`),
the same way in a source-format notebook (this process) and in a `.ipynb` one (its kernel):

- `%sql`: the cell's statements, on the local SQL warehouse (DuckDB), or with `spark.sql` when
  the notebook's globals hold a `spark` and the workspace runs Spark (`run_sql`, the one place
  that chooses; a Delta statement fails saying what to use instead). The last
  statement's result is shown as a table and becomes `_sqldf`: a pandas DataFrame when pandas
  is importable, else a list of dicts (one per row, by column name). Widget values reach the SQL
  as `:name` markers, and as `${name}` (deprecated) by text substitution.
- `%run <path> [$name="value" ...]`: the other notebook's cells inline, in the same globals;
  the path is relative to the notebook that runs it, or absolute.
- `%fs <command> ...`: `dbutils.fs` of the task (its path mapping): `ls` is shown as a table, as
  `display(dbutils.fs.ls(...))` shows it; `head` prints the text; `cp`, `mv`, `rm` (`-r`),
  `mkdirs` and `put` (`-f`) print what the call returns.
- `%pip install ...`: into the task run's own folder (`<run dir>/site-packages`, first on
  `sys.path` and `PYTHONPATH`), never the environment the workspace runs in.
- `%sh` / `%sh -e`: `bash -c` in the notebook's folder, in the task's process group (a cancel
  ends it), with the task's environment; `-e` fails the cell on a non-zero exit.

Cells in another language or of Databricks' own environment (`%scala`, `%r`, `%conda`), and in a
source-format notebook any magic not listed here, only run on Databricks (`refusal`).

A failing magic cell raises `CellFailed`, whose message names the cell. Semantics:
docs.databricks.com notebooks/notebooks-code, notebooks/notebook-workflows, notebooks/widgets,
libraries/notebooks-python-libraries.
"""

from __future__ import annotations

import importlib
import json
import os
import posixpath
import re
import shlex
import subprocess
import sys
import traceback
from collections import deque
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

from loom_jobs_widget.local.exec import display as displays
from loom_jobs_widget.local.exec import spark as sparks
from loom_jobs_widget.local.exec import warehouse
from loom_jobs_widget.local.exec.dbutils import DBUtils, NotebookExit, install_in_ipython
from loom_jobs_widget.local.exec.notebook_source import (
    DATABRICKS_ONLY_MAGICS,
    MARKDOWN_MAGICS,
    RUN_MAGICS,
    Cell,
    magic_parts,
    python_of,
    read_notebook_cells,
)
from loom_jobs_widget.local.exec.paths import resolve_notebook_path
from loom_jobs_widget.local.exec.protocol import INVOCATION_FILE

__all__ = [
    "CellFailed",
    "NotebookSession",
    "child_path",
    "install_in_kernel",
    "refusal",
    "run_sql",
    "sql_result",
]

_SITE_PACKAGES: Final = "site-packages"
_LEGACY_WIDGET: Final = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}")
_RUN_ARGUMENT: Final = re.compile(r"^\$([A-Za-z_][A-Za-z0-9_.-]*)=(.*)$", re.DOTALL)
#: %pip subcommands that change nothing, run as they are.
_PIP_READ_ONLY: Final = frozenset({"list", "show", "freeze", "check", "--version", "help"})
_FS_HELP: Final = """%fs runs dbutils.fs (dbfs:/ paths, /Volumes/... and file:/Workspace/...):
  ls [<path>]                  list a folder, as a table
  head [--maxBytes=N] <path>   the first bytes of a file (64 KiB unless told)
  cp [-r] <from> <to>          copy a file, or a folder with -r
  mv [-r] <from> <to>          move a file, or a folder with -r
  rm [-r] <path>               remove a file, or a folder with -r
  mkdirs <path>                make a folder and its parents
  put [-f] <path> "<text>"     write a file; -f replaces it"""


#: What `refusal` names as runnable, in the order a user reads it.
_RUNNABLE: Final = "Python, %md, %sql, %fs, %sh, %pip and %run cells"


class CellFailed(Exception):
    """A magic cell that failed; the message names the cell and says why."""


def refusal(cell: Cell, notebook: str, *, kernel: bool = False) -> str | None:
    """Why `cell` of `notebook` cannot run locally, naming it; None when it can. In a kernel
    (`kernel`, a .ipynb notebook) a magic this module does not run is IPython's (`%timeit`),
    so only the Databricks-only ones are refused."""
    magic = cell.magic
    if magic is None or magic == "python" or magic in MARKDOWN_MAGICS or magic in RUN_MAGICS:
        return None
    if kernel and magic not in DATABRICKS_ONLY_MAGICS:
        return None
    where = f"Cell {cell.number}" + (f" (line {cell.line})" if cell.line else "")
    return (
        f"{where} of notebook {notebook} is a %{magic} cell, which only runs on Databricks:"
        f" the local workspace runs {_RUNNABLE}"
    )


def sql_result(columns: list[str], rows: list[tuple[Any, ...]]) -> Any:
    """What `_sqldf` holds without Spark: a pandas DataFrame if pandas is importable, else a
    list of dicts, one per row."""
    try:
        pandas: Any = importlib.import_module("pandas")
    except ImportError:
        return [dict(zip(columns, row, strict=False)) for row in rows]
    return pandas.DataFrame.from_records(rows, columns=columns)


def run_sql(
    sql: str, namespace: Mapping[str, Any], parameters: Mapping[str, str], database: Path
) -> Any:
    """Runs a `%sql` cell's statements and returns the last one's result (`_sqldf`), or None
    when it returned no columns.

    The seam for Spark: when the notebook's globals hold a `spark` with a `sql` method, every
    statement goes to `spark.sql(statement, args=...)` (named `:name` markers, as Databricks
    binds them) and the result is the Spark DataFrame. Otherwise the local SQL warehouse runs
    them (DuckDB, as SQL file tasks do)."""
    spark = namespace.get("spark")
    if isinstance(spark, sparks.SparkProxy) and not sparks.is_enabled():
        spark = None  # the workspace runs no Spark, or pyspark is missing: the warehouse runs it
    if spark is not None and callable(getattr(spark, "sql", None)):
        result = None
        for statement in warehouse.split_statements(sql):
            used = {name: value for name, value in parameters.items() if f":{name}" in statement}
            result = spark.sql(statement, args=used) if used else spark.sql(statement)
        return result
    with warehouse.connect(database) as connection:
        columns, rows = warehouse.run_all(connection, sql, parameters)
    return None if columns is None else sql_result(columns, rows)


def _copy_output(
    argv: list[str], cwd: Path, env: Mapping[str, str] | None = None
) -> tuple[int, str]:
    """Runs `argv` with its output copied to this process's (or kernel's) stdout as it comes;
    its exit code and the last lines it printed."""
    sys.stdout.flush()
    sys.stderr.flush()
    tail: deque[str] = deque(maxlen=20)
    process = subprocess.Popen(
        argv,
        cwd=cwd,
        env=None if env is None else dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    assert process.stdout is not None
    for line in process.stdout:
        sys.stdout.write(line)
        tail.append(line)
    sys.stdout.flush()
    return process.wait(), "".join(tail)


class NotebookSession:
    """The running notebook's context for its magic cells: its workspace path and folder, the
    task run's folder and invocation, its `dbutils` and its globals."""

    def __init__(
        self,
        *,
        notebook: str,
        folder: Path,
        invocation: Mapping[str, Any],
        dbutils: DBUtils,
        namespace: dict[str, Any],
        filename: str = "",
    ) -> None:
        self.notebook = notebook
        self.folder = folder
        self.invocation = invocation
        self.dbutils = dbutils
        self.namespace = namespace
        self.filename = filename

    def run_magic(self, number: int, magic: str, args: str, body: str) -> None:
        """Runs magic cell `number` of this notebook; CellFailed names it when it fails."""
        where = f"Cell {number} (%{magic}) of notebook {self.notebook}"
        handlers: dict[str, Callable[[str, str, str], None]] = {
            "sql": self._sql,
            "fs": self._fs,
            "sh": self._sh,
            "pip": self._pip,
            "run": self._run,
        }
        handler = handlers.get(magic)
        if handler is None:
            raise CellFailed(
                f"{where}: %{magic} cells only run on Databricks; the local workspace runs"
                f" {_RUNNABLE}"
            )
        handler(where, args, body)

    def run_cells(self, cells: list[Cell], filename: str) -> None:
        """Runs `cells` in order in the globals (a `%run` notebook); a cell that cannot run
        locally fails it before any cell runs, as the task's own notebook does."""
        for cell in cells:
            reason = refusal(cell, self.notebook)
            if reason is not None:
                raise CellFailed(reason)
        for cell in cells:
            if cell.magic in MARKDOWN_MAGICS:
                continue
            if cell.magic in RUN_MAGICS:
                args, body = magic_parts(cell)
                assert cell.magic is not None
                self.run_magic(cell.number, cell.magic, args, body)
                continue
            source = python_of(cell)
            if source is not None:
                exec(compile(source, filename, "exec"), self.namespace)

    @property
    def _run_dir(self) -> Path:
        return Path(self.invocation["run_dir"])

    # --- %sql

    def _sql(self, where: str, args: str, body: str) -> None:
        parameters = self.dbutils.widgets.getAll()
        text = _LEGACY_WIDGET.sub(lambda m: parameters.get(m.group(1), m.group(0)), body)
        if not text.strip():
            return
        try:
            result = run_sql(text, self.namespace, parameters, Path(self.invocation["warehouse"]))
        except warehouse.SqlError as exc:
            raise CellFailed(f"{where}: {exc}") from None
        except Exception as exc:
            # The database's message is what the user needs, not its Python frames.
            if type(exc).__module__.lstrip("_").split(".")[0] in ("duckdb", "pyspark"):
                raise CellFailed(f"{where}: {sparks.explained(exc)}") from None
            raise
        if result is not None:
            self.namespace["_sqldf"] = result
            displays.display(result)

    # --- %fs

    def _fs(self, where: str, args: str, body: str) -> None:
        try:
            words = shlex.split(" ".join([args, *body.splitlines()]))
        except ValueError as exc:
            raise CellFailed(f"{where}: cannot read the %fs line: {exc}") from None
        command = words[0] if words else "help"
        flags = {word for word in words[1:] if word.startswith("-")}
        paths = [word for word in words[1:] if not word.startswith("-")]
        fs = self.dbutils.fs
        recurse = bool(flags & {"-r", "--recurse", "--recurse=true"})

        def needs(count: int, usage: str) -> list[str]:
            if len(paths) != count:
                raise CellFailed(f"{where}: usage: %fs {usage}")
            return paths

        try:
            if command == "ls":
                listed = fs.ls(paths[0] if paths else "/")
                if listed:
                    displays.display(listed)
                else:
                    print("OK")  # an empty folder: a table with no rows shows nothing
            elif command == "head":
                (path,) = needs(1, "head [--maxBytes=N] <path>")
                sizes = [flag.split("=", 1)[1] for flag in flags if flag.startswith("--maxBytes=")]
                limit = int(sizes[0]) if sizes else 65536
                print(fs.head(path, limit))
            elif command in ("cp", "mv"):
                source, target = needs(2, f"{command} [-r] <from> <to>")
                move = command == "mv"
                print((fs.mv if move else fs.cp)(source, target, recurse))
            elif command == "rm":
                (path,) = needs(1, "rm [-r] <path>")
                print(fs.rm(path, recurse))
            elif command == "mkdirs":
                (path,) = needs(1, "mkdirs <path>")
                print(fs.mkdirs(path))
            elif command == "put":
                path, contents = needs(2, 'put [-f] <path> "<contents>"')
                fs.put(path, contents, overwrite=bool(flags & {"-f", "--overwrite=true"}))
            elif command == "help":
                print(_FS_HELP)
            else:
                raise CellFailed(
                    f"{where}: the local workspace has no %fs {command}; it runs"
                    " ls, head, cp, mv, rm, mkdirs, put and help"
                )
        except (OSError, ValueError, TypeError) as exc:
            raise CellFailed(f"{where}: {exc}") from None

    # --- %sh

    def _sh(self, where: str, args: str, body: str) -> None:
        flags = args.split()
        code, _ = _copy_output(["bash", "-c", body], self.folder)
        if code != 0 and "-e" in flags:
            raise CellFailed(f"{where}: the shell command exited with code {code}")

    # --- %pip

    def _pip(self, where: str, args: str, body: str) -> None:
        words = shlex.split(" ".join([args, *body.splitlines()]), comments=True)
        command = words[0] if words else ""
        if command in _PIP_READ_ONLY:
            _copy_output([sys.executable, "-m", "pip", *words], self._run_dir)
            return
        if command != "install":
            raise CellFailed(
                f"{where}: only %pip install (and read-only commands such as %pip list) run"
                " locally; they install into this task run only"
            )
        target = self._run_dir / _SITE_PACKAGES
        packages = [word for word in words[1:] if not word.startswith("-")]
        print(f"Installing {' '.join(packages)} into this task run's environment ({target})")
        code, tail = _copy_output(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--target",
                str(target),
                "--no-input",
                "--disable-pip-version-check",
                *words[1:],
            ],
            # Not the notebook's folder: a notebook or file named pip.py there would be run
            # instead of pip.
            self._run_dir,
        )
        if code != 0:
            errors = [line for line in tail.splitlines() if line.startswith("ERROR")]
            reason = errors[-1] if errors else f"pip exited with code {code}"
            raise CellFailed(f"{where}: could not install {' '.join(packages)}: {reason}")
        if str(target) not in sys.path:
            sys.path.insert(0, str(target))
            paths = os.environ.get("PYTHONPATH")  # for %sh and the programs the task starts
            os.environ["PYTHONPATH"] = str(target) + (os.pathsep + paths if paths else "")
        importlib.invalidate_caches()

    # --- %run

    def _run(self, where: str, args: str, body: str) -> None:
        if body.strip():
            raise CellFailed(f"{where}: %run must be alone in its cell")
        try:
            words = shlex.split(args)
        except ValueError as exc:
            raise CellFailed(f"{where}: cannot read the %run line: {exc}") from None
        if not words:
            raise CellFailed(f"{where}: %run needs the path of a notebook")
        arguments: dict[str, str] = {}
        for word in words[1:]:
            match = _RUN_ARGUMENT.match(word)
            if match is None:
                raise CellFailed(
                    f'{where}: %run takes widget values as $name="value", not {word!r}'
                )
            arguments[match.group(1)] = match.group(2)
        path = child_path(self.notebook, words[0])
        root = Path(self.invocation["workspace_root"])
        try:
            local = resolve_notebook_path(root, path)
            cells = read_notebook_cells(local, path)
        except (OSError, ValueError) as exc:
            raise CellFailed(f"{where}: cannot run notebook {words[0]}: {exc}") from None
        inner = NotebookSession(
            notebook=path,
            folder=local.parent,
            invocation=self.invocation,
            dbutils=self.dbutils,
            namespace=self.namespace,
        )
        with self.dbutils.widgets.values_for_run(arguments):
            try:
                inner.run_cells(cells, str(local))
            except (NotebookExit, CellFailed):
                raise  # an exit ends the caller too; a failed cell names itself
            except Exception as exc:
                name = type(exc).__name__
                raise CellFailed(f"{where}: notebook {path} failed: {name}: {exc}") from exc


def child_path(notebook: str, path: str) -> str:
    """`path` (relative, `./x` or `../x`, or absolute) as a workspace path, relative paths from
    the folder of the notebook `notebook`."""
    if path.startswith("/"):
        return posixpath.normpath(path)
    return posixpath.normpath(posixpath.join(posixpath.dirname(notebook) or "/", path))


def install_in_kernel(run_dir: str) -> tuple[DBUtils, NotebookSession]:
    """In a `.ipynb` task's kernel: its `dbutils`, `display` and `displayHTML` (recorded as
    display outputs), and the session its magic cells run through. A failed magic cell shows
    its message rather than this module's frames."""
    from IPython import get_ipython

    dbutils = install_in_ipython(run_dir)
    shell = get_ipython()
    namespace: dict[str, Any] = shell.user_ns if shell is not None else {}
    invocation = json.loads((Path(run_dir) / INVOCATION_FILE).read_text(encoding="utf-8"))
    notebook = str(invocation["path"])
    folder = resolve_notebook_path(Path(invocation["workspace_root"]), notebook).parent
    displays.set_publisher(displays.publish_in_kernel)
    namespace["display"] = displays.display
    namespace["displayHTML"] = displays.displayHTML
    sparks.configure(invocation.get("spark"), invocation.get("dbfs_root"))
    sparks.inject(namespace, dbutils)
    if shell is not None:

        def show(
            self: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None
        ) -> None:
            if isinstance(value, NotebookExit):
                print(f"Notebook exited: {value.value}")
                return
            # The cell's error output, as the kernel sends one (what marks the cell failed):
            # what caused it, then the message naming the cell, without this module's frames.
            cause = value.__cause__
            lines = [] if cause is None else traceback.format_exception(cause)
            stb = [line.rstrip("\n") for line in lines] + [str(value)]
            send = getattr(shell, "_showtraceback", None)
            if callable(send):
                send(etype, value, stb)
            else:
                print("\n".join(stb), file=sys.stderr)

        shell.set_custom_exc((NotebookExit, CellFailed), show)
    session = NotebookSession(
        notebook=notebook,
        folder=folder,
        invocation=invocation,
        dbutils=dbutils,
        namespace=namespace,
    )
    return dbutils, session
