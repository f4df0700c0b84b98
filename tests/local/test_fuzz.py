"""A seeded fuzz campaign over every route of the local workspace: no input gets a 5xx.

Every endpoint family (jobs, runs, permissions, workspace objects, compute, notification
destinations, the outbox, identity) gets requests made from valid ones by breaking them: random
JSON types in every field, huge and negative numbers, Unicode digits, NaN, lone surrogates, deep
nesting, wrong methods, bad query strings, bad ids in paths, garbage bodies. Every answer must be
below 500, and every error the API's shape: a JSON object with a string `error_code` and
`message`. Afterwards the workspace must still work: a create, get, run-now, runs/get round
trip through the SDK, and no run left in progress.

Runs and submitted runs the campaign starts are harmless: the seed job's task is a condition
task (no process), and a task the fuzzer makes names files that do not exist. Jobs the campaign
made are deleted at the end and every run in progress is canceled.

`run_campaign` is shared with `bench/bench_fuzz.py`, which runs a bigger campaign and prints
its figures.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import random
import re
import socket
import string
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final, cast
from urllib.parse import quote

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import DatabricksError

from loom_jobs_widget.local import LocalWorkspace
from loom_jobs_widget.local.api import (
    ComputeApi,
    DestinationsApi,
    IdentityApi,
    JobsApi,
    OutboxApi,
    PermissionsApi,
    RunsApi,
    WorkspaceApi,
)
from loom_jobs_widget.local.http import Route

from .helpers import client, create_job, run_now, wait_run

SEED: Final = 20261205
TEST_REQUESTS: Final = 8000

# Around the edges of int32, JavaScript's exact ints, int64, and far beyond.
_EDGES: Final = (2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, 10**30, 10**400)
_NUMBERS: Final = (0, 1, -1, 2, 100, 101, *_EDGES, *(-edge for edge in _EDGES))
_FLOATS: Final = (0.5, -0.0, 1e308, -1e308, 1e-320, 3.0, float("nan"), float("inf"))
_TEXTS: Final = " x ² ٣ \uff11\uff12 12x 0x10 1e3 -0 007 true null NaN IS_OWNER * [] {} {{job.id}}"
_STRINGS: Final = (
    *_TEXTS.split(" "),
    " ",
    *(str(number) for number in _NUMBERS[6:]),
    "\x00",
    "a\x00b",
    "\ud800",
    "\udcff",
    "é" * 300,
    "😀" * 70,
    "x" * 256,
    "x" * 5000,
    "../../etc/passwd",
    "/Workspace/../..",
    "/Workspace/Shared/" + "n" * 300,
    "/Workspace/Shared/" + "é" * 200,
    "/Shared/a\x00b",
    "/Users/" + "/".join(["d"] * 600),
    "/Workspace",
    "/",
    "%2e%2e",
)


_RETYPED: Final = tuple(
    json.dumps(value)
    for value in ({}, [], {"a": 1}, [1], [{}], True, None, 2**63, -1, 1.5, "x", "²", "")
)


def _deep(depth: int) -> Any:
    value: Any = 1
    for index in range(depth):
        value = [value] if index % 2 else {"a": value}
    return value


def random_value(rng: random.Random, depth: int = 0) -> Any:
    """Any JSON value, biased to the ones that break parsers."""
    kind = rng.randrange(11 if depth < 3 else 7)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice((True, False))
    if kind == 2:
        return rng.choice(_NUMBERS)
    if kind == 3:
        return rng.randint(-(10**6), 10**6)
    if kind == 4:
        return rng.choice(_FLOATS)
    if kind in (5, 6):
        return rng.choice(_STRINGS)
    if kind == 7:
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if kind == 8:
        keys = [*_STRINGS[:12], "task_key", "job_id", "user_name", "permission_level"]
        return {rng.choice(keys): random_value(rng, depth + 1) for _ in range(rng.randrange(4))}
    if kind == 9:
        return _deep(rng.choice((40, 101, 600)))
    return "".join(rng.choice(string.printable) for _ in range(rng.randrange(20)))


def random_text(rng: random.Random) -> str:
    """A query-string value: a string, or the JSON text of any value."""
    if rng.random() < 0.6:
        return str(rng.choice(_STRINGS + tuple(str(n) for n in _NUMBERS[:15])))
    return json.dumps(random_value(rng))


# --- the endpoints --------------------------------------------------------------------------


@dataclass
class Seeds:
    """Ids of things that exist, so that requests reach past the "not found" checks."""

    job_ids: list[int] = field(default_factory=list)
    run_ids: list[int] = field(default_factory=list)
    task_run_ids: list[int] = field(default_factory=list)
    destination_ids: list[str] = field(default_factory=list)
    made_jobs: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Endpoint:
    family: str
    method: str
    path: str  # `{job}`, `{destination}` are filled with an id that exists
    template: dict[str, Any]  # a valid body (POST, PUT, PATCH) or query (GET, DELETE)


def condition_task(key: str, after: tuple[str, ...] = ()) -> dict[str, Any]:
    """A task that runs no process: a condition."""
    task: dict[str, Any] = {
        "task_key": key,
        "condition_task": {"op": "EQUAL_TO", "left": "1", "right": "1"},
    }
    if after:
        task["depends_on"] = [{"task_key": upstream} for upstream in after]
    return task


# A job's settings: two condition tasks, and a Python file that does not exist (it fails at
# once), with the fields a fuzzer should break.
_SETTINGS: Final = {
    "name": "$name",
    "tasks": [
        condition_task("a"),
        condition_task("b", ("a",)),
        {
            "task_key": "py",
            "depends_on": [{"task_key": "b"}],
            "spark_python_task": {"python_file": "/Workspace/Shared/fuzz/missing.py"},
        },
    ],
    "job_clusters": [{"job_cluster_key": "c", "new_cluster": {"num_workers": 0}}],
    "max_concurrent_runs": 1,
    "parameters": [{"name": "p", "default": "v"}],
    "tags": {"fuzz": "yes"},
    "timeout_seconds": 60,
    "queue": {"enabled": True},
}
_ACL: Final = [
    {"user_name": "local-user@localhost", "permission_level": "IS_OWNER"},
    {"group_name": "users", "permission_level": "CAN_VIEW"},
]
_LEGACY: Final = {"notebook_params": {"a": "b"}, "python_params": ["x"], "jar_params": ["1"]}
_DESTINATION: Final = {
    "display_name": "$name",
    "config": {"generic_webhook": {"url": "http://127.0.0.1:9/hook", "password": "p"}},
}
_NOTEBOOK: Final = base64.b64encode(b"# Databricks notebook source\nprint(1)\n").decode()
_J: Final = "/api/2.2/jobs/"
_R: Final = "/api/2.2/jobs/runs/"
_W: Final = "/api/2.0/workspace/"
_PERMISSIONS: Final = "/api/2.0/permissions/jobs/{job}"
_DESTINATIONS: Final = "/api/2.0/notification-destinations"
_FOLDER: Final = {"path": "$path"}
_ENDPOINTS: Final = (
    ("jobs", "POST", _J + "create", {**_SETTINGS, "access_control_list": _ACL}),
    ("jobs", "GET", _J + "get", {"job_id": "$job", "page_token": "eyJwYWdlIjoxfQ"}),
    ("jobs", "GET", _J + "list", {"limit": 5, "offset": 0, "expand_tasks": True, "name": "f"}),
    ("jobs", "POST", _J + "reset", {"job_id": "$job", "new_settings": _SETTINGS}),
    (
        "jobs",
        "POST",
        _J + "update",
        {"job_id": "$job", "new_settings": {"timeout_seconds": 3}, "fields_to_remove": ["tags"]},
    ),
    ("jobs", "POST", _J + "delete", {"job_id": "$job"}),
    (
        "jobs",
        "POST",
        _J + "run-now",
        {"job_id": "$job", "job_parameters": {"p": "w"}, "idempotency_token": "$name"}
        | {"only": ["a"], "queue": {"enabled": True}, **_LEGACY},
    ),
    (
        "runs",
        "POST",
        _R + "submit",
        {"run_name": "s", "tasks": [condition_task("a")], "idempotency_token": "$name"}
        | {"queue": {"enabled": True}},
    ),
    (
        "runs",
        "GET",
        _R + "list",
        {"job_id": "$job", "active_only": False, "limit": 3, "run_type": "JOB_RUN"}
        | {"start_time_from": 0, "expand_tasks": True, "page_token": "eyJhZnRlciI6MSwiaWQiOjF9"},
    ),
    (
        "runs",
        "GET",
        _R + "get",
        {"run_id": "$run", "include_history": True, "include_resolved_values": True},
    ),
    ("runs", "GET", _R + "get-output", {"run_id": "$run"}),
    ("runs", "POST", _R + "cancel", {"run_id": "$run"}),
    ("runs", "POST", _R + "cancel-all", {"job_id": "$job", "all_queued_runs": False}),
    ("runs", "POST", _R + "delete", {"run_id": "$run"}),
    (
        "runs",
        "POST",
        _R + "repair",
        {"run_id": "$run", "rerun_tasks": ["a"], "rerun_dependent_tasks": True}
        | {"job_parameters": {"p": "r"}, "latest_repair_id": 1, **_LEGACY},
    ),
    ("runs", "GET", _R + "export", {"run_id": "$run", "views_to_export": "CODE"}),
    ("permissions", "GET", _PERMISSIONS, {}),
    ("permissions", "PUT", _PERMISSIONS, {"access_control_list": _ACL}),
    (
        "permissions",
        "PATCH",
        _PERMISSIONS.replace("2.0/", "2.0/preview/"),
        {"access_control_list": _ACL},
    ),
    ("permissions", "GET", _PERMISSIONS + "/permissionLevels", {}),
    ("workspace", "GET", _W + "list", _FOLDER),
    ("workspace", "GET", _W + "get-status", _FOLDER),
    (
        "workspace",
        "POST",
        _W + "import",
        {"path": "$path", "format": "SOURCE", "language": "PYTHON", "overwrite": True}
        | {"content": _NOTEBOOK},
    ),
    (
        "workspace",
        "GET",
        _W + "export",
        {"path": "$path", "format": "SOURCE"} | {"direct_download": True},
    ),
    ("workspace", "POST", _W + "mkdirs", _FOLDER),
    ("workspace", "POST", _W + "delete", {"path": "$path", "recursive": True}),
    ("compute", "GET", "/api/2.1/clusters/list", {}),
    ("compute", "GET", "/api/2.0/clusters/get", {"cluster_id": "local-cluster"}),
    ("compute", "GET", "/api/2.1/clusters/spark-versions", {}),
    ("compute", "GET", "/api/2.0/clusters/list-node-types", {}),
    ("compute", "GET", "/api/2.0/sql/warehouses", {}),
    ("compute", "GET", "/api/2.0/sql/warehouses/local-warehouse", {}),
    ("compute", "GET", "/api/2.0/pipelines", {"max_results": 10}),
    ("destinations", "POST", _DESTINATIONS, _DESTINATION),
    ("destinations", "GET", _DESTINATIONS, {"page_size": 2, "page_token": "eyJvZmZzZXQiOjF9"}),
    ("destinations", "GET", _DESTINATIONS + "/{destination}", {}),
    ("destinations", "PATCH", _DESTINATIONS + "/{destination}", _DESTINATION),
    ("destinations", "DELETE", _DESTINATIONS + "/{destination}", {}),
    ("outbox", "GET", "/api/2.0/loom/outbox", {"after": 0, "limit": 10}),
    ("identity", "GET", "/api/2.0/preview/scim/v2/Me", {}),
)
_PATHS: Final = (
    "/Workspace/Shared/fuzz",
    "/Workspace/Shared/fuzz/n1",
    "/Workspace/Shared/fuzz/deep",
    "/Workspace/Shared/fuzz/d",
    "/Shared/fuzz/d/e",
    "/Workspace",
    "/Users/local-user@localhost",
)


def endpoints() -> list[Endpoint]:
    """Every endpoint, with the 2.1 aliases of the jobs and runs ones."""
    found = [Endpoint(*entry) for entry in _ENDPOINTS]
    aliases = [e for e in found if e.path.startswith(_J)]
    return found + [
        Endpoint(e.family, e.method, e.path.replace("/2.2/", "/2.1/"), e.template) for e in aliases
    ]


def _fill(template: Any, rng: random.Random, seeds: Seeds) -> Any:
    """A copy of the template with its `$` placeholders replaced by ids that exist."""
    if isinstance(template, dict):
        return {key: _fill(value, rng, seeds) for key, value in template.items()}
    if isinstance(template, list):
        return [_fill(value, rng, seeds) for value in template]
    if template == "$job":
        return rng.choice(seeds.job_ids)
    if template == "$run":
        return rng.choice(seeds.run_ids + seeds.task_run_ids)
    if template == "$path":
        return rng.choice(_PATHS)
    if template == "$name":
        return f"fuzz-{rng.randrange(100)}"
    return template


def served_routes(lw: LocalWorkspace) -> list[Route]:
    """Every route the workspace serves, from its resources (none is called here)."""
    nothing = cast(Any, None)
    resources = [
        JobsApi(lw.store, nothing, lw.user_name),
        RunsApi(lw.store, nothing, lambda: lw.host, lw.workspace_id, lw.workspace_root),
        PermissionsApi(lw.store),
        WorkspaceApi(lw.workspace_root),
        DestinationsApi(lw.store),
        OutboxApi(lw.store),
        ComputeApi(lambda: 0),
        IdentityApi(),
    ]
    return [route for resource in resources for route in resource.routes()]


# --- breaking a valid request ---------------------------------------------------------------


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place inside a JSON document, down to 6 levels."""
    if len(prefix) >= 6:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*prefix, index)
            yield from _paths(item, (*prefix, index))


