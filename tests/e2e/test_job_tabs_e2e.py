"""The JobEditor's job tabs in a real JupyterLab: a user opens a job saved in the local
workspace and edits it tab by tab (Details, Schedules & triggers, Notifications, Parameters,
Permissions), sees the problems where they are, reviews and saves; the SDK then sees the change,
and every field the editor does not know survived.

The schedule preview is checked against the real Quartz: for a fixed sample of
`tests/data/quartz_vectors.json` (fire times computed by Quartz 2.3.2 itself) the rows the
page shows are those fire times.

One JupyterLab (the session's), one notebook and one kernel for the whole module; each test draws
the editor again from the saved job (the notebook's cell is run again), so a test starts clean
whatever the one before it left.
"""

from __future__ import annotations

import json
import random
import zoneinfo
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from loom_jobs_widget.client import Workspace

from ..corpus import quartz_cases
from .conftest import (
    EDITOR,
    ConsoleLog,
    JupyterLab,
    local_workspace,
    open_and_run_notebook,
    shoot,
    watched_page,
    write_notebook,
)

pytestmark = pytest.mark.browser

NOTEBOOK = "job_tabs_e2e.ipynb"
VIEWER_ZONE = "Europe/Paris"  # the browser's zone: "Your time" differs from the job's

JOB: dict[str, Any] = {
    "name": "e2e job tabs",
    "description": "Loads the day's orders.",
    "x_future_setting": {"kept": [1, None, {}], "flag": True},
    "tags": {"team": "data"},
    "max_concurrent_runs": 1,
    # Accepted, but the validator warns: not the API's spelling (gitHub).
    "git_source": {
        "git_provider": "github",
        "git_url": "https://github.com/example/etl",
        "git_branch": "main",
        "x_git_extra": True,
    },
    "parameters": [
        {"name": "env", "default": "prod"},
        {"name": "region", "default": "eu", "x_param_extra": "keep"},
    ],
    "email_notifications": {"on_success": ["done@example.com"], "x_mail_extra": [1]},
    "schedule": {
        "quartz_cron_expression": "0 0 6 * * ?",
        "timezone_id": "UTC",
        "pause_status": "UNPAUSED",
    },
    "tasks": [
        {
            "task_key": "ingest",
            "notebook_task": {"notebook_path": "/etl/ingest"},
            "x_task_extra": [1, 2, 3],
        },
        {
            "task_key": "report",
            "depends_on": [{"task_key": "ingest"}],
            "notebook_task": {"notebook_path": "/etl/report"},
        },
    ],
}
UNKNOWN_KEYS = json.dumps(JOB).count('"x_')


# ---- the quartz vectors ---------------------------------------------------------------------

SAMPLE_PER_CATEGORY = {
    "doc-databricks": 2,
    "doc-quartz": 1,
    "dst": 3,
    "tz": 2,
    "tz-alias": 1,
    "sys-dom-w": 1,
    "sys-dow": 1,
    "sys-year": 1,
    "random": 2,
}


def _wall_time(case: dict[str, Any]) -> str | None:
    """The vector's start as a wall time in its zone ("YYYY-MM-DDTHH:MM:SS", what the
    "runs after" input takes), or None when Python cannot name that instant by its wall time
    (a zone it does not know, or a start in a DST gap or overlap)."""
    try:
        zone = zoneinfo.ZoneInfo(case["timezone"])
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    start = datetime.fromisoformat(case["start"].replace("Z", "+00:00"))
    if start.microsecond:
        return None
    wall = start.astimezone(zone).replace(tzinfo=None)
    if wall.replace(tzinfo=zone) != start or wall.replace(tzinfo=zone, fold=1) != start:
        return None  # ambiguous (a repeated hour) or not the same instant back
    if wall.year < 1000:
        return None
    return wall.isoformat(timespec="seconds")


