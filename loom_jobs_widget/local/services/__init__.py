"""Background work of the local workspace: the trigger scheduler (`scheduler`) and run
notifications (`notifications`)."""

from loom_jobs_widget.local.services.notifications import Notifier
from loom_jobs_widget.local.services.scheduler import Scheduler, TriggerOptions

__all__ = ["Notifier", "Scheduler", "TriggerOptions"]