def _replace(document: Any, path: tuple[Any, ...], value: Any) -> None:
    holder = document
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = value


def mutate(rng: random.Random, document: dict[str, Any]) -> dict[str, Any]:
    """The document with one to three places changed: a random value, removed, or a field
    added."""
    document = json.loads(json.dumps(document))
    for _ in range(rng.randint(1, 3)):
        places = list(_paths(document))
        choice = rng.random()
        if places and choice < 0.45:
            _replace(document, rng.choice(places), random_value(rng))
        elif places and choice < 0.7:
            # Another JSON type in place: containers where scalars are read, and back.
            _replace(document, rng.choice(places), json.loads(rng.choice(_RETYPED)))
        elif places and choice < 0.85:
            path = rng.choice(places)
            holder = document
            for step in path[:-1]:
                holder = holder[step]
            if isinstance(holder, dict):
                holder.pop(path[-1], None)
        else:
            document[rng.choice(("job_id", "run_id", "path", "x", "tasks", "config"))] = (
                random_value(rng)
            )
    return document


@dataclass
class Attempt:
    family: str
    method: str
    target: str  # path and query
    body: bytes
    headers: dict[str, str]
    how: str
    latin1: bool = False
    version: str = "HTTP/1.1"


def _fits_latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _query(fields: dict[str, Any]) -> str:
    parts = []
    for key, value in fields.items():
        if value is None:
            continue
        text = value if isinstance(value, str) else json.dumps(value)
        if isinstance(value, bool):
            text = "true" if value else "false"
        parts.append(f"{quote(str(key), safe='')}={quote(text, safe='', errors='surrogatepass')}")
    return "&".join(parts)


