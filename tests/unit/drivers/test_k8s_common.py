"""What every driver shares: the seeds' label defaults (the seeds are requirements) as the
templates' defaults, and the trustee credentials every Kubernetes driver sends at create."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from magnum_clone.common import driver_factory
from magnum_clone_drivers import k8s_common
from magnum_clone_drivers.heat.template_def import RenderInput
from tests.unit.drivers import _render as r

# The seeds' label table (label -> default) and the template parameter each label feeds.
SEED_DEFAULTS: dict[str, tuple[str, Any]] = {
    "flannel_network_cidr": ("flannel_network_cidr", "10.100.0.0/16"),
    "flannel_backend": ("flannel_backend", "udp"),
    "flannel_network_subnetlen": ("flannel_network_subnetlen", 24),
    "rexray_preempt": ("rexray_preempt", "false"),
    "mesos_slave_isolation": ("mesos_slave_isolation", ""),
    "mesos_slave_image_providers": ("mesos_slave_image_providers", ""),
    "mesos_slave_work_dir": ("mesos_slave_work_dir", ""),
    "mesos_slave_executor_env_variables": ("mesos_slave_executor_env_variables", ""),
    "swarm_strategy": ("swarm_strategy", "spread"),
    "prometheus_monitoring": ("prometheus_monitoring", False),
    "grafana_admin_passwd": ("grafana_admin_passwd", "admin"),
    "kube_dashboard_enabled": ("kube_dashboard_enabled", True),
    "influx_grafana_dashboard_enabled": ("influx_grafana_dashboard_enabled", False),
    "etcd_volume_size": ("etcd_volume_size", 0),
    "container_infra_prefix": ("container_infra_prefix", ""),
    "availability_zone": ("availability_zone", ""),
    "cert_manager_api": ("cert_manager_api", False),
    "ingress_controller": ("ingress_controller", ""),
    "ingress_controller_role": ("ingress_controller_role", "ingress"),
    "kubelet_options": ("kubelet_options", ""),
    "kubeapi_options": ("kubeapi_options", ""),
    "kubescheduler_options": ("kubescheduler_options", ""),
    "kubecontroller_options": ("kubecontroller_options", ""),
    "kubeproxy_options": ("kubeproxy_options", ""),
    "cgroup_driver": ("cgroup_driver", "cgroupfs"),
    "cloud_provider_enabled": ("cloud_provider_enabled", True),
    "service_cluster_ip_range": ("portal_network_cidr", "10.254.0.0/16"),
    "keystone_auth_enabled": ("keystone_auth_enabled", False),
}

K8S = ("k8s_fedora_coreos_v1", "k8s_fedora_atomic_v1", "k8s_coreos_v1", "k8s_fedora_ironic_v1")
ALL = (*K8S, "swarm_fedora_atomic_v2", "mesos_ubuntu_v1")
# the labels a driver must understand (its template has the parameter)
REQUIRED = {
    **{d: {"flannel_network_cidr", "flannel_backend", "flannel_network_subnetlen",
           "prometheus_monitoring", "grafana_admin_passwd", "kube_dashboard_enabled",
           "etcd_volume_size", "container_infra_prefix", "service_cluster_ip_range"}
       for d in K8S},
    "swarm_fedora_atomic_v2": {"swarm_strategy", "rexray_preempt", "flannel_backend"},
    "mesos_ubuntu_v1": {"rexray_preempt", "mesos_slave_isolation", "mesos_slave_work_dir",
                        "mesos_slave_image_providers", "mesos_slave_executor_env_variables"},
}


def _hot(name: str) -> dict[str, Any]:
    with open(driver_factory.by_name(name).template_path) as f:
        return dict(yaml.safe_load(f)["parameters"])


@pytest.mark.parametrize("name", ALL)
def test_template_defaults_are_the_seeds_label_defaults(name: str) -> None:
    hot = _hot(name)
    present = {lbl for lbl, (param, _) in SEED_DEFAULTS.items() if param in hot}
    assert REQUIRED[name] <= present
    wrong = {lbl: hot[SEED_DEFAULTS[lbl][0]]["default"] for lbl in present
             if hot[SEED_DEFAULTS[lbl][0]]["default"] != SEED_DEFAULTS[lbl][1]}
    assert wrong == {}


TRUSTEE = {"trustee_domain_id": "dom", "trustee_user_id": "tu", "trustee_username": "tn",
           "trustee_password": "tp", "trust_id": "tr", "auth_url": "http://ks:5000/v3"}


@pytest.mark.parametrize("name", K8S)
def test_every_k8s_driver_sends_the_trustee_at_create(name: str) -> None:
    drv = driver_factory.by_name(name)
    v = r.view(template={"fixed_subnet": "private-subnet"})
    p = drv.definition().parameters(RenderInput(v, {**TRUSTEE, "region_name": "R1",
                                                    "username": "demo"}))
    assert {k: p[k] for k in k8s_common.TRUSTEE_PARAMS} == TRUSTEE
    assert (p["region_name"], p["username"]) == ("R1", "demo")
    assert set(p) <= set(_hot(name))


def test_no_trustee_sends_none_of_it() -> None:
    drv = driver_factory.by_name("k8s_fedora_atomic_v1")
    p = drv.definition().parameters(RenderInput(r.view(), {}))
    assert not set(k8s_common.TRUSTEE_PARAMS) & set(p)
