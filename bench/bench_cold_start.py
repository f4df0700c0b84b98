"""Prints what a cold kernel pays before the first editor is up (the budgets:
`%load_ext loom_jobs_widget` <= 0.3 s; `from loom_jobs_widget.editor import JobEditor` <= 0.25 s;
the first editor on screen <= 2 s after its cell runs).

Run from the project root: `.venv/bin/python bench/bench_cold_start.py [--repeat N] [--browser]`.

Each figure is the median (and worst) of N fresh Python processes, so nothing is imported yet:

- load_ext: `%load_ext loom_jobs_widget` in an IPython InteractiveShell (IPython itself already
  imported, as in a kernel);
- import ...: each import on its own in a fresh process (`JobEditor`, which imports no part of
  the Databricks SDK; the SDK's core, which `connect()` builds on; the whole `databricks.sdk`,
  which only `Workspace.client` needs);
- first %loom_job (headless): `%load_ext` + `%loom_connect local --data DIR` + `%loom_job <id>`
  in a fresh InteractiveShell, to the editor object built (imports, connecting to a local
  workspace served by this process, loading and laying out the job; no browser).

Python's bytecode: by default as an installed package has it (compiled once, before the
measured runs, into a cache of this run: `PYTHONPYCACHEPREFIX`; `PYTHONDONTWRITEBYTECODE` is
cleared for them); with `--no-bytecode-cache`, every process compiles what it imports from
source, as in an environment with `PYTHONDONTWRITEBYTECODE=1` and no `__pycache__`.

With `--browser` (needs Debian's chromium and the test extra), in a real JupyterLab: a fresh
kernel per notebook, whose first cell is `%load_ext loom_jobs_widget` + `%loom_connect local
--data DIR` + `%loom_job <id>`; from running that cell (the page's clock) to the editor drawn
(`.loom-je[data-drawn-at]`). The local workspace is served by this process, as `loom-jobs demo`
serves it, so the kernel connects to it rather than starting one.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import Timing

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from loom_jobs_widget.client import connect  # noqa: E402

JOB = {
    "name": "cold start",
    "tasks": [
        {"task_key": f"t{i}", "notebook_task": {"notebook_path": f"/Shared/t{i}"},
         **({"depends_on": [{"task_key": f"t{i - 1}"}]} if i else {})}
        for i in range(10)
    ],
}  # fmt: skip

LOAD_EXT = """
import time
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
t0 = time.perf_counter()
shell.run_line_magic("load_ext", "loom_jobs_widget")
print(time.perf_counter() - t0)
"""

IMPORT = """
import time
{setup}
t0 = time.perf_counter()
{imports}
print(time.perf_counter() - t0)
"""

FIRST_MAGIC = """
import time
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
t0 = time.perf_counter()
shell.run_line_magic("load_ext", "loom_jobs_widget")
t1 = time.perf_counter()
shell.run_line_magic("loom_connect", "local --data {data}")
t2 = time.perf_counter()
editor = shell.run_line_magic("loom_job", "{job_id}")
t3 = time.perf_counter()
assert type(editor).__name__ == "JobEditor"
print(t1 - t0, t2 - t1, t3 - t2, t3 - t0)
"""


def fresh(code: str) -> list[float]:
    """Runs code in a fresh interpreter; the numbers it prints (seconds)."""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    return [float(x) for x in out.split()]


def report(name: str, seconds: list[float], budget: str = "") -> None:
    timing = Timing.of([s * 1000 for s in seconds])
    extra = f"   budget {budget}" if budget else ""
    print(f"  {name:<46} median {timing.median:8.1f} ms   worst {timing.worst:8.1f} ms{extra}")


def headless(repeat: int, data: Path, job_id: int) -> dict[str, float]:
    fresh(FIRST_MAGIC.format(data=data, job_id=job_id))  # fills the bytecode cache, unmeasured
    print(f"Fresh processes, {repeat} each:")
    load_ext = [fresh(LOAD_EXT)[0] for _ in range(repeat)]
    report("%load_ext loom_jobs_widget", load_ext, "300 ms")
    imports = {
        "import IPython (a kernel has it already)": ("import IPython", ""),
        "from loom_jobs_widget.editor import JobEditor": (
            "from loom_jobs_widget.editor import JobEditor",
            "250 ms",
        ),
        "  the same, IPython imported (as in a kernel)": (
            "import IPython\n#\nfrom loom_jobs_widget.editor import JobEditor",
            "",
        ),
        "the SDK's core (what connect() imports)": (
            "from loom_jobs_widget.client.sdk_core import import_core\n"
            "import_core()\n"
            "import databricks.sdk.core",
            "",
        ),
        "import databricks.sdk (only ws.client needs it)": ("import databricks.sdk", ""),
    }
    medians: dict[str, float] = {"load_ext": Timing.of(load_ext).median}
    for name, (statement, budget) in imports.items():
        setup, _, statement = statement.rpartition("\n#\n")
        times = [fresh(IMPORT.format(setup=setup, imports=statement))[0] for _ in range(repeat)]
        report(name, times, budget)
        medians[name] = Timing.of(times).median
    runs = [fresh(FIRST_MAGIC.format(data=data, job_id=job_id)) for _ in range(repeat)]
    print("  first %loom_job in a fresh InteractiveShell (no browser):")
    for index, part in enumerate(["%load_ext", "%loom_connect local --data DIR",
                                  "%loom_job <id> (editor built)", "all three"]):  # fmt: skip
        report("  " + part, [run[index] for run in runs], "2000 ms" if index == 3 else "")
    medians["first_magic"] = Timing.of([run[3] for run in runs]).median
    return medians


def browser(
    repeat: int, data: Path, job_id: int, separate: float | None = None, ask: bool = False
) -> None:
    """The first editor in a fresh kernel: all in the first cell, or (``separate`` seconds)
    `%load_ext` in a first cell and the editor's cell run that long after it (the time to type
    it), timed from the editor's cell."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.lab import _KERNEL_READY, CHROMIUM_ARGS, running_lab, write_notebook

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    editor_cell = f"%loom_connect local --data {data}\n%loom_job {job_id}"
    if ask:  # the view asks for the graph (`ready`), as one displayed after a change does
        editor_cell = (
            f"%loom_connect local --data {data}\n_editor = %loom_job {job_id}\n"
            "_editor.first_view = ''\n_editor"
        )
    cells = (
        [f"%load_ext loom_jobs_widget\n{editor_cell}"]
        if separate is None
        else ["%load_ext loom_jobs_widget", editor_cell]
    )
    times: list[float] = []
    kernel_ready: list[float] = []
    with tempfile.TemporaryDirectory(prefix="loom-cold-lab-") as folder, \
            running_lab(Path(folder)) as lab, sync_playwright() as playwright:  # fmt: skip
        chrome = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        page = chrome.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(120_000)
        # Attempt -1 compiles what a kernel imports into the bytecode cache, unmeasured.
        for attempt in range(-1, repeat):
            name = f"cold_{attempt + 1}.ipynb"
            write_notebook(lab, name, cells)
            t_open = page.evaluate("() => performance.now()")
            page.goto(f"{lab.url}/lab/workspaces/cold{attempt + 1}/tree/{name}?token={lab.token}")
            page.wait_for_function(_KERNEL_READY, timeout=120_000)
            if separate is not None:
                page.evaluate(
                    """() => {
                        window.jupyterapp.shell.currentWidget.content.activeCellIndex = 0;
                        window.jupyterapp.commands.execute('notebook:run-cell');
                    }"""
                )
                page.wait_for_timeout(separate * 1000)
            t0 = float(page.evaluate(
                """(last) => {
                    window.jupyterapp.shell.currentWidget.content.activeCellIndex = last;
                    const t0 = performance.now();
                    window.jupyterapp.commands.execute('notebook:run-cell');
                    return t0;
                }""",
                len(cells) - 1,
            ))  # fmt: skip
            page.wait_for_selector(".loom-je[data-drawn-at]", timeout=120_000)
            drawn = float(page.locator(".loom-je").get_attribute("data-drawn-at") or "nan")
            if attempt >= 0:
                times.append((drawn - t0) / 1000)
                kernel_ready.append((t0 - float(t_open)) / 1000 if attempt else float("nan"))
            # Shut this notebook's kernel down, so each attempt has the machine to itself.
            page.evaluate(
                "() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()"
            )
        chrome.close()
    print(f"In JupyterLab + headless Chromium, a fresh kernel each time ({repeat}):")
    what = (
        "first cell run -> editor drawn"
        if separate is None
        else f"editor's cell ({separate:g} s after %load_ext) -> drawn"
    )
    report(what, times, "2000 ms")
    print("  each: " + ", ".join(f"{t * 1000:.0f} ms" for t in times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--browser", action="store_true", help="also measure in JupyterLab")
    parser.add_argument("--json", action="store_true", help="print the headless medians as JSON")
    parser.add_argument(
        "--separate",
        type=float,
        metavar="SECONDS",
        help="with --browser: %%load_ext in its own cell, the editor's cell SECONDS later",
    )
    parser.add_argument(
        "--ask",
        action="store_true",
        help="with --browser: the view asks for the graph (`ready`), as one displayed after a "
        "change does (the round trip the widget's state saves)",
    )
    parser.add_argument("--no-headless", action="store_true", help="only the browser figures")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="every process compiles from source (as with PYTHONDONTWRITEBYTECODE=1)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="loom-cold-") as folder:
        if args.no_bytecode_cache:
            print("Bytecode: none cached, every process compiles what it imports.")
        else:
            # What the processes and kernels started from here inherit.
            os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
            os.environ["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "pycache")
            print("Bytecode: cached, as an installed package has it (compiled before measuring).")
        data = Path(folder) / "workspace"
        with connect("local", data_dir=data) as ws:  # served here, as `loom-jobs demo` does
            job = ws.jobs.create(JOB)
            assert isinstance(job.job_id, int)
            if not args.no_headless:
                medians = headless(args.repeat, data, job.job_id)
                if args.json:
                    print(json.dumps(medians))
            if args.browser:
                browser(args.repeat, data, job.job_id, args.separate, args.ask)


if __name__ == "__main__":
    main()