_BAD_QUERIES: Final = (
    "%",
    "%zz=1",
    "a=%ff%fe",
    "=&=&&",
    "job_id=1&job_id=x",
    "run_id=%00",
    "path=%2FWorkspace%00",
    "limit=" + "9" * 5000,
    "&".join(f"f{i}=1" for i in range(500)),
    "page_token=%%%",
    "page_token=eyJwYWdlIjo5OTk5OTk5OTk5OTk5OTk5OTk5OX0",
    "page_token=eyJhZnRlciI6MWUzMDAsImlkIjoxfQ",
)
_MULTIPART: Final = (
    b'--x\r\nContent-Disposition: form-data; name="path"\r\n\r\n/Workspace/Shared/fuzz/m\r\n'
    b'--x\r\nContent-Disposition: form-data; name="format"\r\n\r\nRAW\r\n'
    b'--x\r\nContent-Disposition: form-data; name="content"; filename="m"\r\n'
    b"Content-Transfer-Encoding: base64\r\n\r\n***\r\n--x--\r\n"
)
_BAD_BODIES: Final = (
    b"{",
    b"[]",
    b"null",
    b"\xff\xfe\x00",
    b'{"a": NaN}',
    b'{"job_id": Infinity}',
    b'{"job_id": 1e400}',
    b'{"job_id": -0}',
    b'{"job_id": 1.0}',
    b'{"run_id": "\\ud800"}',
    b'{"path": "\\udc80"}',
    b'{"display_name": "\\ud83d"}',
    b"[" * 50_000 + b"]" * 50_000,
    b'{"a":' * 5000 + b"1" + b"}" * 5000,
    b'{"job_id": ' + b"9" * 5000 + b"}",
    b"\xed\xa0\x80",
    b'{"job_id": 1, "job_id": "x"}',
    _MULTIPART,
    _MULTIPART.replace(b"/Workspace/Shared/fuzz/m", b"/Workspace/Shared/" + "é".encode() * 200),
    _MULTIPART.replace(b'name="path"', b"name*=utf-8''p%FFath"),
    b"--x\r\nContent-Disposition: form-data\r\n\r\n--x--",
)
_BAD_IDS: Final = (
    *f"{2**63} {2**64 + 5} -{2**63 + 1} -1 0 ² %C2%B2 ٣ 1.5 %00 %2e%2e 1e3 +1 1_0".split(),
    "x" * 300,
)
_METHODS: Final = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE")


