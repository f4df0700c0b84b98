"""The local workspace's HTTP side: the server, the route table, requests and error answers, the
bounds on slow and many clients (`connections`), and the typed reading of request fields
(`params`), paging (`paging`) and settings' JSON types (`wire`)."""

from loom_jobs_widget.local.http.connections import ConnectionLimits
from loom_jobs_widget.local.http.messages import ApiError, RawResponse, Request
from loom_jobs_widget.local.http.routes import Handler, Resource, Route, RouteTable
from loom_jobs_widget.local.http.server import MAX_BODY_BYTES, ErrorAnswer, HttpServer

__all__ = [
    "MAX_BODY_BYTES",
    "ApiError",
    "ConnectionLimits",
    "ErrorAnswer",
    "Handler",
    "HttpServer",
    "RawResponse",
    "Request",
    "Resource",
    "Route",
    "RouteTable",
]
