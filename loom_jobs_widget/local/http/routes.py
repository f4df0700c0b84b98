"""The route table: every endpoint as (method, path pattern, handler), declared by the resource
that serves it, and the lookup the server dispatches with.

Each resource of `api` offers `routes()`, a list of `Route`s; the workspace adds every resource to
one `RouteTable`. A pattern is a regular expression matched against the whole path; its named
groups reach the handler as `Request.params`. The first route that matches wins, in the order
added.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from loom_jobs_widget.local.http.messages import ApiError, RawResponse, Request

__all__ = ["Handler", "Resource", "Route", "RouteTable"]

Handler = Callable[[Request], "Mapping[str, Any] | RawResponse | None"]


@dataclass(frozen=True)
class Route:
    """One endpoint: an HTTP method, a path pattern and the handler that answers it."""

    method: str
    pattern: str
    handler: Handler


class Resource(Protocol):
    """What serves a group of endpoints (jobs, runs, workspace files, ...)."""

    def routes(self) -> Sequence[Route]: ...


class RouteTable:
    """Method + path -> handler, over the routes of every resource."""

    def __init__(self, routes: Iterable[Route] = ()) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.extend(routes)

    def add(self, resource: Resource) -> None:
        """The resource's routes, after those already in the table."""
        self.extend(resource.routes())

    def extend(self, routes: Iterable[Route]) -> None:
        for route in routes:
            self._routes.append((route.method, re.compile(route.pattern), route.handler))

    def resolve(self, method: str, path: str) -> tuple[Handler, dict[str, str]]:
        for route_method, pattern, handler in self._routes:
            if route_method != method:
                continue
            match = pattern.fullmatch(path)
            if match is not None:
                return handler, match.groupdict()
        # A known path with another method gets the same answer as an unknown path, as on a
        # workspace: there is no 405 in the Databricks REST API.
        shown = path[len("/api") :] if path.startswith("/api/") else path
        raise ApiError(404, "ENDPOINT_NOT_FOUND", f"No API found for '{method} {shown}'")
