"""[drivers] options: which COE drivers are loaded and chosen."""

from __future__ import annotations

from oslo_config import cfg

group = cfg.OptGroup("drivers", title="COE drivers")
opts: list[cfg.Opt] = [
    cfg.ListOpt("disabled_drivers", default=[], help="Driver entry-point names not to load."),
    cfg.StrOpt("default_driver", default="",
               help="Driver for templates naming none, when the image has no magnum_driver."),
    cfg.BoolOpt("verify_ca", default=True,
                help="Passed to templates: nodes verify TLS of OpenStack."),
    cfg.StrOpt("openstack_ca_file", default="",
               help="CA bundle of the cloud's endpoints, passed to the nodes (kubernetes "
                    "drivers' openstack_ca parameter) so they can verify OpenStack's TLS."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts() -> list[tuple[str, list[cfg.Opt]]]:
    return [(group.name, opts)]
