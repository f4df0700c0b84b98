"""The Permissions tab: the ACL model, the edit rules and the requests. (Saving through the
workspace is tests/client/test_permissions.py.)"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loom_jobs_widget.core.permissions import (
    PERMISSION_LEVELS,
    PRINCIPAL_KINDS,
    AclError,
    Grant,
    JobAcl,
    acl_request,
    levels_for,
    transfer_ownership,
    validate_acl,
)

API_DOCUMENT: dict[str, Any] = {
    "object_id": "/jobs/42",
    "object_type": "job",
    "access_control_list": [
        {"user_name": "ann@example.com", "display_name": "Ann",
         "all_permissions": [{"permission_level": "IS_OWNER", "inherited": False}]},
        {"group_name": "data",
         "all_permissions": [{"permission_level": "CAN_VIEW", "inherited": False}]},
        {"service_principal_name": "6f1c-etl", "display_name": "etl",
         "all_permissions": [{"permission_level": "CAN_MANAGE_RUN", "inherited": False}]},
        {"group_name": "admins",
         "all_permissions": [{"permission_level": "CAN_MANAGE", "inherited": True,
                              "inherited_from_object": ["/jobs/"]}]},
    ],
}


def test_from_api() -> None:
    acl = JobAcl.from_api(API_DOCUMENT)
    assert acl.object_id == "/jobs/42"
    assert acl.owner == Grant("user_name", "ann@example.com", "IS_OWNER", display_name="Ann")
    assert [g.who for g in acl.direct] == ["user ann@example.com", "group data",
                                           "service principal 6f1c-etl"]
    [admins] = acl.inherited
    assert admins == Grant("group_name", "admins", "CAN_MANAGE", inherited=True,
                           inherited_from=("/jobs/",))
    round_tripped = json.loads(json.dumps(acl.to_json()))
    assert [Grant.from_json(g) for g in round_tripped["grants"]] == list(acl.grants)


def test_a_principal_with_direct_and_inherited_permissions_gives_two_rows() -> None:
    acl = JobAcl.from_api({"access_control_list": [
        {"group_name": "admins", "all_permissions": [
            {"permission_level": "CAN_VIEW", "inherited": False},
            {"permission_level": "CAN_MANAGE", "inherited": True,
             "inherited_from_object": ["/jobs/"]}]},
        {"all_permissions": [{"permission_level": "CAN_VIEW"}]},  # no principal: skipped
        "junk",
    ]})
    assert [(g.name, g.level, g.inherited) for g in acl.grants] == [
        ("admins", "CAN_VIEW", False), ("admins", "CAN_MANAGE", True)]
    assert acl.owner is None and acl.object_id is None


def test_grant_from_a_request_entry() -> None:
    assert Grant.from_json({"service_principal_name": "sp", "permission_level": "CAN_VIEW"}) == \
        Grant("service_principal_name", "sp", "CAN_VIEW")
    assert Grant.from_json({"user_name": "a", "group_name": "b"}).kind == ""


def test_levels_for() -> None:
    assert levels_for("user_name") == list(PERMISSION_LEVELS)
    assert levels_for("service_principal_name")[0] == "IS_OWNER"
    assert levels_for("group_name") == ["CAN_MANAGE", "CAN_MANAGE_RUN", "CAN_VIEW"]


def codes(problems: list[Any]) -> list[tuple[str, str | None]]:
    return [(p.code, p.field) for p in problems]


def test_a_valid_acl_has_no_problems() -> None:
    acl = JobAcl.from_api(API_DOCUMENT)
    assert validate_acl(acl.grants, loaded=acl) == []
    assert validate_acl([g.to_json() for g in acl.direct]) == []


OWNER = {"kind": "user_name", "name": "ann@example.com", "level": "IS_OWNER"}


@pytest.mark.parametrize(("grants", "expected", "message"), [
    ([], [("acl-owner-count", "access_control_list")], "exactly one owner"),
    ([{"kind": "group_name", "name": "data", "level": "CAN_MANAGE"}],
     [("acl-owner-count", "access_control_list")], "give one user or service principal"),
    ([OWNER, {"kind": "service_principal_name", "name": "etl", "level": "IS_OWNER"}],
     [("acl-owner-count", "access_control_list[1].permission_level")],
     "user ann@example.com and service principal etl are both IS_OWNER"),
    ([{"kind": "group_name", "name": "data", "level": "IS_OWNER"}],
     [("acl-group-owner", "access_control_list[0].permission_level")],
     "Group data cannot own the job: the owner must be a user or a service principal."),
    ([OWNER, {"kind": "user_name", "name": "bob", "level": "CAN_FLY"}],
     [("acl-permission-level", "access_control_list[1].permission_level")],
     "User bob has CAN_FLY, which is not a job permission level; use one of IS_OWNER, "),
    ([OWNER, {"kind": "group_name", "name": "data", "level": ""}],
     [("acl-permission-level", "access_control_list[1].permission_level")],
     "Group data has no permission level; use one of CAN_MANAGE, CAN_MANAGE_RUN, CAN_VIEW."),
    ([OWNER, {"user_name": "a", "group_name": "b", "permission_level": "CAN_VIEW"}],
     [("acl-principal", "access_control_list[1]")], "exactly one of user_name"),
    ([OWNER, {"kind": "user_name", "name": " ", "level": "CAN_VIEW"}],
     [("acl-principal", "access_control_list[1].user_name")], "has an empty user_name"),
    ([OWNER, {"kind": "group_name", "name": "data", "level": "CAN_VIEW"},
      {"kind": "group_name", "name": "data", "level": "CAN_MANAGE"}],
     [("acl-duplicate-principal", "access_control_list[2].group_name")],
     "Group data is listed twice (entries 1 and 2)"),
    ([{**OWNER, "level": "CAN_MANAGE"}, {"kind": "user_name", "name": "ann@example.com",
                                        "level": "IS_OWNER"}],
     [("acl-duplicate-principal", "access_control_list[1].user_name"),
      ("acl-owner-count", "access_control_list")], "listed twice"),
])
def test_rules(grants: list[dict[str, Any]], expected: list[tuple[str, str]],
               message: str) -> None:
    problems = validate_acl(grants)
    assert codes(problems) == expected
    assert message in problems[0].message
    assert all(p.severity == "error" for p in problems)
    with pytest.raises(AclError) as raised:
        acl_request(grants)
    assert raised.value.problems == problems


def test_inherited_grants_are_read_only() -> None:
    acl = JobAcl.from_api(API_DOCUMENT)
    changed = [g if not g.inherited else Grant("group_name", "admins", "CAN_VIEW",
                                                inherited=True, inherited_from=("/jobs/",))
               for g in acl.grants]
    problems = validate_acl(changed, loaded=acl)
    assert codes(problems) == [
        ("acl-inherited-read-only", "access_control_list[3].permission_level")]
    assert problems[0].message == ("The CAN_VIEW of group admins is inherited from /jobs/; it "
                                   "cannot be changed here, only where it is granted.")
    # Inherited rows are never sent.
    assert {"group_name": "admins", "permission_level": "CAN_MANAGE"} not in acl_request(
        acl.grants, loaded=acl)


def test_warnings() -> None:
    acl = JobAcl.from_api(API_DOCUMENT)
    redundant = [*acl.grants, Grant("group_name", "admins", "CAN_VIEW")]
    [problem] = validate_acl(redundant, loaded=acl)
    assert (problem.code, problem.severity) == ("acl-redundant-grant", "warning")
    assert "Group admins already inherits" in problem.message
    acl_request(redundant, loaded=acl)  # a warning does not stop a save
    handed_over = transfer_ownership(acl.grants, "service_principal_name", "6f1c-etl")
    without_ann = [g for g in handed_over if g.name != "ann@example.com"]
    [lockout] = validate_acl(without_ann, loaded=acl, user_name="ann@example.com")
    assert (lockout.code, lockout.severity) == ("acl-lockout", "warning")
    assert validate_acl(handed_over, loaded=acl, user_name="ann@example.com") == []


def test_transfer_ownership() -> None:
    acl = JobAcl.from_api(API_DOCUMENT)
    rows = transfer_ownership(acl.grants, "service_principal_name", "6f1c-etl")
    assert [(g.name, g.level) for g in rows] == [
        ("ann@example.com", "CAN_MANAGE"), ("data", "CAN_VIEW"), ("6f1c-etl", "IS_OWNER"),
        ("admins", "CAN_MANAGE")]
    new = transfer_ownership(acl.grants, "user_name", "bob@example.com")
    assert new[-1] == Grant("user_name", "bob@example.com", "IS_OWNER")
    assert validate_acl(new, loaded=acl) == []


def test_requests() -> None:
    acl = JobAcl.from_api(API_DOCUMENT)
    assert acl_request(acl.grants) == [
        {"user_name": "ann@example.com", "permission_level": "IS_OWNER"},
        {"group_name": "data", "permission_level": "CAN_VIEW"},
        {"service_principal_name": "6f1c-etl", "permission_level": "CAN_MANAGE_RUN"},
    ]
    edited = [*acl.grants, Grant("user_name", "bob@example.com", "CAN_VIEW")]
    edited[1] = Grant("group_name", "data", "CAN_MANAGE_RUN")
    assert acl_request(edited, mode="update", loaded=acl) == [
        {"group_name": "data", "permission_level": "CAN_MANAGE_RUN"},
        {"user_name": "bob@example.com", "permission_level": "CAN_VIEW"},
    ]
    with pytest.raises(AclError, match="cannot remove the grant of group data"):
        acl_request([g for g in acl.grants if g.name != "data"], mode="update", loaded=acl)
    with pytest.raises(ValueError, match="pass loaded="):
        acl_request(acl.grants, mode="update")


principals = st.tuples(st.sampled_from(PRINCIPAL_KINDS), st.sampled_from(["a", "b", "c"]))
grant_lists = st.lists(
    st.builds(lambda p, level: Grant(p[0], p[1], level), principals,
              st.sampled_from([*PERMISSION_LEVELS, "CAN_FLY"])), max_size=6)


@settings(max_examples=400, deadline=None)
@given(grant_lists)
def test_the_rules_match_what_the_api_accepts(grants: list[Grant]) -> None:
    # The rules, stated once more from the outside: a request is built exactly when there is
    # one owner, not a group, no principal twice and only known levels.
    direct = [(g.kind, g.name) for g in grants]
    owners = [g for g in grants if g.level == "IS_OWNER"]
    acceptable = (len(owners) == 1 and owners[0].kind != "group_name"
                  and len(set(direct)) == len(direct)
                  and all(g.level in PERMISSION_LEVELS for g in grants))
    errors = [p for p in validate_acl(grants) if p.severity == "error"]
    assert (errors == []) == acceptable
    for problem in errors:
        assert problem.field is not None and problem.field.startswith("access_control_list")
