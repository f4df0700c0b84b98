"""One call of the Jobs REST API as raw JSON through the SDK's `api_client`: its errors
translated, and what the API splits over pages put back together.

Settings travel as raw JSON, not through the SDK's dataclasses: those drop keys and enum values
they do not know, and the editor must write back exactly what it read. The SDK still does
authentication, retries and error parsing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Protocol, cast

from loom_jobs_widget.client.errors import Context, translate_error

if TYPE_CHECKING:
    from databricks.sdk.core import ApiClient, Config

__all__ = ["JOBS_API", "ApiHandle", "Service", "extend_arrays"]

JOBS_API: Final = "/api/2.2/jobs"


class ApiHandle(Protocol):
    """What a service calls through: the SDK's `WorkspaceClient`, or the lighter `SdkClient`
    `connect()` builds (both have these two)."""

    @property
    def config(self) -> Config: ...

    @property
    def api_client(self) -> ApiClient: ...


class Service:
    """What each service of a `Workspace` shares: the client, and `_do` to call the API."""

    def __init__(self, client: ApiHandle) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.host})"

    @property
    def host(self) -> str:
        return str(self._client.config.host or "")

    def _do(
        self,
        method: str,
        path: str,
        context: Context,
        *,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        response_headers: Sequence[str] = (),
    ) -> dict[str, Any]:
        """The answer's JSON object; each of `response_headers` is in it under its name as
        given (None when the answer has no such header)."""
        extra: dict[str, Any] = {}
        if headers:
            extra["headers"] = dict(headers)
        if response_headers:
            extra["response_headers"] = list(response_headers)
        try:
            answer = self._client.api_client.do(
                method,
                path,
                query=dict(query) if query is not None else None,
                body=dict(body) if body is not None else None,
                **extra,
            )
        except Exception as error:
            ours = translate_error(error, context, self.host)
            if ours is None or ours is error:
                raise
            raise ours from error
        return cast(dict[str, Any], answer) if isinstance(answer, dict) else {}

    def _list_pages(
        self,
        path: str,
        context: Context,
        query: dict[str, Any],
        key: str,
        limit: int | None,
        keep: Callable[[dict[str, Any]], bool] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """The objects in `key` of a list endpoint's pages that `keep` accepts, up to `limit`;
        the next page is read only when one is wanted."""
        count = 0
        while limit is None or count < limit:
            page = self._do("GET", path, context, query=query)
            for entry in page.get(key) or []:
                if not isinstance(entry, dict) or (keep is not None and not keep(entry)):
                    continue
                yield entry
                count += 1
                if limit is not None and count >= limit:
                    return
            token = page.get("next_page_token")
            if not token:
                return
            query["page_token"] = token


def extend_arrays(document: dict[str, Any], page: Mapping[str, Any], names: Iterable[str]) -> None:
    """Appends a later page's non-empty arrays `names` to the document's (a `get` read page by
    page: the API splits its long arrays over pages)."""
    for name in names:
        items = page.get(name)
        if isinstance(items, list) and items:
            existing = document.get(name)
            if isinstance(existing, list):
                existing.extend(items)
            else:
                document[name] = list(items)
