"""A job's settings as text a person reads or pastes: JSON (the Jobs API's own form) and YAML
(as in a bundle's resource file), keeping every field and the document's key order."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

import yaml

from loom_jobs_widget.core.models import JobSettings

__all__ = ["Format", "settings_text"]

Format = Literal["json", "yaml"]


class _Dumper(yaml.SafeDumper):
    """Block style, multi-line strings (SQL, descriptions) as literal blocks."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def settings_text(settings: JobSettings | Mapping[str, Any], format: Format) -> str:
    """The settings as JSON (2-space indent) or YAML (block style, key order kept)."""
    document = settings.to_api() if isinstance(settings, JobSettings) else dict(settings)
    if format == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if format == "yaml":
        return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    raise ValueError(f"Unknown format {format!r}: use 'json' or 'yaml'.")
