"""Configuration: one module per section, gathered here.

`CONF` is the process-wide oslo.config object; `list_opts()` feeds
`oslo-config-generator --namespace magnum_clone` (see etc/magnum-clone-config-generator.conf).
"""

from __future__ import annotations

from oslo_config import cfg

from magnum_clone.conf import (
    api,
    certificates,
    cloud,
    cluster,
    cluster_template,
    conductor,
    database,
    default,
    drivers,
    heat,
    noauth,
    quotas,
    trust,
    x509,
)

CONF = cfg.CONF

_MODULES = (default, database, api, noauth, conductor, cluster, cluster_template, quotas, cloud,
            heat, drivers, certificates, x509, trust)

for _mod in _MODULES:
    _mod.register_opts(CONF)


def _register_messaging_opts() -> None:
    """transport_url and friends, so defaults can be set before the first transport exists."""
    import oslo_messaging.opts

    for group, opts in oslo_messaging.opts.list_opts():
        if group in (None, "DEFAULT"):
            CONF.register_opts(opts)


_register_messaging_opts()

from oslo_log import log as _log  # noqa: E402 - CLI options must exist before parsing

try:
    _log.register_options(CONF)
except cfg.ArgsAlreadyParsedError:
    # imported by a tool that parsed the global CONF first (oslopolicy-policy-generator)
    pass

# Request bodies to Heat carry hidden parameters (the service-account private key): their
# logger stays quiet even when keystoneauth is set to DEBUG (clients use split_loggers).
_log.set_defaults(default_log_levels=[*_log.get_default_log_levels(),
                                      "keystoneauth.session.body=WARN"])


def list_opts() -> list[tuple[str, list[cfg.Opt]]]:
    """Every option of the service, by section, for the sample config generator."""
    out: list[tuple[str, list[cfg.Opt]]] = []
    for mod in _MODULES:
        out.extend(mod.list_opts())
    return out
