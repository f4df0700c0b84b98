"""connect(): which workspace it picks, how fast it fails, azure-identity, and no secrets in
reprs, logs, errors or a saved notebook."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
from azure.core.credentials import AccessToken
from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config
from nbclient import NotebookClient

import loom_jobs_widget
from loom_jobs_widget.client import (
    AuthError,
    ConfigurationError,
    JobsService,
    UnreachableError,
    Workspace,
    connect,
    default_data_dir,
    unified_auth_configured,
)
from loom_jobs_widget.client.azure_auth import AZURE_DATABRICKS_SCOPE, AzureIdentityCredentials
from loom_jobs_widget.core.models import Job

from ..conftest import Stub


def token_of(ws: Workspace) -> str:
    assert ws.local is not None
    return ws.local.token


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- which workspace -----------------------------------------------------------------------------


def test_no_configuration_starts_the_local_workspace_under_home(clean_env: Path) -> None:
    assert unified_auth_configured() is None
    assert default_data_dir() == clean_env / ".loom-jobs" / "local"
    with connect() as ws:
        assert ws.local is not None and ws.is_local
        assert ws.local.data_dir == (clean_env / ".loom-jobs" / "local").resolve()
        assert ws.source.startswith("local ") and ws.auth_type == "pat"
        assert ws.user_name == "local-user@localhost"
        assert ws.host.startswith("http://127.0.0.1:")
        job = ws.jobs.create({"name": "first"})
        assert job.job_id is not None


def test_data_folder_from_the_environment(
    clean_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOOM_JOBS_DATA", str(tmp_path / "from-env"))
    with connect() as ws:
        assert ws.local is not None and ws.local.data_dir == (tmp_path / "from-env").resolve()
    with connect(data_dir=tmp_path / "from-arg") as ws:
        assert ws.local is not None and ws.local.data_dir == (tmp_path / "from-arg").resolve()


def test_local_workspace_is_reused_in_process(clean_env: Path, tmp_path: Path) -> None:
    first = connect("local", data_dir=tmp_path / "shared")
    second = connect("local", data_dir=tmp_path / "shared")
    assert first.local is second.local and first.host == second.host
    job = first.jobs.create({"name": "seen by both"})
    assert isinstance(job.job_id, int)
    first.close()
    assert second.jobs.get(job.job_id).job_id == job.job_id  # still served
    second.close()
    assert second.local is not None
    with pytest.raises(RuntimeError):
        second.local.host  # noqa: B018 - stopped once the last handle closed
    # A later connect() starts it again, with the same jobs.
    with connect("local", data_dir=tmp_path / "shared") as third:
        assert third.jobs.get(job.job_id).settings is not None


def test_local_folder_served_elsewhere(clean_env: Path, tmp_path: Path) -> None:
    folder = tmp_path / "busy"
    folder.mkdir()
    with (folder / "lock").open("a") as held:  # as another process serving it would hold it
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(ConfigurationError) as caught:
            connect("local", data_dir=folder)
    message = str(caught.value)
    assert message.startswith(f"Could not start the local workspace in {folder.resolve()}: ")
    assert "another process holds it but its address is unknown" in message
    assert "\n" not in message


def test_a_local_folder_another_process_serves_is_reused(clean_env: Path, tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    server = subprocess.Popen(
        [sys.executable, "-m", "loom_jobs_widget.cli", "serve", "--data", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        assert first.startswith("Local Databricks workspace on http://127.0.0.1:"), first
        with connect("local", data_dir=folder) as ws:
            assert ws.is_local and ws.local is None  # served by the other process
            assert ws.host == first.split(" on ", 1)[1].strip()
            job = ws.jobs.save(Job.from_api({"settings": {"name": "from another kernel"}}))
            assert ws.jobs.get(job.job_id).settings.name == "from another kernel"
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert not (folder / "server.json").exists()  # a stopped server leaves no address behind
    with connect("local", data_dir=folder) as ws:  # now this process serves it
        assert ws.local is not None
        assert [j.settings.name for j in ws.jobs.list()] == ["from another kernel"]


def test_environment_unified_auth(
    clean_env: Path, ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABRICKS_HOST", ws.host)
    monkeypatch.setenv("DATABRICKS_TOKEN", token_of(ws))
    assert unified_auth_configured() == "environment (DATABRICKS_HOST)"
    remote = connect()
    assert remote.local is None and remote.host == ws.host
    assert remote.source == "environment (DATABRICKS_HOST)" and remote.auth_type == "pat"
    assert remote.user_name == ws.user_name


def test_config_file_profiles(clean_env: Path, ws: Workspace) -> None:
    (clean_env / ".databrickscfg").write_text(
        textwrap.dedent(
            f"""\
            [DEFAULT]
            host = {ws.host}
            token = {token_of(ws)}

            [dev]
            host = {ws.host}
            token = {token_of(ws)}
            """
        )
    )
    assert unified_auth_configured() == f"config file {clean_env / '.databrickscfg'}"
    default = connect()
    assert default.host == ws.host and default.source.startswith("config file")
    dev = connect(profile="dev")
    assert dev.source == "profile dev" and dev.host == ws.host
    with pytest.raises(ConfigurationError) as caught:
        connect(profile="missing")
    assert str(caught.value) == (
        f"Could not connect to profile missing: {clean_env / '.databrickscfg'} has no [missing] "
        "section; add it (databricks auth login --profile ...) or pick another profile."
    )


def test_config_file_settings_default_profile(clean_env: Path, ws: Workspace) -> None:
    (clean_env / ".databrickscfg").write_text(
        f"[__settings__]\ndefault_profile = prod\n\n[prod]\nhost = {ws.host}\n"
        f"token = {token_of(ws)}\n"
    )
    assert unified_auth_configured() is not None
    assert connect().host == ws.host


def test_config_file_without_a_host_is_not_configuration(clean_env: Path, tmp_path: Path) -> None:
    (clean_env / ".databrickscfg").write_text("[other]\nhost = https://x.cloud.databricks.com\n")
    assert unified_auth_configured() is None  # only a default profile counts


def test_databricks_runtime_comes_first(
    clean_env: Path, ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In a notebook the runtime gives the SDK its host and token; the environment stands in.
    monkeypatch.setenv("DATABRICKS_RUNTIME_VERSION", "17.3")
    monkeypatch.setenv("DATABRICKS_HOST", ws.host)
    monkeypatch.setenv("DATABRICKS_TOKEN", token_of(ws))
    monkeypatch.setenv("LOOM_JOBS_DATA", "/nonexistent/never/used")
    remote = connect()
    assert remote.source == "databricks runtime" and remote.host == ws.host


def test_explicit_host_and_token(ws: Workspace) -> None:
    remote = connect(host=ws.host, token=token_of(ws))
    assert remote.source == "host" and remote.local is None
    assert connect(ws.host, token=token_of(ws)).host == ws.host


def test_the_package_exports_connect(clean_env: Path, tmp_path: Path) -> None:
    with loom_jobs_widget.connect("local", data_dir=tmp_path / "m") as ws:
        assert ws.is_local


def test_unreachable_host_fails_in_seconds(clean_env: Path, elapsed: Callable[[], float]) -> None:
    port = free_port()
    with pytest.raises(UnreachableError) as caught:
        connect(host=f"http://127.0.0.1:{port}", token="dapi-x")
    assert elapsed() < 2
    assert str(caught.value) == (
        f"Could not connect to http://127.0.0.1:{port}: the workspace cannot be reached "
        "(connection refused)."
    )


def test_unresolvable_host(clean_env: Path, elapsed: Callable[[], float]) -> None:
    with pytest.raises(UnreachableError, match=r"does not resolve|cannot be reached"):
        connect(host="https://no-such-workspace.invalid", token="dapi-x")
    assert elapsed() < 10


def test_silent_host_is_bounded(clean_env: Path, stub: Stub, elapsed: Callable[[], float]) -> None:
    stub.hang.add("/.well-known/databricks-config")
    with pytest.raises(UnreachableError, match="no answer in time"):
        connect(host=stub.url, token="dapi-x", http_timeout_seconds=1)
    assert elapsed() < 4


def test_bounded_retry_budget_on_every_client(stub: Stub) -> None:
    remote = connect(host=stub.url, token="dapi-x", retry_timeout_seconds=3, http_timeout_seconds=7)
    config = remote.client.config
    assert (config.retry_timeout_seconds, config.http_timeout_seconds) == (3, 7)
    # The user agent names the widget.
    agents = [headers.get("User-Agent", "") for _, _, headers, _ in stub.requests]
    assert any(agent.startswith("loom-jobs-widget/") for agent in agents)


# --- azure-identity ------------------------------------------------------------------------------


class CountingCredential:
    """An azure-core TokenCredential handing out a fixed token, counting what it is asked."""

    def __init__(self, token: str, lifetime: float = 3600) -> None:
        self.token = token
        self.lifetime = lifetime
        self.scopes: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.scopes.append(scopes)
        return AccessToken(self.token, int(time.time() + self.lifetime))


def test_azure_identity_end_to_end(ws: Workspace) -> None:
    credential = CountingCredential(token_of(ws))
    remote = connect(host=ws.host, credential=credential)
    assert remote.auth_type == "azure-identity" and remote.source == "azure-identity"
    assert remote.user_name == ws.user_name
    job = remote.jobs.create({"name": "via azure identity"})
    assert isinstance(job.job_id, int)
    for _ in range(3):
        remote.jobs.get(job.job_id)
    # Asked for the Azure Databricks scope, once: the token is cached until near expiry.
    assert credential.scopes == [(AZURE_DATABRICKS_SCOPE,)]
    assert AZURE_DATABRICKS_SCOPE == "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default"


def test_azure_identity_near_expiry_asks_every_time(ws: Workspace) -> None:
    credential = CountingCredential(token_of(ws), lifetime=60)  # inside the 5-minute margin
    remote = connect(host=ws.host, auth="azure-identity", credential=credential)
    calls = len(credential.scopes)
    list(remote.jobs.list(limit=1))
    list(remote.jobs.list(limit=1))
    assert len(credential.scopes) == calls + 2


def test_azure_identity_refreshes_when_expired(ws: Workspace) -> None:
    now = [1_000_000.0]
    credential = CountingCredential(token_of(ws))
    credential_time = [now[0] + 3600]

    def get_token(*scopes: str, **kwargs: Any) -> AccessToken:
        credential.scopes.append(scopes)
        return AccessToken(credential.token, int(credential_time[0]))

    credential.get_token = get_token  # type: ignore[method-assign]
    strategy = AzureIdentityCredentials(credential, clock=lambda: now[0])
    client = WorkspaceClient(
        config=Config(host=ws.host, credentials_strategy=strategy, retry_timeout_seconds=5)
    )
    jobs = JobsService(client)
    list(jobs.list(limit=1))
    list(jobs.list(limit=1))
    assert len(credential.scopes) == 1  # asked while the client was built, then cached
    now[0] += 3600 - 299  # within the refresh margin of expiry
    credential_time[0] = now[0] + 3600
    list(jobs.list(limit=1))
    assert len(credential.scopes) == 2
    list(jobs.list(limit=1))
    assert len(credential.scopes) == 2


def test_azure_identity_token_refused(ws: Workspace) -> None:
    credential = CountingCredential("eyJ-not-a-databricks-token")
    with pytest.raises(AuthError) as caught:
        connect(host=ws.host, credential=credential)
    assert "refused the credentials" in str(caught.value)
    assert "eyJ-not-a-databricks-token" not in str(caught.value)


def test_default_azure_credential_with_nothing_configured(
    clean_env: Path,
    ws: Workspace,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    elapsed: Callable[[], float],
) -> None:
    for name in list(os.environ):
        if name.startswith(("AZURE_", "ARM_", "IDENTITY_", "MSI_")):
            monkeypatch.delenv(name)
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no az, azd or pwsh to find
    # Developer credentials only: no managed-identity probe of the instance metadata service.
    monkeypatch.setenv("AZURE_TOKEN_CREDENTIALS", "dev")
    with pytest.raises(AuthError) as caught:
        connect(host=ws.host, auth="azure-identity")
    assert elapsed() < 10
    message = str(caught.value)
    assert message.startswith(
        f"Could not get an Azure token for the Azure Databricks workspace at {ws.host}: "
        "DefaultAzureCredential found no usable credential"
    )
    assert "az login" in message and "\n" not in message
    assert "DefaultAzureCredential failed" in str(caught.value.__cause__)


# --- no secrets ----------------------------------------------------------------------------------


def test_no_token_in_reprs_or_logs(ws: Workspace, caplog: pytest.LogCaptureFixture) -> None:
    token = token_of(ws)
    with caplog.at_level(logging.DEBUG):
        remote = connect(host=ws.host, token=token)
        job = remote.jobs.create({"name": "logged"})
        assert isinstance(job.job_id, int) and job.settings is not None
        job.settings.name = "logged again"
        remote.jobs.save(job)
        with pytest.raises(AuthError) as caught:
            connect(host=ws.host, token=token + "x")
    texts = [
        repr(remote),
        str(remote),
        repr(remote.jobs),
        repr(remote.client.config),
        str(caught.value),
        repr(caught.value),
    ]
    texts += [record.getMessage() for record in caplog.records]
    assert any("/api/2.2/jobs/update" in record.getMessage() for record in caplog.records)
    for text in texts:
        assert token not in text
    assert repr(remote).startswith(f"Workspace(host='{ws.host}', auth_type='pat'")


NOTEBOOK_CELLS = [
    # Everything any library logs, into the cell outputs.
    "import logging, sys\nlogging.basicConfig(level=logging.DEBUG, stream=sys.stdout, force=True)",
    "import loom_jobs_widget\nws = loom_jobs_widget.connect('local', data_dir=DATA)\nws",
    "ws.client.config",
    "print(ws, ws.jobs, ws.local, ws.client.config)",
    textwrap.dedent(
        """\
        job = ws.jobs.create({
            "name": "notebook job",
            "tasks": [
                {"task_key": "a", "notebook_task": {"notebook_path": "/Shared/a"}},
                {"task_key": "b", "depends_on": [{"task_key": "a"}],
                 "notebook_task": {"notebook_path": "/Shared/b"}},
            ],
        })
        job = ws.jobs.get(job.job_id)
        job.settings.description = "edited in a notebook"
        ws.jobs.save(job)"""
    ),
    "from loom_jobs_widget.graph import JobGraph\nJobGraph.from_settings(job.settings)",
    "vars(ws), vars(ws.jobs)",
    "ws.jobs.get(424242)",  # an error: its traceback is saved too
]


def test_saved_notebook_holds_no_token(tmp_path: Path) -> None:
    data = tmp_path / "notebook-workspace"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"DATA = {str(data)!r}")]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in NOTEBOOK_CELLS]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    client = NotebookClient(
        nb,
        timeout=60,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(tmp_path)}},
        store_widget_state=True,
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABRICKS_")}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    client.execute(env=env)
    saved = tmp_path / "executed.ipynb"
    nbformat.write(nb, saved)

    token = (data / "token").read_text().strip()
    assert token.startswith("dapi") and len(token) > 20
    text = saved.read_text(encoding="utf-8")
    assert token not in text
    # The notebook did what it says: connected, saved, showed the widget, logged, failed.
    document = json.loads(text)
    outputs = json.dumps([cell.get("outputs", []) for cell in document["cells"]])
    assert "Workspace(host=" in outputs and "/api/2.2/jobs/update" in outputs
    assert "application/vnd.jupyter.widget-view+json" in outputs
    assert "NotFoundError" in outputs and "424242" in outputs
    widget_state = document["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]
    assert any(
        model["state"].get("title") == "notebook job" for model in widget_state["state"].values()
    )
