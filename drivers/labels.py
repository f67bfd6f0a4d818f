"""Declarative label validation: each driver lists rules; a bad value is a 400 naming the label
and what it accepts."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from magnum_clone.common import exceptions as exc

Check = Callable[[str], bool]


@dataclass(frozen=True)
class Rule:
    label: str
    check: Check
    expected: str

    def validate(self, labels: Mapping[str, str]) -> None:
        value = labels.get(self.label)
        if value is not None and not self.check(value):
            raise exc.InvalidParameterValue(
                err=f"Invalid value '{value}' for label {self.label}: expected {self.expected}.")


def choice(label: str, allowed: Sequence[str], *, ignore_case: bool = False) -> Rule:
    if ignore_case:
        lowered = {a.lower() for a in allowed}
        return Rule(label, lambda v: v.lower() in lowered,
                    "one of " + ", ".join(repr(a) for a in allowed) + " (any case)")
    return Rule(label, lambda v: v in allowed, "one of " + ", ".join(allowed))


def multi_choice(label: str, allowed: Sequence[str]) -> Rule:
    def _ok(v: str) -> bool:
        return all(p.strip() in allowed for p in v.split(",") if p.strip())

    return Rule(label, _ok, "a comma-separated list of " + ", ".join(allowed))


def integer(label: str, minimum: int = 0, maximum: int | None = None) -> Rule:
    def _ok(v: str) -> bool:
        try:
            n = int(v)
        except ValueError:
            return False
        return n >= minimum and (maximum is None or n <= maximum)

    rng = f">= {minimum}" if maximum is None else f"{minimum}..{maximum}"
    return Rule(label, _ok, f"an integer {rng}")


def boolean(label: str) -> Rule:
    allowed = ("true", "false", "True", "False", "1", "0", "yes", "no")
    return Rule(label, lambda v: v in allowed, "true or false")


def cidr(label: str) -> Rule:
    def _ok(v: str) -> bool:
        try:
            ipaddress.ip_network(v, strict=False)
        except ValueError:
            return False
        return "/" in v

    return Rule(label, _ok, "a CIDR such as 10.100.0.0/16")


def json_object(label: str) -> Rule:
    def _ok(v: str) -> bool:
        try:
            return isinstance(json.loads(v), dict)
        except ValueError:
            return False

    return Rule(label, _ok, "a JSON object")


def prefix(label: str) -> Rule:
    return Rule(label, lambda v: v == "" or v.endswith("/"), "empty or ending in '/'")


def validate(rules: Iterable[Rule], labels: Mapping[str, str]) -> None:
    for rule in rules:
        rule.validate(labels)
