"""Prints what survives `loom-jobs serve` being SIGKILLed again and again: a seeded campaign of
kills on one data folder, each followed by a restart on it and a check through the SDK.

The kills rotate over the scenarios of `tests/local/test_crash.py`:

- a burst of jobs/create from 4 client threads, killed at a random moment;
- jobs running (Python files, notebooks, a for_each, a queued run, a task with a child process),
  killed while several tasks run;
- a 1,000-task jobs/reset, and a 1,000-task jobs/create, killed mid-request.

After each restart: every acknowledged write (every one so far, not only the last round's) reads
back as sent; no job is half written; every run has ended, none is active; every process the
killed server started (task processes, their children, the fork server) is gone.

Figures: kills; acknowledged writes, and how many times they were read back; lost (must be 0);
half-written jobs (0); runs left active (0); orphan processes (0); restart-to-ready time (from
the restarted process's start until it serves: interpreter start, imports, recovery).

Run from the project root: `PYTHONPATH=. .venv/bin/python bench/bench_crash.py [--kills N]
[--seed S]`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from timing import Timing

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' scenarios

from tests.local.test_crash import (
    Crashes,
    crash_during_big_save,
    crash_during_creates,
    crash_during_runs,
)

SCENARIOS: dict[str, Callable[[Crashes], None]] = {
    "creates": crash_during_creates,
    "runs": crash_during_runs,
    "1000-task reset": lambda crashes: crash_during_big_save(crashes, reset=True),
    "1000-task create": lambda crashes: crash_during_big_save(crashes, reset=False),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=40, help="kills in all (default 40)")
    parser.add_argument("--seed", type=int, default=20240601, help="seed of the kill moments")
    args = parser.parse_args()
    names = list(SCENARIOS)
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-crash-") as folder:
        crashes = Crashes(Path(folder), args.seed)
        kills_by_scenario = dict.fromkeys(names, 0)
        try:
            for number in range(args.kills):
                name = names[number % len(names)]
                SCENARIOS[name](crashes)
                kills_by_scenario[name] += 1
                problems = len(crashes.tally.problems())
                print(f"kill {number + 1:>3} ({name}): {problems} problems so far", flush=True)
        finally:
            crashes.close()
    tally = crashes.tally
    ready = Timing.of((seconds * 1000 for seconds in tally.ready_seconds), "ms")
    print()
    print(f"seed {args.seed}, {time.monotonic() - began:.0f} s")
    print(f"kills                            {tally.kills}")
    for name, kills in kills_by_scenario.items():
        print(f"  during {name:<24} {kills}")
    print(f"acknowledged writes              {tally.acknowledged}")
    print(f"  read back after restarts       {tally.checks}")
    print(f"lost                             {len(tally.lost)}")
    print(f"half-written jobs                {len(tally.partial)}")
    print(f"runs started before a kill       {tally.runs}")
    print(f"runs left active                 {len(tally.active)}")
    print(f"processes of killed servers      {tally.processes}")
    print(f"orphans                          {len(tally.orphans)}")
    print(ready.line("restart to ready", 33) + f"   worst {ready.worst:7.2f} ms")
    for problem in tally.problems():
        print(f"  PROBLEM: {problem}")
    if tally.problems():
        sys.exit(1)


if __name__ == "__main__":
    main()
