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

    Matching follows the reference (§13.5): flavors are the first of Nova's list whose id or
    name matches; external networks are only those with ``router:external``; duplicates of a
    name are 409; a Keystone or service authorization failure is 403, never a 500. No
    Glance/Nova/Neutron runs on our machines: the unit tests drive this class with a recording
    stand-in for the openstacksdk connection.
    """

    def __init__(self, context: Any, conn: Any = None) -> None:
        if conn is None:
            import openstack
            from keystoneauth1 import session
            from keystoneauth1.identity import v3

            auth = v3.Token(auth_url=CONF.keystone_authtoken.www_authenticate_uri,
                            token=context.auth_token, project_id=context.project_id)
            conn = openstack.connection.Connection(session=session.Session(auth=auth))
        self.conn = conn

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """One SDK call; authorization and catalog failures become 403 with a clear text."""
        from keystoneauth1 import exceptions as ks_exc
        from openstack import exceptions as os_exc

        try:
            return fn(*args, **kwargs)
        except (os_exc.ForbiddenException, ks_exc.Forbidden) as e:
            raise exc.NotAuthorized(f"Not authorized to look up {what}: {e}") from None
        except (ks_exc.Unauthorized, ks_exc.EndpointNotFound, ks_exc.CatalogException,
                ks_exc.AuthorizationFailure) as e:
            raise exc.NotAuthorized(f"Cannot reach the cloud to look up {what}: "
                                    f"{type(e).__name__}") from None

    def get_image(self, ident: str) -> Image:
        from openstack import exceptions as os_exc

        try:
            img = self._call(f"image {ident}", self.conn.image.find_image, ident,
                             ignore_missing=True)
        except os_exc.DuplicateResource:
            raise exc.Duplicate(msg=f"Multiple images exist with same name '{ident}'. "
                                    "Please use the image ID instead.") from None
        except exc.NotAuthorized:
            raise exc.ImageNotAuthorized(image_id=ident) from None
        if img is None:
            raise exc.ImageNotFound(image_id=ident)
        props = dict(getattr(img, "properties", None) or {})
        return Image(img.id, img.name, getattr(img, "os_distro", None) or props.get("os_distro"),
                     {k: str(v) for k, v in props.items()})

    def get_flavor(self, ident: str) -> Flavor:
        flavors = self._call(f"flavor {ident}", lambda: list(self.conn.compute.flavors()))
        hit = next((f for f in flavors if f.id == ident), None) or next(
            (f for f in flavors if f.name == ident), None)
        if hit is None:
            raise exc.FlavorNotFound(flavor=ident)
        return Flavor(hit.id, hit.name, int(hit.ram or 0), int(hit.disk or 0))

    def get_keypair(self, name: str) -> str:
        kp = self._call(f"keypair {name}", self.conn.compute.find_keypair, name,
                        ignore_missing=True)
        if kp is None:
            raise exc.KeyPairNotFound(keypair=name)
        return str(kp.public_key)

    def _networks(self, ident: str, external: bool) -> Network | None:
        query = {"is_router_external": True} if external else {}
        nets = self._call(f"network {ident}", lambda: list(self.conn.network.networks(**query)))
        kind = "external" if external else "fixed"
        hit = _match([Network(n.id, n.name, bool(n.is_router_external)) for n in nets], ident,
                     "network", f"Multiple {kind} networks exist with same name '{ident}'. "
                                f"Please use the {kind} network ID instead.")
        return hit  # type: ignore[no-any-return]

    def get_external_network(self, ident: str) -> Network:
        net = self._networks(ident, True)
        if net is None:
            raise exc.ExternalNetworkNotFound(network=ident)
        return net

    def get_fixed_network(self, ident: str) -> Network:
        net = self._networks(ident, False)
        if net is None:
            raise exc.FixedNetworkNotFound(network=ident)
        return net

    def get_fixed_subnet(self, ident: str) -> Subnet:
        subs = self._call(f"subnet {ident}", lambda: list(self.conn.network.subnets()))
        hit = _match([Subnet(s.id, s.name, s.cidr) for s in subs], ident, "subnet",
                     f"Multiple fixed subnets exist with same name '{ident}'. "
                     "Please use the fixed subnet ID instead.")
        if hit is None:
            raise exc.FixedSubnetNotFound(subnet=ident)
        return hit  # type: ignore[no-any-return]


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
