"""Background work of the local workspace: the trigger scheduler (`scheduler`), run
notifications (`notifications`) and the shared Spark Connect server (`spark`)."""

from loom_jobs_widget.local.services.notifications import Notifier
from loom_jobs_widget.local.services.scheduler import Scheduler, TriggerOptions
from loom_jobs_widget.local.services.spark import SparkServer, spark_home

__all__ = ["Notifier", "Scheduler", "SparkServer", "TriggerOptions", "spark_home"]
