"""Pipelines a job's `pipeline_task` names: `/api/2.0/pipelines` (create, list) and
`/api/2.0/pipelines/{pipeline_id}` (get, delete), as the SDK's `pipelines.PipelinesAPI` calls
them.

A pipeline is kept as its get answer (`GetPipelineResponse`): the request's settings as its
`spec` (with `id`, and a `storage` under `dbfs:/pipelines/` when neither storage nor catalog is
given, as databricks/cli libs/testserver/pipelines.go answers), state IDLE. The list shows
`PipelineStateInfo` entries ordered by id (ascending unless `order_by` says `id desc`), at most
`max_results` (25 by default, above 100 refused) per page, filtered by `name LIKE '<pattern>'` or
`notebook='<path>'` (SDK docstring of `list_pipelines`).

A job's `pipeline_task` runs the pipeline's notebook and file sources (`libraries`) in order on
this machine (`exec.planners`); it is not a Delta Live Tables update.
"""

from __future__ import annotations

import re
from typing import Any, Final

from loom_jobs_widget.local.api.assets import AssetKind, new_uuid
from loom_jobs_widget.local.api.identity import LOCAL_USER
from loom_jobs_widget.local.engine import now_ms
from loom_jobs_widget.local.http import ApiError, Request, Route, paging
from loom_jobs_widget.local.http.params import query_int, query_str
from loom_jobs_widget.local.store import PIPELINE_ASSET, Store

__all__ = ["PipelinesApi"]

_PREFIX: Final = r"/api/2\.0/pipelines"
_DEFAULT_PAGE: Final = 25
_MAX_PAGE: Final = 100
# Fields of the create request that are not pipeline settings.
_REQUEST_ONLY: Final = frozenset({"allow_duplicate_names", "dry_run", "run_as"})
_NAME_LIKE: Final = re.compile(r"^\s*name\s+LIKE\s+'((?:[^']|'')*)'\s*$", re.IGNORECASE)
_NOTEBOOK: Final = re.compile(r"^\s*notebook\s*=\s*'((?:[^']|'')*)'\s*$", re.IGNORECASE)


def _not_found(pipeline_id: str) -> ApiError:
    # databricks/cli libs/testserver/pipelines.go: the message a workspace answers.
    return ApiError.not_found(f"The specified pipeline {pipeline_id} was not found.")


def _state_info(doc: dict[str, Any]) -> dict[str, Any]:
    info: dict[str, Any] = {
        key: doc[key]
        for key in ("pipeline_id", "name", "state", "creator_user_name", "run_as_user_name")
        if key in doc
    }
    info["latest_updates"] = doc.get("latest_updates", [])
    return info


def _notebooks(doc: dict[str, Any]) -> list[str]:
    libraries = doc.get("spec", {}).get("libraries") or []
    return [
        str(library["notebook"].get("path"))
        for library in libraries
        if isinstance(library, dict) and isinstance(library.get("notebook"), dict)
    ]


class PipelinesApi:
    def __init__(self, store: Store) -> None:
        self._pipelines = AssetKind(store, PIPELINE_ASSET, "Pipeline")

    def routes(self) -> list[Route]:
        one = _PREFIX + r"/(?P<id>[^/]+)"
        return [
            Route("POST", _PREFIX, self.create),
            Route("GET", _PREFIX, self.list_pipelines),
            Route("GET", one, self.get),
            Route("DELETE", one, self.delete),
        ]

    def create(self, request: Request) -> dict[str, Any]:
        body = request.json()
        name = body.get("name")
        if name is not None and not isinstance(name, str):
            raise ApiError.invalid("name must be a string.")
        libraries = body.get("libraries")
        if libraries is not None and not (
            isinstance(libraries, list) and all(isinstance(item, dict) for item in libraries)
        ):
            raise ApiError.invalid("libraries must be a list of objects.")
        pipeline_id = new_uuid()
        spec = {key: value for key, value in body.items() if key not in _REQUEST_ONLY}
        spec["id"] = pipeline_id
        if not spec.get("storage") and not spec.get("catalog"):
            spec["storage"] = f"dbfs:/pipelines/{pipeline_id}"
        doc: dict[str, Any] = {
            "pipeline_id": pipeline_id,
            "spec": spec,
            "state": "IDLE",
            "creator_user_name": LOCAL_USER,
            "run_as_user_name": LOCAL_USER,
            "last_modified": now_ms(),
            "latest_updates": [],
        }
        if name is not None:
            doc["name"] = name
        if isinstance(body.get("run_as"), dict):
            doc["run_as"] = body["run_as"]
        if body.get("dry_run") is True:
            return {"pipeline_id": pipeline_id, "effective_settings": spec}
        self._pipelines.insert(pipeline_id, name or "", doc)
        return {"pipeline_id": pipeline_id}

    def list_pipelines(self, request: Request) -> dict[str, Any]:
        size = query_int(request, "max_results")
        if size is None:
            size = _DEFAULT_PAGE
        if not 0 < size <= _MAX_PAGE:
            raise ApiError.invalid(
                f"max_results {size} is out of range: it must be from 1 to {_MAX_PAGE}."
            )
        pipelines = self._filtered(query_str(request, "filter"))
        descending = _descending(request.query.get("order_by", []))
        pipelines.sort(key=lambda doc: str(doc["pipeline_id"]), reverse=descending)
        cursor = paging.decode_token(query_str(request, "page_token"), "offset")
        offset = cursor["offset"] if cursor is not None else 0
        if offset < 0:
            raise ApiError.invalid(f"Invalid page token: {query_str(request, 'page_token')}")
        page = pipelines[offset : offset + size]
        answer: dict[str, Any] = {"statuses": [_state_info(doc) for doc in page]} if page else {}
        if offset + size < len(pipelines):
            answer["next_page_token"] = paging.encode_token({"offset": offset + size})
        return answer

    def get(self, request: Request) -> dict[str, Any]:
        return self._pipelines.document(self._record(request.params["id"]))

    def delete(self, request: Request) -> dict[str, Any]:
        pipeline_id = request.params["id"]
        self._record(pipeline_id)
        self._pipelines.delete(pipeline_id)
        return {}

    def _record(self, pipeline_id: str) -> str:
        """The id of a stored pipeline; the pipelines API's own not-found answer otherwise."""
        try:
            return self._pipelines.record(pipeline_id).id
        except ApiError:
            raise _not_found(pipeline_id) from None

    def _filtered(self, text: str | None) -> list[dict[str, Any]]:
        if not text:
            return self._pipelines.all()
        name = _NAME_LIKE.match(text)
        if name is not None:
            return self._pipelines.all(name_like=name.group(1).replace("''", "'"))
        notebook = _NOTEBOOK.match(text)
        if notebook is not None:
            path = notebook.group(1).replace("''", "'")
            return [doc for doc in self._pipelines.all() if path in _notebooks(doc)]
        raise ApiError.invalid(
            f"Invalid filter: {text}. Supported: name LIKE '<pattern>' or notebook='<path>'."
        )


def _descending(order_by: Any) -> bool:
    values = order_by if isinstance(order_by, list) else [order_by]
    for value in values:
        words = str(value).lower().split()
        if not words or words[0] != "id" or words[1:] not in ([], ["asc"], ["desc"]):
            raise ApiError.invalid(f"Invalid order_by: {value}. The supported field is id.")
        if words[1:] == ["desc"]:
            return True
    return False