def make_attempt(rng: random.Random, endpoint: Endpoint, seeds: Seeds, token: str) -> Attempt:
    path = endpoint.path.replace("{job}", str(rng.choice(seeds.job_ids)))
    path = path.replace("{destination}", rng.choice(seeds.destination_ids))
    fields: dict[str, Any] = _fill(endpoint.template, rng, seeds)
    method = endpoint.method
    headers = {"Authorization": f"Bearer {token}"}
    version = "HTTP/1.1"
    in_body = method in ("POST", "PUT", "PATCH")
    raw_body: bytes | None = None
    query_text: str | None = None
    roll = rng.random()
    if roll < 0.12:
        how = "valid"
    elif roll < 0.55:
        how = "mutated"
        fields = mutate(rng, fields)
    elif roll < 0.62:
        how = "random-body"
        value = random_value(rng)
        fields = value if isinstance(value, dict) else {"x": value}
        if rng.random() < 0.5:
            raw_body = json.dumps(value).encode()
    elif roll < 0.7:
        how = "bad-body"
        raw_body = rng.choice(_BAD_BODIES)
        if raw_body.startswith(b"--x"):
            headers["Content-Type"] = "multipart/form-data; boundary=x"
    elif roll < 0.78:
        how = "bad-query"
        query_text = rng.choice(_BAD_QUERIES)
    elif roll < 0.86 and "{" in endpoint.path:
        how = "bad-id"
        path = re.sub(r"\{\w+\}", rng.choice(_BAD_IDS), endpoint.path)
    elif roll < 0.86:
        how = "each-field"
        fields = {key: random_value(rng) for key in fields}
    elif roll < 0.93:
        how = "wrong-method"
        method = rng.choice([m for m in _METHODS if m != endpoint.method])
        in_body = method in ("POST", "PUT", "PATCH")
    elif roll < 0.95:
        how = "request-line"
        version = rng.choice(
            ("HTTP/2.0", "HTTP/1.0", "HTTP/1.x", "HTTP/3", "FOO/1.1", "HTTP/1.1 x")
        )
        headers["Connection"] = "close"
    else:
        how = "headers"
        headers["Content-Type"] = rng.choice(
            ("multipart/form-data; boundary=x", "text/plain", "application/json; charset=latin-1")
        )
        if rng.random() < 0.3:
            # Refused before the body is read: the connection is not reused after.
            headers["Content-Length"] = rng.choice(("abc", "-1", "1_0", "²", "+3", "0x10"))
            headers["Connection"] = "close"
    if in_body:
        body = raw_body if raw_body is not None else json.dumps(fields).encode()
        target = path if query_text is None else f"{path}?{query_text}"
    else:
        body = raw_body if raw_body is not None and how == "bad-body" else b""
        query = query_text if query_text is not None else _query(fields)
        if how in ("mutated", "each-field") and rng.random() < 0.5:
            query = _query({key: random_text(rng) for key in fields} | {"x": random_text(rng)})
        target = f"{path}?{query}" if query else path
    return Attempt(endpoint.family, method, target, body, headers, how, rng.random() < 0.5, version)


