"""Cloud lookups (images, flavors, keypairs, networks, subnets) behind one interface.

Two backends, chosen by ``[cloud] backend``:

* ``simulated`` — a SIMULATED catalog from ``[cloud] sim_*`` options (the embedded default);
* ``openstack`` — Glance, Nova and Neutron through openstacksdk, with the caller's token.

Both raise the reference's errors (``ImageNotFound`` 400, ``FlavorNotFound`` 400,
``KeyPairNotFound`` 404, ...). Names or ids are accepted everywhere.
"""

from __future__ import annotations

import abc
import logging
import uuid as uuidlib
from dataclasses import dataclass, field
from typing import Any

from magnum_clone.common import exceptions as exc
from magnum_clone.conf import CONF

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Image:
    id: str
    name: str
    os_distro: str | None
    properties: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Flavor:
    id: str
    name: str
    ram: int
    disk: int


@dataclass(frozen=True)
class Network:
    id: str
    name: str
    external: bool


@dataclass(frozen=True)
class Subnet:
    id: str
    name: str
    cidr: str


class CloudLookup(abc.ABC):
    simulated = False

    @abc.abstractmethod
    def get_image(self, ident: str) -> Image: ...

    @abc.abstractmethod
    def get_flavor(self, ident: str) -> Flavor: ...

    @abc.abstractmethod
    def get_keypair(self, name: str) -> str:
        """The public key of a keypair (404 if missing)."""

    @abc.abstractmethod
    def get_external_network(self, ident: str) -> Network: ...

    @abc.abstractmethod
    def get_fixed_network(self, ident: str) -> Network: ...

    @abc.abstractmethod
    def get_fixed_subnet(self, ident: str) -> Subnet: ...


def _sim_id(kind: str, name: str) -> str:
    """Stable ids for simulated objects, so a name and its id both resolve."""
    return str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, f"magnum-clone-sim:{kind}:{name}"))


def _match(items: list[Any], ident: str, what: str, dup_msg: str) -> Any:
    hits = [i for i in items if i.id == ident or i.name == ident]
    if len(hits) > 1:
        raise exc.Duplicate(msg=dup_msg)
    return hits[0] if hits else None


class SimulatedCloud(CloudLookup):
    """SIMULATED catalog: nothing here exists in a real cloud."""

    simulated = True

    def __init__(self) -> None:
        c = CONF.cloud
        self.images = []
        for spec in c.sim_images:
            name, _, distro = spec.partition(":")
            self.images.append(Image(_sim_id("image", name), name, distro or None))
        self.flavors = []
        for spec in c.sim_flavors:
            name, ram, disk = (spec.split(":") + ["0", "0"])[:3]
            self.flavors.append(Flavor(_sim_id("flavor", name), name, int(ram), int(disk)))
        self.keypairs = list(c.sim_keypairs)
        self.networks = [Network(_sim_id("net", n), n, True) for n in c.sim_external_networks]
        self.networks += [Network(_sim_id("net", n), n, False) for n in c.sim_networks]
        self.subnets = []
        for spec in c.sim_subnets:
            name, _, cidr = spec.partition(":")
            self.subnets.append(Subnet(_sim_id("subnet", name), name, cidr or "10.0.0.0/24"))
        LOG.info("Cloud lookups use the SIMULATED catalog (%d images, %d flavors)",
                 len(self.images), len(self.flavors))

    def get_image(self, ident: str) -> Image:
        img = _match(self.images, ident, "image",
                     f"Multiple images exist with same name '{ident}'. "
                     "Please use the image ID instead.")
        if img is None:
            raise exc.ImageNotFound(image_id=ident)
        return img

    def get_flavor(self, ident: str) -> Flavor:
        fl = _match(self.flavors, ident, "flavor", f"Multiple flavors named {ident}.")
        if fl is None:
            raise exc.FlavorNotFound(flavor=ident)
        return fl

    def get_keypair(self, name: str) -> str:
        if name not in self.keypairs:
            raise exc.KeyPairNotFound(keypair=name)
        return f"ssh-ed25519 SIMULATED-{name}"

    def get_external_network(self, ident: str) -> Network:
        net = _match([n for n in self.networks if n.external], ident, "network",
                     f"Multiple external networks exist with same name '{ident}'. "
                     "Please use the external network ID instead.")
        if net is None:
            raise exc.ExternalNetworkNotFound(network=ident)
        return net

    def get_fixed_network(self, ident: str) -> Network:
        net = _match(self.networks, ident, "network",
                     f"Multiple fixed networks exist with same name '{ident}'. "
                     "Please use the fixed network ID instead.")
        if net is None:
            raise exc.FixedNetworkNotFound(network=ident)
        return net

    def get_fixed_subnet(self, ident: str) -> Subnet:
        sub = _match(self.subnets, ident, "subnet",
                     f"Multiple fixed subnets exist with same name '{ident}'. "
                     "Please use the fixed subnet ID instead.")
        if sub is None:
            raise exc.FixedSubnetNotFound(subnet=ident)
        return sub


