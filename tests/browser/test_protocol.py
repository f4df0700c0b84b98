"""The jobs browser's messages as `browser.protocol` types them: every kind the view sends has a
TypedDict and a handler that takes it, and what the session sends has its TypedDict's shape."""

from __future__ import annotations

import time
import uuid
from typing import Any

from typing_extensions import get_type_hints

from loom_jobs_widget.browser import BrowserSession, protocol
from loom_jobs_widget.client import Workspace

from ..editor.shapes import kinds, members, mismatches
from .test_session import Recorder, create, schedule


def test_every_kind_the_view_sends_has_a_typed_handler() -> None:
    sent = kinds(protocol.ToPython)
    assert set(BrowserSession._HANDLERS) == set(sent)
    for kind, handler in BrowserSession._HANDLERS.items():
        hints = get_type_hints(handler)
        (taken,) = (hint for name, hint in hints.items() if name != "return")
        assert members(taken) == [sent[kind]], kind


def test_what_python_sends_has_the_protocol_shape(ws: Workspace) -> None:
    tag = f"bp{uuid.uuid4().hex[:10]}"
    rec = Recorder(ws)
    job_id = create(ws, f"{tag} scheduled", tags={tag: "x"}, schedule=schedule(paused=False))
    other = create(ws, f"{tag} manual", tags={tag: ""})
    run_id = int(ws.runs.run_now(job_id)["run_id"])
    script: list[dict[str, Any]] = [
        {"kind": "ready", "request_id": 1},
        {"kind": "list", "request_id": 2, "query": {"search": "", "owner": "", "tag": tag,
                                                    "state": ""}},
        {"kind": "list", "offset": 0, "limit": 10, "refresh": True},
        {"kind": "action", "request_id": 3, "action": "pause", "job_id": job_id},
        {"kind": "action", "request_id": 4, "action": "run_now", "job_id": job_id},
        {"kind": "action", "request_id": 5, "action": "permissions", "job_id": job_id},
        {"kind": "action", "request_id": 6, "action": "pause", "job_id": other},
        {"kind": "action", "request_id": 7, "action": "open", "job_id": other},
        {"kind": "action", "request_id": 8, "action": "create"},
        {"kind": "action", "request_id": 11, "action": "open_run", "job_id": job_id,
         "run_id": run_id},
        {"kind": "action", "request_id": 9, "action": "delete", "job_id": other},
        {"kind": "action", "request_id": 10, "action": "warp", "job_id": other},
        {"kind": "list", "query": {"state": "sometimes"}},
        {"kind": "visibility", "view_id": "v1", "visible": True},
    ]  # fmt: skip
    for message in script:
        rec.session.handle(message)
    # A run started elsewhere in the kernel: the row follows (a `rows` message).
    ws.runs.run_now(job_id)
    deadline = time.monotonic() + 15
    while not any(m["kind"] == "rows" for m in rec.sent) and time.monotonic() < deadline:
        time.sleep(0.02)
    rec.session.close()
    assert rec.opened[-1] == job_id  # open_run: the run's job
    shapes = kinds(protocol.FromPython)
    assert {m["kind"] for m in rec.sent} == set(shapes)
    for message in rec.sent:
        assert mismatches(message, shapes[message["kind"]]) == [], message
    for state in rec.states:
        assert mismatches(state.query, protocol.Query) == []
        assert mismatches(state.status, protocol.Status) == []
    ws.jobs.delete(job_id)


def test_every_member_is_documented() -> None:
    for union in (protocol.ToPython, protocol.FromPython):
        for member in members(union):
            assert (member.__doc__ or "").strip(), member.__name__
