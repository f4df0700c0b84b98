"""Tests of the local workspace's HTTP front (`loom_jobs_widget.local.http`)."""
