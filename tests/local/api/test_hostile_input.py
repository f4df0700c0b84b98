"""Input that used to reach a 500, and its kin: each is now a 400 or a 404 in the API's error
shape, as a workspace answers it.

Ids that cannot exist (over 64 bits, Unicode digits), JSON values of the wrong type where a key
is looked up, names the file system cannot hold, numbers JSON has no word for, lone surrogates,
nesting past any request's, and request lines and headers an HTTP client should not send.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import BadRequest, InvalidParameterValue, ResourceDoesNotExist

from loom_jobs_widget.local import LocalWorkspace

from ..helpers import create_job, run_now, wait_run

TOO_BIG = str(2**63)  # one past the largest int64
OWNER = [{"user_name": "local-user@localhost", "permission_level": "IS_OWNER"}]


def raw(lw: LocalWorkspace, method: str, path: str, **kwargs: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {lw.token}", **kwargs.pop("headers", {})}
    return requests.request(method, lw.host + path, headers=headers, timeout=10, **kwargs)


def send_bytes(lw: LocalWorkspace, request: bytes) -> tuple[bytes, dict[str, Any]]:
    """A request written byte for byte; the answer's head and JSON body."""
    port = int(lw.host.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    return head, json.loads(body)


def error(answer: requests.Response) -> tuple[int, str]:
    document = answer.json()
    assert set(document) == {"error_code", "message"}, document
    return answer.status_code, document["error_code"]


@pytest.fixture
def job_id(w: WorkspaceClient) -> int:
    return create_job(w, {"name": f"hostile-{uuid.uuid4().hex[:8]}"})


# --- ids -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "", None),
        ("PUT", "", {"access_control_list": OWNER}),
        ("PATCH", "", {"access_control_list": OWNER}),
        ("GET", "/permissionLevels", None),
    ],
)
@pytest.mark.parametrize("job", [TOO_BIG, str(2**64 + 5), "%C2%B2", "1_0", "+1", "1.0"])
def test_a_job_id_that_cannot_exist_is_invalid(
    lw: LocalWorkspace, method: str, suffix: str, body: Any, job: str
) -> None:
    answer = raw(lw, method, f"/api/2.0/permissions/jobs/{job}{suffix}", json=body)
    assert error(answer) == (400, "INVALID_PARAMETER_VALUE")
    assert "is not a valid job ID" in answer.json()["message"]


def test_the_sdk_sees_a_job_id_over_64_bits_as_invalid(w: WorkspaceClient) -> None:
    with pytest.raises(InvalidParameterValue, match="is not a valid job ID"):
        w.jobs.get_permissions(TOO_BIG)
    with pytest.raises(InvalidParameterValue):
        w.jobs.get_permission_levels(TOO_BIG)


def test_a_unicode_digit_as_a_job_id_is_invalid(lw: LocalWorkspace) -> None:
    # "²" as the one byte 0xB2: the server reads the request line as Latin-1, and "²".isdigit().
    for raw_id in (b"\xb2", "²".encode(), "٣".encode()):
        head, document = send_bytes(
            lw,
            b"GET /api/2.0/permissions/jobs/" + raw_id + b" HTTP/1.1\r\nHost: x\r\n"
            b"Authorization: Bearer " + lw.token.encode() + b"\r\nConnection: close\r\n\r\n",
        )
        assert head.startswith(b"HTTP/1.1 400"), head
        assert document["error_code"] == "INVALID_PARAMETER_VALUE"


def test_a_job_id_that_fits_but_is_not_there_does_not_exist(w: WorkspaceClient) -> None:
    with pytest.raises(ResourceDoesNotExist, match="Job 9223372036854775807 does not exist"):
        w.jobs.get_permissions(str(2**63 - 1))


@pytest.mark.parametrize(
    "text", ["٣", "\uff11\uff12", " 1", "1_0", "0x10", TOO_BIG, "-9223372036854775809", "1e3"]
)
def test_query_integers_are_ascii_and_64_bit(lw: LocalWorkspace, text: str) -> None:
    answer = raw(lw, "GET", "/api/2.2/jobs/get", params={"job_id": text})
    assert error(answer) == (400, "INVALID_PARAMETER_VALUE")
    assert "is not an integer" in answer.json()["message"]