# --- sending and judging ---------------------------------------------------------------------


@dataclass
class Campaign:
    requests: int = 0
    seconds: float = 0.0
    per_family: Counter[str] = field(default_factory=Counter)
    per_status: Counter[int] = field(default_factory=Counter)
    runs_started: int = 0
    failures: list[str] = field(default_factory=list)

    def report(self) -> str:
        families = ", ".join(f"{name} {count}" for name, count in sorted(self.per_family.items()))
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(self.per_status.items()))
        rate = self.requests / self.seconds if self.seconds else 0.0
        return (
            f"{self.requests} requests in {self.seconds:.1f} s ({rate:.0f}/s); "
            f"per family: {families}; statuses: {statuses}; runs started: {self.runs_started}; "
            f"failures: {len(self.failures)}"
        )


class _Connection:
    """One keep-alive connection that sends requests as given: a request line with raw UTF-8,
    headers that lie (http.client would refuse to send either)."""

    def __init__(self, port: int) -> None:
        self._port = port
        self._sock: socket.socket | None = None

    def send(self, attempt: Attempt) -> tuple[int, dict[str, str], bytes]:
        for retry in range(2):
            if self._sock is None:
                self._sock = socket.create_connection(("127.0.0.1", self._port), timeout=60)
            headers = {"Host": "127.0.0.1", **attempt.headers}
            headers.setdefault("Content-Length", str(len(attempt.body)))
            head = f"{attempt.method} {attempt.target} {attempt.version}\r\n" + "".join(
                f"{name}: {value}\r\n" for name, value in headers.items()
            )
            # A target's non-ASCII characters as Latin-1 bytes (one byte each, as the server
            # reads the request line) or as UTF-8.
            encoding = "latin-1" if attempt.latin1 and _fits_latin1(head) else "utf-8"
            try:
                self._sock.sendall(
                    head.encode(encoding, "surrogateescape") + b"\r\n" + attempt.body
                )
                response = http.client.HTTPResponse(self._sock, method=attempt.method)
                response.begin()
                data = response.read()
                answer = (response.status, dict(response.getheaders()), data)
                if response.will_close:
                    self.close()
                return answer
            except (http.client.HTTPException, OSError):
                self.close()
                if retry:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
        self._sock = None