def quartz_sample() -> list[dict[str, Any]]:
    """A fixed sample of valid cases with 5 fire times, across categories."""
    cases = quartz_cases()
    rng = random.Random(6)
    sample: list[dict[str, Any]] = []
    for category, count in SAMPLE_PER_CATEGORY.items():
        usable = [
            case
            for case in cases
            if case["category"] == category
            and "error" not in case
            and len(case.get("next", [])) == 5
            and _wall_time(case) is not None
        ]
        sample += rng.sample(usable, min(count, len(usable)))
    return sample


# ---- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Path]]:
    with local_workspace(tmp_path_factory.mktemp("job_tabs")) as served:
        yield served


@pytest.fixture(scope="module")
def job_id(local: tuple[Workspace, Path]) -> int:
    ws, _ = local
    return int(ws.jobs.create(JOB).job_id)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def module_console() -> ConsoleLog:
    return ConsoleLog()


@pytest.fixture(scope="module")
def lab_page(
    browser: Any,
    jupyter_lab: JupyterLab,
    local: tuple[Workspace, Path],
    job_id: int,
    module_console: ConsoleLog,
) -> Iterator[Any]:
    """One page with the editor's notebook open (its kernel started) for the whole module."""
    _, data = local
    write_notebook(
        jupyter_lab,
        NOTEBOOK,
        [
            "from loom_jobs_widget import JobEditor, connect\n"
            f"ws = connect('local', data_dir={str(data)!r})\n"
            f"editor = JobEditor({job_id}, ws)\n"
            "editor",
        ],
    )
    with watched_page(browser, module_console, timezone_id=VIEWER_ZONE) as page:
        open_and_run_notebook(page, jupyter_lab, NOTEBOOK)
        wait_ready(page)
        yield page


@pytest.fixture
def editor(lab_page: Any, module_console: ConsoleLog) -> Iterator[Any]:
    """The page with a freshly drawn editor of the saved job (the notebook's cell run again);
    after the test, no error from our code in the console."""
    page = lab_page
    if page.locator(EDITOR).count():
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        page.locator(EDITOR).wait_for(state="detached")
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        wait_ready(page)
    module_console.messages.clear()
    module_console.page_errors.clear()
    yield page
    errors = module_console.errors_from_our_code()
    assert not errors, errors


# ---- helpers -----------------------------------------------------------------------------------


def wait_ready(page: Any) -> None:
    page.wait_for_selector(f'{EDITOR}[data-ready="true"][data-node-count="2"]', timeout=90_000)


def open_tab(page: Any, tab: str) -> Any:
    """Click a job tab; its panel (shown) is returned."""
    page.locator(f'.loom-je-tab[data-tab="{tab}"]').click()
    page.wait_for_selector(f'{EDITOR}[data-tab="{tab}"]')
    panel = page.locator(f'.loom-je-jobpanel[data-tab="{tab}"]')
    panel.wait_for(state="visible")
    return panel


def badge(page: Any, tab: str) -> Any:
    return page.locator(f'.loom-je-tab[data-tab="{tab}"] .loom-je-tab-badge')


def review_and_save(page: Any, *expected_paths: str) -> None:
    """Open Review, check it lists changes at these paths, save, wait for the saved state."""
    page.wait_for_selector(f'{EDITOR}[data-dirty="true"]')
    page.locator('.loom-je-toolbar [data-action="review"]').click()
    review = page.locator('[data-dialog="review"]')
    review.locator(".loom-je-change").first.wait_for()
    paths = review.locator(".loom-je-change-path").all_inner_texts()
    for expected in expected_paths:
        assert any(expected in path for path in paths), (expected, paths)
    review.locator('[data-action="save"]').click()
    page.wait_for_selector(f'{EDITOR}[data-dirty="false"]')


def saved_settings(ws: Workspace, job_id: int) -> dict[str, Any]:
    saved = ws.client.api_client.do("GET", "/api/2.2/jobs/get", query={"job_id": job_id})
    settings: dict[str, Any] = saved["settings"]
    return settings


