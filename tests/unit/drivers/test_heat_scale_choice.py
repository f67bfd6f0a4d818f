"""The scale-down choice of a Heat driver: which ResourceGroup members go (highest first)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from magnum_clone_drivers.k8s_fedora_coreos_v1.driver import Driver


class _Resources:
    """A stand-in for heatclient's resources manager: a worker group with given members."""

    def __init__(self, members: list[str]) -> None:
        self.members = members

    def get(self, stack_id: str, name: str) -> Any:
        assert name == "kube_minions"
        return SimpleNamespace(physical_resource_id="nested-id")

    def list(self, stack_id: str) -> list[Any]:
        assert stack_id == "nested-id"
        return [SimpleNamespace(resource_name=m) for m in self.members]


def test_highest_indexes_are_removed_first() -> None:
    hc = SimpleNamespace(resources=_Resources(["0", "2", "10", "3"]))
    assert Driver()._removal_choice(hc, "stk", 2) == ["10", "3"]
    assert Driver()._removal_choice(hc, "stk", 4) == []
