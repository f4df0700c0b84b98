"""azure-identity as a credentials strategy of the Databricks SDK.

The SDK has no managed-identity auth of its own (`azure_use_msi` is read by nothing),
while azure-identity's `DefaultAzureCredential` covers managed identity, workload identity,
environment variables and the Azure CLI. This strategy asks any azure-core `TokenCredential` for
a token of the Azure Databricks first-party application and sends it as a bearer token.

Tokens are cached here until `refresh_margin_seconds` before they expire. The SDK calls the
header factory on every request and does no caching for custom strategies; not every
credential caches either (AzureCliCredential starts `az` each time), so without this cache every
API call could cost a subprocess.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, Protocol

from databricks.sdk.credentials_provider import CredentialsProvider, CredentialsStrategy

from loom_jobs_widget.client.errors import AuthError

if TYPE_CHECKING:
    from databricks.sdk.config import Config

__all__ = [
    "AZURE_DATABRICKS_SCOPE",
    "AccessTokenLike",
    "AzureIdentityCredentials",
    "TokenCredential",
]

# The Azure Databricks first-party application (AzureDatabricks), the audience of its tokens.
_AZURE_DATABRICKS_RESOURCE: Final = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"
AZURE_DATABRICKS_SCOPE: Final = f"{_AZURE_DATABRICKS_RESOURCE}/.default"
# azure-identity's own credentials refresh 5 minutes before expiry; do the same.
_REFRESH_MARGIN_SECONDS: Final = 300.0
# Bounds the Azure CLI / PowerShell subprocesses DefaultAzureCredential may start.
_PROCESS_TIMEOUT_SECONDS: Final = 10


class AccessTokenLike(Protocol):
    """azure-core's `AccessToken`: the token and its expiry (seconds since the epoch)."""

    @property
    def token(self) -> str: ...

    @property
    def expires_on(self) -> int: ...


class TokenCredential(Protocol):
    """azure-core's `TokenCredential` protocol (every azure-identity credential follows it)."""

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessTokenLike: ...


class AzureIdentityCredentials(CredentialsStrategy):
    """Bearer tokens for Azure Databricks from an azure-identity credential.

    `credential` defaults to `DefaultAzureCredential()`. A token is asked for once while the
    SDK's Config is built, so that a missing credential fails `connect()` at once with one
    sentence, then again only when the cached one is near expiry."""

    def __init__(
        self,
        credential: TokenCredential | None = None,
        *,
        scope: str = AZURE_DATABRICKS_SCOPE,
        refresh_margin_seconds: float = _REFRESH_MARGIN_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._credential = credential
        self._scope = scope
        self._margin = refresh_margin_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_on = 0.0
        self._host = ""

    def auth_type(self) -> str:
        return "azure-identity"

    def __repr__(self) -> str:
        kind = type(self._credential).__name__ if self._credential is not None else "default"
        return f"AzureIdentityCredentials({kind}, scope={self._scope!r})"

    def __call__(self, cfg: Config) -> CredentialsProvider:
        self._host = str(cfg.host or "")
        if self._credential is None:
            self._credential = _default_credential()
        self.token()  # fail while connecting, not on the first API call

        def headers() -> dict[str, str]:
            return {"Authorization": f"Bearer {self.token()}"}

        return headers

    def token(self) -> str:
        """A valid access token: the cached one, or a new one when it is near expiry."""
        with self._lock:
            if self._token is not None and self._clock() < self._expires_on - self._margin:
                return self._token
            credential = self._credential
            if credential is None:
                credential = self._credential = _default_credential()
            try:
                access = credential.get_token(self._scope)
            except Exception as error:
                raise AuthError(_explain(error, self._host)) from error
            self._token = str(access.token)
            self._expires_on = float(access.expires_on)
            return self._token


def _default_credential() -> TokenCredential:
    # Imported here: azure-identity takes a while to import and most sessions never need it.
    from azure.identity import DefaultAzureCredential

    credential: TokenCredential = DefaultAzureCredential(process_timeout=_PROCESS_TIMEOUT_SECONDS)
    return credential


def _explain(error: BaseException, host: str) -> str:
    where = f" for the Azure Databricks workspace at {host}" if host else " for Azure Databricks"
    text = str(error)
    if "DefaultAzureCredential failed to retrieve a token" in text:
        return (
            f"Could not get an Azure token{where}: DefaultAzureCredential found no usable "
            "credential (it tries environment variables, workload identity, managed identity "
            "and the Azure CLI); sign in with `az login`, or set AZURE_TENANT_ID, "
            "AZURE_CLIENT_ID and AZURE_CLIENT_SECRET."
        )
    first = " ".join(text.strip().splitlines()[:1]) or type(error).__name__
    return f"Could not get an Azure token{where}: {first.rstrip('.')}."
