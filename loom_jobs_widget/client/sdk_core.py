"""The Databricks SDK's core (`Config`, `ApiClient`, errors) without its service modules, and
`SdkClient`, the handle `connect()` builds on it: the SDK's `WorkspaceClient` is made only when
something asks for it.

`databricks/sdk/__init__.py` imports every service module (catalog, sql, ml, settings...) to
build `WorkspaceClient`: about a second, against a fifth of that for `databricks.sdk.core`. And
Python runs a package's `__init__` before any of its submodules. So `import_core()` registers the
package as a module whose `__init__` has not run yet; its submodules import as usual, and the
first use of any other name of the package (`WorkspaceClient`, `AccountClient`, `__version__`,
`from databricks.sdk import *`) runs the real `__init__` into that same module object, so every
class stays the one the SDK defines.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import threading
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from databricks.sdk import WorkspaceClient
    from databricks.sdk.core import ApiClient, Config

__all__ = ["SdkClient", "import_core"]

_PACKAGE: Final = "databricks.sdk"
# One lock for registering the package and for running its `__init__`: reentrant, because that
# `__init__`, run under it, may ask its own package for a name again in the same thread.
_LOCK: Final = threading.RLock()


def import_core() -> None:
    """Imports `databricks.sdk.core` without every service module (the other submodules can
    then be imported the same way); nothing to do when the SDK is already imported."""
    if _PACKAGE in sys.modules:
        return
    with _LOCK:
        if _PACKAGE in sys.modules:
            return
        import databricks  # the pkgutil namespace package the SDK is installed in

        spec = importlib.util.find_spec(_PACKAGE)
        if spec is None or spec.loader is None or spec.submodule_search_locations is None:
            importlib.import_module(_PACKAGE)  # an unusual install: the ordinary import
            return
        module = importlib.util.module_from_spec(spec)
        completion = _Completion(module, spec)
        module.__dict__["__getattr__"] = completion
        module.__dict__["__dir__"] = completion.names
        sys.modules[_PACKAGE] = module
        databricks.sdk = module  # what the import system sets on a parent package
        try:
            importlib.import_module(f"{_PACKAGE}.core")
        except Exception:
            # An SDK whose core needs its package's `__init__` first: forget this attempt and
            # import the package the ordinary way (all of it, as before).
            for name in [n for n in sys.modules if n == _PACKAGE or n.startswith(f"{_PACKAGE}.")]:
                del sys.modules[name]
            del databricks.sdk
            importlib.import_module(_PACKAGE)


class _Completion:
    """The package's module-level `__getattr__` and `__dir__` (PEP 562) until its `__init__` has
    run: a submodule's name imports that submodule; any other name, or `dir()`, runs the
    `__init__` first."""

    def __init__(self, module: Any, spec: importlib.machinery.ModuleSpec) -> None:
        self._module = module
        self._spec = spec
        self._state = "pending"  # "running", then "done"

    def __call__(self, name: str) -> Any:
        namespace = self._module.__dict__
        if not name.startswith("__") and importlib.util.find_spec(f"{_PACKAGE}.{name}"):
            return importlib.import_module(f"{_PACKAGE}.{name}")
        self._complete()
        if name in namespace:
            return namespace[name]
        raise AttributeError(f"module {_PACKAGE!r} has no attribute {name!r}")

    def names(self) -> list[str]:
        self._complete()
        return sorted(self._module.__dict__)

    def _complete(self) -> None:
        namespace = self._module.__dict__
        with _LOCK:
            # "running": a name asked for by the `__init__` itself, in this thread.
            if self._state != "pending":
                return
            self._state = "running"
            try:
                assert self._spec.loader is not None
                self._spec.loader.exec_module(self._module)
            except BaseException:
                self._state = "pending"
                raise
            self._state = "done"
            if namespace.get("__getattr__") is self:
                del namespace["__getattr__"]
            if namespace.get("__dir__") == self.names:
                del namespace["__dir__"]


class SdkClient:
    """The SDK's `Config` and an `ApiClient` on it: what the services call (auth, retries and
    error mapping are the `ApiClient`'s), with the `WorkspaceClient` made on first use."""

    def __init__(self, config: Config) -> None:
        import_core()
        from databricks.sdk.core import ApiClient

        self._config = config
        self._api_client = ApiClient(config)
        self._client: WorkspaceClient | None = None
        self._lock = threading.Lock()

    @property
    def config(self) -> Config:
        client = self._client
        return client.config if client is not None else self._config

    @property
    def api_client(self) -> ApiClient:
        # Once the WorkspaceClient exists its ApiClient is the one every call goes through, so
        # what a user does to `ws.client.api_client` holds for the services too.
        client = self._client
        return client.api_client if client is not None else self._api_client

    @property
    def workspace_client(self) -> WorkspaceClient:
        """The SDK's WorkspaceClient on the same `Config` (its service modules are imported
        now)."""
        client = self._client
        if client is None:
            with self._lock:
                client = self._client
                if client is None:
                    from databricks.sdk import WorkspaceClient

                    client = self._client = WorkspaceClient(config=self._config)
        return client
