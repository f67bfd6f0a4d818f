from __future__ import annotations

import pytest

from magnum_clone.common import states

S = states.Status


def test_exactly_the_eighteen_reference_statuses() -> None:
    assert len(states.ALL) == 18
    assert "RESUME_IN_PROGRESS" not in states.ALL


@pytest.mark.parametrize(("op", "current", "ok"), [
    (states.Op.UPDATE, S.CREATE_COMPLETE, True),
    (states.Op.UPDATE, S.UPDATE_FAILED, False),
    (states.Op.UPDATE, S.CREATE_IN_PROGRESS, False),
    (states.Op.RESIZE, S.UPDATE_FAILED, True),
    (states.Op.RESIZE, S.UPDATE_IN_PROGRESS, True),
    (states.Op.RESIZE, S.DELETE_IN_PROGRESS, False),
    (states.Op.DELETE, S.CREATE_IN_PROGRESS, True),
    (states.Op.DELETE, S.DELETE_FAILED, True),
])
def test_operations_start_only_from_allowed_statuses(op: states.Op, current: S,
                                                     ok: bool) -> None:
    assert states.can_start(op, current.value) is ok


def test_outcomes_are_checked_against_the_running_operation() -> None:
    assert states.is_outcome("CREATE_IN_PROGRESS", "CREATE_COMPLETE")
    assert not states.is_outcome("UPDATE_IN_PROGRESS", "CREATE_COMPLETE")
    assert states.is_outcome("UPDATE_IN_PROGRESS", "ROLLBACK_COMPLETE")


def test_heat_states_map_at_the_edge() -> None:
    assert states.from_stack_status("CREATE_COMPLETE") is S.CREATE_COMPLETE
    assert states.from_stack_status("SUSPEND_IN_PROGRESS") is S.UPDATE_IN_PROGRESS
    with pytest.raises(ValueError):
        states.from_stack_status("WEIRD")
