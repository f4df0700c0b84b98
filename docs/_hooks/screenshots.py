"""MkDocs hook: the guides' screenshots come from the browser tests, never by hand.

The end-to-end tests write a screenshot of each state they check into ``$LOOM_SCREENSHOT_DIR``;
``scripts/test`` points it at ``docs/screenshots/`` and builds the site after them. A build
without them stops here, naming the missing files and how to make them, rather than with one
"link not found" warning per image.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

__all__ = ["SCREENSHOTS", "named", "on_pre_build"]

_DOCS = Path(__file__).resolve().parents[1]
SCREENSHOTS = _DOCS / "screenshots"
_IMAGE = re.compile(r"!\[[^\]]*\]\((?:\.\./)?screenshots/([^)\s]+)\)")


def named() -> set[str]:
    """The screenshots the pages show."""
    return {
        match.group(1)
        for page in _DOCS.rglob("*.md")
        for match in _IMAGE.finditer(page.read_text(encoding="utf-8"))
    }


def on_pre_build(config: Any, **_: Any) -> None:
    missing = sorted(name for name in named() if not (SCREENSHOTS / name).is_file())
    if missing:
        raise PluginError(
            f"{len(missing)} screenshot(s) the guides show are not in {SCREENSHOTS}: "
            f"{', '.join(missing)}. They come from the browser tests: run "
            f"`LOOM_SCREENSHOT_DIR={SCREENSHOTS} pytest -m browser tests/e2e` first "
            "(scripts/test does, then builds the site)."
        )
