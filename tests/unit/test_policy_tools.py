"""Policy in code (reference §14): oslo.policy's generators know our namespace, a real policy
file overrides the defaults (the ``*_all_projects`` switches of admins), the deprecated
aliases count only with ``enforce_new_defaults`` off, and rules are project-scoped."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import yaml

from magnum_clone.common import policy
from magnum_clone.conf import CONF
from magnum_clone.policies import list_rules
from tests.fixtures import processes
from tests.unit.api import conftest as _api_conftest
from tests.unit.api.conftest import ADMIN, MEMBER, Client, make_cluster, make_template, set_status

# the API fixtures (tests/unit/api/conftest.py), made visible to this module
api, wsgi_app = _api_conftest.api, _api_conftest.wsgi_app


def test_policy_generators_know_our_rules() -> None:
    for tool in ("oslopolicy-sample-generator", "oslopolicy-policy-generator"):
        out = subprocess.run([processes.script(tool), "--namespace", "magnum_clone"],
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr[-2000:]
        assert "cluster:create" in out.stdout and "clustertemplate:publish" in out.stdout


# ---- a policy file restricts admins to their own project ---------------------------------
#
# The world: the default (noauth) identity, an admin of "embedded-project", makes a public
# hidden template `hid`; MEMBER (p-member) private templates `t_m` (used by its cluster `c_m`)
# and `t_m2`; ADMIN (p-admin) a private template `t_a` and a cluster `c_a` from it. Each case
# is one request by ADMIN, answered first with the defaults (`default`), then with a policy
# file that sets only `rule` to "!" (`override`): a status, or for lists the names listed.

CASES: list[dict[str, Any]] = [
    {"rule": "cluster:get_all_all_projects", "method": "GET", "path": "/v1/clusters",
     "key": "clusters", "default": {"c_a", "c_m"}, "override": {"c_a"}},
    {"rule": "cluster:detail_all_projects", "method": "GET", "path": "/v1/clusters/detail",
     "key": "clusters", "default": {"c_a", "c_m"}, "override": {"c_a"}},
    {"rule": "cluster:get_one_all_projects", "method": "GET", "path": "/v1/clusters/{c_m}",
     "default": 200, "override": 404},
    {"rule": "cluster:get_one_all_projects", "method": "GET", "path": "/v1/clusters/{c_a}",
     "default": 200, "override": 200},
    {"rule": "cluster:update_all_projects", "method": "PATCH", "path": "/v1/clusters/{c_m}",
     "body": [{"op": "replace", "path": "/node_count", "value": 2}],
     "default": 202, "override": 404},
    {"rule": "cluster:delete_all_projects", "method": "DELETE", "path": "/v1/clusters/{c_m}",
     "default": 204, "override": 404},
    {"rule": "cluster:delete_all_projects", "method": "DELETE", "path": "/v1/clusters/{c_a}",
     "default": 204, "override": 204},
    {"rule": "cluster:upgrade_all_projects", "method": "POST",
     "path": "/v1/clusters/{c_m}/actions/upgrade", "body": {"cluster_template": "{t_m}"},
     "default": 400, "override": 404},
    # another rule's override changes nothing here
    {"rule": "cluster:get_all_all_projects", "method": "GET", "path": "/v1/clusters/{c_m}",
     "default": 200, "override": 200},
    {"rule": "clustertemplate:get_all_all_projects", "method": "GET",
     "path": "/v1/clustertemplates", "key": "clustertemplates",
     "default": {"hid", "t_m", "t_m2", "t_a"}, "override": {"hid", "t_a"}},
    {"rule": "clustertemplate:detail_all_projects", "method": "GET",
     "path": "/v1/clustertemplates/detail", "key": "clustertemplates",
     "default": {"hid", "t_m", "t_m2", "t_a"}, "override": {"hid", "t_a"}},
    {"rule": "clustertemplate:get_one_all_projects", "method": "GET",
     "path": "/v1/clustertemplates/{t_m}", "default": 200, "override": 404},
    {"rule": "clustertemplate:get_one_all_projects", "method": "GET",
     "path": "/v1/clustertemplates/{hid}", "default": 200, "override": 200},
    {"rule": "clustertemplate:update_all_projects", "method": "PATCH",
     "path": "/v1/clustertemplates/{t_m}",
     "body": [{"op": "replace", "path": "/name", "value": "renamed"}],
     "default": 200, "override": 404},
    {"rule": "clustertemplate:delete_all_projects", "method": "DELETE",
     "path": "/v1/clustertemplates/{t_m2}", "default": 204, "override": 404},
    {"rule": "clustertemplate:delete_all_projects", "method": "DELETE",
     "path": "/v1/clustertemplates/{t_a}", "default": 400, "override": 400},
    {"rule": "nodegroup:get_all_all_projects", "method": "GET",
     "path": "/v1/clusters/{c_m}/nodegroups", "default": 200, "override": 404},
    {"rule": "nodegroup:get_all_all_projects", "method": "GET",
     "path": "/v1/clusters/{c_a}/nodegroups", "default": 200, "override": 200},
    {"rule": "nodegroup:get_one_all_projects", "method": "GET",
     "path": "/v1/clusters/{c_m}/nodegroups/default-worker", "default": 200, "override": 404},
]


@pytest.fixture()
def policy_file(tmp_path: Any) -> Iterator[Callable[[dict[str, str]], None]]:
    """``write(rules)``: a policy file with these rules, used from the next request on."""
    policy.get_enforcer()   # registers [oslo_policy]
    path = str(tmp_path / "policy.yaml")

    def write(rules: dict[str, str]) -> None:
        with open(path, "w") as f:
            yaml.safe_dump(rules, f)
        CONF.set_override("policy_file", path, group="oslo_policy")
        policy.reset()

    yield write
    CONF.clear_override("policy_file", group="oslo_policy")
    policy.reset()


def _world(api: Client) -> dict[str, str]:
    w = {"hid": make_template(api, name="hid", public=True, hidden=True)["uuid"],
         "t_m": make_template(api, MEMBER, name="t_m")["uuid"],
         "t_m2": make_template(api, MEMBER, name="t_m2")["uuid"],
         "t_a": make_template(api, ADMIN, name="t_a")["uuid"]}
    w["c_m"] = make_cluster(api, w["t_m"], MEMBER, name="c-m")
    w["c_a"] = make_cluster(api, w["t_a"], ADMIN, name="c-a")
    for c in ("c_m", "c_a"):
        set_status(w[c], "CREATE_COMPLETE")
    return w


def _ask(api: Client, case: dict[str, Any], world: dict[str, str]) -> Any:
    path = case["path"].format(**world)
    body = case.get("body")
    if isinstance(body, dict):
        body = {k: v.format(**world) if isinstance(v, str) else v for k, v in body.items()}
    raw = b"" if body is None else json.dumps(body).encode()
    r = api.raw(case["method"], path, raw, headers=ADMIN)
    if "key" not in case:
        return r.status_int
    assert r.status_int == 200, r.text
    names = {v: k for k, v in world.items()}
    return {names.get(item["uuid"], item["uuid"]) for item in r.json[case["key"]]}


@pytest.mark.parametrize("case", CASES, ids=[f"{c['rule']}-{c['method']}-{c['path']}"
                                             for c in CASES])
def test_policy_file_all_projects_override(api: Client, policy_file: Any,
                                           case: dict[str, Any]) -> None:
    world = _world(api)
    policy_file({})
    assert _ask(api, case, world) == case["default"]
    world = _world(api) if case["method"] in ("DELETE", "PATCH", "POST") else world
    policy_file({case["rule"]: "!"})
    assert _ask(api, case, world) == case["override"]


def test_restricted_admin_pages_through_its_templates(api: Client, policy_file: Any) -> None:
    """With ``clustertemplate:get_all_all_projects`` denied, pages of one template follow
    `next` over the own and the public ones only, skipping the other projects' private ones
    (made between them)."""
    world = _world(api)
    for i in range(3):
        make_template(api, MEMBER, name=f"t_m-extra-{i}")
    t_a2 = make_template(api, ADMIN, name="t_a2")["uuid"]
    policy_file({"clustertemplate:get_all_all_projects": "!"})
    seen: list[str] = []
    url: str | None = "/v1/clustertemplates?limit=1"
    while url:
        r = api.get(url, headers=ADMIN)
        assert r.status_int == 200, r.text
        seen += [t["uuid"] for t in r.json["clustertemplates"]]
        url = r.json.get("next", "").replace("http://localhost", "") or None
        assert len(seen) < 10
    assert seen == [world["hid"], world["t_a"], t_a2]
    # a marker the admin cannot see is refused like any unknown template
    r = api.get(f"/v1/clustertemplates?limit=1&marker={world['t_m']}", headers=ADMIN)
    assert r.status_int == 404, r.text


def test_policy_file_overrides_an_operation_rule(api: Client, policy_file: Any) -> None:
    policy_file({"cluster:get_all": "role:admin"})
    r = api.get("/v1/clusters", headers=MEMBER)
    assert r.status_int == 403
    assert r.json["errors"][0]["detail"] == \
        "Policy doesn't allow cluster:get_all to be performed."
    assert api.get("/v1/clusters", headers=ADMIN).status_int == 200
    # a project-scoped token of a user in a domain is project-scoped
    assert api.get("/v1/clusters", headers={**ADMIN, "X-User-Domain-Id": "default",
                                            "X-Project-Domain-Id": "default"}).status_int == 200


# ---- deprecated aliases and scope ---------------------------------------------------------

OTHER_ROLE = {"X-Roles": "creator", "X-Project-Id": "p-member", "X-User-Id": "u-member"}


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize(("enforce_new", "status"), [(True, 403), (False, 200)])
def test_deprecated_aliases_only_without_new_defaults(api: Client, enforce_new: bool,
                                                      status: int) -> None:
    """A role that is neither reader nor member, in the right project: the new default
    refuses it; the old ``admin_or_owner`` (project match) accepts it when
    ``enforce_new_defaults`` is off."""
    policy.get_enforcer()
    CONF.set_override("enforce_new_defaults", enforce_new, group="oslo_policy")
    policy.reset()
    try:
        assert api.get("/v1/clusters", headers=OTHER_ROLE).status_int == status
        # admin-only rules have no alias: still refused
        assert api.get("/v1/mservices", headers=OTHER_ROLE).status_int == 403
    finally:
        CONF.clear_override("enforce_new_defaults", group="oslo_policy")
        policy.reset()


NO_SCOPE = {"cluster:delete_all_projects", "clustertemplate:publish", "baymodel:publish"}


def test_rules_are_project_scoped_unless_the_reference_says_no_scope() -> None:
    ops = [r for r in list_rules() if ":" in r.name]
    assert {r.name for r in ops if not r.scope_types} == NO_SCOPE
    assert all(r.scope_types == ["project"] for r in ops if r.name not in NO_SCOPE)
    assert {r.name for r in ops if r.name.startswith("federation:")} == {
        f"federation:{op}" for op in ("create", "delete", "detail", "get", "get_all", "update")}
    # aliases exist only for rules whose default changed (never for the admin-only ones)
    for r in ops:
        if r.deprecated_rule is not None:
            assert r.check_str != "rule:context_is_admin", r.name
            assert r.deprecated_rule.check_str in ("rule:admin_or_owner",
                                                   "rule:admin_or_user"), r.name


def test_a_token_that_is_not_project_scoped_is_refused(api: Client) -> None:
    """A domain-scoped admin token (keystonemiddleware sets X-Domain-Id, no project): every
    project-scoped rule is 403."""
    domain_admin = {"X-Roles": "admin", "X-Project-Id": "", "X-User-Id": "u-dom",
                    "X-User-Domain-Id": "default", "X-Domain-Id": "default"}
    r = api.get("/v1/clusters", headers=domain_admin)
    assert r.status_int == 403, r.text
    assert r.json["errors"][0]["detail"] == \
        "Policy doesn't allow cluster:get_all to be performed."
    assert api.get("/v1/clusters", headers=ADMIN).status_int == 200


def test_sample_file_is_current() -> None:
    """etc/policy.yaml.sample is what the generator writes now."""
    out = subprocess.run([processes.script("oslopolicy-sample-generator"), "--namespace",
                          "magnum_clone"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    with open(os.path.join(processes.ROOT, "etc", "policy.yaml.sample")) as f:
        assert f.read() == out.stdout
