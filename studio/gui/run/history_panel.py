"""The run history: every run of the session, to rename, compare, reload or delete.

:class:`RunHistoryPanel` is a view of the controller's :class:`~studio.core.history.RunHistory`
(``controller.log.history``): one row per run with its name (editable), what differs from
the run before, its final metrics and its training time. Ticking a run overlays its curves on
the live plots (``overlays_changed``); double-clicking loads its spec into the editors.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

__all__ = ["RunHistoryPanel"]

_COLUMNS = ("Run", "What changed", "Test acc", "Test loss", "Epochs", "Time")


class RunHistoryPanel(QWidget):
    """The session's runs (see the module doc).

    Signals
    -------
    overlays_changed(tuple)
        The ticked runs' :class:`~studio.core.history.RunRecord`\\ s, oldest first.
    """

    overlays_changed = Signal(object)

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._filling = False
        self.tree = QTreeWidget(objectName="run_history")
        self.tree.setAccessibleName("Run history")
        self.tree.setHeaderLabels(_COLUMNS)
        self.tree.setRootIsDecorated(False)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.tree.setToolTip("Tick runs to overlay their curves; double-click to load a run's "
                             "setup; F2 renames")
        self.delete_button = QPushButton("Delete run", objectName="delete_run_button")
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.tree.itemChanged.connect(self._on_tree_item_changed)
        self.tree.itemDoubleClicked.connect(self._on_tree_item_double_clicked)
        for signal in (controller.history_changed, controller.run_ended, controller.cleared):
            signal.connect(self.refresh)
        self.refresh()

    def refresh(self, *_args) -> None:
        """Rebuild the rows from the history (a few runs: cheap), keeping the ticks."""
        ticked = set(self.ticked_ids())
        self._filling = True
        try:
            self.tree.clear()
            for run in self._controller.log.history.runs:
                final = run.final
                item = QTreeWidgetItem([
                    run.name, ", ".join(run.diff) or ("first run" if run.run_id == 1 else "same"),
                    f"{final.test_acc:.3f}" if final else "–",
                    f"{final.test_loss:.4g}" if final else "–",
                    str(final.epoch) if final else "0", f"{run.duration_s:.1f} s"])
                item.setData(0, Qt.ItemDataRole.UserRole, run.run_id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable
                              | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(0, Qt.CheckState.Checked if run.run_id in ticked
                                   else Qt.CheckState.Unchecked)
                item.setToolTip(1, ", ".join(run.diff)
                                + "".join(f"\nepoch {m.epoch}: {m.label}" for m in run.markers))
                self.tree.addTopLevelItem(item)
        finally:
            self._filling = False
        for column in range(len(_COLUMNS)):
            self.tree.resizeColumnToContents(column)
        self.delete_button.setEnabled(self.tree.topLevelItemCount() > 0)
        self._emit_overlays()

    def ticked_ids(self) -> list[int]:
        """The run ids whose curves are overlaid."""
        return [self.tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
                for i in range(self.tree.topLevelItemCount())
                if self.tree.topLevelItem(i).checkState(0) == Qt.CheckState.Checked]

    def set_ticked(self, run_id: int, ticked: bool = True) -> None:
        """Tick (overlay) or untick run ``run_id``."""
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(0, Qt.ItemDataRole.UserRole) == run_id:
                item.setCheckState(0, Qt.CheckState.Checked if ticked
                                   else Qt.CheckState.Unchecked)

    def _emit_overlays(self) -> None:
        history = self._controller.log.history
        self.overlays_changed.emit(tuple(history[i] for i in self.ticked_ids()))

    def _on_tree_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._filling:
            return
        run_id = item.data(0, Qt.ItemDataRole.UserRole)
        history = self._controller.log.history
        if column == 0 and item.text(0) != history[run_id].name:
            history.rename(run_id, item.text(0).strip() or history[run_id].name)
        self._emit_overlays()

    def _on_tree_item_double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        model = self._controller.spec_model
        if model.locked:
            return
        run = self._controller.log.history[item.data(0, Qt.ItemDataRole.UserRole)]
        model.set_spec(run.current_spec)

    def _on_delete_button_clicked(self) -> None:
        item = self.tree.currentItem()
        if item is None:
            return
        self._controller.log.delete(item.data(0, Qt.ItemDataRole.UserRole))
        self._controller.history_changed.emit()