class OpenStackCloud(CloudLookup):
    """Glance, Nova and Neutron through openstacksdk, authenticated with the caller's token.

    Not exercised by the test suite here (no Glance/Nova/Neutron on our machines).
    """

    def __init__(self, context: Any) -> None:
        import openstack
        from keystoneauth1 import session
        from keystoneauth1.identity import v3

        auth = v3.Token(auth_url=CONF.keystone_authtoken.www_authenticate_uri,
                        token=context.auth_token, project_id=context.project_id)
        self.conn = openstack.connection.Connection(session=session.Session(auth=auth))

    def get_image(self, ident: str) -> Image:
        from openstack import exceptions as os_exc

        try:
            img = self.conn.image.find_image(ident, ignore_missing=True)
        except os_exc.DuplicateResource:
            raise exc.Duplicate(msg=f"Multiple images exist with same name '{ident}'. "
                                    "Please use the image ID instead.") from None
        except os_exc.ForbiddenException:
            raise exc.ImageNotAuthorized(image_id=ident) from None
        if img is None:
            raise exc.ImageNotFound(image_id=ident)
        props = dict(getattr(img, "properties", None) or {})
        return Image(img.id, img.name, getattr(img, "os_distro", None) or props.get("os_distro"),
                     {k: str(v) for k, v in props.items()})

    def get_flavor(self, ident: str) -> Flavor:
        fl = self.conn.compute.find_flavor(ident, ignore_missing=True)
        if fl is None:
            raise exc.FlavorNotFound(flavor=ident)
        return Flavor(fl.id, fl.name, fl.ram, fl.disk)

    def get_keypair(self, name: str) -> str:
        kp = self.conn.compute.find_keypair(name, ignore_missing=True)
        if kp is None:
            raise exc.KeyPairNotFound(keypair=name)
        return str(kp.public_key)

    def _net(self, ident: str, external: bool | None) -> Network | None:
        from openstack import exceptions as os_exc

        try:
            net = self.conn.network.find_network(ident, ignore_missing=True)
        except os_exc.DuplicateResource:
            kind = "external" if external else "fixed"
            raise exc.Duplicate(msg=f"Multiple {kind} networks exist with same name "
                                    f"'{ident}'. Please use the {kind} network ID "
                                    "instead.") from None
        if net is None or (external and not net.is_router_external):
            return None
        return Network(net.id, net.name, bool(net.is_router_external))

    def get_external_network(self, ident: str) -> Network:
        net = self._net(ident, True)
        if net is None:
            raise exc.ExternalNetworkNotFound(network=ident)
        return net

    def get_fixed_network(self, ident: str) -> Network:
        net = self._net(ident, None)
        if net is None:
            raise exc.FixedNetworkNotFound(network=ident)
        return net

    def get_fixed_subnet(self, ident: str) -> Subnet:
        sub = self.conn.network.find_subnet(ident, ignore_missing=True)
        if sub is None:
            raise exc.FixedSubnetNotFound(subnet=ident)
        return Subnet(sub.id, sub.name, sub.cidr)


_SIM: SimulatedCloud | None = None


def get_cloud(context: Any = None) -> CloudLookup:
    """The lookup backend for a request."""
    global _SIM
    if CONF.cloud.backend == "simulated":
        if _SIM is None:
            _SIM = SimulatedCloud()
        return _SIM
    return OpenStackCloud(context)


def reset() -> None:
    global _SIM
    _SIM = None
