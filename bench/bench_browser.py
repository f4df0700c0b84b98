"""Prints what the JobsBrowser's Python side costs over 10,000 jobs (paging over 10,000 jobs,
the runs of the visible page only).

Run from the project root: `PYTHONPATH=. .venv/bin/python bench/bench_browser.py [N_JOBS]`.

A fresh local workspace gets N_JOBS jobs (default 10,000: one task each, a schedule, a tag;
created through the local workspace's jobs/create, about 30 s), a run for a few of them, then
through `BrowserSession` (the real SDK, the local workspace's HTTP API):

- first page: a fresh query (jobs/list from the start) and 25 rows with their last run;
- next page: the page after the current one (continues the listing);
- search: a name substring matching one job in 10,000 (the whole listing is read);
- filter paused: the trigger-state filter over every job (read until the page is full).
"""

from __future__ import annotations

import sys
import tempfile
import time
from typing import Any

from timing import measure

from loom_jobs_widget.browser import BrowserSession, Query
from loom_jobs_widget.client import connect

REPEAT = 15


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as folder:
        ws = connect("local", data_dir=folder)
        try:
            start = time.perf_counter()
            for i in range(count):
                ws.jobs._do(  # jobs/create without the read-back that `create` does
                    "POST", "/api/2.2/jobs/create", _context(), body=_job(i)
                )
            created = time.perf_counter() - start
            print(f"created {count} jobs in {created:.1f} s")
            for job_id in range(1, 6):
                ws.runs.run_now(job_id)
            sent: list[dict[str, Any]] = []
            session = BrowserSession(send=sent.append, on_state=lambda _: None,
                                     workspace=lambda: ws, open_editor=lambda _: None)

            def fresh(query: Query) -> None:  # the query read from the start
                session.state.query, session.state.offset = query.to_json(), 0
                session.refresh()

            def first_page() -> None:
                fresh(Query())

            def next_page() -> None:
                session.list_page(offset=session.state.offset + 25)

            def search() -> None:
                fresh(Query(search=f"job {count - 7:05d}"))

            def paused() -> None:
                fresh(Query(state="paused"))

            print(f"BrowserSession over {count} jobs:")
            measure("first page (25 rows + last runs)", first_page, REPEAT)
            session.refresh()
            measure("next page", next_page, REPEAT)
            measure("search (1 match, whole listing)", search, 5)
            measure("filter paused (first page)", paused, REPEAT)
        finally:
            ws.close()


def _context() -> Any:
    from loom_jobs_widget.client.errors import Context

    return Context("create a job")


def _job(i: int) -> dict[str, Any]:
    return {
        "name": f"job {i:05d}",
        "tags": {"team": f"t{i % 7}"},
        "schedule": {"quartz_cron_expression": "0 0 3 * * ?", "timezone_id": "UTC",
                     "pause_status": "PAUSED" if i % 5 == 0 else "UNPAUSED"},
        "tasks": [{"task_key": "check",
                   "condition_task": {"op": "EQUAL_TO", "left": "1", "right": "1"}}],
    }


if __name__ == "__main__":
    main()
