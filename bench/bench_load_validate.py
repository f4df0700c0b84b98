"""Prints how long loading and validating a 1000-task job take, next to the SDK's own parse.

For each job: `JobSettings.from_api`, both as the client opens a job (the JSON it just parsed is
handed over, `owned=True`, and kept with no copy) and on a document the caller keeps (a copy is
loaded); `validate` of the loaded settings; load and validate in a row (what opening a job costs);
and `databricks.sdk.service.jobs.JobSettings.from_dict` on the same document, which also keeps
the input's objects. Then the ratio (from_api + validate) / from_dict, of the medians (goal: 2x
or less, for the way the client loads). The calls are timed in turns, round after round, so that
a busy machine slows them alike; what a call made is freed after its clock stops, on both sides.
Last, a fresh load and validate, and from_dict, again while the process holds 300,000 other
objects, as a kernel does: there the garbage collector's passes weigh.

Then where the time goes (fastest of the rounds, in CPU time, which a busy machine disturbs less
than the clock): `from_api`'s steps (copying the document, when it is not handed over; pydantic
building the models; recording each object's key order, one pass in Python), and `validate`'s
parts (collecting the tasks; the one-pass checks that spare most tasks the per-task rules and the
reference scan; reading every depends_on; then each other rule summed over the tasks it ran on:
a mean by the clock).

Run from the project root: `.venv/bin/python bench/bench_load_validate.py [rounds]`.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from bench_models import layered_job
from databricks.sdk.service.jobs import JobSettings as SdkJobSettings
from timing import SCALE, Timing

from loom_jobs_widget.core.json_copy import copy_document
from loom_jobs_widget.core.models import JobSettings, _remember_key_order
from loom_jobs_widget.core.validation import validate
from loom_jobs_widget.core.validation.collector import CheckedJob, Rule, TaskSite
from loom_jobs_widget.core.validation.graph import dependencies
from loom_jobs_widget.core.validation.quiet import is_quiet
from loom_jobs_widget.core.validation.references import may_hold_references

ROUNDS = 40
BALLAST = 300_000
# The corpus job of 1000 tasks and no dependencies (databricks/cli acceptance/bundle/invariant).
PYDABS = Path(__file__).resolve().parents[1] / "tests/data/jobs_corpus/cli__pydabs_1000_tasks.json"


def documents() -> dict[str, dict[str, Any]]:
    return {
        "layered 1000 tasks (bench_models)": layered_job(1000),
        "corpus cli__pydabs_1000_tasks": json.loads(PYDABS.read_text())["settings"],
    }


class Handed:
    """A load as the client opens a job: `from_api` is handed a document of its own (JSON just
    parsed), which the model keeps with no copy. The document is made before the clock starts."""

    def __init__(self, document: dict[str, Any], *, validated: bool = False) -> None:
        self.document = document
        self.validated = validated

    def prepare(self) -> dict[str, Any]:
        return copy_document(self.document)

    def run(self, document: dict[str, Any]) -> object:
        settings = JobSettings.from_api(document, owned=True)
        return (settings, validate(settings)) if self.validated else settings


Call = Callable[[], object] | Handed


def in_turns(calls: dict[str, Call], rounds: int) -> dict[str, Timing]:
    """Times each call once per round, in turn; one untimed round first warms the caches. A
    `Handed` call gets its document made just before, untimed."""
    for call in calls.values():
        call.run(call.prepare()) if isinstance(call, Handed) else call()
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            if isinstance(call, Handed):
                document = call.prepare()
                start = time.perf_counter()
                made = call.run(document)
            else:
                start = time.perf_counter()
                made = call()
            # What a call made is freed after the clock stops: an opened job stays open, and
            # freeing tens of thousands of objects is no part of loading them.
            times[name].append((time.perf_counter() - start) * SCALE["ms"])
            del made
    return {name: Timing.of(found) for name, found in times.items()}


def _read_dependencies(job: CheckedJob) -> None:
    for site in job.sites:
        dependencies(job, site)


def fastest_cpu(call: Callable[[], object], rounds: int) -> float:
    """The least CPU time of `rounds` calls, in ms."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        call()
        best = min(best, time.process_time() - start)
    return best * SCALE["ms"]