@pytest.mark.parametrize("value", ["٣", 2**63, -(2**63) - 1, 10**30, 1.0, True, "1 "])
def test_body_integers_are_ascii_and_64_bit(lw: LocalWorkspace, value: Any) -> None:
    answer = raw(lw, "POST", "/api/2.2/jobs/run-now", json={"job_id": value})
    assert error(answer) == (400, "MALFORMED_REQUEST")


def test_a_setting_over_64_bits_is_malformed(lw: LocalWorkspace) -> None:
    for value in (2**63, str(2**64), "٣"):
        answer = raw(
            lw, "POST", "/api/2.2/jobs/create", json={"name": "n", "timeout_seconds": value}
        )
        assert error(answer) == (400, "MALFORMED_REQUEST")
        assert "timeout_seconds" in answer.json()["message"]


@pytest.mark.parametrize(
    "cursor",
    [{"page": 2**62}, {"page": -1}, {"after": 2**63, "id": 1}, {"before": -(2**64), "id": 1}],
)
def test_page_tokens_out_of_range_are_invalid(lw: LocalWorkspace, cursor: dict[str, int]) -> None:
    token = base64.urlsafe_b64encode(json.dumps(cursor).encode()).decode().rstrip("=")
    for path, query in (
        ("/api/2.2/jobs/get", {"job_id": 1}),
        ("/api/2.2/jobs/runs/get", {"run_id": 1}),
        ("/api/2.2/jobs/list", {}),
        ("/api/2.2/jobs/runs/list", {}),
    ):
        answer = raw(lw, "GET", path, params={**query, "page_token": token})
        assert answer.status_code in (400, 404), (path, cursor, answer.text)
        assert set(answer.json()) == {"error_code", "message"}


# --- JSON values of the wrong type -----------------------------------------------------------


@pytest.mark.parametrize("level", [{}, {"a": 1}, [], ["IS_OWNER"], 1])
def test_a_permission_level_of_the_wrong_type_is_malformed(
    w: WorkspaceClient, job_id: int, level: Any
) -> None:
    entries = [{"user_name": "local-user@localhost", "permission_level": level}]
    for method in ("PUT", "PATCH"):
        with pytest.raises(BadRequest, match="Expected string for field permission_level"):
            w.api_client.do(
                method, f"/api/2.0/permissions/jobs/{job_id}", body={"access_control_list": entries}
            )
    with pytest.raises(BadRequest, match="Expected string for field permission_level"):
        create_job(w, {"name": "acl", "access_control_list": entries})


def test_a_principal_of_the_wrong_type_is_malformed(w: WorkspaceClient, job_id: int) -> None:
    entries = [{"user_name": {"a": 1}, "permission_level": "IS_OWNER"}]
    with pytest.raises(BadRequest, match="Expected string for field user_name"):
        w.api_client.do(
            "PUT", f"/api/2.0/permissions/jobs/{job_id}", body={"access_control_list": entries}
        )


def test_legacy_parameters_of_a_repair_are_read_as_their_types(w: WorkspaceClient) -> None:
    job = create_job(
        w,
        {
            "name": "repair-types",
            "tasks": [
                {
                    "task_key": "a",
                    "condition_task": {"op": "EQUAL_TO", "left": "1", "right": "2"},
                }
            ],
        },
    )
    run_id = wait_run(w, run_now(w, job))["run_id"]
    for name, value in (
        ("jar_params", {"a": 1}),
        ("python_named_params", ["x"]),
        ("sql_params", {"a": {}}),
        ("dbt_commands", "dbt run"),
        ("pipeline_params", [True]),
    ):
        with pytest.raises(BadRequest, match=f"for field {name}"):
            w.api_client.do(
                "POST",
                "/api/2.2/jobs/runs/repair",
                body={"run_id": run_id, "rerun_tasks": ["a"], name: value},
            )


