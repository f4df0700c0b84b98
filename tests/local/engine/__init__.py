"""Tests of the run engine (`loom_jobs_widget.local.engine`), through the real SDK."""
