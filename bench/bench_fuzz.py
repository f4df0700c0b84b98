"""Prints the figures of a seeded fuzz campaign over every route of the local workspace: requests,
per endpoint family, per status, runs started, seconds, and every answer that broke the rules (a
5xx, an error not in the API's shape, NaN in JSON).

Run from the project root: `PYTHONPATH=. .venv/bin/python bench/bench_fuzz.py [REQUESTS] [SEED...]`
(default 20,000 requests, seeds 1 to 3). Each seed runs on a fresh local workspace; the requests
are those of `tests/local/test_fuzz.py`, which runs a smaller campaign in the test suite.
"""

from __future__ import annotations

import sys
import tempfile

from loom_jobs_widget.local import LocalWorkspace
from tests.local.test_fuzz import run_campaign


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    seeds = [int(seed) for seed in sys.argv[2:]] or [1, 2, 3]
    failures = 0
    for seed in seeds:
        with tempfile.TemporaryDirectory() as folder:
            workspace = LocalWorkspace(folder).start()
            try:
                campaign = run_campaign(workspace, seed, count)
            finally:
                workspace.stop()
        print(f"seed {seed}: {campaign.report()}")
        for failure in campaign.failures[:20]:
            print(f"  {failure}")
        failures += len(campaign.failures)
    print(f"{len(seeds)} campaigns, {failures} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