def test_a_task_key_with_a_bracket_and_a_unicode_digit_is_refused_in_words(
    w: WorkspaceClient,
) -> None:
    for key in ("²]", "a]b"):
        task = {"task_key": key, "condition_task": {"op": "EQUAL_TO", "left": "1", "right": "1"}}
        with pytest.raises(InvalidParameterValue, match="contains an invalid character"):
            create_job(w, {"name": "keys", "tasks": [task]})


# --- JSON the parser must refuse -------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"name": NaN}', "NaN is not a JSON value"),
        (b'{"name": "x", "timeout_seconds": Infinity}', "Infinity is not a JSON value"),
        (b'{"name": "x", "x": -Infinity}', "-Infinity is not a JSON value"),
        (b'{"name": "x", "x": 1e400}', "out of range"),
        (b'{"name": "\\ud800"}', "lone UTF-16 surrogate"),
        (b'{"name": "x", "tags": {"\\udfff": "v"}}', "lone UTF-16 surrogate"),
        (b'{"name": "\xed\xa0\x80"}', "Could not parse request object"),
        (b'{"name": "x", "x": ' + b"[" * 101 + b"]" * 101 + b"}", "deeper than 100 levels"),
    ],
)
def test_json_the_parser_refuses_is_malformed(
    lw: LocalWorkspace, body: bytes, message: str
) -> None:
    answer = raw(lw, "POST", "/api/2.2/jobs/create", data=body)
    assert error(answer) == (400, "MALFORMED_REQUEST")
    assert message in answer.json()["message"]


def test_a_surrogate_pair_and_ordinary_nesting_are_fine(w: WorkspaceClient) -> None:
    job = create_job(w, {"name": "\ud83d\ude00 emoji", "x": [[[[{"a": [1]}]]]]})
    assert w.api_client.do("GET", "/api/2.2/jobs/get", query={"job_id": job})["settings"][
        "name"
    ] == ("\U0001f600 emoji")


def test_what_a_destination_stores_is_unicode(lw: LocalWorkspace) -> None:
    answer = raw(
        lw,
        "POST",
        "/api/2.0/notification-destinations",
        data=b'{"display_name": "\\udc80", "config": {"email": {"addresses": ["a@b.c"]}}}',
    )
    assert error(answer) == (400, "MALFORMED_REQUEST")


# --- the HTTP layer --------------------------------------------------------------------------


@pytest.mark.parametrize("length", [b"+2", b"1_0", b"0x2", "\uff12".encode(), b"2 2"])
def test_a_content_length_that_is_no_number_is_refused(lw: LocalWorkspace, length: bytes) -> None:
    head, document = send_bytes(
        lw,
        b"POST /api/2.2/jobs/list HTTP/1.1\r\nHost: x\r\n"
        b"Authorization: Bearer " + lw.token.encode() + b"\r\n"
        b"Content-Length: " + length + b"\r\n\r\n{}",
    )
    assert head.startswith(b"HTTP/1.1 400"), head
    assert document == {"error_code": "BAD_REQUEST", "message": "Invalid Content-Length header."}


@pytest.mark.parametrize("version", [b"HTTP/2.0", b"HTTP/3", b"HTTP/1.x", b"FOO"])
def test_a_request_line_of_another_version_is_a_400_with_a_status_line(
    lw: LocalWorkspace, version: bytes
) -> None:
    head, document = send_bytes(lw, b"GET /api/2.2/jobs/list " + version + b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), head
    assert document["error_code"] == "BAD_REQUEST"


def test_a_path_that_starts_with_two_slashes_is_a_path(lw: LocalWorkspace) -> None:
    answer = raw(lw, "GET", "//localhost/api/2.2/jobs/list")
    assert error(answer) == (404, "ENDPOINT_NOT_FOUND")


# --- workspace paths the file system cannot hold ---------------------------------------------


@pytest.fixture
def folder(lw: LocalWorkspace, w: WorkspaceClient) -> Iterator[str]:
    path = f"/Workspace/Shared/hostile-{uuid.uuid4().hex[:8]}"
    w.workspace.mkdirs(path)
    yield path


