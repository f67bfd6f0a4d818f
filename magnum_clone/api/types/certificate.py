"""Request and response shapes of /v1/certificates (reference §6)."""

from __future__ import annotations

from typing import Any

from magnum_clone.api.types import base as t
from magnum_clone.api.types import links as lk


class CertificatePOST(t.Base):
    """``{"cluster_uuid": "<uuid or name>", "csr": "<PEM>", "ca_cert_type"?: "..."}``.

    Missing ``cluster_uuid`` or ``csr`` is 400 (upstream answers 500). ``bay_uuid`` is the
    pre-cluster alias some old clients still send.
    """

    cluster_uuid = t.wsattr(t.text)
    bay_uuid = t.wsattr(t.text)
    csr = t.wsattr(t.text, mandatory=True)
    ca_cert_type = t.wsattr(t.text)
    pem = t.wsattr(t.text, readonly=True)
    links = t.wsattr(t.ArrayType(t.DictType(t.text, t.text)), readonly=True)


def render(base: str, cluster_uuid: str, pem: str, **extra: Any) -> dict[str, Any]:
    return {"cluster_uuid": cluster_uuid, **extra, "pem": pem,
            "links": lk.links(base, "certificates", cluster_uuid)}
