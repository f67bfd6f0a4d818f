"""[cloud] options: where image, flavor, keypair and network lookups go.

`simulated` answers from a catalog in config (the embedded default; SIMULATED, said so in
logs); `openstack` asks Glance, Nova and Neutron found in the Keystone catalog.
"""

from __future__ import annotations

from oslo_config import cfg

group = cfg.OptGroup("cloud", title="Cloud lookups")
opts: list[cfg.Opt] = [
    cfg.StrOpt("backend", default="simulated", choices=["simulated", "openstack"],
               help="Backend of image/flavor/keypair/network lookups."),
    cfg.ListOpt("sim_images",
                default=["fedora-coreos-latest:fedora-coreos", "fedora-atomic-latest:fedora-atomic",
                         "coreos:coreos", "ubuntu-mesos:ubuntu", "fedora-ironic:fedora",
                         "ubuntu-docker:ubuntu"],
                help="SIMULATED images as name:os_distro (os_distro may be empty)."),
    cfg.ListOpt("sim_flavors", default=["m1.small:2048:20", "m1.medium:4096:40",
                                        "m1.large:8192:80", "m1.tiny:512:0"],
                help="SIMULATED flavors as name:ram_mb:disk_gb."),
    cfg.ListOpt("sim_keypairs", default=["default"], help="SIMULATED Nova keypairs."),
    cfg.ListOpt("sim_external_networks", default=["public"],
                help="SIMULATED external networks (router:external)."),
    cfg.ListOpt("sim_networks", default=["private"], help="SIMULATED tenant networks."),
    cfg.ListOpt("sim_subnets", default=["private-subnet:10.0.0.0/24"],
                help="SIMULATED subnets as name:cidr."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts() -> list[tuple[str, list[cfg.Opt]]]:
    return [(group.name, opts)]
