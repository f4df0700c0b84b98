"""Lossless pydantic models of the Jobs API's `Job` and `JobSettings`.

`jobs/reset` replaces a job's whole settings, so the editor may only ever write back what it read,
plus the edits the user made. Every model here therefore keeps:

- keys it does not declare (at any depth), as extras;
- the exact value of a declared field whose value is not of the declared type (an unknown enum
  value is a plain string anyway; a `${var.x}` bundle reference in an int field, a float in an int
  field, ...): typed fields are `Loose[T]`, tried strictly as `T` and kept raw otherwise;
- explicit nulls and empty lists and dicts, because `to_api()` dumps exactly the fields that were
  given (or assigned since), never defaults;
- the order of keys as they came, so a JSON view or a diff reads like the document.

`JobSettings.from_api(d).to_api() == d` for any JSON object `d`.
"""

import threading
import warnings
from collections.abc import Iterator, Mapping
from typing import (
    Any,
    Final,
    Literal,
    NamedTuple,
    TypeVar,
)

from pydantic import (
    BaseModel,
    ConfigDict,
    SerializerFunctionWrapHandler,
    model_serializer,
)

from loom_jobs_widget.core.gc_pause import collector_paused
from loom_jobs_widget.core.json_copy import copy_document
from loom_jobs_widget.core.loose import Loose, holds_model
from loom_jobs_widget.core.task_types import TASK_TYPES as _REGISTRY

__all__ = [
    "API_OBJECT_CLASSES", "CONDITION_OPS", "HEALTH_METRICS", "NO_COMPUTE_TASK_TYPES",
    "PERIODIC_UNITS", "RUN_IF_VALUES", "TASK_TYPES", "ApiObject", "AutoScale", "ClusterSpec",
    "ComputeKind", "ConditionTask", "Continuous", "CronSchedule", "Edge", "EmailNotifications",
    "Environment", "FileArrivalTrigger", "ForEachTask", "GitSource", "HealthRule", "HealthRules",
    "Job", "JobCluster", "JobDeployment", "JobEnvironment", "JobParameterDefinition", "JobRunAs",
    "JobSettings", "Library", "NotebookTask", "NotificationSettings", "PeriodicTrigger",
    "PipelineTask", "PythonWheelTask", "QueueSettings", "RunJobTask", "SparkJarTask",
    "SparkPythonTask", "SparkSubmitTask", "SqlTask", "SqlTaskAlert", "SqlTaskDashboard",
    "SqlTaskFile", "SqlTaskQuery", "TableUpdateTrigger", "Task", "TaskDependency",
    "TriggerSettings", "Webhook", "WebhookNotifications", "built", "field_value",
    "task_type_fields", "task_types_of",
]

# Values the API documents today; fields hold plain strings so that newer values survive.
RUN_IF_VALUES = (
    "ALL_SUCCESS",
    "ALL_DONE",
    "NONE_FAILED",
    "AT_LEAST_ONE_SUCCESS",
    "AT_LEAST_ONE_FAILED",
    "ALL_FAILED",
)
CONDITION_OPS = (
    "EQUAL_TO",
    "NOT_EQUAL",
    "GREATER_THAN",
    "GREATER_THAN_OR_EQUAL",
    "LESS_THAN",
    "LESS_THAN_OR_EQUAL",
)
_PAUSE_STATUSES = ("PAUSED", "UNPAUSED")
_SOURCES = ("WORKSPACE", "GIT")
_NOTIFICATION_EVENTS = (
    "on_start",
    "on_success",
    "on_failure",
    "on_duration_warning_threshold_exceeded",
    "on_streaming_backlog_exceeded",
)
HEALTH_METRICS = (
    "RUN_DURATION_SECONDS",
    "STREAMING_BACKLOG_BYTES",
    "STREAMING_BACKLOG_RECORDS",
    "STREAMING_BACKLOG_SECONDS",
    "STREAMING_BACKLOG_FILES",
)
PERIODIC_UNITS = ("MINUTES", "HOURS", "DAYS", "WEEKS")

# Every task type field of `Task` the API documents, in its order (`core.task_types`).
TASK_TYPES: Final[tuple[str, ...]] = tuple(entry.key for entry in _REGISTRY)

