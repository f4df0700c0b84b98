"""The HTTP front: auth, error shapes, hostile input, the SDK's first call, the token file."""

from __future__ import annotations

import json
import logging
import socket
import stat
from collections.abc import Callable
from typing import Any

import pytest
import requests
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import BadRequest, NotFound, Unauthenticated

from loom_jobs_widget.core.server_defaults import with_server_defaults
from loom_jobs_widget.local import LocalWorkspace

from ..helpers import client


def raw(lw: LocalWorkspace, method: str, path: str, **kwargs: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {lw.token}", **kwargs.pop("headers", {})}
    return requests.request(method, lw.host + path, headers=headers, timeout=10, **kwargs)


def test_host_is_loopback_and_the_sdk_reads_host_metadata(lw: LocalWorkspace) -> None:
    assert lw.host.startswith("http://127.0.0.1:")
    answer = requests.get(lw.host + "/.well-known/databricks-config", timeout=5)  # no token
    assert answer.status_code == 200
    assert answer.json() == {"workspace_id": lw.workspace_id}
    w = client(lw)
    assert w.config.workspace_id == lw.workspace_id
    assert w.current_user.me().user_name == "local-user@localhost"


def test_a_wrong_or_missing_token_is_unauthenticated(lw: LocalWorkspace) -> None:
    with pytest.raises(Unauthenticated, match="Invalid access token"):
        list(client(lw, token="dapi-not-the-token").jobs.list())
    answer = requests.get(lw.host + "/api/2.2/jobs/list", timeout=5)
    assert answer.status_code == 401
    assert answer.json()["error_code"] == "UNAUTHENTICATED"
    basic = raw(lw, "GET", "/api/2.2/jobs/list", headers={"Authorization": f"Basic {lw.token}"})
    assert basic.status_code == 401


def test_unknown_endpoint_is_endpoint_not_found(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    with pytest.raises(NotFound) as caught:
        w.api_client.do("GET", "/api/2.2/jobs/nope")
    assert caught.value.error_code == "ENDPOINT_NOT_FOUND"
    # A known path with another method is no API either, as on a workspace.
    answer = raw(lw, "DELETE", "/api/2.2/jobs/create")
    assert answer.status_code == 404
    assert answer.json() == {
        "error_code": "ENDPOINT_NOT_FOUND",
        "message": "No API found for 'DELETE /2.2/jobs/create'",
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "Could not parse request object"),
        (b"[1, 2]", "Invalid JSON given in the body of the request - expected a map"),
        (b'"text"', "expected a map"),
        (b"\xff\xfe", "Could not parse request object"),
        (b"[" * 100_000, "Could not parse request object"),
    ],
)
def test_malformed_json_is_malformed_request(lw: LocalWorkspace, body: bytes, message: str) -> None:
    answer = raw(lw, "POST", "/api/2.2/jobs/create", data=body)
    assert answer.status_code == 400
    assert answer.json()["error_code"] == "MALFORMED_REQUEST"
    assert message in answer.json()["message"]


def test_wrong_types_are_malformed_request(w: WorkspaceClient) -> None:
    with pytest.raises(BadRequest) as caught:
        w.api_client.do("POST", "/api/2.2/jobs/run-now", body={"job_id": [1]})
    assert caught.value.error_code == "MALFORMED_REQUEST"
    assert "Expected integer for field job_id, found ARRAY" in str(caught.value)
    with pytest.raises(BadRequest, match="Expected object for field job_parameters, found STRING"):
        w.api_client.do("POST", "/api/2.2/jobs/run-now", body={"job_id": 1, "job_parameters": "x"})
    with pytest.raises(BadRequest, match="Missing required field: job_id"):
        w.api_client.do("POST", "/api/2.2/jobs/delete", body={})
    with pytest.raises(BadRequest, match="is not an integer"):
        w.api_client.do("GET", "/api/2.2/jobs/get", query={"job_id": "abc"})


def test_a_body_over_10_mb_is_refused_unread(lw: LocalWorkspace) -> None:
    body = b'{"name": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    answer = raw(lw, "POST", "/api/2.2/jobs/create", data=body)
    assert answer.status_code == 400
    assert answer.json()["error_code"] == "BAD_REQUEST"
    assert "the limit is 10485760 bytes" in answer.json()["message"]
    # The server did not read 10 MB to say so, and still serves.
    assert raw(lw, "GET", "/api/2.2/jobs/list").status_code == 200


