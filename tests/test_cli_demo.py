"""`loom-jobs demo`: the local workspace with the sample jobs (once), and JupyterLab on the
quickstart. JupyterLab itself is never started here: `--no-lab`, or a stand-in process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from loom_jobs_widget import cli
from loom_jobs_widget.cli import DEMO_FOLDER, DEMO_TAG, demo_jobs, main, seed_samples
from loom_jobs_widget.client import connect
from loom_jobs_widget.core.validation import validate

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _no_databricks(clean_env: Path) -> None:
    """No Databricks configuration and no LOOM_JOBS_DATA (clean_env): only --data counts."""


def test_samples_are_valid_jobs() -> None:
    samples = demo_jobs()
    assert set(samples) == {"nightly_etl", "hello", "repair_me"}
    for key, settings in samples.items():
        assert settings["tags"][DEMO_TAG] == key
        assert [p for p in validate(settings) if p.severity == "error"] == []
        schedule = settings.get("schedule")
        assert schedule is None or schedule["pause_status"] == "PAUSED"  # never fires by itself


def test_no_lab_seeds_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "ws"
    assert main(["demo", "--no-lab", "--data", str(data)]) == 0
    first = capsys.readouterr().out
    assert "started here" in first and first.count("(created)") == 3
    assert main(["demo", "--no-lab", "--data", str(data)]) == 0
    second = capsys.readouterr().out
    assert second.count("(already there)") == 3 and "(created)" not in second
    with connect("local", data_dir=data) as ws:
        jobs = list(ws.jobs.list())
        assert sorted(job.settings.name for job in jobs) == sorted(  # type: ignore[union-attr]
            s["name"] for s in demo_jobs().values()
        )
        listed = {entry.path for entry in ws.client.workspace.list(DEMO_FOLDER)}
        assert {f"{DEMO_FOLDER}/ingest", f"{DEMO_FOLDER}/report.py"} <= listed
    assert not (data / "server.json").exists()  # the workspace it started is stopped


def test_edited_samples_are_kept(tmp_path: Path) -> None:
    with connect("local", data_dir=tmp_path / "ws") as ws:
        first = seed_samples(ws)
        assert sorted(first.created) == sorted(demo_jobs())
        job = ws.jobs.get(first.jobs["hello"])
        job.settings.name = "my hello"  # the user renamed it: still the sample (its tag)
        ws.jobs.save(job)
        report = f"{DEMO_FOLDER}/report.py"
        from databricks.sdk.service.workspace import ImportFormat

        ws.client.workspace.upload(report, b"print('mine')\n", format=ImportFormat.AUTO,
                                   overwrite=True)  # fmt: skip
        again = seed_samples(ws)
        assert again.created == [] and again.files == []
        assert again.jobs == first.jobs
        assert ws.jobs.get(first.jobs["hello"]).settings.name == "my hello"
        with ws.client.workspace.download(report) as stream:
            assert stream.read() == b"print('mine')\n"
        assert len(list(ws.jobs.list(tags={DEMO_TAG: None}))) == 3


def test_sample_runs_and_repairs(tmp_path: Path) -> None:
    """The repair sample fails until repaired with attempt=fixed, as its notebook says."""
    from loom_jobs_widget.client import RunHandle

    with connect("local", data_dir=tmp_path / "ws") as ws:
        job_id = seed_samples(ws).jobs["repair_me"]
        run_id = int(ws.runs.run_now(job_id)["run_id"])
        run = RunHandle(ws.runs, run_id).wait(60)
        assert run["state"]["result_state"] == "FAILED"
        ws.runs.repair_run(run_id, rerun_all_failed_tasks=True, rerun_dependent_tasks=True,
                           job_parameters={"attempt": "fixed"})  # fmt: skip
        assert RunHandle(ws.runs, run_id).wait(60)["state"]["result_state"] == "SUCCESS"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Path]:
    """`loom-jobs serve` in another process, stopped by its PID."""
    data = tmp_path / "served"
    process = subprocess.Popen(
        [sys.executable, "-m", "loom_jobs_widget.cli", "serve", "--data", str(data)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("Press Ctrl+C"):
                break
        else:
            raise AssertionError(f"loom-jobs serve exited with {process.wait()}")
        yield data
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_reuses_a_workspace_served_elsewhere(
    served: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--no-lab", "--data", str(served)]) == 0
    assert "reused" in capsys.readouterr().out
    assert main(["demo", "--no-lab", "--data", str(served)]) == 0
    assert capsys.readouterr().out.count("(already there)") == 3
    assert (served / "server.json").exists()  # the other process still serves it


def test_lab_command() -> None:
    quickstart = REPO / "notebooks" / "quickstart.ipynb"
    assert cli.find_quickstart(REPO / "loom_jobs_widget") == quickstart
    command, root = cli.lab_command(quickstart, ["--port=8890"])
    assert command[:4] == [sys.executable, "-m", "jupyter", "lab"]
    assert root == REPO
    assert f"--ServerApp.root_dir={REPO}" in command
    assert "--LabApp.default_url=/lab/tree/notebooks/quickstart.ipynb" in command
    assert command[-1] == "--port=8890"
    assert any(arg.startswith("--ip=") for arg in command)


def test_runs_lab_with_the_workspace_and_stops_it_by_pid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stand-in for JupyterLab records what it was given, then waits; SIGTERM to the demo
    stops it (by its PID) and the workspace."""
    record = tmp_path / "lab.txt"
    stand_in = (
        "import os, pathlib, sys, time; "
        f"pathlib.Path({str(record)!r}).write_text(os.environ['LOOM_JOBS_DATA'] + '\\n' + "
        "os.getcwd() + '\\n' + ' '.join(sys.argv[1:])); time.sleep(60)"
    )

    def fake_lab(notebook: Path | None, extra: Sequence[str]) -> tuple[list[str], Path]:
        command, root = real_lab_command(notebook, extra)
        return [sys.executable, "-c", stand_in, *command[4:]], root

    real_lab_command = cli.lab_command
    monkeypatch.setattr(cli, "lab_command", fake_lab)
    started: list[int] = []

    def interrupt() -> None:
        deadline = time.monotonic() + 30
        while not record.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        started.append(1)
        os.kill(os.getpid(), signal.SIGTERM)  # as Ctrl+C or a service manager would

    data = tmp_path / "ws"
    timer = threading.Thread(target=interrupt, daemon=True)
    timer.start()
    popen = subprocess.Popen
    children: list[subprocess.Popen[bytes]] = []

    def spy(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        child = popen(*args, **kwargs)  # type: ignore[call-overload]
        children.append(child)
        return child  # type: ignore[no-any-return]

    monkeypatch.setattr(cli.subprocess, "Popen", spy)
    assert main(["demo", "--data", str(data), "--port=9999"]) == 0
    timer.join(timeout=5)
    assert started
    env_data, cwd, argv = record.read_text().split("\n")
    assert Path(env_data) == data.resolve()
    assert Path(cwd) == REPO
    assert "--port=9999" in argv and "quickstart.ipynb" in argv
    assert len(children) == 1 and children[0].poll() is not None  # stopped by its PID
    assert not (data / "server.json").exists()
    assert "sample job hello" in capsys.readouterr().out
