"""`collector_paused`: no garbage-collection pass while a large job's objects are made.

Loading, copying or checking a 1,000-task job makes tens of thousands of objects that all live
on (or form no cycle), so a collection pass meanwhile frees nothing; yet the passes their number
triggers each walk every object the process holds, which in a kernel that holds much else (data
frames, other editors) cost more than the work itself.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pauses the garbage collector for the block, and leaves it as it was found."""
    enabled = gc.isenabled()
    if enabled:
        gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
