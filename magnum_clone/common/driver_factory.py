"""Drivers are found once, at start-up, through the ``magnum_clone.drivers`` entry points."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any

from stevedore import enabled

from magnum_clone.common import exceptions as exc
from magnum_clone.conf import CONF

LOG = logging.getLogger(__name__)
NAMESPACE = "magnum_clone.drivers"

_LOCK = threading.Lock()
_DRIVERS: dict[str, Any] | None = None


def _load() -> dict[str, Any]:
    disabled = set(CONF.drivers.disabled_drivers)

    def _check(ext: Any) -> bool:
        return ext.name not in disabled

    mgr = enabled.EnabledExtensionManager(NAMESPACE, _check, invoke_on_load=True,
                                          on_load_failure_callback=_fail)
    drivers = {ext.name: ext.obj for ext in sorted(mgr.extensions, key=lambda e: e.name)}
    LOG.info("Loaded COE drivers: %s", ", ".join(drivers) or "(none)")
    return drivers


def _fail(_mgr: Any, ep: Any, err: BaseException) -> None:
    raise RuntimeError(f"COE driver {ep.name} failed to load: {err}") from err


def drivers() -> Mapping[str, Any]:
    """Every loaded driver by entry-point name (loaded on first use, then cached)."""
    global _DRIVERS
    with _LOCK:
        if _DRIVERS is None:
            _DRIVERS = _load()
        return _DRIVERS


def reset() -> None:
    global _DRIVERS
    with _LOCK:
        _DRIVERS = None


def by_name(name: str) -> Any:
    try:
        return drivers()[name]
    except KeyError:
        raise exc.ClusterDriverNotSupported(driver_name=name) from None


def by_tuple(server_type: str, os: str | None, coe: str | None) -> tuple[str, Any]:
    """(name, driver) providing the tuple; the alphabetically last match wins, deterministic."""
    match: tuple[str, Any] | None = None
    for name, drv in drivers().items():
        if drv.beta:
            continue
        for p in drv.provides:
            if (p.server_type, p.os, p.coe) == (server_type, os, coe):
                match = (name, drv)
    if match is None:
        raise exc.ClusterTypeNotSupported(server_type=server_type, os=os, coe=coe)
    return match


def fits(drv: Any, server_type: str, os: str | None, coe: str | None) -> bool:
    """True if ``drv`` provides the tuple, or claims none (chosen by name only)."""
    return not drv.provides or any(
        (p.server_type, p.os, p.coe) == (server_type, os, coe) for p in drv.provides)


def for_cluster(template: Any) -> Any:
    """The driver a cluster of ``template`` gets (reference §4.3 step 3).

    The template's ``(server_type, cluster_distro, coe)`` must be provided by a loaded driver;
    a named driver is used when it provides that tuple or claims no tuple at all (a driver
    selectable by name only, like the example driver).
    """
    if template.driver:
        drv = by_name(template.driver)
        if fits(drv, template.server_type, template.cluster_distro, template.coe):
            return drv
        raise exc.ClusterTypeNotSupported(server_type=template.server_type,
                                          os=template.cluster_distro, coe=template.coe)
    return by_tuple(template.server_type, template.cluster_distro, template.coe)[1]


def for_template(template: Mapping[str, Any]) -> Any:
    """The driver of a stored template: its ``driver`` name, else the tuple."""
    if template.get("driver"):
        return by_name(template["driver"])
    return by_tuple(template["server_type"], template["cluster_distro"], template["coe"])[1]