LONG_NAMES = ["n" * 256, "é" * 128, "😀" * 64]  # 256 bytes in UTF-8 each


@pytest.mark.parametrize("name", LONG_NAMES, ids=["ascii", "latin", "emoji"])
def test_reading_a_name_too_long_for_the_disk_finds_nothing(
    w: WorkspaceClient, folder: str, name: str
) -> None:
    path = f"{folder}/{name}"
    with pytest.raises(ResourceDoesNotExist):
        w.workspace.get_status(path)
    with pytest.raises(ResourceDoesNotExist):
        list(w.workspace.list(path))
    with pytest.raises(ResourceDoesNotExist):
        w.workspace.export(path)
    with pytest.raises(ResourceDoesNotExist):
        w.workspace.delete(path)
    with pytest.raises(ResourceDoesNotExist):
        w.workspace.get_status(f"{path}/below")


@pytest.mark.parametrize("name", LONG_NAMES, ids=["ascii", "latin", "emoji"])
def test_writing_a_name_too_long_for_the_disk_is_invalid(
    lw: LocalWorkspace, w: WorkspaceClient, folder: str, name: str
) -> None:
    path = f"{folder}/{name}"
    with pytest.raises(InvalidParameterValue, match="256 bytes long in UTF-8"):
        w.workspace.mkdirs(f"{path}/below")
    for fmt in ("SOURCE", "RAW", "AUTO", "JUPYTER"):
        answer = raw(
            lw,
            "POST",
            "/api/2.0/workspace/import",
            json={"path": path, "format": fmt, "language": "PYTHON", "content": "e30="},
        )
        assert error(answer) == (400, "INVALID_PARAMETER_VALUE"), fmt


def test_a_name_at_the_limit_is_kept(w: WorkspaceClient, folder: str) -> None:
    name = "é" * 127 + "n"  # 255 bytes
    w.workspace.mkdirs(f"{folder}/{name}")
    assert w.workspace.get_status(f"{folder}/{name}").object_type is not None
    # A notebook's file carries its extension: 253 bytes of name and ".py" do not fit.
    with pytest.raises(InvalidParameterValue, match="256 bytes long"):
        w.api_client.do(
            "POST",
            "/api/2.0/workspace/import",
            body={"path": f"{folder}/{'n' * 253}", "language": "PYTHON", "content": "e30="},
        )


def test_a_path_too_long_for_the_disk(w: WorkspaceClient, folder: str) -> None:
    deep = folder + "/d" * 2100  # over 4,096 bytes
    with pytest.raises(ResourceDoesNotExist):
        w.workspace.get_status(deep)
    with pytest.raises(InvalidParameterValue, match="over what the local file system allows"):
        w.workspace.mkdirs(deep)


def test_symbolic_links_that_loop_or_dangle(
    lw: LocalWorkspace, w: WorkspaceClient, folder: str
) -> None:
    on_disk = lw.workspace_root / folder.removeprefix("/Workspace/")
    os.symlink("loop", on_disk / "loop")
    os.symlink("nowhere", on_disk / "dangling")
    (on_disk / "kept.txt").write_text("x")
    listed = [item.path for item in w.workspace.list(folder)]
    assert listed == [f"{folder}/kept.txt"]
    with pytest.raises(InvalidParameterValue, match="loops"):
        w.workspace.get_status(f"{folder}/loop")
    with pytest.raises(ResourceDoesNotExist):
        w.workspace.get_status(f"{folder}/dangling")


def test_a_file_where_a_folder_is_needed_is_not_a_500(
    lw: LocalWorkspace, w: WorkspaceClient, folder: str
) -> None:
    on_disk = lw.workspace_root / folder.removeprefix("/Workspace/")
    (on_disk / "x.py").mkdir()  # a folder where the notebook's file would go
    answer = raw(
        lw,
        "POST",
        "/api/2.0/workspace/import",
        json={"path": f"{folder}/x", "format": "SOURCE", "language": "PYTHON", "content": "e30="},
    )
    assert error(answer) == (400, "RESOURCE_ALREADY_EXISTS")
