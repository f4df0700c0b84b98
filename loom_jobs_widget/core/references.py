"""The grammar of dynamic value references (`{{job.run_id}}`, ``{{job.parameters.`my-name`}}``):
finding them in a string, splitting one into its names, quoting a name. Pure parsing, shared by
the validator (which checks references against its rules), the editor (which rewrites them when a
task is renamed) and the local workspace (which resolves them). `available_references` lists the
references a task can use, for the editor's `{ }` helper.

- A reference is `{{ ... }}`.
- Its names are dotted; a name with characters other than letters, digits and `_` is quoted in
  backticks.
- Text in no namespace the API knows (`{{my.value}}`, `{{CATALOG}}`, legacy `{{job_id}}`) is
  literal text, left alone.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:  # the models load pydantic; parsing must stay cheap to import
    from loom_jobs_widget.core.models import JobSettings

__all__ = [
    "PLACEHOLDER",
    "REFERENCE",
    "TIME_ARGUMENTS",
    "available_references",
    "parse",
    "quote_name",
]

# What `finditer`/`sub` find: group(0) the whole reference, group(1) the text between the braces.
REFERENCE: Final = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_NAMESPACES: Final = frozenset({"job", "task", "tasks", "workspace", "input"})
# The arguments of `{{job.start_time.<argument>}}` and `{{job.trigger.time.<argument>}}`.
TIME_ARGUMENTS: Final = (
    "iso_date",
    "iso_datetime",
    "iso_weekday",
    "is_weekday",
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "second",
    "timestamp_ms",
)

_IDENTIFIER: Final = re.compile(r"[A-Za-z0-9_]+")
_NAMESPACE: Final = re.compile(r"\s*([A-Za-z0-9_]+)\s*(?:\.|$)")


@lru_cache(maxsize=4096)
def parse(inner: str) -> tuple[str, ...] | None:
    """The dotted names between `{{` and `}}`: () when they are in no namespace the API knows
    (the text is left alone), None when they are in one but malformed (an error). Cached: jobs
    repeat their references."""
    namespace = _NAMESPACE.match(inner)
    if namespace is None or namespace.group(1) not in _NAMESPACES:
        return ()
    segments = _split(inner.strip())
    return None if segments is None else tuple(segments)


def _split(text: str) -> list[str] | None:
    """The dotted names of a reference (backticks quote a name); None when it is malformed."""
    segments: list[str] = []
    position = 0
    while True:
        if text.startswith("`", position):
            end = text.find("`", position + 1)
            if end < 0:
                return None
            segments.append(text[position + 1 : end])
            position = end + 1
        else:
            name = _IDENTIFIER.match(text, position)
            if name is None:
                return None
            segments.append(name.group())
            position = name.end()
        if position == len(text):
            return segments
        if text[position] != ".":
            return None
        position += 1


def quote_name(name: str) -> str:
    """A name as a reference writes it: bare when it is letters, digits and `_`, else quoted."""
    return name if _IDENTIFIER.fullmatch(name) else f"`{name}`"


# --- the references a task can use ---------------------------------------------------------------

#: A placeholder in a reference that `available_references` offers as a template, such as
#: ``{{tasks.load.values.<name>}}``: the user replaces it (it is not valid reference syntax).
PLACEHOLDER: Final = re.compile(r"<[a-z]+>")

_TIME_DESCRIPTIONS: Final = {
    "iso_date": "date, ISO 8601 (2024-05-31)",
    "iso_datetime": "date and time, ISO 8601",
    "iso_weekday": "weekday, 1 (Monday) to 7 (Sunday)",
    "is_weekday": "true from Monday to Friday, else false",
    "year": "year",
    "month": "month",
    "day": "day of the month",
    "hour": "hour",
    "minute": "minute",
    "second": "second",
    "timestamp_ms": "milliseconds since the Unix epoch",
}


def available_references(settings: JobSettings, task_key: str) -> list[tuple[str, str]]:
    """Every dynamic value reference that has a value in a task's parameters, as (reference,
    description), in the order the `{ }` helper lists them: the current for_each element (for
    the task nested in a for_each task, which `task_key` may name), the job's values, the task's
    own, those of each task upstream of it (nearest first), the workspace's.

    A reference with a `PLACEHOLDER` (``{{tasks.load.values.<name>}}``) is a template. The task
    values an upstream task sets are unknown here, but those that other references in the job
    already read are offered as they are. Raises ValueError when the job has no such task."""
    from loom_jobs_widget.core.models import Task, task_types_of  # on use: they load pydantic

    tasks = settings.task_list
    by_key: dict[str, Task] = {}
    for task in tasks:
        if isinstance(task.task_key, str):
            by_key.setdefault(task.task_key, task)
    owner = by_key.get(task_key)
    current: Any = owner
    if owner is None:
        for task in tasks:
            nested = _field(_field(task, "for_each_task"), "task")
            if isinstance(nested, Task) and nested.task_key == task_key:
                owner, current = task, nested
                break
    if owner is None or current is None:
        raise ValueError(f"'{task_key}' is not a task of this job.")

    found: list[tuple[str, str]] = []

    def offer(description: str, *names: str) -> None:
        found.append(("{{" + ".".join(names) + "}}", description))

    if current is not owner:
        offer("the current element of the for_each task's inputs", "input")
        offer("a field of the current element, when the elements are objects", "input", "<name>")
    offer("the job's ID", "job", "id")
    offer("the job's name", "job", "name")
    offer("the ID of the job run", "job", "run_id")
    offer("how many times the job run was repaired", "job", "repair_count")
    for argument in TIME_ARGUMENTS:
        offer(
            f"when the job run started (UTC): {_TIME_DESCRIPTIONS.get(argument, argument)}",
            "job",
            "start_time",
            argument,
        )
    parameters = settings.parameters
    for parameter in parameters if isinstance(parameters, list) else ():
        name = _field(parameter, "name")
        if isinstance(name, str) and name and "`" not in name:
            default = _field(parameter, "default")
            shown = f" (default '{_cut(default)}')" if isinstance(default, str) else ""
            offer(f"the job parameter '{name}'{shown}", "job", "parameters", quote_name(name))
    offer(
        "what started the run: periodic, onetime, run_job_task, file_arrival, continuous, table",
        "job",
        "trigger",
        "type",
    )
    for argument in TIME_ARGUMENTS:
        offer(
            f"when the run was triggered (UTC): {_TIME_DESCRIPTIONS.get(argument, argument)}",
            "job",
            "trigger",
            "time",
            argument,
        )
    trigger_types = _trigger_types(settings)
    if "file_arrival" in trigger_types:
        offer(
            "the storage location whose new files triggered the run",
            "job",
            "trigger",
            "file_arrival",
            "location",
        )
    if trigger_types & {"table_update", "table"}:
        offer(
            "the tables whose update triggered the run",
            "job",
            "trigger",
            "table_update",
            "updated_tables",
        )

    offer("this task's key", "task", "name")
    offer("the ID of this task's run", "task", "run_id")
    offer("how many times this task ran, retries and repairs included", "task", "execution_count")
    if "notebook_task" in task_types_of(current.api_fields()):
        offer("this task's notebook path", "task", "notebook_path")

    read_values = _task_values_read(settings)
    for upstream in _upstream_keys(owner, by_key):
        if "`" in upstream:
            continue  # a key no reference can quote (and no valid task key)
        task_name = quote_name(upstream)
        for value in read_values.get(upstream, ()):
            shown = ".".join(value)
            offer(f"the task value '{shown}' of '{upstream}'", "tasks", task_name, "values", shown)
        offer(
            f"a task value that '{upstream}' sets (replace <name> with its key)",
            "tasks",
            task_name,
            "values",
            "<name>",
        )
        offer(
            f"how '{upstream}' ended: success, failed, excluded, canceled, ... (lower case)",
            "tasks",
            task_name,
            "result_state",
        )
        offer(
            f"the error code of '{upstream}' when it failed; empty when it succeeded",
            "tasks",
            task_name,
            "error_code",
        )
        offer(f"the ID of the run of '{upstream}'", "tasks", task_name, "run_id")
        offer(
            f"how many times '{upstream}' ran, retries and repairs included",
            "tasks",
            task_name,
            "execution_count",
        )
        upstream_fields = by_key[upstream].api_fields()
        types = task_types_of(upstream_fields)
        if "notebook_task" in types:
            offer(f"the notebook path of '{upstream}'", "tasks", task_name, "notebook_path")
        sql = upstream_fields.get("sql_task") if "sql_task" in types else None
        if sql is not None and _field(sql, "alert") is None:
            offer(
                f"the result rows of SQL task '{upstream}', as a JSON array of objects",
                "tasks",
                task_name,
                "output",
                "rows",
            )
            offer(
                f"the first result row of SQL task '{upstream}', as a JSON object",
                "tasks",
                task_name,
                "output",
                "first_row",
            )
            offer(
                f"a column of the first result row of SQL task '{upstream}'",
                "tasks",
                task_name,
                "output",
                "first_row",
                "<column>",
            )
        if (sql is not None and _field(sql, "alert") is not None) or "alert_task" in types:
            offer(
                f"the state of the alert that '{upstream}' evaluated",
                "tasks",
                task_name,
                "output",
                "alert_state",
            )
    offer("the workspace's ID", "workspace", "id")
    offer("the workspace's URL", "workspace", "url")
    return found


def _field(obj: Any, name: str) -> Any:
    """`obj[name]` for a model or a dict; None when absent or when `obj` is neither."""
    if isinstance(obj, dict):
        return obj.get(name)
    api_fields = getattr(obj, "api_fields", None)
    return api_fields().get(name) if callable(api_fields) else None


def _cut(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _trigger_types(settings: JobSettings) -> set[str]:
    """The trigger types the job sets: in `trigger`, and in each entry of `triggers`."""
    triggers = settings.triggers
    found: set[str] = set()
    for trigger in [settings.trigger, *(triggers if isinstance(triggers, list) else ())]:
        if isinstance(trigger, dict):
            found.update(name for name, value in trigger.items() if value is not None)
        elif trigger is not None and callable(getattr(trigger, "api_fields", None)):
            found.update(name for name, value in trigger.api_fields().items() if value is not None)
    return found


def _upstream_keys(task: Any, by_key: dict[str, Any]) -> list[str]:
    """The keys of the tasks upstream of a task, directly or through others, nearest first."""
    seen = {task.task_key}
    order: list[str] = []
    queue = deque([task])
    while queue:
        for dependency in queue.popleft().dependencies:
            key = dependency.task_key
            if isinstance(key, str) and key in by_key and key not in seen:
                seen.add(key)
                order.append(key)
                queue.append(by_key[key])
    return order


def _task_values_read(settings: JobSettings) -> dict[str, list[tuple[str, ...]]]:
    """The task values that references in the job read, by task, in document order."""
    found: dict[str, dict[tuple[str, ...], None]] = {}
    for text in _strings_in_order(settings):
        if "{{" not in text:
            continue
        for match in REFERENCE.finditer(text):
            names = parse(match.group(1))
            if names and len(names) > 3 and names[0] == "tasks" and names[2] == "values":
                quoted = tuple(quote_name(name) for name in names[3:])
                found.setdefault(names[1], {})[quoted] = None
    return {key: list(values) for key, values in found.items()}


def _strings_in_order(value: Any) -> Iterator[str]:
    """Every string value inside models, dicts and lists, in document order."""
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
        elif callable(getattr(item, "api_fields", None)):
            stack.extend(reversed(list(item.api_fields().values())))
