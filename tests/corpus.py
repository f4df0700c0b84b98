"""Access to the shared test data beside the project (`../shared/data`)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CORPUS = DATA / "jobs_corpus"


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
