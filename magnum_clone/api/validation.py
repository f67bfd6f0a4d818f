"""Validation rules of templates and clusters shared by the controllers (reference §3.4, §4.3,
§13). Each function checks one rule and raises the reference's error."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from magnum_clone.common import driver_factory
from magnum_clone.common import exceptions as exc
from magnum_clone.common.clients import cloud
from magnum_clone.conf import CONF

LOG = logging.getLogger(__name__)

SUPPORTED_NETWORK_DRIVERS = {"kubernetes": ("flannel", "calico", "cilium"),
                             "swarm": ("docker", "flannel"),
                             "swarm-mode": ("docker", "flannel"),
                             "mesos": ("docker",)}
SUPPORTED_VOLUME_DRIVERS = {"kubernetes": ("cinder",), "swarm": ("rexray",),
                            "swarm-mode": ("rexray",), "mesos": ("rexray",)}
SERVER_TYPES = ("vm", "bm")
# COEs that share another's [cluster_template] options (swarm mode is configured as swarm)
_CONF_COE = {"swarm-mode": "swarm"}


def _conf_opt(coe: str, suffix: str) -> Any:
    return getattr(CONF.cluster_template, f"{_CONF_COE.get(coe, coe)}_{suffix}")


def coe_and_server_type(doc: Mapping[str, Any]) -> None:
    coe = doc.get("coe")
    if coe not in SUPPORTED_NETWORK_DRIVERS:
        raise exc.Invalid(f"Requested COE type {coe or 'Unset'} is not supported.")
    if doc.get("server_type") not in SERVER_TYPES:
        raise exc.Invalid(f"Requested server type {doc.get('server_type')} is not supported.")


def default_network_driver(coe: str) -> str:
    return str(_conf_opt(coe, "default_network_driver"))


def network_driver(doc: Mapping[str, Any]) -> None:
    coe = doc["coe"]
    drv = doc.get("network_driver")
    if drv is None:
        return
    supported = SUPPORTED_NETWORK_DRIVERS[coe]
    if drv not in supported:
        raise exc.Invalid(f"Network driver type {drv} is not supported, expecting a "
                          f"{'/'.join(supported)}/unspecified network driver.")
    allowed = list(_conf_opt(coe, "allowed_network_drivers"))
    if "all" not in allowed and drv not in allowed:
        raise exc.Invalid(f"Network driver type {drv} is not allowed, expecting a "
                          f"{'/'.join(allowed)}/unspecified network driver. ")


def volume_driver(doc: Mapping[str, Any]) -> None:
    drv = doc.get("volume_driver")
    if drv is None:
        return
    supported = SUPPORTED_VOLUME_DRIVERS[doc["coe"]]
    if drv not in supported:
        raise exc.Invalid(f"Volume driver type {drv} is not supported, expecting a "
                          f"{'/'.join(supported)}/unspecified volume driver.")


def devicemapper(storage_driver: str | None, volume_size: int | None) -> None:
    if storage_driver == "devicemapper" and (not volume_size or volume_size < 3):
        raise exc.Invalid(f"docker volume size {volume_size} GB is not valid, expecting "
                          "minimum value 3GB for devicemapper storage driver.")


def resolve_driver(doc: dict[str, Any], image: cloud.Image) -> Any:
    """Choose the template's driver (§13.6): named, image property, default, else tuple."""
    if not image.os_distro:
        raise exc.OSDistroFieldNotFound(image_id=doc["image_id"])
    doc["cluster_distro"] = image.os_distro
    name = doc.get("driver") or image.properties.get("magnum_driver") or None
    if name:
        drv = driver_factory.by_name(name)
    else:
        name, drv = driver_factory.by_tuple(doc["server_type"], image.os_distro, doc["coe"])
        if CONF.drivers.default_driver:
            default = driver_factory.by_name(CONF.drivers.default_driver)
            if any((p.server_type, p.os, p.coe) == (doc["server_type"], image.os_distro,
                                                    doc["coe"]) for p in default.provides):
                name, drv = CONF.drivers.default_driver, default
    doc["driver"] = name
    return drv


def re_resolve_driver(doc: dict[str, Any], image: cloud.Image, *, driver_named: bool) -> Any:
    """Driver choice after a PATCH of coe, image, server_type or driver.

    A driver the patch names must exist and fit the template; a driver kept from before stays
    only while it still provides the (possibly new) tuple, otherwise it is chosen again as at
    create, so a template never keeps a driver for another COE or distro.
    """
    if not image.os_distro:
        raise exc.OSDistroFieldNotFound(image_id=doc["image_id"])
    doc["cluster_distro"] = image.os_distro
    key = (doc["server_type"], image.os_distro, doc["coe"])
    if doc.get("driver"):
        drv = driver_factory.by_name(doc["driver"])
        if driver_factory.fits(drv, *key):
            return drv
        if driver_named:
            raise exc.ClusterTypeNotSupported(server_type=key[0], os=key[1], coe=key[2])
    doc["driver"] = None
    return resolve_driver(doc, image)


def cloud_resources(lookup: cloud.CloudLookup, doc: Mapping[str, Any]) -> None:
    for key in ("flavor_id", "master_flavor_id"):
        if doc.get(key):
            lookup.get_flavor(doc[key])
    if doc.get("external_network_id"):
        lookup.get_external_network(doc["external_network_id"])
    if doc.get("fixed_network"):
        lookup.get_fixed_network(doc["fixed_network"])
    if doc.get("fixed_subnet"):
        lookup.get_fixed_subnet(doc["fixed_subnet"])


def root_disk(lookup: cloud.CloudLookup, labels: Mapping[str, Any] | None,
              *flavors: str | None) -> None:
    try:
        boot = int((labels or {}).get("boot_volume_size", 0) or 0)
    except (TypeError, ValueError):
        raise exc.InvalidParameterValue(
            err="Label boot_volume_size must be an integer.") from None
    if boot:
        return
    for fl in flavors:
        if fl and lookup.get_flavor(fl).disk == 0:
            raise exc.Invalid("Flavor with zero root volume size is not supported when "
                              "boot_volume_size is zero.")


def labels(drv: Any, values: Mapping[str, Any] | None) -> None:
    drv.validate_labels({k: str(v) for k, v in (values or {}).items()})


def template_in_use_change_allowed(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    """The in-use rule: a referenced template may only change exactly one of name, public
    (to true), hidden, tags (to non-null)."""
    changed = {k for k in after if before.get(k) != after.get(k)}
    if not changed:
        return True
    if len(changed) != 1:
        return False
    (field,) = changed
    if field == "name" or field == "hidden":
        return True
    if field == "public":
        return bool(after["public"])
    if field == "tags":
        return after["tags"] is not None
    return False
