"""Cluster policies: `/api/2.0/policies/clusters/{list,get}`, as the SDK's `ClusterPoliciesAPI`
calls them, so that a job cluster's `policy_id` can be picked.

The local workspace has the built-in policies every workspace starts with (Databricks docs,
"Default policies and policy families"): Personal Compute and Job Compute, each a `definition`
in the policy language (a JSON text of attribute paths to rules). Tasks run on this machine
whatever policy their cluster names, so the rules are shown, not enforced. Policies cannot be
created here.
"""

from __future__ import annotations

import json
from typing import Any, Final

from loom_jobs_widget.local.http import ApiError, Request, Route
from loom_jobs_widget.local.http.params import query_str

__all__ = ["PoliciesApi"]

_PREFIX: Final = r"/api/2\.0/policies/clusters/"
# The policies' creation time: fixed, they come with every local workspace.
_BUILT_IN_TIME: Final = 1_700_000_000_000

# Definitions in the cluster policy language (Databricks docs, "Compute policy reference").
_PERSONAL: Final = {
    "spark_conf.spark.databricks.cluster.profile": {
        "type": "fixed",
        "value": "singleNode",
        "hidden": True,
    },
    "num_workers": {"type": "fixed", "value": 0, "hidden": True},
    "data_security_mode": {
        "type": "allowlist",
        "values": ["SINGLE_USER", "DATA_SECURITY_MODE_DEDICATED"],
        "defaultValue": "SINGLE_USER",
    },
    "spark_version": {"type": "unlimited", "defaultValue": "auto:latest-lts"},
    "autotermination_minutes": {"type": "unlimited", "defaultValue": 120, "isOptional": True},
    "instance_pool_id": {"type": "forbidden", "hidden": True},
    "driver_instance_pool_id": {"type": "forbidden", "hidden": True},
    "cluster_type": {"type": "fixed", "value": "all-purpose"},
}
_JOB: Final = {
    "cluster_type": {"type": "fixed", "value": "job"},
    "spark_version": {"type": "unlimited", "defaultValue": "auto:latest-lts"},
    "num_workers": {"type": "unlimited", "defaultValue": 1, "isOptional": True},
    "data_security_mode": {
        "type": "allowlist",
        "values": ["SINGLE_USER", "USER_ISOLATION"],
        "defaultValue": "SINGLE_USER",
    },
}

# Ids are 16 hexadecimal digits, as a workspace's policy ids.
_POLICIES: Final = (
    {
        "policy_id": "0010A0B0C0D0E001",
        "name": "Personal Compute",
        "description": (
            "Single-node compute for one user: the machine the local workspace runs on."
        ),
        "policy_family_id": "personal-vm",
        "definition": json.dumps(_PERSONAL),
    },
    {
        "policy_id": "0010A0B0C0D0E002",
        "name": "Job Compute",
        "description": "Compute for jobs: a cluster made for a run and ended after it.",
        "policy_family_id": "job-cluster",
        "definition": json.dumps(_JOB),
    },
)


def _policy(spec: dict[str, Any]) -> dict[str, Any]:
    return {
        **spec,
        "created_at_timestamp": _BUILT_IN_TIME,
        "is_default": True,
        "policy_family_definition_overrides": "{}",
    }


class PoliciesApi:
    """The built-in cluster policies, read-only."""

    def routes(self) -> list[Route]:
        return [
            Route("GET", _PREFIX + "list", self.list_policies),
            Route("GET", _PREFIX + "get", self.get),
        ]

    def list_policies(self, request: Request) -> dict[str, Any]:
        policies = [_policy(spec) for spec in _POLICIES]
        column = query_str(request, "sort_column") or "POLICY_CREATION_TIME"
        if column not in ("POLICY_CREATION_TIME", "POLICY_NAME"):
            raise ApiError.invalid(f"Invalid sort_column: {column}")
        order = query_str(request, "sort_order") or "DESC"
        if order not in ("ASC", "DESC"):
            raise ApiError.invalid(f"Invalid sort_order: {order}")
        if column == "POLICY_NAME":
            policies.sort(key=lambda policy: str(policy["name"]).casefold())
        if order == "DESC":
            policies.reverse()
        return {"policies": policies}

    def get(self, request: Request) -> dict[str, Any]:
        policy_id = query_str(request, "policy_id", required=True)
        for spec in _POLICIES:
            if spec["policy_id"] == policy_id:
                return _policy(spec)
        # A workspace's wording for an unknown id, as public error reports quote it.
        raise ApiError(
            404, "RESOURCE_DOES_NOT_EXIST", f"Can't find a cluster policy with id: {policy_id}."
        )