def _judge(attempt: Attempt, status: int, headers: dict[str, str], data: bytes) -> str | None:
    """What is wrong with an answer, or None."""
    where = (
        f"{attempt.method} {attempt.target[:200]!r} ({attempt.how}, body {attempt.body[:200]!r})"
    )
    if status >= 500:
        return f"{status} for {where}: {data[:300]!r}"
    if attempt.method == "HEAD":
        return None
    content_type = headers.get("Content-Type", "")
    if status >= 400 or content_type == "application/json":
        try:
            document = json.loads(data, parse_constant=_no_constant)
        except ValueError:
            return f"{status} with no JSON (or NaN, Infinity) for {where}: {data[:300]!r}"
        if status >= 400 and not (
            isinstance(document, dict)
            and isinstance(document.get("error_code"), str)
            and isinstance(document.get("message"), str)
        ):
            return f"{status} not in the error shape for {where}: {data[:300]!r}"
    return None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is no JSON")


def _learn(attempt: Attempt, status: int, data: bytes, seeds: Seeds) -> bool:
    """Keeps the ids the workspace handed out, for later requests (and the clean-up); whether
    the request started a run (run-now, submit, repair)."""
    if status != 200 or not data.startswith(b"{"):
        return False
    document = json.loads(data)
    if "/jobs/create" in attempt.target and isinstance(document.get("job_id"), int):
        seeds.job_ids.append(document["job_id"])
        seeds.made_jobs.add(document["job_id"])
    started = "/run-now" in attempt.target or "/runs/submit" in attempt.target
    if started and isinstance(document.get("run_id"), int) and len(seeds.run_ids) < 200:
        seeds.run_ids.append(document["run_id"])
    destinations = attempt.target.startswith("/api/2.0/notification-destinations")
    if destinations and attempt.method == "POST" and isinstance(document.get("id"), str):
        seeds.destination_ids.append(document["id"])
    return "run_id" in document or "repair_id" in document


