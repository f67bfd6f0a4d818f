"""The v1 API: the version document and one controller per resource."""

from __future__ import annotations

from typing import Any

import pecan

from magnum_clone.api.controllers import routing
from magnum_clone.api.controllers.v1 import (
    bays,
    certificates,
    cluster_templates,
    clusters,
    credentials,
    federations,
    mservices,
    quotas,
    stats,
)

# the collections the v1 document links to (upstream 23.0 lists these, bays/baymodels too
# up to 16.x: we still serve them)
LINKED = ("clustertemplates", "clusters", "quotas", "certificates", "mservices", "stats",
          "federations", "credentials", "baymodels", "bays")


class V1Controller:
    resources: dict[str, routing.Resource] = {
        "clustertemplates": cluster_templates.ClusterTemplatesController(),
        "clusters": clusters.ClustersController(),
        "baymodels": cluster_templates.BayModelsController(),
        "bays": bays.BaysController(),
        "mservices": mservices.MServicesController(),
        "certificates": certificates.CertificatesController(),
        "credentials": credentials.CredentialsController(),
        "quotas": quotas.QuotasController(),
        "stats": stats.StatsController(),
        "federations": federations.FederationsController(),
    }

    def route(self, parts: list[str], request: Any) -> routing.Route:
        """``parts`` is the path below /v1 without empty segments."""
        if not parts:
            return routing.dispatch(self, {"GET": "document"}, request, [])
        resource = self.resources.get(parts[0])
        if resource is None:
            routing.abort(404)
        return resource._route(parts[1:], request)

    @pecan.expose("json")
    def document(self, **kwargs: str) -> dict[str, Any]:
        """The v1 document (public)."""
        base = str(pecan.request.application_url)
        doc: dict[str, Any] = {
            "id": "v1",
            "media_types": [{"base": "application/json",
                             "type": "application/vnd.openstack.magnum.v1+json"}],
            "links": [{"href": f"{base}/v1/", "rel": "self"},
                      {"href": "http://docs.openstack.org/developer/magnum/dev/"
                               "api-spec-v1.html", "rel": "describedby", "type": "text/html"}],
        }
        for name in LINKED:
            doc[name] = [{"href": f"{base}/v1/{name}/", "rel": "self"},
                         {"href": f"{base}/{name}/", "rel": "bookmark"}]
        doc["nodegroups"] = [
            {"href": f"{base}/v1/clusters/{{cluster_id}}/nodegroups", "rel": "self"},
            {"href": f"{base}/clusters/{{cluster_id}}/nodegroups", "rel": "bookmark"}]
        return doc
