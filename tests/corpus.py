"""Access to the shared test data beside the project (`../shared/data`): the job corpus and
the Quartz vectors."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CORPUS = DATA / "jobs_corpus"
QUARTZ_VECTORS = DATA / "quartz_vectors.json"
"""Next fire times computed by the real Quartz 2.3.2 (shared/reference/quartz-cron.md)."""


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
    """The Quartz vectors' cases ([] when shared/ is not beside the checkout)."""
    if not QUARTZ_VECTORS.exists():
        return []
    cases: list[dict[str, Any]] = json.loads(QUARTZ_VECTORS.read_text())["cases"]
    return cases