def test_a_lying_content_length_does_not_hang_the_server(lw: LocalWorkspace) -> None:
    port = int(lw.host.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(
            b"POST /api/2.2/jobs/create HTTP/1.1\r\nHost: x\r\n"
            b"Authorization: Bearer " + lw.token.encode() + b"\r\n"
            b"Content-Length: -5\r\n\r\n"
        )
        reply = sock.recv(4096)
    assert b"400" in reply.split(b"\r\n", 1)[0]
    assert raw(lw, "GET", "/api/2.2/jobs/list").status_code == 200


def test_what_the_http_layer_refuses_is_json_too(lw: LocalWorkspace) -> None:
    port = int(lw.host.rsplit(":", 1)[1])
    for request in (
        b"BREW /api/2.2/jobs/list HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /api/2.2/jobs/list HTTP/1.1\r\n" + b"X-A: b\r\n" * 200 + b"\r\n",
    ):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(request)
            reply = b""
            while chunk := sock.recv(65536):
                reply += chunk
        head, _, body = reply.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.") and b"application/json" in head, reply
        assert set(json.loads(body)) == {"error_code", "message"}


def test_errors_are_json_never_tracebacks(lw: LocalWorkspace) -> None:
    for method, path, data in [
        ("POST", "/api/2.2/jobs/create", b'{"tasks": {"a": 1}}'),
        ("POST", "/api/2.2/jobs/update", b'{"job_id": "12x"}'),
        ("GET", "/api/2.2/jobs/runs/get?run_id=99999999999999999999999", b""),
        ("GET", "/api/2.2/jobs/list?page_token=%%%", b""),
        ("POST", "/api/2.0/workspace/import", b'{"path": "/Shared/x", "content": "***"}'),
    ]:
        answer = raw(lw, method, path, data=data)
        assert 400 <= answer.status_code < 500, (path, answer.text)
        document = answer.json()
        assert set(document) == {"error_code", "message"}
        assert "Traceback" not in document["message"]


def test_2_1_aliases_serve_the_same_jobs(w: WorkspaceClient) -> None:
    job_id = w.api_client.do("POST", "/api/2.1/jobs/create", body={"name": "alias"})["job_id"]
    settings = w.jobs.get(job_id).settings
    assert settings is not None and settings.name == "alias"
    got = w.api_client.do("GET", "/api/2.1/jobs/get", query={"job_id": job_id})
    assert got["settings"] == with_server_defaults({"name": "alias"})


def test_the_token_is_kept_private_and_never_logged(
    make_workspace: Callable[..., LocalWorkspace], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    lw = make_workspace()
    token_file = lw.data_dir / "token"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert token_file.read_text().strip() == lw.token
    w = client(lw)
    list(w.jobs.list())
    client(lw, token="dapi-wrong")  # a failed attempt is not logged with its token either
    with pytest.raises(Unauthenticated):
        list(client(lw, token="dapi-wrong").jobs.list())
    local_logs = [r.getMessage() for r in caplog.records if r.name.startswith("loom_jobs_widget")]
    assert local_logs  # requests are logged, at debug level
    assert not any(lw.token in message or "dapi-wrong" in message for message in local_logs)


def test_one_data_folder_serves_one_workspace(
    make_workspace: Callable[..., LocalWorkspace],
) -> None:
    first = make_workspace()
    with pytest.raises(RuntimeError, match="in use by another local workspace"):
        LocalWorkspace(first.data_dir).start()


def test_many_parallel_requests(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def create(i: int) -> int:
        return int(
            w.api_client.do("POST", "/api/2.2/jobs/create", body={"name": f"par-{i}"})["job_id"]
        )

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(create, range(40)))
    assert len(set(ids)) == 40
    assert json.loads(json.dumps(w.jobs.get(ids[-1]).as_dict()))["settings"]["name"] == "par-39"


def test_a_stopped_workspace_closes_kept_alive_connections(
    make_workspace: Callable[..., LocalWorkspace],
) -> None:
    lw = make_workspace()
    session = requests.Session()  # keeps its connection alive between requests, as the SDK does
    url, headers = f"{lw.host}/api/2.2/jobs/list", {"Authorization": f"Bearer {lw.token}"}
    assert session.get(url, headers=headers, timeout=5).status_code == 200
    lw.stop()
    # Not a 500 from a handler reading a closed store: the connection is gone.
    with pytest.raises(requests.ConnectionError):
        session.get(url, headers=headers, timeout=5)
