"""The static view every widget offers beside its live one: the DAG as an inline SVG, the jobs
list as an HTML table, what a notebook shows where no widget manager runs.

The SVG is read as XML (it must be well formed: GitHub and docs sites embed it as it is); the
notebook test executes `notebooks/quickstart.ipynb` against a fresh local workspace with
nbclient and converts it with nbconvert's HTMLExporter, as ``jupyter nbconvert --to html`` does.
"""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

from loom_jobs_widget.browser.rows import rows_html
from loom_jobs_widget.client import RunHandle, Workspace
from loom_jobs_widget.core import Job
from loom_jobs_widget.editor import JobEditor, RunView
from loom_jobs_widget.graph import JobGraph, job_elements
from loom_jobs_widget.graph.svg import STATE_COLORS, STATIC_SVG_MOST_TASKS, job_html, job_svg

from .conftest import CONFIG_ENV

SVG = "{http://www.w3.org/2000/svg}"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
QUICKSTART = Path(__file__).parents[1] / "notebooks" / "quickstart.ipynb"
# The same strings as tests/e2e/test_hostile_text_e2e.py.
IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>window.__xss=2</script>"
BOLD = '"><b>xss-bold</b>'
HOSTILE = IMG + SCRIPT + BOLD

DIAMOND: dict[str, Any] = {
    "name": "diamond",
    "tasks": [
        {"task_key": "ingest", "notebook_task": {"notebook_path": "/etl/ingest"}},
        {
            "task_key": "check",
            "depends_on": [{"task_key": "ingest"}],
            "condition_task": {"op": "EQUAL_TO", "left": "1", "right": "1"},
        },
        {
            "task_key": "clean",
            "depends_on": [{"task_key": "check", "outcome": "true"}],
            "spark_python_task": {"python_file": "clean.py"},
        },
        {
            "task_key": "publish",
            "depends_on": [{"task_key": "clean"}, {"task_key": "ingest"}],
            "run_if": "AT_LEAST_ONE_SUCCESS",
            "sql_task": {"warehouse_id": "abc", "query": {"query_id": "q1"}},
        },
    ],
}


def _tasks(svg: ET.Element) -> dict[str, ET.Element]:
    return {
        g.attrib["data-task-key"]: g
        for g in svg.iter(f"{SVG}g")
        if g.attrib.get("class") == "loom-task"
    }


def _edges(svg: ET.Element) -> set[tuple[str, str]]:
    return {
        (g.attrib["data-source"], g.attrib["data-target"])
        for g in svg.iter(f"{SVG}g")
        if g.attrib.get("class") == "loom-edge"
    }


def _texts(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter(f"{SVG}text")]


def test_every_task_is_a_box_with_its_key_and_type_and_every_dependency_a_line() -> None:
    svg = ET.fromstring(job_svg(job_elements(DIAMOND), title="diamond"))
    tasks = _tasks(svg)
    assert list(tasks) == ["ingest", "check", "clean", "publish"]
    assert _texts(tasks["clean"]) == ["clean", "spark python"]
    assert _texts(tasks["check"]) == ["check", "condition"]
    assert _edges(svg) == {
        ("ingest", "check"),
        ("check", "clean"),
        ("clean", "publish"),
        ("ingest", "publish"),
    }
    assert "diamond" in _texts(svg)
    # Drawn where the layout puts them: left to right along the dependencies.
    x = {key: float(g.find(f"{SVG}rect").attrib["x"]) for key, g in tasks.items()}  # type: ignore[union-attr]
    assert x["ingest"] < x["check"] < x["clean"] < x["publish"]
    # A condition's outcome labels its line; a run_if other than ALL_SUCCESS dashes it.
    lines = {
        (g.attrib["data-source"], g.attrib["data-target"]): g
        for g in svg.iter(f"{SVG}g")
        if g.attrib.get("class") == "loom-edge"
    }
    assert "true" in _texts(lines[("check", "clean")])
    assert "stroke-dasharray" in lines[("ingest", "publish")].find(f"{SVG}path").attrib  # type: ignore[union-attr]
    assert "stroke-dasharray" not in lines[("ingest", "check")].find(f"{SVG}path").attrib  # type: ignore[union-attr]


