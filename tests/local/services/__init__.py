"""Tests of the background services (`loom_jobs_widget.local.services`)."""
