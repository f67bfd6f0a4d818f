"""oslo.policy's generators work with our namespace (policy in code is the source)."""

from __future__ import annotations

import subprocess

from tests.fixtures import processes


def test_policy_generators_know_our_rules() -> None:
    for tool in ("oslopolicy-sample-generator", "oslopolicy-policy-generator"):
        out = subprocess.run([processes.script(tool), "--namespace", "magnum_clone"],
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr[-2000:]
        assert "cluster:create" in out.stdout and "clustertemplate:publish" in out.stdout