def assert_unknown_fields_kept(settings: dict[str, Any]) -> None:
    assert settings["x_future_setting"] == JOB["x_future_setting"]
    tasks = {task["task_key"]: task for task in settings["tasks"]}
    assert tasks["ingest"]["x_task_extra"] == [1, 2, 3]
    assert settings["email_notifications"]["x_mail_extra"] == [1]
    assert settings["git_source"]["x_git_extra"] is True
    region = [p for p in settings["parameters"] if p["name"] == "region"]
    assert region and region[0]["x_param_extra"] == "keep", settings["parameters"]
    assert json.dumps(settings).count('"x_') == UNKNOWN_KEYS


def choose_zone(page: Any, zone: str) -> None:
    """Choose a time zone as a user does: type in the picker, pick the entry."""
    picker = page.locator('[data-role="tz-input"]')
    picker.click()
    picker.fill(zone)
    option = page.locator(f'[data-role="tz-list"] [data-zone-id="{zone}"]')
    if option.count():
        option.first.click()
    else:  # a zone the list does not offer: Enter uses it as typed
        picker.press("Enter")
    assert picker.input_value() == zone


def type_cron(page: Any, expression: str) -> None:
    cron = page.locator('[data-role="cron-input"]')
    cron.fill(expression)
    cron.press("Tab")  # leaving the field sends it (no waiting for the debounce)


def advanced_mode(page: Any) -> None:
    page.locator('[data-role="schedule-mode"] [data-mode="advanced"]').click()
    page.locator('[data-role="cron-input"]').wait_for(state="visible")


def preview_settled(page: Any) -> Any:
    """The preview once the last request's answer is shown."""
    preview = page.locator('[data-role="schedule-preview"]')
    page.wait_for_selector('[data-role="schedule-preview"]:not(.loom-st-pending)')
    return preview


def fire_rows(page: Any) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = page.eval_on_selector_all(
        '[data-role="fire-times"] tr[data-role="fire-time"]',
        "rows => rows.map(r => ({...r.dataset}))",
    )
    return rows


def kind_checked(page: Any) -> str:
    kind: str = page.locator(
        '[data-role="trigger-kind"] [data-kind][aria-checked="true"]'
    ).get_attribute("data-kind")
    return kind


# ---- the tabs ----------------------------------------------------------------------------------


def test_details_tab(editor: Any, local: tuple[Workspace, Path], job_id: int) -> None:
    page = editor
    ws, _ = local
    panel = open_tab(page, "details")
    runs = panel.locator('[data-path="max_concurrent_runs"]')
    runs_input = runs.locator("input").first
    assert runs_input.input_value() == "1"

    # The validator's warning about the saved job: at its field, counted on the tab.
    provider = panel.locator('[data-path="git_source.git_provider"]')
    spelling = provider.locator(".loom-f-problem").filter(has_text="the API's spelling is 'gitHub'")
    spelling.wait_for()
    details_badge = badge(page, "details")
    details_badge.wait_for()
    assert details_badge.inner_text() == "1"
    assert details_badge.get_attribute("data-severity") == "warning"
    provider.scroll_into_view_if_needed()
    shoot(page, "tabs-details.png")
    provider.locator("select").select_option("gitHub")
    spelling.wait_for(state="detached")
    details_badge.wait_for(state="hidden")

    # A value out of range is refused at the field, and nothing is sent.
    runs_input.fill("5000")
    runs_input.press("Tab")
    refused = runs.get_by_text("Enter a number from 0 to 1000")
    refused.wait_for()
    assert runs.get_attribute("class") and "loom-f-invalid" in runs.get_attribute("class")
    shoot(page, "tabs-details-problem.png")
    # Review says so, and will not save while the field shows a value that was not applied.
    page.locator('.loom-je-toolbar [data-action="review"]').click()
    dialog = page.locator('[data-dialog="review"]')
    blocking = dialog.locator('[data-role="blocking-errors"]')
    blocking.wait_for()
    assert "Maximum concurrent runs" in blocking.inner_text()
    assert dialog.locator('[data-action="save"]').is_disabled()
    dialog.locator('[data-action="cancel"]').click()
    dialog.wait_for(state="detached")
    runs_input.fill("4")
    runs_input.press("Tab")
    refused.wait_for(state="hidden")

    # A tag.
    tags = panel.locator('[data-path="tags"]')
    tags.get_by_role("button", name="Add tag").click()
    key = tags.locator('[data-part="key"]').nth(1)
    key.fill("owner")
    tags.locator('[data-part="value"]').nth(1).fill("e2e")
    tags.locator('[data-part="value"]').nth(1).press("Tab")
    page.wait_for_selector(f'{EDITOR}[data-dirty="true"]')

    review_and_save(page, "max_concurrent_runs", "tags", "git_source.git_provider")
    settings = saved_settings(ws, job_id)
    assert settings["max_concurrent_runs"] == 4
    assert settings["git_source"] == {**JOB["git_source"], "git_provider": "gitHub"}
    assert settings["tags"] == {"team": "data", "owner": "e2e"}
    assert settings["name"] == JOB["name"]
    assert_unknown_fields_kept(settings)


