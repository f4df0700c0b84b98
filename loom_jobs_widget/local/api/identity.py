"""Who uses the local workspace: one user, an admin.

The local workspace has a single identity, `local-user@localhost`, whatever the OS user is: a
fixed, email-shaped name (workspace user names are emails) that makes jobs, runs and ACLs written
on one machine read the same on another, and puts no local account name into job settings that
may later be deployed. Whoever holds the token is this user; being the only user, it is also in
the `admins` group, which holds CAN_MANAGE on every job, as on a workspace.

Served here: SCIM `Me` (`GET /api/2.0/preview/scim/v2/Me`), which pickers call to learn the
current user.
"""

from __future__ import annotations

from typing import Any, Final

from loom_jobs_widget.local.http import Request, Route

__all__ = ["ADMINS_GROUP", "LOCAL_USER", "IdentityApi"]

LOCAL_USER: Final = "local-user@localhost"
_LOCAL_USER_ID: Final = "1000000000000001"
ADMINS_GROUP: Final = "admins"
_ADMINS_GROUP_ID: Final = "1000000000000002"


def _scim_me() -> dict[str, Any]:
    return {
        "schemas": [
            "urn:ietf:params:scim:schemas:core:2.0:User",
            "urn:ietf:params:scim:schemas:extension:workspace:2.0:User",
        ],
        "id": _LOCAL_USER_ID,
        "userName": LOCAL_USER,
        "displayName": "Local User",
        "active": True,
        "name": {"givenName": "Local", "familyName": "User"},
        "emails": [{"type": "work", "value": LOCAL_USER, "primary": True}],
        "groups": [
            {
                "display": ADMINS_GROUP,
                "type": "direct",
                "value": _ADMINS_GROUP_ID,
                "$ref": f"Groups/{_ADMINS_GROUP_ID}",
            }
        ],
        "entitlements": [
            {"value": "workspace-access"},
            {"value": "allow-cluster-create"},
            {"value": "databricks-sql-access"},
        ],
    }


class IdentityApi:
    """Who the caller is: always the local user."""

    def routes(self) -> list[Route]:
        return [Route("GET", r"/api/2\.0/preview/scim/v2/Me", self.me)]

    def me(self, _: Request) -> dict[str, Any]:
        return _scim_me()
