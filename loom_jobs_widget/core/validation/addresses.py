"""Rules on the email addresses a job sends mail to: `email_notifications` of the job and of each
task (every `on_*` event), and the subscribers of SQL alert and dashboard tasks (`user_name`).

What is not an address (`abc`, `<script>...`, a number) is a warning at its field: a run would
notify no one. The check is liberal: plus signs, subdomains and international addresses
(`用户@例子.广告`) pass, and a `{{...}}` or `${...}` reference is not judged.
"""

from __future__ import annotations

import re
from typing import Any, Final

from loom_jobs_widget.core.models import field_value
from loom_jobs_widget.core.validation.collector import CheckedJob, TaskSite
from loom_jobs_widget.core.validation.readers import is_interpolation, items, quote

__all__ = ["is_email_address", "job_addresses", "task_addresses"]

# Characters no unquoted address has (RFC 5322 specials, whitespace); anything else, non-ASCII
# included, is allowed. A domain has at least two non-empty labels.
_PART: Final = r"[^\s@<>()\[\],;:\"\\]"
_LABEL: Final = r"[^\s@<>()\[\],;:\"\\.]+"
_ADDRESS: Final = re.compile(rf"{_PART}+@{_LABEL}(?:\.{_LABEL})+")

#: Where a task type lists the users it mails: (task type, path to the list, field of an entry).
_SUBSCRIBERS: Final = (
    ("sql_task", ("alert", "subscriptions"), "user_name"),
    ("sql_task", ("dashboard", "subscriptions"), "user_name"),
    ("dashboard_task", ("subscription", "subscribers"), "user_name"),
    ("alert_task", ("subscribers",), "user_name"),
)


def is_email_address(value: str) -> bool:
    """Whether `value` reads as an email address (liberally: see the module docstring)."""
    return _ADDRESS.fullmatch(value) is not None


def job_addresses(job: CheckedJob, _: None) -> None:
    _check_notifications(job, job.settings, "", "The job", None)


def task_addresses(job: CheckedJob, site: TaskSite) -> None:
    fields = site.fields
    # The wording (label, path) is made only for a task that has addresses: most have none.
    if fields.get("email_notifications") is not None:
        _check_notifications(job, fields, f"{site.path}.", site.label, site)
    for task_type, path, name in _SUBSCRIBERS:
        entries: Any = fields.get(task_type)
        if entries is None:
            continue
        for step in path:
            entries = field_value(entries, step)
        if not isinstance(entries, list):
            continue
        where = f"{task_type}.{'.'.join(path)}"
        for index, entry in enumerate(entries):
            address = field_value(entry, name)
            if address is not None:
                field = f"{where}[{index}].{name}"
                _check(job, address, f"{site.path}.{field}", field, site.label, site)


def _check_notifications(
    job: CheckedJob, owner: Any, prefix: str, who: str, site: TaskSite | None
) -> None:
    for event, addresses in items(field_value(owner, "email_notifications")):
        if not event.startswith("on_") or not isinstance(addresses, list):
            continue
        for index, address in enumerate(addresses):
            field = f"email_notifications.{event}"
            _check(job, address, f"{prefix}{field}[{index}]", field, who, site)


def _check(
    job: CheckedJob, address: Any, path: str, field: str, who: str, site: TaskSite | None
) -> None:
    if isinstance(address, str) and (
        is_interpolation(address) or "{{" in address or is_email_address(address)
    ):
        return
    job.add(
        "not-an-email-address",
        "warning",
        f"{who} has {quote(address)} in {field}, which is not an email address: no mail would "
        "reach it.",
        path,
        site,
    )
