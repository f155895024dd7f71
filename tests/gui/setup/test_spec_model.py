"""SpecModel: undo/redo, merging of same-field edits, dirty and locked state."""

from __future__ import annotations

from dataclasses import replace

from studio.core.spec import LayerSpec, OptimizerSpec, RunSpec
from studio.gui.setup.spec_model import SpecModel


def _with_lr(spec: RunSpec, lr: float) -> RunSpec:
    return replace(spec, optimizer=replace(spec.optimizer, lr=lr))


def test_default_is_the_seed_network() -> None:
    model = SpecModel()
    assert model.spec == RunSpec()
    assert model.spec.sizes == (2, 25, 25, 25, 2)
    assert not model.is_dirty and not model.locked


def test_set_spec_pushes_undoable_command_and_emits(qtbot) -> None:
    model = SpecModel()
    new = _with_lr(model.spec, 0.5)
    with qtbot.waitSignal(model.spec_changed) as blocker:
        model.set_spec(new, "Change lr")
    assert blocker.args == [new]
    assert model.spec == new
    assert model.undo_stack.undoText() == "Change lr"
    model.undo_stack.undo()
    assert model.spec == RunSpec()
    model.undo_stack.redo()
    assert model.spec == new


def test_equal_spec_is_a_no_op(qtbot) -> None:
    model = SpecModel()
    with qtbot.assertNotEmitted(model.spec_changed):
        model.set_spec(RunSpec())
    assert model.undo_stack.count() == 0


def test_consecutive_edits_of_one_field_merge() -> None:
    model = SpecModel()
    for lr in (0.2, 0.3, 0.4):
        model.set_spec(_with_lr(model.spec, lr), "Change lr", merge_key="optimizer.lr")
    assert model.undo_stack.count() == 1
    model.set_spec(replace(model.spec, epochs=5), "Change epochs", merge_key="epochs")
    model.set_spec(_with_lr(model.spec, 0.6), "Change lr", merge_key="optimizer.lr")
    assert model.undo_stack.count() == 3
    model.undo_stack.undo()
    model.undo_stack.undo()
    assert model.spec.optimizer.lr == 0.4 and model.spec.epochs == 200
    model.undo_stack.undo()
    assert model.spec == RunSpec()


def test_edit_merged_back_to_start_leaves_nothing_to_undo() -> None:
    model = SpecModel()
    model.set_spec(_with_lr(model.spec, 0.2), "Change lr", merge_key="optimizer.lr")
    model.set_spec(_with_lr(model.spec, 0.1), "Change lr", merge_key="optimizer.lr")
    assert model.spec == RunSpec()
    assert model.undo_stack.count() == 0
    assert not model.is_dirty


def test_edits_do_not_merge_across_a_save() -> None:
    model = SpecModel()
    model.set_spec(_with_lr(model.spec, 0.2), "Change lr", merge_key="optimizer.lr")
    model.mark_clean()
    model.set_spec(_with_lr(model.spec, 0.3), "Change lr", merge_key="optimizer.lr")
    assert model.undo_stack.count() == 2
    model.undo_stack.undo()
    assert model.spec.optimizer.lr == 0.2 and not model.is_dirty


def test_dirty_follows_the_clean_state(qtbot) -> None:
    model = SpecModel()
    with qtbot.waitSignal(model.dirty_changed) as blocker:
        model.set_spec(replace(model.spec, epochs=3))
    assert blocker.args == [True] and model.is_dirty
    with qtbot.waitSignal(model.dirty_changed) as blocker:
        model.mark_clean()
    assert blocker.args == [False] and not model.is_dirty
    model.undo_stack.undo()
    assert model.is_dirty


def test_reset_clears_history_and_marks_clean(qtbot) -> None:
    model = SpecModel()
    model.set_spec(replace(model.spec, epochs=3))
    opened = RunSpec(layers=(LayerSpec(width=7),), optimizer=OptimizerSpec(name="adam"))
    with qtbot.waitSignal(model.spec_changed):
        model.reset(opened)
    assert model.spec == opened
    assert model.undo_stack.count() == 0 and not model.is_dirty


def test_edit_rejects_invalid_change_without_touching_the_spec(qtbot) -> None:
    model = SpecModel()
    with qtbot.waitSignal(model.edit_rejected) as blocker:
        error = model.edit(lambda spec: _with_lr(spec, -1.0), "Change lr")
    assert error is not None and error.path == "lr"
    assert blocker.args == [str(error)]
    assert model.spec == RunSpec() and model.undo_stack.count() == 0


def test_edit_applies_a_valid_change() -> None:
    model = SpecModel()
    assert model.edit(lambda spec: _with_lr(spec, 0.5), "Change lr") is None
    assert model.spec.optimizer.lr == 0.5 and model.undo_stack.undoText() == "Change lr"


def test_locked_emits_only_on_change(qtbot) -> None:
    model = SpecModel()
    with qtbot.waitSignal(model.locked_changed) as blocker:
        model.set_locked(True)
    assert blocker.args == [True] and model.locked
    with qtbot.assertNotEmitted(model.locked_changed):
        model.set_locked(True)