_TASK_TYPE_SET = frozenset(TASK_TYPES)

ComputeKind = Literal["existing_cluster", "job_cluster", "new_cluster", "environment", "serverless"]

# Task types that run on no cluster of their own: a missing compute key means nothing for them.
NO_COMPUTE_TASK_TYPES: Final[frozenset[str]] = frozenset(
    entry.key for entry in _REGISTRY if not entry.compute
)


def task_types_of(task: Mapping[str, Any]) -> list[str]:
    """The task type fields set on a raw task, in document order: documented ones first, then
    unknown `*_task` objects (a task type newer than this package)."""
    known, unknown = task_type_fields(task)
    return [*known, *unknown]


def task_type_fields(task: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The documented task type fields a raw task sets, and its unknown `*_task` objects, each
    in document order."""
    known: list[str] = []
    unknown: list[str] = []
    for name, value in task.items():
        if name in _OTHER_TASK_FIELDS:  # most fields: one look-up rules them out
            continue
        if name in _TASK_TYPE_SET:
            if value is not None:
                known.append(name)
        elif isinstance(name, str) and name.endswith("_task") and isinstance(value, dict):
            unknown.append(name)
    return tuple(known), tuple(unknown)


def _compute_kind_of(task: Mapping[str, Any]) -> ComputeKind | None:
    """Where a raw task runs; None for a task type that needs no compute of its own."""
    if task.get("existing_cluster_id") is not None:
        return "existing_cluster"
    if task.get("job_cluster_key") is not None:
        return "job_cluster"
    if task.get("new_cluster") is not None:
        return "new_cluster"
    if task.get("environment_key") is not None:
        return "environment"
    types = task_types_of(task)
    if types and types[0] in NO_COMPUTE_TASK_TYPES:
        return None
    return "serverless"


_M = TypeVar("_M", bound="ApiObject")


# Every model class, by exact type: a set look-up is cheaper than isinstance against a model
# class (its metaclass is an ABC), and loading and validation ask once per object.
API_OBJECT_CLASSES: Final[set[type]] = set()


class ApiObject(BaseModel):
    """A Jobs API object: declared fields are typed, everything else is kept as it came."""

    # Built on first use (`built`), not at import: building every class took half of the time of
    # importing the editor, and a job's load needs only the classes it starts from.
    model_config = ConfigDict(extra="allow", strict=True, protected_namespaces=(), defer_build=True)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        API_OBJECT_CLASSES.add(cls)

    def __init__(self, /, **data: Any) -> None:
        if not type(self).__pydantic_complete__:
            built(type(self))
        super().__init__(**data)
        _remember_key_order(self, data)

    # Marked as pydantic marks its own: otherwise pydantic builds every nested model through this
    # Python method, which made loading twice as slow. A model made in Python comes through here.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def model_validate(cls: type[_M], obj: Any, **options: Any) -> _M:
        if not cls.__pydantic_complete__:
            built(cls)
        model = super().model_validate(obj, **options)
        if isinstance(obj, dict):
            _remember_key_order(model, obj)
        return model

    @model_serializer(mode="wrap")
    def _dump_in_key_order(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        out: dict[str, Any] = handler(self)
        private = self.__pydantic_private__
        order: tuple[str, ...] = private["_key_order"] if private else ()
        if not order or list(out) == list(order[: len(out)]):
            return out
        ordered = {key: out[key] for key in order if key in out}
        ordered.update((key, value) for key, value in out.items() if key not in ordered)
        return ordered

    @classmethod
    def from_api(cls: type[_M], document: Mapping[str, Any], *, owned: bool = False) -> _M:
        """Load an API document. Never fails on a JSON object. The input is not kept or changed,
        unless `owned`: a document the caller hands over (JSON it just parsed) is kept as it is,
        its raw parts becoming the model's own, with no copy made."""
        # Raw (untyped) parts of a model are the input's own objects: load a copy.
        loaded = document if owned else copy_document(document)
        with collector_paused():  # every object made here is kept
            return cls.model_validate(loaded)

    def to_api(self) -> dict[str, Any]:
        """The API document: what was loaded, with the edits made since, and nothing else."""
        if not type(self).__pydantic_complete__:  # a model built within another one's load
            built(type(self))
        return self.model_dump(exclude_unset=True)

    def api_fields(self) -> dict[str, Any]:
        """The fields this object holds, by API name, in document order (fields added since
        loading come last). Shallow: nested objects stay models."""
        values = self.__dict__
        extra = self.__pydantic_extra__
        given = self.__pydantic_fields_set__  # pydantic counts extras among the set fields
        private = self.__pydantic_private__  # directly: pydantic's attribute access is slow
        order: tuple[str, ...] = private["_key_order"] if private else ()
        # Comprehensions: validation reads every task's fields, several times per keystroke.
        if not extra and len(order) == len(given) and given.issuperset(order):
            return {key: values[key] for key in order}  # as loaded: every key a declared field
        if extra:
            found = {
                key: extra[key] if key in extra else values[key]
                for key in order
                if key in extra or (key in given and key in values)
            }
        else:
            found = {key: values[key] for key in order if key in given and key in values}
        if len(found) != len(given):  # fields set since loading: as the dump orders them
            found.update((key, values[key]) for key in values if key in given and key not in found)
            if extra:
                found.update((key, value) for key, value in extra.items() if key not in found)
        return found

    def unset(self, name: str) -> None:
        """Remove a field from the document (as opposed to setting it to null)."""
        extra = self.__pydantic_extra__
        if extra is not None and name in extra:
            del extra[name]
            self.__pydantic_fields_set__.discard(name)
            return
        field = type(self).model_fields.get(name)
        if field is not None:
            self.__pydantic_fields_set__.discard(name)
            object.__setattr__(self, name, field.get_default(call_default_factory=True))


_BUILDING = threading.Lock()


def built(model_class: type[_M]) -> type[_M]:
    """The model class, built: pydantic builds a deferred class on its first use, but not safely
    from two threads at once (pydantic PR 13438), and the local workspace loads jobs in several.
    After it, the class's `model_fields` annotations name no class still to be defined."""
    with _BUILDING:
        if not model_class.__pydantic_complete__:
            model_class.model_rebuild()
    return model_class


API_OBJECT_CLASSES.add(ApiObject)

_set_attribute = object.__setattr__  # past pydantic's __setattr__, as pydantic itself does


# The key order lives in `__pydantic_private__["_key_order"]`, set after pydantic has built the
# models rather than from a validator of each: pydantic calling back into Python once per object
# took half of the time of loading a large job. Nor is it a declared PrivateAttr: pydantic
# initialises those in Python for every object it builds.
def _remember_key_order(model: ApiObject, document: dict[str, Any]) -> None:
    """Records the key order of `document` on the model loaded from it, and on every model
    within (found where `document` holds the object it was built from)."""
    nested = _NESTED.get(type(model))
    _remember(model, document, _nested_fields(type(model)) if nested is None else nested)


def _remember(model: ApiObject, document: dict[str, Any], nested: frozenset[str]) -> None:
    # Once per object of a large job: look-ups by exact type rather than isinstance (a model's
    # metaclass is an ABC), and no call for an object with nothing to record.
    if len(document) > 1:  # one key has one order: the dump's own
        _set_attribute(model, "__pydantic_private__", {"_key_order": tuple(document)})
    if not nested:
        return
    values = model.__dict__
    known = _NESTED
    for key, given in document.items():
        if key not in nested:
            continue
        value = values[key]
        if type(value) is list:
            if type(given) is not list:
                continue
            # pydantic keeps the entries' order
            for item, item_given in zip(value, given, strict=False):
                if type(item_given) is not dict:
                    continue
                inner = known.get(type(item))
                if inner is None:
                    inner = _first_met(item)
                if inner is not None and (inner or len(item_given) > 1):
                    _remember(item, item_given, inner)
            continue
        inner = known.get(type(value))
        if inner is None:
            inner = _first_met(value)
        if inner is not None and type(given) is dict and (inner or len(given) > 1):
            _remember(value, given, inner)


# By model class: its declared fields that may hold models. Filled as classes are first met.
_NESTED: dict[type, frozenset[str]] = {}


def _first_met(value: Any) -> frozenset[str] | None:
    """The fields of a model whose class no load has met yet (None when `value` is no model)."""
    kind = type(value)
    return _nested_fields(kind) if kind in API_OBJECT_CLASSES else None


def _nested_fields(model_class: type[ApiObject]) -> frozenset[str]:
    """The declared fields of a model class that may hold models."""
    found = frozenset(
        name
        for name, info in model_class.model_fields.items()
        if holds_model(info.annotation)
    )
    _NESTED[model_class] = found
    return found

_ABSENT: Final = object()


def field_value(obj: Any, name: str) -> Any:
    """`obj[name]` for a model or a dict alike; None when absent, or when `obj` is neither."""
    if isinstance(obj, ApiObject):
        # Declared fields live in __dict__; getattr on a missing extra costs an exception.
        value = obj.__dict__.get(name, _ABSENT)
        if value is not _ABSENT:
            return value
        extra = obj.__pydantic_extra__
        return extra.get(name) if extra else None
    if isinstance(obj, dict):
        return obj.get(name)
    return None


# --- compute -------------------------------------------------------------------------------------


class AutoScale(ApiObject):
    min_workers: Loose[int] | None = None
    max_workers: Loose[int] | None = None


class ClusterSpec(ApiObject):
    """`new_cluster`: the fields the editor edits; cloud attributes and the rest are kept raw."""

    spark_version: Loose[str] | None = None
    node_type_id: Loose[str] | None = None
    driver_node_type_id: Loose[str] | None = None
    num_workers: Loose[int] | None = None
    autoscale: Loose[AutoScale] | None = None
    policy_id: Loose[str] | None = None
    instance_pool_id: Loose[str] | None = None
    data_security_mode: Loose[str] | None = None
    single_user_name: Loose[str] | None = None
    runtime_engine: Loose[str] | None = None
    spark_conf: Loose[dict[str, str]] | None = None
    spark_env_vars: Loose[dict[str, str]] | None = None
    custom_tags: Loose[dict[str, str]] | None = None


class JobCluster(ApiObject):
    job_cluster_key: Loose[str] | None = None
    new_cluster: Loose[ClusterSpec] | None = None


class Environment(ApiObject):
    """`environments[].spec`."""

    environment_version: Loose[str] | None = None
    client: Loose[str] | None = None
    dependencies: Loose[list[str]] | None = None


class JobEnvironment(ApiObject):
    environment_key: Loose[str] | None = None
    spec: Loose[Environment] | None = None


class Library(ApiObject):
    """One of pypi / maven / cran / jar / whl / requirements / egg; kept as given."""

    pypi: Loose[ApiObject] | None = None
    maven: Loose[ApiObject] | None = None
    cran: Loose[ApiObject] | None = None
    jar: Loose[str] | None = None
    whl: Loose[str] | None = None
    requirements: Loose[str] | None = None


# --- notifications, health, parameters -----------------------------------------------------------


class EmailNotifications(ApiObject):
    on_start: Loose[list[str]] | None = None
    on_success: Loose[list[str]] | None = None
    on_failure: Loose[list[str]] | None = None
    on_duration_warning_threshold_exceeded: Loose[list[str]] | None = None
    on_streaming_backlog_exceeded: Loose[list[str]] | None = None
    no_alert_for_skipped_runs: Loose[bool] | None = None


class Webhook(ApiObject):
    id: Loose[str] | None = None


class WebhookNotifications(ApiObject):
    on_start: Loose[list[Loose[Webhook]]] | None = None
    on_success: Loose[list[Loose[Webhook]]] | None = None
    on_failure: Loose[list[Loose[Webhook]]] | None = None
    on_duration_warning_threshold_exceeded: Loose[list[Loose[Webhook]]] | None = None
    on_streaming_backlog_exceeded: Loose[list[Loose[Webhook]]] | None = None


class NotificationSettings(ApiObject):
    """Job-level `notification_settings`; tasks add `alert_on_last_attempt`."""

    no_alert_for_skipped_runs: Loose[bool] | None = None
    no_alert_for_canceled_runs: Loose[bool] | None = None
    alert_on_last_attempt: Loose[bool] | None = None


class HealthRule(ApiObject):
    metric: Loose[str] | None = None
    op: Loose[str] | None = None
    value: Loose[int] | None = None


class HealthRules(ApiObject):
    rules: Loose[list[Loose[HealthRule]]] | None = None


class JobParameterDefinition(ApiObject):
    name: Loose[str] | None = None
    default: Loose[str] | None = None


# --- task types ----------------------------------------------------------------------------------


class NotebookTask(ApiObject):
    notebook_path: Loose[str] | None = None
    source: Loose[str] | None = None
    base_parameters: Loose[dict[str, str]] | None = None
    warehouse_id: Loose[str] | None = None


class SparkPythonTask(ApiObject):
    python_file: Loose[str] | None = None
    parameters: Loose[list[str]] | None = None
    source: Loose[str] | None = None


class PythonWheelTask(ApiObject):
    package_name: Loose[str] | None = None
    entry_point: Loose[str] | None = None
    parameters: Loose[list[str]] | None = None
    named_parameters: Loose[dict[str, str]] | None = None


class SparkJarTask(ApiObject):
    main_class_name: Loose[str] | None = None
    parameters: Loose[list[str]] | None = None
    jar_uri: Loose[str] | None = None


class SparkSubmitTask(ApiObject):
    parameters: Loose[list[str]] | None = None


class SqlTaskQuery(ApiObject):
    query_id: Loose[str] | None = None


class SqlTaskFile(ApiObject):
    path: Loose[str] | None = None
    source: Loose[str] | None = None


class SqlTaskDashboard(ApiObject):
    dashboard_id: Loose[str] | None = None


class SqlTaskAlert(ApiObject):
    alert_id: Loose[str] | None = None


class SqlTask(ApiObject):
    warehouse_id: Loose[str] | None = None
    query: Loose[SqlTaskQuery] | None = None
    file: Loose[SqlTaskFile] | None = None
    dashboard: Loose[SqlTaskDashboard] | None = None
    alert: Loose[SqlTaskAlert] | None = None
    parameters: Loose[dict[str, str]] | None = None


class PipelineTask(ApiObject):
    pipeline_id: Loose[str] | None = None
    full_refresh: Loose[bool] | None = None


class RunJobTask(ApiObject):
    job_id: Loose[int] | None = None
    job_parameters: Loose[dict[str, str]] | None = None


class ConditionTask(ApiObject):
    op: Loose[str] | None = None
    left: Loose[str] | None = None
    right: Loose[str] | None = None


class ForEachTask(ApiObject):
    inputs: Loose[str] | None = None
    concurrency: Loose[int] | None = None
    task: Loose["Task"] | None = None


with warnings.catch_warnings():
    # `schema` shadows BaseModel's deprecated schema() method; an alias instead would make an
    # incoming `schema_` key load into the field, which breaks the round trip.
    warnings.filterwarnings("ignore", message='Field name "schema"', category=UserWarning)

    class DbtTask(ApiObject):
        commands: Loose[list[str]] | None = None
        project_directory: Loose[str] | None = None
        profiles_directory: Loose[str] | None = None
        catalog: Loose[str] | None = None
        schema: Loose[str] | None = None  # type: ignore[assignment]
        warehouse_id: Loose[str] | None = None
        source: Loose[str] | None = None


class TaskDependency(ApiObject):
    task_key: Loose[str] | None = None
    outcome: Loose[str] | None = None


class Task(ApiObject):
    task_key: Loose[str] | None = None
    description: Loose[str] | None = None
    depends_on: Loose[list[Loose[TaskDependency]]] | None = None
    run_if: Loose[str] | None = None
    disabled: Loose[bool] | None = None

    existing_cluster_id: Loose[str] | None = None
    job_cluster_key: Loose[str] | None = None
    new_cluster: Loose[ClusterSpec] | None = None
    environment_key: Loose[str] | None = None
    libraries: Loose[list[Loose[Library]]] | None = None

    max_retries: Loose[int] | None = None
    min_retry_interval_millis: Loose[int] | None = None
    retry_on_timeout: Loose[bool] | None = None
    timeout_seconds: Loose[int] | None = None
    health: Loose[HealthRules] | None = None

    email_notifications: Loose[EmailNotifications] | None = None
    webhook_notifications: Loose[WebhookNotifications] | None = None
    notification_settings: Loose[NotificationSettings] | None = None

    notebook_task: Loose[NotebookTask] | None = None
    spark_python_task: Loose[SparkPythonTask] | None = None
    python_wheel_task: Loose[PythonWheelTask] | None = None
    spark_jar_task: Loose[SparkJarTask] | None = None
    spark_submit_task: Loose[SparkSubmitTask] | None = None
    sql_task: Loose[SqlTask] | None = None
    pipeline_task: Loose[PipelineTask] | None = None
    run_job_task: Loose[RunJobTask] | None = None
    condition_task: Loose[ConditionTask] | None = None
    for_each_task: Loose[ForEachTask] | None = None
    dbt_task: Loose[DbtTask] | None = None
    # Task types the editor shows as JSON: attribute access works, contents are kept as given.
    dbt_cloud_task: Loose[ApiObject] | None = None
    dbt_platform_task: Loose[ApiObject] | None = None
    dashboard_task: Loose[ApiObject] | None = None
    alert_task: Loose[ApiObject] | None = None
    power_bi_task: Loose[ApiObject] | None = None
    clean_rooms_notebook_task: Loose[ApiObject] | None = None
    gen_ai_compute_task: Loose[ApiObject] | None = None
    ai_runtime_task: Loose[ApiObject] | None = None
    ai_function_task: Loose[ApiObject] | None = None
    python_operator_task: Loose[ApiObject] | None = None

    @property
    def task_types(self) -> list[str]:
        """Every task type field set on this task, unknown `*_task` objects included."""
        return task_types_of(self.api_fields())

    @property
    def task_type(self) -> str | None:
        """The task's type (`notebook_task`, ...), or None when it has none."""
        types = self.task_types
        return types[0] if types else None

    @property
    def compute_kind(self) -> ComputeKind | None:
        return _compute_kind_of(self.api_fields())

    @property
    def dependencies(self) -> list[TaskDependency]:
        """`depends_on` as models, skipping entries that are not objects."""
        deps = self.depends_on
        if not isinstance(deps, list):
            return []
        return [dep for dep in deps if isinstance(dep, TaskDependency)]


# The fields of a task that are no task type, nor could be taken for one (`task_type_fields`).
_OTHER_TASK_FIELDS: Final = frozenset(
    name for name in Task.model_fields if not name.endswith("_task")
)


# --- schedules and triggers ----------------------------------------------------------------------


class CronSchedule(ApiObject):
    quartz_cron_expression: Loose[str] | None = None
    timezone_id: Loose[str] | None = None
    pause_status: Loose[str] | None = None


class PeriodicTrigger(ApiObject):
    interval: Loose[int] | None = None
    unit: Loose[str] | None = None


class FileArrivalTrigger(ApiObject):
    url: Loose[str] | None = None
    min_time_between_triggers_seconds: Loose[int] | None = None
    wait_after_last_change_seconds: Loose[int] | None = None


class TableUpdateTrigger(ApiObject):
    table_names: Loose[list[str]] | None = None
    condition: Loose[str] | None = None
    min_time_between_triggers_seconds: Loose[int] | None = None
    wait_after_last_change_seconds: Loose[int] | None = None


class TriggerSettings(ApiObject):
    """The single `trigger`, and each entry of the newer `triggers` list."""

    pause_status: Loose[str] | None = None
    periodic: Loose[PeriodicTrigger] | None = None
    file_arrival: Loose[FileArrivalTrigger] | None = None
    table_update: Loose[TableUpdateTrigger] | None = None
    # Legacy alias of table_update that the SDK dataclasses drop.
    table: Loose[TableUpdateTrigger] | None = None
    schedule: Loose[CronSchedule] | None = None
    model: Loose[ApiObject] | None = None
    job_completion: Loose[ApiObject] | None = None


class Continuous(ApiObject):
    pause_status: Loose[str] | None = None
    task_retry_mode: Loose[str] | None = None


# --- the job -------------------------------------------------------------------------------------


class QueueSettings(ApiObject):
    enabled: Loose[bool] | None = None


class JobRunAs(ApiObject):
    user_name: Loose[str] | None = None
    service_principal_name: Loose[str] | None = None
    group_name: Loose[str] | None = None


class GitSource(ApiObject):
    git_url: Loose[str] | None = None
    git_provider: Loose[str] | None = None
    git_branch: Loose[str] | None = None
    git_tag: Loose[str] | None = None
    git_commit: Loose[str] | None = None


class JobDeployment(ApiObject):
    kind: Loose[str] | None = None
    metadata_file_path: Loose[str] | None = None


class Edge(NamedTuple):
    """A dependency: `downstream` depends on `upstream`, after a condition task when `outcome`."""

    upstream: str
    downstream: str
    outcome: str | None


class JobSettings(ApiObject):
    name: Loose[str] | None = None
    description: Loose[str] | None = None
    tags: Loose[dict[str, str]] | None = None
    tasks: Loose[list[Loose[Task]]] | None = None
    job_clusters: Loose[list[Loose[JobCluster]]] | None = None
    environments: Loose[list[Loose[JobEnvironment]]] | None = None
    parameters: Loose[list[Loose[JobParameterDefinition]]] | None = None

    schedule: Loose[CronSchedule] | None = None
    trigger: Loose[TriggerSettings] | None = None
    triggers: Loose[list[Loose[TriggerSettings]]] | None = None
    continuous: Loose[Continuous] | None = None

    email_notifications: Loose[EmailNotifications] | None = None
    webhook_notifications: Loose[WebhookNotifications] | None = None
    notification_settings: Loose[NotificationSettings] | None = None

    timeout_seconds: Loose[int] | None = None
    max_concurrent_runs: Loose[int] | None = None
    health: Loose[HealthRules] | None = None
    queue: Loose[QueueSettings] | None = None
    run_as: Loose[JobRunAs] | None = None
    git_source: Loose[GitSource] | None = None
    performance_target: Loose[str] | None = None
    budget_policy_id: Loose[str] | None = None
    format: Loose[str] | None = None
    edit_mode: Loose[str] | None = None
    deployment: Loose[JobDeployment] | None = None

    @property
    def task_list(self) -> list[Task]:
        """The tasks that are objects, in document order (`tasks` may hold anything)."""
        tasks = self.tasks
        if not isinstance(tasks, list):
            return []
        return [task for task in tasks if isinstance(task, Task)]

    def tasks_by_key(self) -> dict[str, Task]:
        """Tasks by task_key in a stable order (sorted by key); the first of duplicates wins."""
        found: dict[str, Task] = {}
        for task in self.task_list:
            key = task.task_key
            if isinstance(key, str) and key not in found:
                found[key] = task
        return dict(sorted(found.items()))

    def task(self, task_key: str) -> Task | None:
        return next((t for t in self.task_list if t.task_key == task_key), None)

    def edges(self) -> list[Edge]:
        """Every depends_on entry as an edge, ordered by downstream task_key, then as listed."""
        found: list[Edge] = []
        for task in sorted(self.task_list, key=lambda t: str(t.task_key)):
            if not isinstance(task.task_key, str):
                continue
            for dep in task.dependencies:
                if isinstance(dep.task_key, str):
                    outcome = dep.outcome if isinstance(dep.outcome, str) else None
                    found.append(Edge(dep.task_key, task.task_key, outcome))
        return found

    def iter_tasks(self) -> Iterator[tuple[Task, Task | None]]:
        """Each task with the for_each task that holds it (None at the top level)."""
        for task in self.task_list:
            yield task, None
            loop = task.for_each_task
            nested = loop.task if isinstance(loop, ForEachTask) else None
            if isinstance(nested, Task):
                yield nested, task


class Job(ApiObject):
    """A `jobs/get` response."""

    job_id: Loose[int] | None = None
    creator_user_name: Loose[str] | None = None
    run_as_user_name: Loose[str] | None = None
    created_time: Loose[int] | None = None
    settings: Loose[JobSettings] | None = None
    effective_budget_policy_id: Loose[str] | None = None
    has_more: Loose[bool] | None = None
    next_page_token: Loose[str] | None = None
    trigger_state: Loose[ApiObject] | None = None
