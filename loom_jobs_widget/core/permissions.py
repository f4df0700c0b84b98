"""A job's access control list for the Permissions tab: the typed model of what
`/api/2.0/permissions/jobs/{id}` returns, the rules an edit must keep, and the request that saves
it (`acl_request`, for `client.permissions`' `set_permissions` / `update_permissions`).

The API returns one entry per principal (`user_name`, `group_name` or `service_principal_name`),
each with `all_permissions: [{permission_level, inherited, inherited_from_object}]`: a principal
may hold a direct grant and inherited ones (the `admins` group's CAN_MANAGE comes from `/jobs/`).
Here that is flattened to one `Grant` per (principal, permission): the tab's rows. Direct grants
are edited; inherited ones are shown read-only (they change where they come from).

The rules (Databricks' and the local workspace's, `local.api.permissions`): exactly one
IS_OWNER among the direct grants, a user or a service principal, never a group; CAN_MANAGE,
CAN_MANAGE_RUN and CAN_VIEW for any principal. `validate_acl` reports breaches as
`validation.Problem`s (the editor's one problem type), each naming the principal in its message
and the entry and field in `field` (`access_control_list[2].permission_level`).

Pure rules: saving, which reads and writes the workspace, is `client.permissions.save_acl`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, TypedDict, get_args

from loom_jobs_widget.core.validation import Problem

__all__ = [
    "PERMISSION_LEVELS",
    "PRINCIPAL_KINDS",
    "AclError",
    "Grant",
    "GrantJson",
    "JobAcl",
    "JobAclJson",
    "PermissionLevel",
    "PrincipalKind",
    "acl_request",
    "levels_for",
    "transfer_ownership",
    "validate_acl",
]

PrincipalKind = Literal["user_name", "group_name", "service_principal_name"]
PermissionLevel = Literal["IS_OWNER", "CAN_MANAGE", "CAN_MANAGE_RUN", "CAN_VIEW"]
PRINCIPAL_KINDS: Final[tuple[PrincipalKind, ...]] = get_args(PrincipalKind)
# Highest first, with the descriptions the API's permissionLevels gives.
PERMISSION_LEVELS: Final[dict[PermissionLevel, str]] = {
    "IS_OWNER": "Is owner of job",
    "CAN_MANAGE": "Can manage job",
    "CAN_MANAGE_RUN": "Can manage runs of job",
    "CAN_VIEW": "Can view job",
}
_RANK: Final[dict[str, int]] = {
    level: rank for rank, level in enumerate(reversed(PERMISSION_LEVELS), 1)
}
_OWNER: Final = "IS_OWNER"
_KIND_WORDS: Final[dict[str, str]] = {
    "user_name": "user", "group_name": "group", "service_principal_name": "service principal",
}
_FIELD: Final = "access_control_list"


class GrantJson(TypedDict):
    """One permission of one principal: a row of the Permissions tab."""

    kind: str  # a PrincipalKind
    name: str
    level: str  # a PermissionLevel (an unknown one is kept, and reported)
    inherited: bool
    inherited_from: list[str]
    display_name: str | None


@dataclass(frozen=True)
class Grant:
    """One permission of one principal: a row of the Permissions tab."""

    kind: str  # a PrincipalKind
    name: str
    level: str  # a PermissionLevel
    inherited: bool = False
    inherited_from: tuple[str, ...] = ()
    display_name: str | None = None

    @property
    def principal(self) -> tuple[str, str]:
        return self.kind, self.name

    @property
    def who(self) -> str:
        """'user ann@example.com', 'group data', 'service principal etl-sp'."""
        return f"{_KIND_WORDS.get(self.kind, self.kind)} {self.name}"

    def to_json(self) -> GrantJson:
        return {"kind": self.kind, "name": self.name, "level": self.level,
                "inherited": self.inherited, "inherited_from": list(self.inherited_from),
                "display_name": self.display_name}

    def request_entry(self) -> dict[str, str]:
        """The grant as an entry of a set/update request's access_control_list."""
        return {self.kind: self.name, "permission_level": self.level}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Grant:
        """From the tab's row (`to_json`'s shape) or a request entry (`{"user_name": ...,
        "permission_level": ...}`). Lenient: what is wrong is for `validate_acl` to report, so
        a missing principal gives kind "" and a missing level level ""."""
        if "kind" in data or "level" in data:
            kind, name, level = data.get("kind"), data.get("name"), data.get("level")
        else:
            named = [k for k in PRINCIPAL_KINDS if data.get(k) is not None]
            kind = named[0] if len(named) == 1 else ""
            name = data.get(kind) if kind else ""
            level = data.get("permission_level")
        inherited_from = data.get("inherited_from") or ()
        display = data.get("display_name")
        return cls(kind=kind if isinstance(kind, str) else "",
                   name=name if isinstance(name, str) else "",
                   level=level if isinstance(level, str) else "",
                   inherited=data.get("inherited") is True,
                   inherited_from=tuple(str(x) for x in inherited_from)
                   if isinstance(inherited_from, list | tuple) else (),
                   display_name=display if isinstance(display, str) else None)


