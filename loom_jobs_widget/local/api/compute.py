"""Compute for the editor's pickers: one local cluster and one local SQL warehouse.

Tasks of the local workspace run as processes on this machine whatever compute they name, so
these endpoints describe that machine in the shapes the pickers expect: `clusters/list`,
`clusters/get`, `clusters/spark-versions`, `clusters/list-node-types` (2.0 and 2.1),
and `sql/warehouses` (list and get). Pipelines are served by `pipelines`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Final

from loom_jobs_widget.local.api.identity import LOCAL_USER
from loom_jobs_widget.local.exec.warehouse import LOCAL_WAREHOUSE_ID
from loom_jobs_widget.local.http import ApiError, Request, Route
from loom_jobs_widget.local.http.params import query_str

__all__ = ["ComputeApi"]

_LOCAL_CLUSTER_ID: Final = "local-cluster"
_LOCAL_NODE_TYPE: Final = "local"
# Runtime versions a job may name; the local workspace runs every task with this machine's
# Python whichever is chosen. Recent LTS keys, newest first.
_SPARK_VERSIONS: Final = (
    ("16.4.x-scala2.12", "16.4 LTS (includes Apache Spark 3.5.2, Scala 2.12)"),
    ("15.4.x-scala2.12", "15.4 LTS (includes Apache Spark 3.5.0, Scala 2.12)"),
    ("14.3.x-scala2.12", "14.3 LTS (includes Apache Spark 3.5.0, Scala 2.12)"),
)


def _memory_mb() -> int:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1024 * 1024))
    except (ValueError, OSError, AttributeError):
        return 0


def _local_cluster(started: int) -> dict[str, Any]:
    return {
        "cluster_id": _LOCAL_CLUSTER_ID,
        "cluster_name": "Local (this machine)",
        "spark_version": _SPARK_VERSIONS[0][0],
        "node_type_id": _LOCAL_NODE_TYPE,
        "driver_node_type_id": _LOCAL_NODE_TYPE,
        "num_workers": 0,
        "state": "RUNNING",
        "state_message": "",
        "cluster_source": "UI",
        "creator_user_name": LOCAL_USER,
        "single_user_name": LOCAL_USER,
        "data_security_mode": "SINGLE_USER",
        "spark_conf": {
            "spark.databricks.cluster.profile": "singleNode",
            "spark.master": "local[*]",
        },
        "custom_tags": {"ResourceClass": "SingleNode"},
        "autotermination_minutes": 0,
        "cluster_cores": float(os.cpu_count() or 1),
        "cluster_memory_mb": _memory_mb(),
        "start_time": started,
    }


def _local_warehouse() -> dict[str, Any]:
    return {
        "id": LOCAL_WAREHOUSE_ID,
        "name": "Local SQL warehouse (DuckDB)",
        "state": "RUNNING",
        "cluster_size": "2X-Small",
        "min_num_clusters": 1,
        "max_num_clusters": 1,
        "num_clusters": 1,
        "num_active_sessions": 0,
        "auto_stop_mins": 0,
        "creator_name": LOCAL_USER,
        "warehouse_type": "PRO",
        "enable_serverless_compute": True,
        "enable_photon": True,
        "spot_instance_policy": "COST_OPTIMIZED",
        "channel": {"name": "CHANNEL_NAME_CURRENT"},
        "tags": {},
    }


_CLUSTERS: Final = r"/api/2\.[01]/clusters/"


class ComputeApi:
    """The compute pickers read: this machine as a cluster and as a warehouse."""

    def __init__(self, started: Callable[[], int]) -> None:
        self._started = started  # the workspace's start (epoch ms): the cluster's start_time

    def routes(self) -> list[Route]:
        return [
            Route("GET", _CLUSTERS + "list", self.list_clusters),
            Route("GET", _CLUSTERS + "get", self.get_cluster),
            Route("GET", _CLUSTERS + "spark-versions", self.spark_versions),
            Route("GET", _CLUSTERS + "list-node-types", self.node_types),
            Route("GET", r"/api/2\.0/sql/warehouses", self.list_warehouses),
            Route("GET", r"/api/2\.0/sql/warehouses/(?P<id>[^/]+)", self.get_warehouse),
        ]

    def list_clusters(self, _: Request) -> dict[str, Any]:
        return {"clusters": [_local_cluster(self._started())]}

    def get_cluster(self, request: Request) -> dict[str, Any]:
        cluster_id = query_str(request, "cluster_id", required=True)
        if cluster_id != _LOCAL_CLUSTER_ID:
            # The text the SDK maps to ResourceDoesNotExist for clusters/get.
            raise ApiError.invalid(f"Cluster {cluster_id} does not exist")
        return _local_cluster(self._started())

    def spark_versions(self, _: Request) -> dict[str, Any]:
        return {"versions": [{"key": key, "name": name} for key, name in _SPARK_VERSIONS]}

    def node_types(self, _: Request) -> dict[str, Any]:
        return {
            "node_types": [
                {
                    "node_type_id": _LOCAL_NODE_TYPE,
                    "instance_type_id": _LOCAL_NODE_TYPE,
                    "description": "This machine",
                    "category": "General Purpose",
                    "memory_mb": _memory_mb(),
                    "num_cores": float(os.cpu_count() or 1),
                    "num_gpus": 0,
                    "is_deprecated": False,
                    "is_hidden": False,
                    "support_port_forwarding": False,
                    "photon_driver_capable": False,
                    "photon_worker_capable": False,
                }
            ]
        }

    def list_warehouses(self, _: Request) -> dict[str, Any]:
        return {"warehouses": [_local_warehouse()]}

    def get_warehouse(self, request: Request) -> dict[str, Any]:
        warehouse_id = request.params["id"]
        if warehouse_id != LOCAL_WAREHOUSE_ID:
            raise ApiError.not_found(f"SQL warehouse {warehouse_id} does not exist.")
        return _local_warehouse()
