"""The environment variables of a task process: the single place for the rule "no variable of
the server reaches a task unless it is on the allow-list".

A task process does not inherit the environment of the process that serves the local workspace
(a shell's or a notebook kernel's, holding DATABRICKS_TOKEN, cloud keys and the like). It gets:

1. the server's variables that Python, Jupyter, Java and the programs a task starts need to run
   as they do in the server (`server_variables`: PATH, HOME, locale, time zone, temporary
   folder, `PYTHON*`, the virtual environment, certificate bundle paths, JAVA_HOME ...), never a
   name that looks like a credential, whatever its prefix;
2. what the task's compute sets: `spark_env_vars` of its `new_cluster`, or of the job cluster its
   `job_cluster_key` names (ClusterSpec.spark_env_vars: "exported as is ... while launching the
   driver");
3. the job's `environment_variables` entry the task's `environment_variables_key` names: its
   `.env` files, read by the task process at its start (`apply_environment_files`), then its
   inline `variables`, which win over the files (Jobs API 2.2: JobEnvironmentVariablesSpec);
4. PYTHONUNBUFFERED=1, so that a killed task's log is complete.

A later source wins over an earlier one. Tasks get no Databricks credential: dbutils and the task
runner need none (everything they touch is in the run folder and the data folder).

This removes what a task sees by accident (`os.environ`, libraries that read credentials from
the environment). It is not a sandbox: a task runs as the user who started the server.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from loom_jobs_widget.local.exec.paths import resolve_workspace_path
from loom_jobs_widget.local.exec.protocol import TaskInvocation, UnsupportedTask
from loom_jobs_widget.local.exec.workload import SetupError

__all__ = [
    "ENVIRONMENT_FILES",
    "FORCED",
    "apply_environment_files",
    "environment_files",
    "server_variables",
    "task_environment",
]

#: What every task process has, whatever the settings say.
FORCED: Final = {"PYTHONUNBUFFERED": "1"}  # output.log is complete even when a task is killed

#: Key of the invocation file listing the `.env` files the task process reads at its start.
ENVIRONMENT_FILES: Final = "environment_files"

_KEPT_NAMES: Final = frozenset(
    {
        # The system and the user's session.
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "TZ", "TMPDIR", "TEMP", "TMP",
        "LANG", "LANGUAGE", "TERM", "COLUMNS", "NO_COLOR",
        # Shared libraries (conda environments, CUDA).
        "LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH", "DYLD_FALLBACK_LIBRARY_PATH",
        # The Python environment and what notebooks (nbclient, IPython, matplotlib) read.
        "VIRTUAL_ENV", "CONDA_PREFIX", "CONDA_DEFAULT_ENV", "IPYTHONDIR", "MPLBACKEND",
        "MPLCONFIGDIR", "JUPYTER_PATH", "JUPYTER_CONFIG_DIR", "JUPYTER_CONFIG_PATH",
        "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_PLATFORM_DIRS",
        # Certificate bundles (paths) for HTTPS behind a company's proxy.
        "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
        # Java (jar tasks) and a local Spark.
        "JAVA_HOME", "SPARK_HOME", "HADOOP_HOME", "PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON",
    }
)  # fmt: skip
#: Families of variables kept whole: locale categories, the interpreter's start-up settings,
#: the XDG base folders.
_KEPT_PREFIXES: Final = ("LC_", "PYTHON", "XDG_")
#: A name with one of these words is a credential, whatever else it says (JUPYTER_TOKEN,
#: PYTHON_KEYRING_PASSWORD ...): never kept from the server.
_SECRET_WORDS: Final = re.compile(
    r"TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|PRIVATE|(^|_)(API_?)?KEY(_|$)|AUTH"
    r"|COOKIE|SESSION|SIGNATURE|CERT_PASS",
    re.IGNORECASE,
)
#: Names a variable may have (JobEnvironmentVariablesSpec: `^[A-Za-z_][A-Za-z0-9_]*$`; cluster
#: variables are exported by a shell, which needs the same).
_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: A `.env` file's limits (JobEnvironmentVariablesSpec.files): 32 KiB, lines of 1 KiB.
_FILE_LIMIT_BYTES: Final = 32 * 1024
_LINE_LIMIT_BYTES: Final = 1024


def server_variables(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The variables of `environ` (the server's own, by default) a task process keeps."""
    source = os.environ if environ is None else environ
    return {
        name: value
        for name, value in source.items()
        if (name in _KEPT_NAMES or name.startswith(_KEPT_PREFIXES))
        and not _SECRET_WORDS.search(name)
    }


def task_environment(invocation: TaskInvocation) -> dict[str, str]:
    """The whole environment of the task's process (its `.env` files aside, which the process
    reads itself). Raises UnsupportedTask for a variable no process can have (a name with `=`, a
    NUL character), naming the task and the field."""
    task = invocation.task
    env = server_variables()
    cluster, where = _cluster_of(task, invocation.job_settings)
    if cluster is not None:
        env.update(_variables(cluster.get("spark_env_vars"), task, f"{where}.spark_env_vars"))
    entry, where = _environment_variables_of(task, invocation.job_settings)
    if entry is not None:
        env.update(_variables(entry.get("variables"), task, f"{where}.spec.variables"))
    env.update(FORCED)
    return env