def test_schedule_preview_equals_quartz(editor: Any) -> None:
    """For a sample of Quartz's own fire times: type the expression, choose the zone, set
    "runs after" to the vector's start: the rows are Quartz's fire times."""
    page = editor
    open_tab(page, "schedule")
    assert kind_checked(page) == "scheduled"
    preview_settled(page)
    advanced_mode(page)
    sample = quartz_sample()
    viewer = zoneinfo.ZoneInfo(VIEWER_ZONE)
    assert len(sample) >= 12, len(sample)
    mismatches = []
    for n, case in enumerate(sample):
        type_cron(page, case["expression"])
        choose_zone(page, case["timezone"])
        start = _wall_time(case)
        page.locator('[data-role="preview-from"]').fill(start)
        preview = preview_settled(page)
        assert preview.get_attribute("data-valid") == "true", (case, preview.inner_text())
        rows = fire_rows(page)
        shown = [row["utc"] for row in rows[:5]]
        if shown != case["next"]:
            mismatches.append({"case": case, "shown": shown})
            continue
        # The job's time is Quartz's local time (same instant, same offset); "your time" is
        # the same instant in the browser's zone.
        for row, local_time in zip(rows, case["next_local"], strict=False):
            job_time = datetime.fromisoformat(row["jobTime"])
            theirs = datetime.fromisoformat(local_time.replace("Z", "+00:00"))
            assert job_time == theirs, (case, row)
            assert job_time.utcoffset() == theirs.utcoffset(), (case, row)
            viewer_time = datetime.fromisoformat(row["viewerTime"])
            assert viewer_time == theirs, (case, row)
            in_viewer_zone = viewer_time.astimezone(viewer)
            assert viewer_time.utcoffset() == in_viewer_zone.utcoffset(), (case, row)
        if n == 0:
            shoot(page, "tabs-schedule-quartz.png")
    assert not mismatches, json.dumps(mismatches, indent=1)


def test_schedule_problems_and_dst(editor: Any) -> None:
    page = editor
    open_tab(page, "schedule")
    preview_settled(page)
    advanced_mode(page)

    # A broken expression: its message under the field, no runs.
    type_cron(page, "0 61 * * * ?")
    problems = page.locator('[data-role="cron-problems"] .loom-st-msg--error')
    problems.first.wait_for()
    assert "minutes field '61': values must be 0 to 59" in problems.first.inner_text()
    assert preview_settled(page).get_attribute("data-valid") == "false"
    assert fire_rows(page) == []
    assert badge(page, "schedule").is_visible()
    shoot(page, "tabs-schedule-problem.png")

    # The clocks go forward at 02:00 on 14 Mar 2027 in New York: 02:30 that day is skipped.
    type_cron(page, "0 30 2 8-20 3 ?")
    problems.first.wait_for(state="detached")
    choose_zone(page, "America/New_York")
    page.locator('[data-role="preview-from"]').fill("2027-03-01T00:00:00")
    preview_settled(page)
    warning = page.locator('[data-role="dst-warnings"] li[data-kind="skipped"]')
    warning.wait_for()
    assert warning.get_attribute("data-date") == "2027-03-14"
    assert "On 2027-03-14 the 02:30 run is skipped" in warning.inner_text()
    skipped = page.locator('tr[data-role="skipped-run"]')
    assert skipped.count() == 1
    assert skipped.get_attribute("data-wall-time") == "2027-03-14T02:30:00"
    assert "does not exist that day" in skipped.inner_text()
    days = [row["jobTime"][:10] for row in fire_rows(page)]
    assert "2027-03-14" not in days and days[:6] == [
        "2027-03-08", "2027-03-09", "2027-03-10", "2027-03-11", "2027-03-12", "2027-03-13",
    ]  # fmt: skip
    assert badge(page, "schedule").is_hidden()
    shoot(page, "tabs-schedule-dst.png")


