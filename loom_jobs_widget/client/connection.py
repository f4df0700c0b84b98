"""`connect()`: the workspace the widgets talk to, chosen the way a notebook user expects.

    ws = connect()                                   # what this environment has (below)
    ws = connect("local")                            # the embedded local workspace
    ws = connect("local", spark=True)                # ... whose tasks get `spark`
    ws = connect(profile="prod")                     # a ~/.databrickscfg profile
    ws = connect(host="https://adb-1.2.azuredatabricks.net", token=...)
    ws = connect(host="https://adb-1.2.azuredatabricks.net", auth="azure-identity")

With no arguments, in this order:

1. inside a Databricks notebook or job (`DATABRICKS_RUNTIME_VERSION` is set): the notebook's own
   auth, through the SDK's default chain;
2. where Databricks unified auth is configured (`DATABRICKS_HOST` or `DATABRICKS_CONFIG_PROFILE`
   in the environment, or a `~/.databrickscfg` whose default profile names a host; read
   without any network call): that;
3. else the embedded local workspace in `~/.loom-jobs/local` (or `$LOOM_JOBS_DATA`, or
   `data_dir=`), started in this process or reused if this process already serves it.

Every client gets a bounded retry budget: the SDK's default is 300 s of retries, which makes an
unreachable host hang a notebook cell for five minutes. A host known up front is
also probed once without retries, so a typo or a closed port fails in about a second. Then one
authenticated call (`scim/v2/Me`) checks the credentials, so that `connect()` either returns a
working handle or raises one `WorkspaceError` sentence.
"""

from __future__ import annotations

import atexit
import configparser
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from loom_jobs_widget.client.errors import (
    AuthError,
    ConfigurationError,
    Context,
    UnreachableError,
    WorkspaceError,
    network_reason,
    translate_error,
)
from loom_jobs_widget.client.sdk_core import SdkClient, import_core
from loom_jobs_widget.client.workspace import Workspace

if TYPE_CHECKING:
    from databricks.sdk.config import Config

    from loom_jobs_widget.client.azure_auth import TokenCredential
    from loom_jobs_widget.local import LocalWorkspace

__all__ = ["connect", "default_data_dir", "unified_auth_configured"]

_DATA_ENV: Final = "LOOM_JOBS_DATA"
_DEFAULT_DATA_DIR: Final = "~/.loom-jobs/local"
# Long enough to ride out a burst of 429s (the SDK waits Retry-After, or 1 s, between tries);
# short enough that a notebook cell never hangs for minutes.
_DEFAULT_RETRY_TIMEOUT_SECONDS: Final = 20
_DEFAULT_HTTP_TIMEOUT_SECONDS: Final = 30.0
# The one-shot reachability probe of a host known before the client is built.
_PROBE_TIMEOUT_SECONDS: Final = 5.0
_AZURE_IDENTITY: Final = "azure-identity"
_USER_AGENT_PRODUCT: Final = "loom-jobs-widget"

# Environment variables that configure a Databricks workspace for the SDK's unified auth.
_UNIFIED_AUTH_ENV: Final = ("DATABRICKS_HOST", "DATABRICKS_CONFIG_PROFILE")