class JobAclJson(TypedDict):
    object_id: str | None
    grants: list[GrantJson]


@dataclass(frozen=True)
class JobAcl:
    """A job's permissions as the API returned them, flattened to grants."""

    object_id: str | None
    grants: tuple[Grant, ...]

    @classmethod
    def from_api(cls, document: Mapping[str, Any]) -> JobAcl:
        """From `get_permissions` / `set_permissions` / `update_permissions`' answer. Entries
        that name no principal or carry no level are skipped (nothing could edit them)."""
        grants: list[Grant] = []
        for entry in document.get(_FIELD) or []:
            if not isinstance(entry, Mapping):
                continue
            named = [k for k in PRINCIPAL_KINDS if isinstance(entry.get(k), str)]
            if not named:
                continue
            kind = named[0]
            display = entry.get("display_name")
            for permission in entry.get("all_permissions") or []:
                if not isinstance(permission, Mapping) or not isinstance(
                        permission.get("permission_level"), str):
                    continue
                source = permission.get("inherited_from_object") or []
                grants.append(Grant(
                    kind=kind, name=entry[kind], level=permission["permission_level"],
                    inherited=permission.get("inherited") is True,
                    inherited_from=tuple(str(s) for s in source) if isinstance(source, list)
                    else (),
                    display_name=display if isinstance(display, str) else None))
        object_id = document.get("object_id")
        return cls(object_id=object_id if isinstance(object_id, str) else None,
                   grants=tuple(grants))

    @property
    def direct(self) -> tuple[Grant, ...]:
        return tuple(g for g in self.grants if not g.inherited)

    @property
    def inherited(self) -> tuple[Grant, ...]:
        return tuple(g for g in self.grants if g.inherited)

    @property
    def owner(self) -> Grant | None:
        owners = [g for g in self.direct if g.level == _OWNER]
        return owners[0] if len(owners) == 1 else None

    def to_json(self) -> JobAclJson:
        return {"object_id": self.object_id, "grants": [g.to_json() for g in self.grants]}


