"""The responses recorded from real workspaces (`tests/data/real/*.json`), made ready to replay:
placeholders that stand for numbers become numbers, so the client reads them as it would the
real answer.

The files keep the databricks/cli acceptance suite's placeholders as strings (`"[NUMID]"`,
`"[MY_RUN_ID]"`, ...); where the API returns an int64 there, a replay needs one. Placeholders of
strings (`"[USERNAME]"`, `"[RUN_URL]"`) stay as they are.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

__all__ = ["NUMBERS", "Recording", "load"]

_FOLDER: Final = Path(__file__).resolve().parent.parent / "data" / "real"

# A fixed number for each numeric placeholder: the tests compare ids read back with these.
NUMBERS: Final[dict[str, int]] = {
    "[NUMID]": 720_000_000_001,
    "[MY_JOB_ID]": 720_000_000_002,
    "[MY_RUN_ID]": 720_000_000_003,
    "[UNIX_TIME_MILLIS]": 1_760_000_000_000,
}


@dataclass(frozen=True)
class Recording:
    """One recorded answer: where it comes from, the request (when recorded) and the response,
    with its HTTP status (200 unless the recording says otherwise)."""

    name: str
    source: str
    note: str
    response: dict[str, Any]
    request: dict[str, Any] = field(default_factory=dict)
    status: int = 200


def _numbers(value: Any) -> Any:
    if isinstance(value, str) and value in NUMBERS:
        return NUMBERS[value]
    if isinstance(value, dict):
        return {key: _numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_numbers(item) for item in value]
    return value


def load(name: str) -> Recording:
    """`tests/data/real/<name>.json`, numeric placeholders replaced by `NUMBERS`."""
    document = json.loads((_FOLDER / f"{name}.json").read_text(encoding="utf-8"))
    return Recording(
        name=name,
        source=document["source"],
        note=document["note"],
        response=_numbers(copy.deepcopy(document["response"])),
        request=_numbers(copy.deepcopy(document.get("request") or {})),
        status=int(document.get("status", 200)),
    )
