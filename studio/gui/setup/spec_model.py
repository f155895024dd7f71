"""The edited run setup: a frozen :class:`~studio.core.spec.RunSpec` plus undo/redo.

Every editor widget is a view of one :class:`SpecModel`; edits become undo commands on its
:class:`QUndoStack`, and every change (edit, undo, redo, reset) is announced once through
:attr:`SpecModel.spec_changed` with the new frozen spec.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from studio.core.spec import RunSpec, SpecError

__all__ = ["SpecModel"]

# One id for every mergeable command; mergeWith then compares the finer-grained merge key.
_MERGE_ID = 1


class _SetSpecCommand(QUndoCommand):
    """Replace the model's spec with ``new``; undo restores ``old``."""

    def __init__(self, model: SpecModel, old: RunSpec, new: RunSpec, text: str,
                 merge_key: str | None) -> None:
        super().__init__(text)
        self._model = model
        self._old = old
        self._new = new
        self.merge_key = merge_key

    def id(self) -> int:  # noqa: A003 - Qt's name
        return _MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, _SetSpecCommand) or other.merge_key != self.merge_key:
            return False
        self._new = other._new
        # Spinning back to where we started leaves nothing to undo: QUndoStack drops it.
        self.setObsolete(self._new == self._old)
        return True

    def redo(self) -> None:
        self._model._apply(self._new)

    def undo(self) -> None:
        self._model._apply(self._old)


class SpecModel(QObject):
    """The single source of truth for the setup being edited.

    Parameters
    ----------
    spec : RunSpec, optional
        The initial setup; ``RunSpec()`` (the seed network 2-25-25-25-2) when omitted.
    parent : QObject, optional
        Qt parent.

    Signals
    -------
    spec_changed(RunSpec)
        After any change: edit, undo, redo or reset.
    dirty_changed(bool)
        The unsaved-changes state flipped.
    locked_changed(bool)
        A run started (True) or ended (False); editors disable their widgets.
    edit_rejected(str)
        An edit raised :class:`SpecError` and was dropped; the message names the field.
    """

    spec_changed = Signal(object)
    dirty_changed = Signal(bool)
    locked_changed = Signal(bool)
    edit_rejected = Signal(str)

    def __init__(self, spec: RunSpec | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._spec = spec if spec is not None else RunSpec()
        self._locked = False
        self._undo_stack = QUndoStack(self)
        self._undo_stack.cleanChanged.connect(self._on_undo_stack_clean_changed)

    # -- state ----------------------------------------------------------------------------
    @property
    def spec(self) -> RunSpec:
        """The current (frozen) setup."""
        return self._spec

    @property
    def undo_stack(self) -> QUndoStack:
        """The undo history; the window builds its Undo/Redo actions from it."""
        return self._undo_stack

    @property
    def is_dirty(self) -> bool:
        """Whether the setup changed since it was opened, created or last saved."""
        return not self._undo_stack.isClean()

    @property
    def locked(self) -> bool:
        """Whether a run is in progress (editors must not change the setup)."""
        return self._locked

    # -- changes --------------------------------------------------------------------------
    def set_spec(self, spec: RunSpec, text: str = "Edit", *, merge_key: str | None = None) -> None:
        """Make ``spec`` current through an undoable command.

        Parameters
        ----------
        spec : RunSpec
            The new setup; nothing happens when it equals the current one.
        text : str
            The undo command's text, e.g. ``"Change lr"`` (shown as "Undo Change lr").
        merge_key : str, optional
            Consecutive edits with the same key (e.g. ``"optimizer.lr"``) merge into one undo
            step, so spinning a spin box does not create fifty of them.
        """
        if spec == self._spec:
            return
        self._undo_stack.push(_SetSpecCommand(self, self._spec, spec, text, merge_key))

    def edit(self, change: Callable[[RunSpec], RunSpec], text: str = "Edit", *,
             merge_key: str | None = None) -> SpecError | None:
        """Apply ``change(spec)`` via :meth:`set_spec`; on :class:`SpecError` change nothing.

        Returns
        -------
        SpecError or None
            The error when ``change`` raised one (also announced by :attr:`edit_rejected`),
            None when the edit was applied.
        """
        try:
            new = change(self._spec)
        except SpecError as exc:
            self.edit_rejected.emit(str(exc))
            return exc
        self.set_spec(new, text, merge_key=merge_key)
        return None

    def reset(self, spec: RunSpec) -> None:
        """Replace the setup without undo history (File > Open / New); marks it clean."""
        self._undo_stack.clear()  # also makes the stack clean, emitting cleanChanged if needed
        self._apply(spec)

    def mark_clean(self) -> None:
        """Record that the current setup is saved."""
        self._undo_stack.setClean()

    def set_locked(self, locked: bool) -> None:
        """Lock (run in progress) or unlock the editors."""
        if locked == self._locked:
            return
        self._locked = locked
        self.locked_changed.emit(locked)

    # -- internals ------------------------------------------------------------------------
    def _apply(self, spec: RunSpec) -> None:
        self._spec = spec
        self.spec_changed.emit(spec)

    def _on_undo_stack_clean_changed(self, clean: bool) -> None:
        self.dirty_changed.emit(not clean)