def connect(
    target: str | None = None,
    *,
    host: str | None = None,
    token: str | None = None,
    profile: str | None = None,
    auth: str | None = None,
    credential: TokenCredential | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    spark: bool | None = None,
    retry_timeout_seconds: int = _DEFAULT_RETRY_TIMEOUT_SECONDS,
    http_timeout_seconds: float = _DEFAULT_HTTP_TIMEOUT_SECONDS,
) -> Workspace:
    """Connect to a workspace; the handle has `.client` (WorkspaceClient) and its services
    `.jobs`, `.runs` and `.permissions`.

    `target` is `"local"` or a workspace URL (the same as `host=`). `auth` is
    `"azure-identity"` (a token from azure-identity's DefaultAzureCredential, or from
    `credential`, any azure-core TokenCredential) or any of the SDK's `auth_type` values.
    `data_dir` is the local workspace's folder. `spark` says whether the local workspace this
    call starts gives its tasks a local `spark` (pyspark and Java 17+); None reads
    `LOOM_JOBS_SPARK`, else it is on when both are installed. A local workspace already running
    keeps its own choice. The retry budget bounds how long any call keeps retrying 429s, 503s and
    network failures."""
    if retry_timeout_seconds <= 0 or http_timeout_seconds <= 0:
        raise ConfigurationError("connect() needs positive retry and HTTP timeouts.")
    budget = {
        "retry_timeout_seconds": int(retry_timeout_seconds),
        "http_timeout_seconds": float(http_timeout_seconds),
    }
    if target is not None:
        if target == "local":
            if host is not None or token is not None or profile is not None:
                raise ConfigurationError(
                    'connect("local") takes no host, token or profile: the local workspace has '
                    "its own."
                )
            return _connect_local(data_dir, budget, spark)
        if "://" not in target and "." not in target:
            raise ConfigurationError(
                f'connect({target!r}): give "local", or a workspace URL such as '
                '"https://adb-1234567890123456.7.azuredatabricks.net".'
            )
        if host is not None and host != target:
            raise ConfigurationError(f"connect({target!r}, host={host!r}) names two hosts.")
        host = target
    if spark is not None and (host is not None or profile is not None or auth is not None):
        raise ConfigurationError(
            "connect(spark=...) is for the local workspace: a Databricks workspace has its own."
        )
    if credential is not None:
        if auth not in (None, _AZURE_IDENTITY):
            raise ConfigurationError(f'connect(credential=...) is for auth="{_AZURE_IDENTITY}".')
        auth = _AZURE_IDENTITY
    if auth == _AZURE_IDENTITY:
        return _connect_azure_identity(host, profile, credential, budget)
    if host is not None:
        kwargs: dict[str, Any] = {"host": host}
        if token is not None:
            kwargs["token"] = token
            kwargs["auth_type"] = auth or "pat"  # a PAT wins over other auth in the environment
        elif auth is not None:
            kwargs["auth_type"] = auth
        return _connect_sdk(kwargs, budget, source="host", probe_host=host)
    if token is not None:
        raise ConfigurationError("connect(token=...) needs the workspace's host= as well.")
    if profile is not None:
        _require_profile(profile)
        kwargs = {"profile": profile}
        if auth is not None:
            kwargs["auth_type"] = auth
        return _connect_sdk(
            kwargs, budget, source=f"profile {profile}", probe_host=_profile_host(profile)
        )
    if data_dir is not None or spark is not None:
        return _connect_local(data_dir, budget, spark)
    if os.environ.get("DATABRICKS_RUNTIME_VERSION"):
        return _connect_sdk(_auth_kwargs(auth), budget, source="databricks runtime")
    configured = unified_auth_configured()
    if configured is not None:
        probe = os.environ.get("DATABRICKS_HOST") or _profile_host(
            os.environ.get("DATABRICKS_CONFIG_PROFILE")
        )
        return _connect_sdk(_auth_kwargs(auth), budget, source=configured, probe_host=probe)
    return _connect_local(None, budget, None)


def _auth_kwargs(auth: str | None) -> dict[str, Any]:
    return {"auth_type": auth} if auth is not None else {}


# --- unified auth, read without the network ------------------------------------------------------


def _config_file() -> Path:
    return Path(os.environ.get("DATABRICKS_CONFIG_FILE") or "~/.databrickscfg").expanduser()


def _read_config_file() -> configparser.ConfigParser | None:
    path = _config_file()
    if not path.is_file():
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, OSError, UnicodeDecodeError):
        return None  # the SDK will say what is wrong with it, if it is ever used
    return parser


def _profile_section(
    parser: configparser.ConfigParser, profile: str | None
) -> Mapping[str, str] | None:
    """The profile's settings: the named one, else `[__settings__] default_profile`, else
    `[DEFAULT]` (the SDK's order)."""
    if profile is None:
        if parser.has_option("__settings__", "default_profile"):
            profile = parser.get("__settings__", "default_profile")
        else:
            return parser.defaults() or None
    if profile == configparser.DEFAULTSECT:
        return parser.defaults() or None
    return parser[profile] if parser.has_section(profile) else None


def _require_profile(profile: str) -> None:
    parser = _read_config_file()
    if parser is None or _profile_section(parser, profile) is None:
        raise ConfigurationError(
            f"Could not connect to profile {profile}: {_config_file()} has no [{profile}] "
            "section; add it (databricks auth login --profile ...) or pick another profile."
        )