class AclError(ValueError):
    """The grants break a rule (`problems`, errors only); nothing was sent."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


def levels_for(kind: str) -> list[PermissionLevel]:
    """The levels the tab offers a principal of this kind, highest first (no IS_OWNER for a
    group)."""
    return [level for level in PERMISSION_LEVELS if not (kind == "group_name" and level == _OWNER)]


def _grants(grants: Sequence[Grant | Mapping[str, Any]]) -> list[Grant]:
    return [g if isinstance(g, Grant) else Grant.from_json(g) for g in grants]


def _key(grant: Grant) -> tuple[str, str, str]:
    return grant.kind, grant.name, grant.level


def validate_acl(grants: Sequence[Grant | Mapping[str, Any]], *, loaded: JobAcl | None = None,
                 user_name: str | None = None) -> list[Problem]:
    """The problems of an edited ACL, in list order; never raises.

    `grants` are the tab's rows (`Grant`s, or their JSON or request-entry form); inherited ones
    may be included as shown, and must then be unchanged from `loaded` (the ACL the edit began
    from), when given. With `user_name` (the editing user) a warning says when the save takes
    away that user's own right to manage the job.
    """
    rows = _grants(grants)
    problems: list[Problem] = []

    def add(code: str, message: str, field: str, severity: Literal["error", "warning"] = "error"
            ) -> None:
        problems.append(Problem(code=code, severity=severity, message=message, field=field))

    known_inherited = {_key(g) for g in loaded.inherited} if loaded is not None else None
    inherited_levels: dict[tuple[str, str], int] = {}
    for grant in (loaded.inherited if loaded is not None else ()):
        rank = _RANK.get(grant.level, 0)
        inherited_levels[grant.principal] = max(rank, inherited_levels.get(grant.principal, 0))
    owners: list[tuple[int, Grant]] = []
    seen: dict[tuple[str, str], int] = {}
    for index, grant in enumerate(rows):
        at = f"{_FIELD}[{index}]"
        if grant.inherited:
            if known_inherited is not None and _key(grant) not in known_inherited:
                source = ", ".join(grant.inherited_from) or "a parent object"
                add("acl-inherited-read-only",
                    f"The {grant.level} of {grant.who} is inherited from {source}; it cannot be "
                    "changed here, only where it is granted.", f"{at}.permission_level")
            continue
        if grant.kind not in PRINCIPAL_KINDS:
            add("acl-principal", f"Entry {index} of the access control list must name exactly "
                "one of user_name, group_name and service_principal_name.", at)
            continue
        if not grant.name.strip():
            add("acl-principal", f"Entry {index} of the access control list has an empty "
                f"{grant.kind}.", f"{at}.{grant.kind}")
            continue
        if grant.level not in PERMISSION_LEVELS:
            allowed = ", ".join(levels_for(grant.kind))
            what = (f"has {grant.level}, which is not a job permission level" if grant.level
                    else "has no permission level")
            add("acl-permission-level", f"{grant.who[0].upper()}{grant.who[1:]} {what}; use "
                f"one of {allowed}.", f"{at}.permission_level")
            continue
        if grant.principal in seen:
            add("acl-duplicate-principal", f"{grant.who[0].upper()}{grant.who[1:]} is listed "
                f"twice (entries {seen[grant.principal]} and {index}); give each principal one "
                "permission level.", f"{at}.{grant.kind}")
            continue
        seen[grant.principal] = index
        if grant.level == _OWNER:
            if grant.kind == "group_name":
                add("acl-group-owner", f"Group {grant.name} cannot own the job: the owner must "
                    "be a user or a service principal.", f"{at}.permission_level")
                continue
            owners.append((index, grant))
        elif _RANK[grant.level] <= inherited_levels.get(grant.principal, 0):
            add("acl-redundant-grant", f"{grant.who[0].upper()}{grant.who[1:]} already inherits "
                f"a permission at least as high as {grant.level}; this grant adds nothing.",
                f"{at}.permission_level", "warning")
    if not owners and not any(p.code == "acl-group-owner" for p in problems):
        add("acl-owner-count", "The job must have exactly one owner: give one user or service "
            "principal IS_OWNER.", _FIELD)
    for index, grant in owners[1:]:
        add("acl-owner-count", f"The job must have exactly one owner: {owners[0][1].who} and "
            f"{grant.who} are both IS_OWNER.", f"{_FIELD}[{index}].permission_level")
    if user_name and loaded is not None:
        manages = {"IS_OWNER", "CAN_MANAGE"}
        had = any(g.kind == "user_name" and g.name == user_name and g.level in manages
                  for g in loaded.direct)
        keeps = any(not g.inherited and g.kind == "user_name" and g.name == user_name
                    and g.level in manages for g in rows)
        if had and not keeps:
            add("acl-lockout", f"After this change user {user_name} (you) can no longer manage "
                "this job or its permissions, unless through a group or as an admin.", _FIELD,
                "warning")
    return problems


def transfer_ownership(grants: Sequence[Grant | Mapping[str, Any]], kind: PrincipalKind,
                       name: str) -> list[Grant]:
    """The rows with this principal as the owner and the previous owner kept as CAN_MANAGE (as
    the API does when an update names a new owner). Inherited rows are left as they are."""
    rows = _grants(grants)
    out: list[Grant] = []
    found = False
    for grant in rows:
        if grant.inherited:
            out.append(grant)
        elif grant.principal == (kind, name):
            out.append(Grant(kind, name, _OWNER, display_name=grant.display_name))
            found = True
        elif grant.level == _OWNER:
            out.append(Grant(grant.kind, grant.name, "CAN_MANAGE",
                             display_name=grant.display_name))
        else:
            out.append(grant)
    if not found:
        out.append(Grant(kind, name, _OWNER))
    return out


def acl_request(grants: Sequence[Grant | Mapping[str, Any]], *,
                mode: Literal["set", "update"] = "set",
                loaded: JobAcl | None = None) -> list[dict[str, str]]:
    """The `access_control_list` to pass to `PermissionsService.set_permissions` (mode "set": every
    direct grant; the request replaces them all) or `update_permissions` (mode "update": only
    the grants that are new or changed since `loaded`, which it needs).

    Inherited rows are never sent. Raises AclError (with the problems) when the grants break a
    rule, and for mode "update" when a grant of `loaded` was removed: an update cannot remove
    one, only "set" can.
    """
    rows = _grants(grants)
    errors = [p for p in validate_acl(rows, loaded=loaded) if p.severity == "error"]
    if errors:
        raise AclError(f"The access control list cannot be saved: {errors[0].message}", errors)
    direct = [g for g in rows if not g.inherited]
    if mode == "set":
        return [g.request_entry() for g in direct]
    if mode != "update":
        raise ValueError(f"mode must be 'set' or 'update', not {mode!r}")
    if loaded is None:
        raise ValueError("an update request is computed against the loaded ACL: pass loaded=")
    kept = {g.principal for g in direct}
    removed = [g for g in loaded.direct if g.principal not in kept]
    if removed:
        raise AclError(f"An update cannot remove the grant of {removed[0].who}; save with "
                       "mode='set' (set_permissions replaces all direct grants).")
    before = {_key(g) for g in loaded.direct}
    return [g.request_entry() for g in direct if _key(g) not in before]
