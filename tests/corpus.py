"""The test data in `tests/data/` (see its README for each file's public source): the job corpus
and the Quartz vectors."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
CORPUS = DATA / "jobs_corpus"
QUARTZ_VECTORS = DATA / "quartz_vectors.json"
"""Next fire times computed by the real Quartz 2.3.2 (`org.quartz.CronExpression`)."""


@cache
def corpus_files() -> list[str]:
    return sorted(p.name for p in CORPUS.glob("*.json"))


@cache
def _load(name: str) -> str:
    return (CORPUS / name).read_text()


def corpus_settings(name: str) -> dict[str, Any]:
    """A fresh copy of a corpus file's `settings`, safe to mutate."""
    settings: dict[str, Any] = json.loads(_load(name))["settings"]
    return settings


@cache
def quartz_cases() -> list[dict[str, Any]]:
    """The Quartz vectors' cases."""
    cases: list[dict[str, Any]] = json.loads(QUARTZ_VECTORS.read_text())["cases"]
    return cases