def test_schedule_kinds_and_pause_are_saved(
    editor: Any, local: tuple[Workspace, Path], job_id: int
) -> None:
    page = editor
    ws, _ = local
    open_tab(page, "schedule")
    preview_settled(page)

    # Scheduled → periodic, saved.
    page.locator('[data-role="trigger-kind"] [data-kind="periodic"]').click()
    page.wait_for_selector('[data-role="trigger-body"][data-kind="periodic"]')
    assert kind_checked(page) == "periodic"
    shoot(page, "tabs-schedule-periodic.png")
    review_and_save(page, "trigger")
    settings = saved_settings(ws, job_id)
    assert "schedule" not in settings, settings
    assert "periodic" in settings["trigger"], settings["trigger"]

    # Periodic → scheduled, in Tokyo, paused: saved.
    page.locator('[data-role="trigger-kind"] [data-kind="scheduled"]').click()
    page.wait_for_selector('[data-role="trigger-body"][data-kind="scheduled"]')
    preview_settled(page)
    advanced_mode(page)
    type_cron(page, "0 15 7 ? * MON-FRI")
    choose_zone(page, "Asia/Tokyo")
    pause = page.locator(".loom-st-pause")
    before = pause.get_attribute("data-status")
    assert before == "UNPAUSED", before
    page.locator('[data-role="pause-toggle"]').click()
    page.wait_for_selector('.loom-st-pause[data-status="PAUSED"]')
    assert "Paused" in pause.inner_text()
    shoot(page, "tabs-schedule-paused.png")
    review_and_save(page, "schedule")
    settings = saved_settings(ws, job_id)
    assert settings["schedule"] == {
        "quartz_cron_expression": "0 15 7 ? * MON-FRI",
        "timezone_id": "Asia/Tokyo",
        "pause_status": "PAUSED",
    }
    assert "trigger" not in settings, settings

    # Resume: saved.
    page.locator('[data-role="pause-toggle"]').click()
    page.wait_for_selector('.loom-st-pause[data-status="UNPAUSED"]')
    review_and_save(page, "pause_status")
    settings = saved_settings(ws, job_id)
    assert settings["schedule"]["pause_status"] == "UNPAUSED"
    assert_unknown_fields_kept(settings)


def test_notifications_tab(editor: Any, local: tuple[Workspace, Path], job_id: int) -> None:
    page = editor
    ws, _ = local
    panel = open_tab(page, "notifications")
    on_success = panel.locator('[data-path="email_notifications.on_success"] input')
    assert on_success.first.input_value() == "done@example.com"
    on_failure = panel.locator('[data-path="email_notifications.on_failure"]')
    on_failure.get_by_role("button", name="Email").click()
    email = on_failure.locator("input").last
    email.fill("oncall@example.com")
    email.press("Tab")
    muted = panel.locator('[data-path="notification_settings.no_alert_for_skipped_runs"] input')
    muted.check()
    assert panel.locator('[data-role="task-notifications"]').is_visible()
    shoot(page, "tabs-notifications.png")
    review_and_save(page, "email_notifications.on_failure", "notification_settings")
    settings = saved_settings(ws, job_id)
    assert settings["email_notifications"]["on_failure"] == ["oncall@example.com"]
    assert settings["email_notifications"]["on_success"] == ["done@example.com"]
    assert settings["notification_settings"] == {"no_alert_for_skipped_runs": True}
    assert_unknown_fields_kept(settings)


