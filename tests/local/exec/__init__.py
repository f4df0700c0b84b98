"""Tests of task processes (`loom_jobs_widget.local.exec`)."""
