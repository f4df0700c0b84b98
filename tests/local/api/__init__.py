"""Tests of the local workspace's REST resources (`loom_jobs_widget.local.api`)."""