def test_parameters_tab(editor: Any, local: tuple[Workspace, Path], job_id: int) -> None:
    page = editor
    ws, _ = local
    panel = open_tab(page, "parameters")
    panel.locator('.loom-f-param[data-index="1"]').wait_for()
    assert panel.locator(".loom-f-param").count() == 2
    assert panel.locator('.loom-f-param [data-part="name"]').evaluate_all(
        "inputs => inputs.map(i => i.value)"
    ) == ["env", "region"]
    panel.get_by_role("button", name="Add parameter").click()
    row = panel.locator('.loom-f-param[data-index="2"]')
    row.locator('[data-part="name"]').fill("run date!")
    row.locator('[data-part="default"]').fill("{{job.start_time.iso_date}}")
    row.locator('[data-part="default"]').press("Tab")

    problem = row.locator(".loom-f-param-msgs .loom-f-problem")
    problem.wait_for()
    assert "run date!" in problem.inner_text()
    tab_badge = badge(page, "parameters")
    tab_badge.wait_for()
    assert tab_badge.inner_text() == "1"
    shoot(page, "tabs-parameters-problem.png")

    row.locator('[data-part="name"]').fill("run_date")
    row.locator('[data-part="name"]').press("Tab")
    problem.wait_for(state="detached")
    tab_badge.wait_for(state="hidden")

    row.locator('[data-part="up"]').click()
    page.wait_for_function(
        """() => document.querySelector('.loom-f-param[data-index="1"] [data-part="name"]')
                ?.value === 'run_date'"""
    )
    shoot(page, "tabs-parameters.png")
    review_and_save(page, "parameters")
    settings = saved_settings(ws, job_id)
    assert settings["parameters"] == [
        {"name": "env", "default": "prod"},
        {"name": "run_date", "default": "{{job.start_time.iso_date}}"},
        {"name": "region", "default": "eu", "x_param_extra": "keep"},
    ]
    assert_unknown_fields_kept(settings)


def test_permissions_tab(editor: Any, local: tuple[Workspace, Path], job_id: int) -> None:
    page = editor
    ws, _ = local
    open_tab(page, "permissions")
    owner = page.locator('tr[data-role="grant"][data-owner="true"]')
    owner.wait_for()
    owner_name = owner.get_attribute("data-name")

    # A group can view the job.
    page.locator('[data-role="add-kind"]').select_option("group_name")
    levels = page.locator('[data-role="add-level"] option').evaluate_all(
        "options => options.map(o => o.value)"
    )
    assert "IS_OWNER" not in levels, levels  # a group cannot own a job
    page.locator('[data-role="add-name"]').fill("data-analysts")
    page.locator('[data-role="add-level"]').select_option("CAN_VIEW")
    page.locator('[data-role="add-grant"]').click()
    group = page.locator('tr[data-role="grant"][data-kind="group_name"][data-name="data-analysts"]')
    group.wait_for()
    assert group.get_attribute("data-level") == "CAN_VIEW"
    assert group.get_attribute("data-state") == "added"

    # Nor can it become the owner from its row: no "Make owner", no "Is owner" level.
    assert group.locator('[data-role="make-owner"]').count() == 0
    group_levels = group.locator('[data-role="level"] option').evaluate_all(
        "options => options.map(o => o.value)"
    )
    assert "IS_OWNER" not in group_levels, group_levels
    assert owner.get_attribute("data-name") == owner_name
    shoot(page, "tabs-permissions.png")

    review_and_save(page)
    acl = ws.permissions.get_permissions(job_id).get("access_control_list", [])
    grants = {
        (a.get("group_name") or a.get("user_name") or a.get("service_principal_name")): [
            p["permission_level"] for p in a.get("all_permissions", []) if not p.get("inherited")
        ]
        for a in acl
    }
    assert grants.get("data-analysts") == ["CAN_VIEW"], grants
    assert grants.get(owner_name) == ["IS_OWNER"], grants
    assert_unknown_fields_kept(saved_settings(ws, job_id))