def breakdown(document: dict[str, Any], settings: JobSettings, rounds: int) -> None:
    """Prints where from_api's and validate's time goes (see the module's docstring)."""
    copy = fastest_cpu(partial(copy_document, document), rounds)
    copied = [copy_document(document) for _ in range(rounds)]
    gc.disable()  # as from_api does while it builds
    try:
        build = fastest_cpu(lambda: JobSettings.model_validate(copied.pop()), rounds)
        # Recording the order again on the same models does the same work.
        order = fastest_cpu(partial(_remember_key_order, settings, document), rounds)
    finally:
        gc.enable()
    collect = fastest_cpu(partial(CheckedJob, settings), rounds)
    job = CheckedJob(settings)
    quiet = fastest_cpu(lambda: [is_quiet(job, site) for site in job.sites], rounds)
    scan = fastest_cpu(lambda: [may_hold_references(site) for site in job.sites], rounds)
    # The quiet tasks' depends_on are read by `dependencies` called directly (not a rule run).
    with_dependencies = fastest_cpu(lambda: _read_dependencies(CheckedJob(settings)), rounds)
    spared = sum(is_quiet(job, site) for site in job.sites)
    print(f"  where the time goes (least CPU time of {rounds}):")
    print(
        f"    from_api: copy {copy:6.2f} ms (when not handed over), build the models "
        f"{build - order:6.2f} ms, record their key order {order:6.2f} ms"
    )
    print(f"    validate: collect the tasks {collect:6.2f} ms, tell the quiet ones {quiet:6.2f} ms")
    print(f"      ({spared} of {len(job.sites)} tasks spared the per-task rules), look for")
    print(f"      {{{{...}}}} references {scan:6.2f} ms, every depends_on read (dependencies)")
    print(f"      {with_dependencies - collect:6.2f} ms, then the rules that ran:")
    spent: dict[str, float] = {}
    plain = CheckedJob.run_rules

    def timed(job: CheckedJob, rules: Sequence[Rule], site: TaskSite | None) -> None:
        for rule in rules:
            start = time.perf_counter()  # the clock: process_time is a system call per read
            rule(job, site)
            spent[rule.__name__] = spent.get(rule.__name__, 0.0) + time.perf_counter() - start

    CheckedJob.run_rules = timed  # type: ignore[method-assign,assignment]  # sums per rule
    try:
        for _ in range(rounds):
            validate(settings)
    finally:
        CheckedJob.run_rules = plain  # type: ignore[method-assign]
    ranked = sorted(spent.items(), key=lambda item: -item[1])
    for name, seconds in ranked[:8]:
        print(f"      {name:<28} {seconds / rounds * SCALE['ms']:6.2f} ms (mean)")
    rest = sum(seconds for _, seconds in ranked[8:]) / rounds * SCALE["ms"]
    print(f"      {'the other ' + str(len(ranked[8:])) + ' rules':<28} {rest:6.2f} ms (mean)")


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS
    for name, document in documents().items():
        settings = JobSettings.from_api(document)
        tasks = len(settings.task_list)
        edges = len(settings.edges())
        problems = len(validate(settings))
        print(f"{name}: {tasks} tasks, {edges} edges, {problems} problems, {rounds} rounds")
        calls: dict[str, Call] = {
            "from_api (handed over)": Handed(document),
            "from_api (copying)": partial(JobSettings.from_api, document),
            "validate": partial(validate, settings),
            "from_api + validate (fresh)": Handed(document, validated=True),
            "SDK JobSettings.from_dict": partial(SdkJobSettings.from_dict, document),
        }
        timings = in_turns(calls, rounds)
        for label, timing in timings.items():
            print(f"  {timing.line(label, width=30)}   min {timing.times[0]:7.2f} ms")
        check, sdk = timings["validate"], timings["SDK JobSettings.from_dict"]
        fresh = timings["from_api + validate (fresh)"]
        for way in ("handed over", "copying"):
            load = timings[f"from_api ({way})"]
            ours = (load.median + check.median) / sdk.median
            # On a busy machine the fastest round of each is the steadier figure.
            least = (load.times[0] + check.times[0]) / sdk.times[0]
            goal = "   (goal <= 2x)" if way == "handed over" else ""
            print(
                f"  ratio (from_api {way} + validate) / from_dict: {ours:.2f}x, "
                f"of the minima {least:.2f}x{goal}"
            )
        print(f"  ratio fresh load + validate / from_dict: {fresh.median / sdk.median:.2f}x")
        # A kernel holds much else (data frames, outputs): the collector's passes grow with it.
        ballast = [{"row": [i]} for i in range(BALLAST)]
        heavy = in_turns(
            {
                "from_api + validate (fresh)": Handed(document, validated=True),
                "SDK JobSettings.from_dict": partial(SdkJobSettings.from_dict, document),
            },
            rounds,
        )
        del ballast
        print(f"  with {BALLAST:,} other objects in the heap:")
        for label, timing in heavy.items():
            print(f"  {timing.line(label, width=30)}   min {timing.times[0]:7.2f} ms")
        breakdown(document, settings, rounds)


if __name__ == "__main__":
    main()