def test_run_states_colour_the_borders() -> None:
    elements = job_elements(DIAMOND, states={"ingest": "SUCCESS", "check": "FAILED"})
    tasks = _tasks(ET.fromstring(job_svg(elements)))
    border = {key: g.find(f"{SVG}rect").attrib["stroke"] for key, g in tasks.items()}  # type: ignore[union-attr]
    assert border["ingest"] == STATE_COLORS["SUCCESS"]
    assert border["check"] == STATE_COLORS["FAILED"]
    assert border["clean"] == border["publish"] not in STATE_COLORS.values()


def test_hostile_text_stays_text() -> None:
    settings = {
        "name": f"e2e {HOSTILE}",
        "tasks": [
            {"task_key": HOSTILE, "notebook_task": {"notebook_path": "/x"}},
            {
                "task_key": "b\x00\x07",
                "depends_on": [{"task_key": HOSTILE}],
                "notebook_task": {"notebook_path": "/y"},
            },
        ],
    }
    text = job_svg(job_elements(settings), title=settings["name"])
    svg = ET.fromstring(text)  # well formed, even with control characters in a key
    assert {el.tag for el in svg.iter()} <= {
        f"{SVG}{t}" for t in ("svg", "title", "text", "g", "rect", "path", "polygon")
    }
    assert HOSTILE in _tasks(svg)
    assert f"e2e {HOSTILE}" in _texts(svg)
    assert "<script" not in text and "<img" not in text and "<b>" not in text
    assert "onerror=" not in text.replace("onerror=&quot;", "")
    table = rows_html(
        [
            {
                "job_id": 1,
                "name": HOSTILE,
                "tasks": 2,
                "creator": HOSTILE,
                "created_time": None,
                "tags": {HOSTILE: HOSTILE},
                "trigger": {"kind": "none", "paused": False, "pausable": False, "text": HOSTILE},
                "last_run": None,
            }
        ],
        title=HOSTILE,
    )
    assert "<script" not in table and "<img" not in table and "<b>" not in table
    cells = [td.text for td in ET.fromstring(table).iter("td")]
    assert cells[0] == HOSTILE and cells[-1] == HOSTILE


def test_an_empty_job_says_so() -> None:
    svg = ET.fromstring(job_svg(job_elements({"name": "empty", "tasks": []}), title="empty"))
    assert _tasks(svg) == {}
    assert "No tasks yet." in _texts(svg)


def test_a_job_too_large_to_draw_statically_gets_a_line() -> None:
    def chain(size: int) -> dict[str, Any]:
        tasks = [{"task_key": f"t{i}", "notebook_task": {"notebook_path": "/n"},
                  **({"depends_on": [{"task_key": f"t{i - 1}"}]} if i else {})}
                 for i in range(size)]  # fmt: skip
        return {"name": "big", "tasks": tasks}

    drawn = job_html(job_elements(chain(STATIC_SVG_MOST_TASKS)), title="big")
    assert "<svg" in drawn
    line = job_html(job_elements(chain(STATIC_SVG_MOST_TASKS + 1)), title="<big>")
    assert "<svg" not in line and len(line) < 300
    assert f"{STATIC_SVG_MOST_TASKS + 1} tasks, {STATIC_SVG_MOST_TASKS} dependencies" in line
    assert "&lt;big&gt;" in line


def test_widgets_offer_the_svg_beside_the_live_view() -> None:
    graph = JobGraph.from_settings(DIAMOND)
    bundle = graph._repr_mimebundle_()
    assert bundle is not None
    data, _ = bundle
    assert data[WIDGET_VIEW]["model_id"] == graph.model_id
    assert set(_tasks(ET.fromstring(_svg_of(data["text/html"])))) == {
        "ingest",
        "check",
        "clean",
        "publish",
    }
    editor = JobEditor(settings=DIAMOND)
    editor.add_task(after=["publish"])
    data, _ = editor._repr_mimebundle_()  # type: ignore[misc]
    assert WIDGET_VIEW in data
    # The editor's static view is what it holds now, unsaved edits included.
    assert len(_tasks(ET.fromstring(_svg_of(data["text/html"])))) == 5
    editor.close(discard=True)
    graph.close()


