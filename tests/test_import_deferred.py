"""What opening the editor leaves unimported until it is used: PyYAML (a YAML view or bundle),
croniter (a job with a schedule), and `connect()` with the workspace services (a connection).
Each is then imported by the call that needs it, and that call behaves as before.

Each check runs in a fresh interpreter, since this one has imported everything already.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_DEFERRED = (
    "yaml",
    "croniter",
    "loom_jobs_widget.client.connection",
    "loom_jobs_widget.client.workspace",
    "loom_jobs_widget.client.sdk_core",
    "loom_jobs_widget.core.yaml_text",
)


def _fresh(code: str) -> dict[str, object]:
    """Runs `code` in a fresh interpreter; the JSON object it prints last."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "LOOM_JOBS_NO_WARMUP": "1"},
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert isinstance(answer, dict)
    return answer


def test_the_editor_imports_neither_yaml_nor_croniter_nor_connect() -> None:
    found = _fresh(
        "import json, sys\n"
        "from loom_jobs_widget.editor import JobEditor\n"
        "import loom_jobs_widget.editor.session\n"
        f"print(json.dumps({{'loaded': [m for m in {_DEFERRED!r} if m in sys.modules]}}))\n"
    )
    assert found["loaded"] == []


def test_yaml_and_cron_checks_work_when_first_needed() -> None:
    found = _fresh(
        "import json, sys\n"
        "from loom_jobs_widget.editor import JobEditor\n"
        "from loom_jobs_widget.core.documents import parse_document, settings_text\n"
        "from loom_jobs_widget.core.validation import validate\n"
        "from loom_jobs_widget.schedule import next_fire_times\n"
        "from datetime import datetime, timezone\n"
        "after = datetime(2026, 1, 1, tzinfo=timezone.utc)\n"
        "job = {'name': 'n', 'description': 'a\\nb', 'on': 'yes',\n"
        "       'schedule': {'quartz_cron_expression': '0 0 12 * * ?', 'timezone_id': 'UTC'}}\n"
        "before = [m for m in ('yaml', 'croniter') if m in sys.modules]\n"
        "text = settings_text(job, 'yaml')\n"
        "bad = dict(job, schedule={'quartz_cron_expression': '0 0 12 * *', 'timezone_id': 'UTC'})\n"
        "print(json.dumps({'before': before, 'text': text, 'back': parse_document(text),\n"
        "    'good': [p.code for p in validate(job)], 'bad': [p.field for p in validate(bad)],\n"
        "    'fires': [str(t) for t in next_fire_times('0 0 12 * * ?', 'UTC', after, 2)]}))\n"
    )
    assert found["before"] == []
    assert found["text"] == (
        "name: n\ndescription: |-\n  a\n  b\n'on': 'yes'\nschedule:\n"
        "  quartz_cron_expression: 0 0 12 * * ?\n  timezone_id: UTC\n"
    )
    assert found["back"] == {
        "name": "n",
        "description": "a\nb",
        "on": "yes",
        "schedule": {"quartz_cron_expression": "0 0 12 * * ?", "timezone_id": "UTC"},
    }
    assert found["good"] == []
    assert found["bad"] == ["schedule.quartz_cron_expression"]
    assert found["fires"] == ["2026-01-01 12:00:00+00:00", "2026-01-02 12:00:00+00:00"]


def test_the_client_package_gives_every_name_it_lists() -> None:
    found = _fresh(
        "import json, sys\n"
        "import loom_jobs_widget.client as client\n"
        "from loom_jobs_widget.client import *\n"
        "from loom_jobs_widget.client.errors import WorkspaceError as W\n"
        "missing = [n for n in client.__all__ if n not in globals()]\n"
        "print(json.dumps({'missing': missing, 'same': client.WorkspaceError is W,\n"
        "    'connect': callable(connect), 'sdk': any(m.startswith('databricks') for m in\n"
        "    sys.modules)}))\n"
    )
    assert found == {"missing": [], "same": True, "connect": True, "sdk": False}