def _profile_host(profile: str | None) -> str | None:
    parser = _read_config_file()
    section = _profile_section(parser, profile) if parser is not None else None
    host = section.get("host") if section is not None else None
    return host or None


def unified_auth_configured() -> str | None:
    """Where Databricks unified auth is configured (an environment variable, or the config
    file's default profile naming a host), or None. Reads no network."""
    for name in _UNIFIED_AUTH_ENV:
        if os.environ.get(name):
            return f"environment ({name})"
    parser = _read_config_file()
    section = _profile_section(parser, None) if parser is not None else None
    if section is not None and (section.get("host") or section.get("azure_workspace_resource_id")):
        return f"config file {_config_file()}"
    return None


# --- real workspaces -----------------------------------------------------------------------------


def _connect_sdk(
    kwargs: dict[str, Any],
    budget: Mapping[str, Any],
    *,
    source: str,
    probe_host: str | None = None,
    credentials_strategy: Any = None,
) -> Workspace:
    if probe_host:
        _probe(probe_host, float(budget["http_timeout_seconds"]))
    config = _config(kwargs, budget, credentials_strategy, source)
    client = _client(config)
    return Workspace(client, source=source, user_name=_verify(client))


def _config(
    kwargs: Mapping[str, Any], budget: Mapping[str, Any], strategy: Any, source: str
) -> Config:
    import_core()
    from databricks.sdk.config import Config

    from loom_jobs_widget._version import __version__

    try:
        return Config(
            **kwargs,
            **budget,
            credentials_strategy=strategy,
            product=_USER_AGENT_PRODUCT,
            product_version=__version__,
        )
    except WorkspaceError:
        raise  # our credentials strategy already said what went wrong
    except ValueError as error:
        # The SDK's text is several lines with the config appended (secrets masked); keep the
        # first statement of what is missing.
        text = " ".join(str(error).split())
        text = text.split(". Config:")[0].split(" Config:")[0].rstrip(".")
        where = kwargs.get("host") or source
        kind = ConfigurationError if "profile" in text else AuthError
        raise kind(f"Could not connect to {where}: {text}.") from error


def _client(config: Config) -> SdkClient:
    return SdkClient(config)


def _verify(client: SdkClient) -> str | None:
    """Checks the credentials with one cheap authenticated call; the user's name."""
    host = str(client.config.host or "")
    try:
        me = client.api_client.do("GET", "/api/2.0/preview/scim/v2/Me")
    except Exception as error:
        ours = translate_error(error, Context(f"connect to {host}"), host)
        if ours is None or ours is error:
            raise
        raise ours from error
    name = me.get("userName") if isinstance(me, dict) else None
    return name if isinstance(name, str) else None


def _probe(host: str, http_timeout: float) -> None:
    """One unauthenticated GET, no retries: any HTTP answer means the host is there."""
    # Imported here: only a real workspace is probed, and ssl with urllib weigh tens of ms.
    import ssl
    import urllib.error
    import urllib.request

    url = host if "://" in host else f"https://{host}"
    url = url.rstrip("/") + "/.well-known/databricks-config"
    request = urllib.request.Request(url, method="GET")
    # Only reachability is asked and nothing secret is sent, so certificates are not checked
    # here: the SDK checks them with its own CA settings (certifi, REQUESTS_CA_BUNDLE), which
    # urllib does not read, and a corporate CA it trusts must not make this probe fail.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    timeout = min(_PROBE_TIMEOUT_SECONDS, http_timeout)
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context):
            pass
    except urllib.error.HTTPError:
        return  # an answer, even 4xx / 5xx: the host is reachable
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = error.reason if isinstance(error, urllib.error.URLError) else error
        if isinstance(error, ValueError):
            raise ConfigurationError(
                f"Could not connect: {host!r} is not a workspace URL."
            ) from error
        raise UnreachableError(
            f"Could not connect to {host}: the workspace cannot be reached "
            f"({network_reason(reason if isinstance(reason, BaseException) else error)})."
        ) from error


