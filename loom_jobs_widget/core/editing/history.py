"""Undo and redo over whole settings snapshots."""

from __future__ import annotations

from loom_jobs_widget.core.models import JobSettings

__all__ = ["History"]


class History:
    """Undo/redo over whole JobSettings snapshots (cheap: unchanged tasks are shared objects)."""

    def __init__(self, settings: JobSettings, *, limit: int = 500) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit}")
        self._limit = limit
        self.reset(settings)

    def reset(self, settings: JobSettings) -> None:
        """One clean state and no history (after loading or reloading the job)."""
        self._states: list[tuple[JobSettings, str]] = [(settings, "")]
        self._position = 0
        self._saved: int | None = 0

    @property
    def current(self) -> JobSettings:
        return self._states[self._position][0]

    def push(self, settings: JobSettings, label: str) -> None:
        """A new current state, made by the edit `label`; the redo branch is dropped. The
        current state itself (an edit that changed nothing) is not a new state."""
        if settings is self.current:
            return
        del self._states[self._position + 1 :]
        if self._saved is not None and self._saved > self._position:
            self._saved = None  # the saved state was on the dropped branch: unreachable now
        self._states.append((settings, label))
        self._position += 1
        overflow = len(self._states) - (self._limit + 1)
        if overflow > 0:
            del self._states[:overflow]
            self._position -= overflow
            if self._saved is not None:
                self._saved = self._saved - overflow if self._saved >= overflow else None

    def undo(self) -> JobSettings | None:
        """Steps back; the state now current, or None when there is nothing to undo."""
        if not self.can_undo:
            return None
        self._position -= 1
        return self.current

    def redo(self) -> JobSettings | None:
        if not self.can_redo:
            return None
        self._position += 1
        return self.current

    @property
    def can_undo(self) -> bool:
        return self._position > 0

    @property
    def can_redo(self) -> bool:
        return self._position < len(self._states) - 1

    @property
    def undo_label(self) -> str:
        """The label of the edit undo would undo; "" when none."""
        return self._states[self._position][1] if self.can_undo else ""

    @property
    def redo_label(self) -> str:
        return self._states[self._position + 1][1] if self.can_redo else ""

    def mark_saved(self) -> None:
        self._saved = self._position

    @property
    def dirty(self) -> bool:
        """Whether the current state differs from the one last marked saved."""
        return self._saved != self._position