def prepare(lw: LocalWorkspace, w: WorkspaceClient) -> Seeds:
    """A job with two condition tasks and a finished run of it, a destination, a folder."""
    seeds = Seeds()
    job_id = create_job(
        w, {"name": "fuzz-seed", "tasks": [condition_task("a"), condition_task("b", ("a",))]}
    )
    seeds.job_ids.append(job_id)
    seeds.made_jobs.add(job_id)
    run = wait_run(w, run_now(w, job_id))
    seeds.run_ids.append(run["run_id"])
    seeds.task_run_ids += [task["run_id"] for task in run.get("tasks", [])]
    destination = w.api_client.do(
        "POST",
        "/api/2.0/notification-destinations",
        body={"display_name": "fuzz", "config": {"email": {"addresses": ["a@example.com"]}}},
    )
    seeds.destination_ids.append(destination["id"])
    folder = lw.workspace_root / "Shared" / "fuzz"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "n1.py").write_text("# Databricks notebook source\nprint(1)\n")
    (folder / "deep.ipynb").write_text("[" * 100_000 + "]" * 100_000)
    (folder / "deep.py").write_text("# Databricks notebook source\n")
    return seeds


def run_campaign(lw: LocalWorkspace, seed: int, count: int) -> Campaign:
    """`count` fuzzed requests, seeded; the figures and every failure found."""
    w = client(lw)
    seeds = prepare(lw, w)
    rng = random.Random(seed)
    table = endpoints()
    port = int(lw.host.rsplit(":", 1)[1])
    connection = _Connection(port)
    campaign = Campaign()
    start = time.perf_counter()
    try:
        for _ in range(count):
            endpoint = rng.choice(table)
            attempt = make_attempt(rng, endpoint, seeds, lw.token)
            status, headers, data = connection.send(attempt)
            campaign.requests += 1
            campaign.per_family[attempt.family] += 1
            campaign.per_status[status] += 1
            fault = _judge(attempt, status, headers, data)
            if fault is not None:
                campaign.failures.append(fault)
            elif _learn(attempt, status, data, seeds):
                campaign.runs_started += 1
    finally:
        connection.close()
    campaign.seconds = time.perf_counter() - start
    clean_up(w, seeds)
    return campaign


def clean_up(w: WorkspaceClient, seeds: Seeds) -> None:
    """Deletes the jobs the campaign made (their runs are canceled), cancels every other run in
    progress, and waits until none is."""
    for job_id in seeds.made_jobs:
        with contextlib.suppress(DatabricksError):  # deleted by the campaign already
            w.api_client.do("POST", "/api/2.2/jobs/delete", body={"job_id": job_id})
    deadline = time.monotonic() + 60
    while True:
        active = w.api_client.do(
            "GET", "/api/2.1/jobs/runs/list", query={"active_only": "true", "limit": 26}
        ).get("runs", [])
        if not active:
            return
        for run in active:
            with contextlib.suppress(DatabricksError):  # it ended meanwhile
                w.api_client.do("POST", "/api/2.2/jobs/runs/cancel", body={"run_id": run["run_id"]})
        if time.monotonic() > deadline:
            states = [run["state"] for run in active]
            raise AssertionError(f"runs still in progress after the campaign: {states}")
        time.sleep(0.1)


# --- the test --------------------------------------------------------------------------------


def test_every_route_is_fuzzed(make_workspace: Callable[..., LocalWorkspace]) -> None:
    lw = make_workspace()
    covered = {(e.method, re.sub(r"\{\w+\}", "1", e.path)) for e in endpoints()}
    for route in served_routes(lw):
        pattern = re.compile(route.pattern)
        assert any(
            method == route.method and pattern.fullmatch(path) for method, path in covered
        ), f"no fuzzed request for {route.method} {route.pattern}"


def test_no_input_gets_a_5xx_and_the_workspace_still_works(
    make_workspace: Callable[..., LocalWorkspace],
) -> None:
    lw = make_workspace()
    campaign = run_campaign(lw, SEED, TEST_REQUESTS)
    print(campaign.report())
    assert not campaign.failures, "\n".join(campaign.failures[:30])
    assert set(campaign.per_family) == {e.family for e in endpoints()}

    # Still a workspace: a round trip through the SDK, and no run left in progress.
    w = client(lw)
    job_id = create_job(w, {"name": "after-fuzz", "tasks": [condition_task("a")]})
    job = w.jobs.get(job_id)
    assert job.settings is not None and job.settings.name == "after-fuzz"
    run = wait_run(w, run_now(w, job_id))
    assert run["state"]["result_state"] == "SUCCESS"
    active = w.api_client.do("GET", "/api/2.2/jobs/runs/list", query={"active_only": "true"})
    assert not active.get("runs")
