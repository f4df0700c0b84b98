"""`loom-jobs serve`: the banner says where the token is, and shows the token itself only when
asked; the shell line it prints works as it stands. The command runs as a user runs it, in a
process of its own, stopped by its pid."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.core import Config

WAIT = 60.0


class Served:
    """A running `loom-jobs serve` and the banner it printed."""

    def __init__(self, data: Path, *flags: str) -> None:
        env = {name: value for name, value in os.environ.items() if not name.startswith("DATAB")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "loom_jobs_widget.cli", "serve", "--data", str(data), *flags],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.banner = self._read_banner()
        self.token = (data / "token").read_text(encoding="utf-8").strip()

    def _read_banner(self) -> str:
        assert self.process.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("Press Ctrl+C"):
                return "".join(lines)
        raise AssertionError(f"no banner from loom-jobs serve: {''.join(lines)!r}")

    def line(self, start: str) -> str:
        return next(
            line.strip() for line in self.banner.splitlines() if line.strip().startswith(start)
        )

    def stop(self) -> str:
        """SIGTERM by its pid; what it printed after the banner."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            rest, _ = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            rest, _ = self.process.communicate()
        return rest


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[type[Served]]:
    started: list[Served] = []

    class Tracked(Served):
        def __init__(self, data: Path, *flags: str) -> None:
            super().__init__(data, *flags)
            started.append(self)

    yield Tracked
    for served in started:
        served.stop()


def test_the_banner_names_the_token_file_not_the_token(serve: type[Served], tmp_path: Path) -> None:
    data = tmp_path / "data with space"
    served = serve(data)
    assert served.token.startswith("dapi")
    assert served.token not in served.banner
    token_file = data.resolve() / "token"
    assert served.line("token:") == f"token: in '{token_file}' (--show-token prints it)"
    assert oct(token_file.stat().st_mode & 0o777) == "0o600"
    # The shell line, pasted as it stands, gives the SDK what it needs.
    export = served.line("export ")
    shell = subprocess.run(
        ["sh", "-c", f'{export}; printf "%s\\n%s" "$DATABRICKS_HOST" "$DATABRICKS_TOKEN"'],
        capture_output=True,
        text=True,
        check=True,
    )
    host, token = shell.stdout.split("\n")
    assert token == served.token and host == served.line("host:").split()[1]
    w = WorkspaceClient(config=Config(host=host, token=token, auth_type="pat"))
    assert w.current_user.me().user_name
    rest = served.stop()
    assert "Stopped." in rest and served.process.returncode == 0


def test_show_token_prints_the_token(serve: type[Served], tmp_path: Path) -> None:
    served = serve(tmp_path / "data", "--show-token")
    assert served.line("token:") == f"token: {served.token}"
    assert served.token not in served.line("export ")  # the shell line reads the file either way
