"""What a cold kernel imports: the editor without the Databricks SDK, and `connect()` with the
SDK's core but none of its service modules until `Workspace.client` is asked for. What opening
the editor leaves unimported until it is used: PyYAML (a YAML view or bundle), croniter (a job
with a schedule), and `connect()` with the workspace services (a connection); each is then
imported by the call that needs it, and that call behaves as before. The same holds for what
the view's first messages need: the schedule preview's Quartz evaluation, the request and edit
messages' TypedDicts, a bundle's export, and a layout's medians.

Each check runs in a fresh interpreter, since this one has imported everything already.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Service modules `databricks/sdk/__init__.py` imports to build WorkspaceClient; none of them is
# needed to call the Jobs REST API as raw JSON.
_SERVICES = ("catalog", "jobs", "sql", "ml", "settings", "compute", "iam", "workspace")
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
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DATABRICKS_")},
            "LOOM_JOBS_NO_WARMUP": "1",
        },
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert isinstance(answer, dict)
    return answer


def test_importing_the_editor_imports_no_databricks_sdk() -> None:
    found = _fresh(
        "import json, sys\n"
        "from loom_jobs_widget.editor import JobEditor\n"
        "import loom_jobs_widget.editor.session, loom_jobs_widget.editor.pickers\n"
        "import loom_jobs_widget.client\n"
        "print(json.dumps({'sdk': sorted(m for m in sys.modules if m.startswith('databricks'))}))\n"
    )
    assert found["sdk"] == []


def test_connect_loads_no_service_module_until_the_workspace_client_is_used(
    tmp_path: Path,
) -> None:
    found = _fresh(
        "import json, sys\n"
        "from loom_jobs_widget.client import connect\n"
        "def services():\n"
        "    return sorted(m.rsplit('.', 1)[1] for m in sys.modules\n"
        f"                  if m.rsplit('.', 1)[-1] in {_SERVICES!r}\n"
        "                  and m.startswith('databricks.sdk.service.'))\n"
        f"with connect('local', data_dir={str(tmp_path / 'ws')!r}) as ws:\n"
        "    job = ws.jobs.create({'name': 'cold', 'tasks': [{'task_key': 'a',\n"
        "        'notebook_task': {'notebook_path': '/Shared/a'}}]})\n"
        "    read = ws.jobs.get(job.job_id).settings.name\n"
        "    before = services()\n"
        "    from databricks.sdk import WorkspaceClient\n"
        "    client = ws.client\n"
        "    typed = [j.settings.name for j in client.jobs.list()]\n"
        "    print(json.dumps({'before': before, 'after': services(), 'read': read,\n"
        "        'typed': typed, 'is_client': isinstance(client, WorkspaceClient),\n"
        "        'same_client': ws.client is client,\n"
        "        'shared_api_client': getattr(ws, 'api_client', None) is client.api_client,\n"
        "        'host': client.config.host == ws.host}))\n"
    )
    assert found["before"] == []
    assert set(found["after"]) == set(_SERVICES)  # type: ignore[arg-type]
    assert found["read"] == "cold" and found["typed"] == ["cold"]
    assert found["is_client"] and found["same_client"] and found["shared_api_client"]
    assert found["host"]


def test_the_sdk_package_completes_itself_on_first_use() -> None:
    # Code that imports the SDK after connect() sees the whole package, as if imported at once.
    found = _fresh(
        "import json, sys\n"
        "from loom_jobs_widget.client.sdk_core import import_core\n"
        "import_core()\n"
        "from databricks.sdk.core import ApiClient, Config\n"
        "import databricks.sdk as sdk\n"
        "listed = 'WorkspaceClient' in dir(sdk)\n"
        "from databricks.sdk import *\n"
        "from databricks.sdk.service import jobs\n"
        "print(json.dumps({'dir': listed,\n"
        "    'star': 'WorkspaceClient' in dir() and 'AccountClient' in dir(),\n"
        "    'same_config': sdk.core.Config is Config and sys.modules['databricks.sdk'] is sdk,\n"
        "    'jobs': sdk.service.jobs is jobs,\n"
        "    'missing': not hasattr(sdk, 'no_such_name')}))\n"
    )
    assert found == {"dir": True, "star": True, "same_config": True, "jobs": True, "missing": True}


def test_threads_that_ask_for_the_sdk_at_once_get_the_same_whole_package() -> None:
    found = _fresh(
        "import json, threading\n"
        "from loom_jobs_widget.client.sdk_core import import_core\n"
        "import_core()\n"
        "import databricks.sdk.core\n"
        "got, failed = [], []\n"
        "def use():\n"
        "    try:\n"
        "        from databricks.sdk import WorkspaceClient\n"
        "        got.append(WorkspaceClient)\n"
        "    except Exception as error:\n"
        "        failed.append(repr(error))\n"
        "threads = [threading.Thread(target=use) for _ in range(4)]\n"
        "for t in threads: t.start()\n"
        "for t in threads: t.join(60)\n"
        "print(json.dumps({'got': len(got), 'classes': len(set(got)), 'failed': failed}))\n"
    )
    assert found == {"got": 4, "classes": 1, "failed": []}


def test_the_editor_import_builds_no_model_class_and_threads_may_load_the_first_jobs_at_once(
) -> None:
    found = _fresh(
        "import json, threading\n"
        "from loom_jobs_widget.editor import JobEditor\n"
        "from loom_jobs_widget.core.models import ApiObject, JobSettings, Task\n"
        "classes = [ApiObject, *ApiObject.__subclasses__()]\n"
        "at_import = sorted(c.__name__ for c in classes if c.__pydantic_complete__)\n"
        "nested = {'task_key': 'n', 'notebook_task': {'notebook_path': '/x'}}\n"
        "loop = {'inputs': '[1]', 'task': nested}\n"
        "tasks = [{'zz': i, 'task_key': f't{i}', 'for_each_task': loop} for i in range(50)]\n"
        "document = {'tasks': tasks, 'name': 'n'}\n"
        "start = threading.Barrier(6)\n"
        "loaded, failed = [], []\n"
        "def load():\n"
        "    start.wait()\n"
        "    try:\n"
        "        settings = JobSettings.from_api(document)\n"
        "        inner = settings.task_list[-1].for_each_task.task\n"
        "        loaded.append(isinstance(inner, Task) and settings.to_api() == document)\n"
        "    except Exception as error:\n"
        "        failed.append(repr(error))\n"
        "threads = [threading.Thread(target=load) for _ in range(6)]\n"
        "for t in threads: t.start()\n"
        "for t in threads: t.join(60)\n"
        "print(json.dumps({'at_import': at_import, 'loaded': loaded, 'failed': failed}))\n"
    )
    assert found == {"at_import": [], "loaded": [True] * 6, "failed": []}


def test_an_sdk_whose_core_cannot_load_alone_is_imported_whole() -> None:
    # As an SDK version whose core needed its package's __init__ would: the first import of the
    # core fails, and the package is then imported the ordinary way.
    found = _fresh(
        "import json, sys\n"
        "class Refuse:\n"
        "    tried = 0\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'databricks.sdk.core' and not Refuse.tried:\n"
        "            Refuse.tried += 1\n"
        "            raise ImportError('needs the package first')\n"
        "        return None\n"
        "sys.meta_path.insert(0, Refuse())\n"
        "from loom_jobs_widget.client.sdk_core import import_core\n"
        "import_core()\n"
        "import databricks.sdk\n"
        "from databricks.sdk.core import ApiClient\n"
        "print(json.dumps({'tried': Refuse.tried,\n"
        "    'whole': 'databricks.sdk.service.catalog' in sys.modules,\n"
        "    'client': databricks.sdk.WorkspaceClient.__name__,\n"
        "    'completion': '__getattr__' in vars(databricks.sdk)}))\n"
    )
    assert found == {"tried": 1, "whole": True, "client": "WorkspaceClient", "completion": False}


def test_connecting_to_a_workspace_another_process_serves_imports_no_server(
    tmp_path: Path,
) -> None:
    """A kernel joining the workspace `loom-jobs demo` serves reads its address files only."""
    from loom_jobs_widget.local import LocalWorkspace

    with LocalWorkspace(tmp_path / "ws") as served:
        found = _fresh(
            "import json, sys\n"
            "from loom_jobs_widget.client import connect\n"
            f"ws = connect('local', data_dir={str(tmp_path / 'ws')!r})\n"
            "names = [j.settings.name for j in ws.jobs.list()]\n"
            "server = sorted(m for m in sys.modules if m.startswith('loom_jobs_widget.local.')\n"
            "                and m.split('.')[2] in ('workspace', 'api', 'engine', 'http'))\n"
            "print(json.dumps({'host': ws.host, 'names': names, 'server': server}))\n"
        )
        assert found["host"] == served.host
    assert found["names"] == [] and found["server"] == []


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


# Imported by the first message that needs them (the protocol's modules: by the first look-up of
# one of their names), not with the editor.
_FIRST_USE = (
    "loom_jobs_widget.schedule.quartz",
    "loom_jobs_widget.schedule.fire_times",
    "loom_jobs_widget.schedule.description",
    "loom_jobs_widget.schedule.unix",
    "loom_jobs_widget.editor.protocol.from_view",
    "loom_jobs_widget.editor.protocol.edits",
    "loom_jobs_widget.core.bundles",
)


def test_the_editor_imports_the_schedule_preview_and_the_view_messages_when_first_used() -> None:
    found = _fresh(
        "import json, sys\n"
        "from loom_jobs_widget.editor import JobEditor, EditorSession\n"
        "import loom_jobs_widget.editor.session\n"
        f"first_use = {_FIRST_USE!r}\n"
        "before = [m for m in first_use if m in sys.modules]\n"
        "from loom_jobs_widget.core.models import JobSettings\n"
        "from loom_jobs_widget.editor import protocol\n"
        "job = {'name': 'n', 'tasks': [{'task_key': 'a',\n"
        "    'notebook_task': {'notebook_path': '/Shared/a'}}]}\n"
        "sent = []\n"
        "def no_workspace():\n"
        "    raise AssertionError('no workspace is needed')\n"
        "session = EditorSession(JobSettings.from_api(job), job=None, send=sent.append,\n"
        "    on_state=lambda state: None, workspace=no_workspace)\n"
        "session.handle({'kind': 'schedule_preview', 'request_id': 1,\n"
        "    'quartz_cron_expression': '0 30 2 * * ?', 'timezone_id': 'UTC', 'count': 2,\n"
        "    'start': '2026-01-01T00:00:00Z'})\n"
        "session.handle({'kind': 'from_unix', 'request_id': 2, 'expression': '0 6 * * 1'})\n"
        "session.handle({'kind': 'edit', 'op': 'set_field', 'task_key': 'a',\n"
        "    'path': ['timeout_seconds'], 'value': 60, 'request_id': 3})\n"
        "session.handle({'kind': 'view_as', 'format': 'bundle'})\n"
        "by_kind = {m['kind']: m for m in sent}\n"
        "preview = by_kind['schedule_preview']['preview']\n"
        "typed = sorted(protocol.SetFieldRequest.__annotations__)\n"
        "ops = protocol.EditOp\n"
        "print(json.dumps({'before': before,\n"
        "    'after': [m for m in first_use if m not in sys.modules],\n"
        "    'fires': [f['utc'] for f in preview['fire_times']],\n"
        "    'description': preview['description'],\n"
        "    'from_unix': by_kind['from_unix'].get('expression'),\n"
        "    'timeout': session.settings.task('a').timeout_seconds,\n"
        "    'edit_errors': [m for m in sent if m['kind'] == 'edit_error'],\n"
        "    'bundle': 'resources:' in by_kind['document']['text'],\n"
        "    'typed': typed}))\n"
    )
    assert found["before"] == []
    assert found["after"] == []
    assert found["fires"] == ["2026-01-01T02:30:00Z", "2026-01-02T02:30:00Z"]
    assert found["description"]
    assert found["from_unix"] == "0 0 6 ? * MON"
    assert found["timeout"] == 60 and found["edit_errors"] == []
    assert found["bundle"]
    assert "path" in found["typed"]  # type: ignore[operator]
