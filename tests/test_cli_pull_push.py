"""`loom-jobs pull` and `loom-jobs push` between two workspaces: the "real" one is a second local
workspace (its own data folder and port), reached through a profile of a `.databrickscfg`, as
a real workspace would be; the other is the local workspace of `--data`."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from loom_jobs_widget.cli import main
from loom_jobs_widget.client import RunHandle, Workspace, connect
from loom_jobs_widget.core.server_defaults import same_up_to_server_defaults

FOLDER = "/Workspace/Shared/etl"
MAIN = f"{FOLDER}/main"
HELPERS = f"{FOLDER}/lib/helpers"
REPORT = f"{FOLDER}/report.py"

_MAIN_SOURCE = """# Databricks notebook source
# MAGIC %run ./lib/helpers

# COMMAND ----------

day = dbutils.widgets.get("day")
print(greet(day))
"""
_HELPERS_SOURCE = """# Databricks notebook source
def greet(day):
    return f"hello {day}"
"""
_REPORT_SOURCE = "import sys\n\nprint('report', *sys.argv[1:])\n"


@dataclass
class Pair:
    source: Workspace  # the "real" workspace, profile `src`
    data: Path  # the local workspace's data folder (--data)
    local: Workspace


@pytest.fixture
def pair(clean_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Pair]:
    with connect("local", data_dir=tmp_path / "real") as source:
        assert source.local is not None
        config = tmp_path / "databrickscfg"
        config.write_text(f"[src]\nhost = {source.host}\ntoken = {source.local.token}\n")
        monkeypatch.setenv("DATABRICKS_CONFIG_FILE", str(config))
        # Held open here, the CLI's connect("local") reuses this server rather than start one.
        with connect("local", data_dir=tmp_path / "here") as local:
            yield Pair(source, tmp_path / "here", local)


def _upload(ws: Workspace, path: str, content: str, *, notebook: bool) -> None:
    from databricks.sdk.service.workspace import ImportFormat, Language

    ws.client.workspace.mkdirs(path.rsplit("/", 1)[0])
    if notebook:
        ws.client.workspace.upload(path, content.encode(), format=ImportFormat.SOURCE,
                                   language=Language.PYTHON, overwrite=True)  # fmt: skip
    else:
        ws.client.workspace.upload(path, content.encode(), format=ImportFormat.AUTO,
                                   overwrite=True)  # fmt: skip


def _content(ws: Workspace, path: str) -> bytes:
    from databricks.sdk.service.workspace import ExportFormat

    exported = ws.client.workspace.export(path, format=ExportFormat.SOURCE)
    return base64.b64decode(exported.content or "")


def _raw_settings(ws: Workspace, job_id: int) -> dict[str, Any]:
    answer = ws.api_client.do("GET", "/api/2.2/jobs/get", query={"job_id": job_id})
    assert isinstance(answer, dict)
    settings = answer["settings"]
    assert isinstance(settings, dict)
    return settings


def _source_job(ws: Workspace) -> int:
    for path, text, notebook in (
        (MAIN, _MAIN_SOURCE, True),
        (HELPERS, _HELPERS_SOURCE, True),
        (REPORT, _REPORT_SOURCE, False),
    ):
        _upload(ws, path, text, notebook=notebook)
    settings = {
        "name": "nightly",
        "tags": {"team": "data"},
        "job_clusters": [
            {"job_cluster_key": "main",
             "new_cluster": {"spark_version": "15.4.x-scala2.12", "node_type_id": "i3.xlarge",
                             "num_workers": 2}},
        ],
        "tasks": [
            {"task_key": "prepare", "job_cluster_key": "main",
             "notebook_task": {"notebook_path": MAIN, "base_parameters": {"day": "mon"}}},
            {"task_key": "report", "depends_on": [{"task_key": "prepare"}],
             "existing_cluster_id": "0123-456789-abcdefgh",
             "spark_python_task": {"python_file": REPORT, "parameters": ["done"]}},
        ],
    }  # fmt: skip
    job_id = ws.jobs.create(settings).job_id
    assert isinstance(job_id, int)
    # A field no model of ours knows: it must survive the round trip untouched.
    ws.api_client.do("POST", "/api/2.2/jobs/update", body={
        "job_id": job_id, "new_settings": {"x_unmodelled": {"kept": [1, 2]}}})  # fmt: skip
    assert _raw_settings(ws, job_id)["x_unmodelled"] == {"kept": [1, 2]}
    return job_id


def _pull(
    capsys: pytest.CaptureFixture[str], data: Path, job_id: int, *extra: str
) -> tuple[int, str]:
    assert main(["pull", "--job", str(job_id), "--from", "src", "--data", str(data), *extra]) == 0
    out = capsys.readouterr().out
    found = re.search(r"as local job (\d+)", out)
    assert found is not None, out
    return int(found.group(1)), out


def test_pull_run_edit_push(pair: Pair, capsys: pytest.CaptureFixture[str]) -> None:
    remote_id = _source_job(pair.source)
    before = _raw_settings(pair.source, remote_id)
    local_id, out = _pull(capsys, pair.data, remote_id)
    for path in (MAIN, HELPERS, REPORT):
        assert f"copied   {path}" in out
        assert _content(pair.local, path) == _content(pair.source, path)
    pulled = _raw_settings(pair.local, local_id)
    assert same_up_to_server_defaults(pulled, before)
    assert "x_unmodelled" in pulled  # the record of the pull is not in the settings
    assert set(pulled) == set(before)

    # The local workspace runs it as processes, whatever the compute says.
    run_id = int(pair.local.runs.run_now(local_id)["run_id"])
    run = RunHandle(pair.local.runs, run_id).wait(90)
    assert run["state"]["result_state"] == "SUCCESS", run["state"]

    # Edit here: a task's parameter renamed, a %run notebook changed.
    job = pair.local.jobs.get(local_id)
    edited = job.settings.to_api()  # type: ignore[union-attr]
    edited["tasks"][0]["notebook_task"]["base_parameters"] = {"weekday": "mon"}
    from loom_jobs_widget.core.models import JobSettings

    job.settings = JobSettings.from_api(edited)
    pair.local.jobs.save(job)
    new_helpers = _HELPERS_SOURCE + "\n\ndef bye():\n    return 'bye'\n"
    _upload(pair.local, HELPERS, new_helpers, notebook=True)
    # Meanwhile someone changes another field in the workspace: kept.
    pair.source.api_client.do("POST", "/api/2.2/jobs/update", body={
        "job_id": remote_id, "new_settings": {"tags": {"team": "platform"}}})  # fmt: skip

    assert main(["push", "--job", str(local_id), "--to", "src", "--data", str(pair.data)]) == 0
    out = capsys.readouterr().out
    assert f"Pushed to job {remote_id}" in out
    assert "settings changed: tasks[prepare]" in out
    assert f"sent     {HELPERS}" in out
    assert MAIN not in out and REPORT not in out  # unchanged: not sent

    after = _raw_settings(pair.source, remote_id)
    prepare = next(t for t in after["tasks"] if t["task_key"] == "prepare")
    assert prepare["notebook_task"]["base_parameters"] == {"weekday": "mon"}
    expected = {**before, "tags": {"team": "platform"}}
    expected["tasks"] = [
        {**t, "notebook_task": {**t["notebook_task"], "base_parameters": {"weekday": "mon"}}}
        if t["task_key"] == "prepare" else t
        for t in before["tasks"]
    ]  # fmt: skip
    assert after == expected  # every other field, the unmodelled one too, exactly as it was
    assert _content(pair.source, HELPERS) == _content(pair.local, HELPERS)
    assert b"def bye" in _content(pair.source, HELPERS)


def test_conflicting_edit_stops_the_push(pair: Pair, capsys: pytest.CaptureFixture[str]) -> None:
    remote_id = _source_job(pair.source)
    local_id, _ = _pull(capsys, pair.data, remote_id, "--as", "nightly (local)")
    assert pair.local.jobs.get(local_id).settings.name == "nightly (local)"  # type: ignore[union-attr]
    for ws, seconds in ((pair.local, 600), (pair.source, 300)):
        job = ws.jobs.get(local_id if ws is pair.local else remote_id)
        job.settings.timeout_seconds = seconds  # type: ignore[union-attr]
        ws.jobs.save(job)
    _upload(pair.local, REPORT, "print('ours')\n", notebook=False)
    before = _raw_settings(pair.source, remote_id)

    push = ["push", "--job", str(local_id), "--to", "src", "--data", str(pair.data)]
    assert main(push) == 1
    captured = capsys.readouterr()
    assert "timeout_seconds" in captured.err and "Traceback" not in captured.err
    assert _raw_settings(pair.source, remote_id) == before  # nothing written
    assert _content(pair.source, REPORT) == _REPORT_SOURCE.encode()

    assert main([*push, "--force"]) == 0
    capsys.readouterr()
    after = _raw_settings(pair.source, remote_id)
    assert after["timeout_seconds"] == 600
    assert after["name"] == "nightly"  # the local name given by --as does not travel back
    assert _content(pair.source, REPORT) == b"print('ours')\n"


def test_clear_errors(pair: Pair, capsys: pytest.CaptureFixture[str]) -> None:
    token = pair.source.local.token  # type: ignore[union-attr]
    assert main(["pull", "--job", "1", "--from", "nope", "--data", str(pair.data)]) == 1
    err = capsys.readouterr().err
    assert "nope" in err and "Traceback" not in err

    assert main(["pull", "--job", "987654", "--from", "src", "--data", str(pair.data)]) == 1
    err = capsys.readouterr().err
    assert "987654" in err and "Traceback" not in err and token not in err

    remote_id = _source_job(pair.source)
    pair.source.client.workspace.delete(REPORT)
    local_id, out = _pull(capsys, pair.data, remote_id)
    assert f"missing  {REPORT}" in out and f"copied   {MAIN}" in out

    own = pair.local.jobs.create({"name": "mine", "tasks": [
        {"task_key": "a", "spark_python_task": {"python_file": REPORT}}]}).job_id  # fmt: skip
    assert main(["push", "--job", str(own), "--to", "src", "--data", str(pair.data)]) == 1
    assert "--as-new" in capsys.readouterr().err
    assert local_id != own


def test_referenced_paths_and_run_targets() -> None:
    from loom_jobs_widget.client.transfer import referenced_paths, run_targets

    settings = {
        "tasks": [
            {"task_key": "loop", "for_each_task": {"inputs": "[1]", "task": {
                "task_key": "inner", "notebook_task": {"notebook_path": "/Users/a/inner"}}}},
            {"task_key": "wheel", "python_wheel_task": {"package_name": "p", "entry_point": "e"},
             "libraries": [{"whl": "/Workspace/Shared/p.whl"}, {"whl": "/Volumes/c/s/v/q.whl"},
                           {"pypi": {"package": "x"}}]},
            {"task_key": "sql", "sql_task": {"file": {"path": "/Shared/q.sql"},
                                             "warehouse_id": "w"}},
            {"task_key": "git", "notebook_task": {"notebook_path": "nb", "source": "GIT"}},
        ],
    }  # fmt: skip
    assert referenced_paths(settings) == [
        ("/Workspace/Shared/p.whl", False),
        ("/Shared/q.sql", False),
        ("/Users/a/inner", True),
    ]
    source = b"# Databricks notebook source\n# MAGIC %run ../common/setup\n\n-- MAGIC %run ./x\n"
    assert run_targets("/Users/a/etl/main", source) == ["/Users/a/common/setup", "/Users/a/etl/x"]
    ipynb = b'{"cells": [{"cell_type": "code", "source": ["%run \\"/Shared/lib\\"\\n", "x = 1"]}]}'
    assert run_targets("/Users/a/nb", ipynb) == ["/Shared/lib"]
