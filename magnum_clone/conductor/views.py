"""Plain-data views of DB rows handed to drivers (drivers never see ORM objects)."""

from __future__ import annotations

from typing import Any

from magnum_clone.db.sqlalchemy import models
from magnum_clone_drivers.base import ClusterView

_CLUSTER = tuple(c.name for c in models.Cluster.__table__.columns)
_TEMPLATE = tuple(c.name for c in models.ClusterTemplate.__table__.columns)
_NODEGROUP = tuple(c.name for c in models.NodeGroup.__table__.columns)


def _row(obj: Any, cols: tuple[str, ...]) -> dict[str, Any]:
    return {c: getattr(obj, c, None) for c in cols}


def view(cluster: models.Cluster, template: models.ClusterTemplate, *,
         observe_main: bool = True) -> ClusterView:
    """``observe_main``: whether observing it reports the cluster's own stack (False while
    only extra nodegroups are busy)."""
    return ClusterView(cluster=_row(cluster, _CLUSTER), template=_row(template, _TEMPLATE),
                       nodegroups=[_row(ng, _NODEGROUP) for ng in cluster.nodegroups],
                       observe_main=observe_main)