def _svg_of(html: str) -> str:
    start = html.index("<svg")
    return html[start : html.index("</svg>") + len("</svg>")]


def test_a_run_view_colours_the_tasks_by_the_run(ws: Workspace) -> None:
    ws.client.workspace.mkdirs("/Workspace/Shared/static_render")
    from databricks.sdk.service.workspace import ImportFormat

    ws.client.workspace.upload(
        "/Workspace/Shared/static_render/ok.py",
        b"print('ok')\n",
        format=ImportFormat.AUTO,
        overwrite=True,
    )
    job = ws.jobs.save(
        Job.from_api(
            {
                "settings": {
                    "name": f"static render {time.time_ns()}",
                    "tasks": [
                        {
                            "task_key": "ok",
                            "spark_python_task": {
                                "python_file": "/Workspace/Shared/static_render/ok.py"
                            },
                        },
                        {
                            "task_key": "bad",
                            "depends_on": [{"task_key": "ok"}],
                            "spark_python_task": {
                                "python_file": "/Workspace/Shared/static_render/missing.py"
                            },
                        },
                    ],
                }
            }
        )
    )
    assert job.job_id is not None
    run_id = ws.runs.run_now(job.job_id)["run_id"]
    RunHandle(ws.runs, run_id).wait(timeout=60)
    view = RunView(run_id, ws)
    try:
        deadline = time.monotonic() + 10
        while True:  # the view follows the run: its states arrive from the poller
            data, _ = view._repr_mimebundle_()  # type: ignore[misc]
            tasks = _tasks(ET.fromstring(_svg_of(data["text/html"])))
            states = {key: g.attrib.get("data-state") for key, g in tasks.items()}
            if all(states.values()) or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert states == {"ok": "SUCCESS", "bad": "FAILED"}
    finally:
        view.close(discard=True)


@pytest.fixture
def fresh_kernel_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """A kernel with no Databricks configuration and its own local workspace folder."""
    home = tmp_path / "home"
    home.mkdir()
    for name in CONFIG_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("LOOM_JOBS_DATA", str(tmp_path / "local"))
    yield tmp_path


def test_nbconvert_shows_the_quickstart_dag_as_svg(fresh_kernel_env: Path) -> None:
    notebook = nbformat.read(QUICKSTART, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("loom.JobsBrowser(ws)"))
    # Without the widget state in the notebook (JupyterLab saves none by default), nbconvert
    # shows the richest output it can render without a kernel: the text/html beside the view.
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        store_widget_state=False,
        resources={"metadata": {"path": str(fresh_kernel_env)}},
    ).execute()
    body, _ = HTMLExporter().from_notebook_node(notebook)

    # The exporter re-serializes the page (BeautifulSoup): attributes may move, so look for the
    # SVGs by their class.
    svgs = [
        ET.fromstring(match.group(0))
        for match in re.finditer(r'<svg[^>]*class="loom-job-svg".*?</svg>', body, re.S)
    ]
    shown = [(svg.findtext(f"{SVG}title") or "", set(_tasks(svg))) for svg in svgs]
    assert ("nightly_etl: 3 tasks", {"ingest", "transform", "publish"}) in shown
    assert ("quickstart hello: 1 task", {"hello"}) in shown
    # The editor as saved, then coloured by the repaired run in RunView.
    run_view = _tasks(svgs[-1])
    assert set(run_view) == {"hello", "report"}
    assert {g.attrib.get("data-state") for g in run_view.values()} == {"SUCCESS"}
    assert 'class="loom-static-jobs"' in body and "quickstart hello" in body
    assert 'type="application/vnd.jupyter.widget-view+json"' not in body