def _connect_azure_identity(
    host: str | None,
    profile: str | None,
    credential: TokenCredential | None,
    budget: Mapping[str, Any],
) -> Workspace:
    import_core()
    from loom_jobs_widget.client.azure_auth import AzureIdentityCredentials

    if host is None and profile is not None:
        host = _profile_host(profile)
    if host is None:
        host = os.environ.get("DATABRICKS_HOST") or None
    if host is None:
        raise ConfigurationError(
            f'connect(auth="{_AZURE_IDENTITY}") needs the workspace: give host="https://adb-...".'
        )
    strategy = AzureIdentityCredentials(credential)
    return _connect_sdk(
        {"host": host},
        budget,
        source=_AZURE_IDENTITY,
        probe_host=host,
        credentials_strategy=strategy,
    )


# --- the embedded local workspace ----------------------------------------------------------------


def default_data_dir() -> Path:
    """The local workspace's folder: `$LOOM_JOBS_DATA`, else `~/.loom-jobs/local`."""
    return Path(os.environ.get(_DATA_ENV) or _DEFAULT_DATA_DIR).expanduser()


class _ServedElsewhere(Exception):
    def __init__(self, host: str, token: str) -> None:
        super().__init__(host)
        self.host, self.token = host, token


class _LocalServers:
    """The local workspaces this process started, by data folder, with the handles using each.

    One process serves one data folder (LocalWorkspace locks it), so a second connect() to the
    same folder must reuse the running one; the last handle closed stops it, and whatever is
    left is stopped when the interpreter exits."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[Path, tuple[LocalWorkspace, int]] = {}
        atexit.register(self.stop_all)

    def acquire(self, data_dir: Path, spark: bool | None = None) -> LocalWorkspace:
        """The workspace serving `data_dir` in this process, started (with `spark`) if need be;
        raises _ServedElsewhere when another process serves it."""
        from loom_jobs_widget.local import find_running

        with self._lock:
            found = self._running.get(data_dir)
            if found is not None:
                self._running[data_dir] = (found[0], found[1] + 1)
                return found[0]
            # Another process's server is found from the files it writes, before anything
            # needs the server's own modules (about half a second of imports) to start one.
            address = find_running(data_dir)
            if address is not None:
                raise _ServedElsewhere(*address)
            from loom_jobs_widget.local import LocalWorkspace

            workspace = LocalWorkspace(data_dir, spark=spark)
            try:
                workspace.start()
            except RuntimeError as error:
                # The folder's lock is held by another process: connect to its server.
                address = find_running(data_dir)
                if address is not None:
                    raise _ServedElsewhere(*address) from None
                raise ConfigurationError(
                    f"Could not start the local workspace in {data_dir}: another process holds "
                    "it but its address is unknown; connect to that one with "
                    "connect(host=..., token=...), or use another folder (data_dir=... or "
                    f"${_DATA_ENV})."
                ) from error
            except OSError as error:
                raise ConfigurationError(
                    f"Could not start the local workspace in {data_dir}: {error}."
                ) from error
            self._running[data_dir] = (workspace, 1)
            return workspace

    def release(self, data_dir: Path) -> None:
        with self._lock:
            found = self._running.get(data_dir)
            if found is None:
                return
            workspace, users = found
            if users > 1:
                self._running[data_dir] = (workspace, users - 1)
                return
            del self._running[data_dir]
        workspace.stop()

    def stop_all(self) -> None:
        with self._lock:
            running = [workspace for workspace, _ in self._running.values()]
            self._running.clear()
        for workspace in running:
            workspace.stop()


_LOCAL: Final = _LocalServers()


def _connect_local(
    data_dir: str | os.PathLike[str] | None, budget: Mapping[str, Any], spark: bool | None
) -> Workspace:
    folder = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    folder = folder.resolve()
    try:
        local = _LOCAL.acquire(folder, spark)
    except _ServedElsewhere as elsewhere:
        # Another process (another kernel, `loom-jobs serve`) serves the folder: use its server.
        config = _config(
            {"host": elsewhere.host, "token": elsewhere.token, "auth_type": "pat"},
            budget,
            None,
            "local",
        )
        client = _client(config)
        return Workspace(
            client, source=f"local {folder}", user_name=_verify(client), local_folder=folder
        )
    try:
        config = _config(
            {"host": local.host, "token": local.token, "auth_type": "pat"}, budget, None, "local"
        )
        client = _client(config)
        user_name = _verify(client)
    except BaseException:
        _LOCAL.release(folder)
        raise
    return Workspace(
        client,
        source=f"local {folder}",
        user_name=user_name,
        local=local,
        local_folder=folder,
        on_close=lambda: _LOCAL.release(folder),
    )