def environment_files(invocation: TaskInvocation) -> dict[str, Any]:
    """What the task process reads at its start (`apply_environment_files`): the `.env` files
    of its environment_variables entry, and the inline names that win over them."""
    entry, _ = _environment_variables_of(invocation.task, invocation.job_settings)
    files = entry.get("files") if entry is not None else None
    variables = entry.get("variables") if entry is not None else None
    return {
        "files": [str(path) for path in files] if isinstance(files, list) else [],
        "inline": [str(name) for name in variables] if isinstance(variables, dict) else [],
    }


def _cluster_of(
    task: Mapping[str, Any], job_settings: Mapping[str, Any]
) -> tuple[dict[str, Any] | None, str]:
    """The cluster spec the task runs on (its own `new_cluster`, or its job cluster's), and
    where it sits, for messages."""
    own = task.get("new_cluster")
    if isinstance(own, dict):
        return own, "new_cluster"
    key = task.get("job_cluster_key")
    clusters = job_settings.get("job_clusters")
    if not isinstance(key, str) or not isinstance(clusters, list):
        return None, ""
    for cluster in clusters:
        if isinstance(cluster, dict) and cluster.get("job_cluster_key") == key:
            spec = cluster.get("new_cluster")
            if isinstance(spec, dict):
                return spec, f"job_clusters[{key}].new_cluster"
    return None, ""


def _environment_variables_of(
    task: Mapping[str, Any], job_settings: Mapping[str, Any]
) -> tuple[dict[str, Any] | None, str]:
    """The `spec` of the job's environment_variables entry the task names, and where it sits."""
    key = task.get("environment_variables_key")
    entries = job_settings.get("environment_variables")
    if not isinstance(key, str) or not isinstance(entries, list):
        return None, ""
    for entry in entries:
        if isinstance(entry, dict) and entry.get("environment_variables_key") == key:
            spec = entry.get("spec")
            if isinstance(spec, dict):
                return spec, f"environment_variables[{key}]"
    return None, ""


def _variables(given: Any, task: Mapping[str, Any], field: str) -> dict[str, str]:
    if not isinstance(given, dict):
        return {}
    variables: dict[str, str] = {}
    for name, value in given.items():
        text = value if isinstance(value, str) else _text(value)
        if not isinstance(name, str) or not _NAME.fullmatch(name) or "\x00" in text:
            raise UnsupportedTask(
                f"Task {task.get('task_key', '?')!r}: {field} sets {str(name)[:80]!r}, which no"
                " process can have as an environment variable (a name is letters, digits and"
                " '_', not starting with a digit; no value holds a NUL character)"
            )
        variables[name] = text
    return variables


def _text(value: Any) -> str:
    # A value that is no string (the API's are strings) as its JSON text: 3, true, {"a": 1}.
    return "" if value is None else json.dumps(value, default=str)


# --- in the task process -------------------------------------------------------------------------


def apply_environment_files(spec: Mapping[str, Any], workspace_root: Path) -> None:
    """In the task process, before the workload: the variables of the task's `.env` files, a
    later file winning over an earlier one, none over an inline variable. Raises
    SetupError for a file that is missing, too large or not `KEY=VALUE` lines (as a
    run on Databricks fails)."""
    inline = set(spec.get("inline") or ())
    found: dict[str, str] = {}
    for raw in spec.get("files") or ():
        found.update(_read_env_file(str(raw), workspace_root))
    for name, value in found.items():
        if name not in inline:
            os.environ[name] = value


def _read_env_file(raw: str, workspace_root: Path) -> dict[str, str]:
    if raw.startswith("/Volumes/"):
        raise SetupError(
            f"Environment file {raw} is in a Unity Catalog volume, which the local workspace"
            " does not read; use a workspace file (/Workspace/...)"
        )
    try:
        path = resolve_workspace_path(workspace_root, raw)
        data = path.read_bytes()
    except (ValueError, OSError) as exc:
        raise SetupError(f"Environment file {raw} cannot be read: {exc}") from None
    if len(data) > _FILE_LIMIT_BYTES:
        raise SetupError(
            f"Environment file {raw} is {len(data)} bytes; the limit is {_FILE_LIMIT_BYTES}"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SetupError(f"Environment file {raw} is not UTF-8 text") from None
    variables: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        name, equals, value = line.partition("=")
        if len(line.encode("utf-8")) > _LINE_LIMIT_BYTES:
            raise SetupError(
                f"Line {number} of environment file {raw} is over {_LINE_LIMIT_BYTES} bytes"
            )
        if not equals or not _NAME.fullmatch(name) or "\x00" in value:
            raise SetupError(
                f"Line {number} of environment file {raw} is not KEY=VALUE (a KEY is letters,"
                " digits and '_', not starting with a digit)"
            )
        variables[name] = value
    return variables
