"""Federation queries of the SQLAlchemy backend (a mixin of
:class:`magnum_clone.db.sqlalchemy.api.SQLAlchemyConnection`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oslo_db import exception as db_exc

from magnum_clone.common import exceptions as exc
from magnum_clone.db.sqlalchemy import models
from magnum_clone.db.sqlalchemy.session import (
    _by_ident,
    _columns,
    _one,
    _paginate,
    _reader,
    _writer,
)


def _plain(values: Mapping[str, Any]) -> dict[str, Any]:
    """Status enums are stored as their string value."""
    return {k: (str(v) if k == "status" else v) for k, v in values.items()}


class FederationQueries:
    """The federation methods of the DB interface."""

    def create_federation(self, *, values: Mapping[str, Any]) -> models.Federation:
        row = models.Federation(**_plain(values))
        try:
            with _writer() as session:
                session.add(row)
                session.flush()
        except db_exc.DBDuplicateEntry:
            raise exc.Duplicate(msg=f"A federation with UUID {values.get('uuid')} already "
                                    "exists.") from None
        return row

    def get_federation(self, *, ident: str, project_id: str | None) -> models.Federation:
        with _reader() as session:
            q = session.query(models.Federation)
            if project_id is not None:
                q = q.filter(models.Federation.project_id == project_id)
            return _one(_by_ident(q, models.Federation, ident),  # type: ignore[no-any-return]
                        exc.FederationNotFound(federation=ident),
                        "Multiple federations exist with same name. "
                        "Please use the federation uuid instead.")

    def list_federations(self, *, project_id: str | None, limit: int | None = None,
                         marker: str | None = None, sort_key: str = "id",
                         sort_dir: str = "asc") -> list[Any]:
        with _reader() as session:
            q = session.query(*_columns(models.Federation))
            if project_id is not None:
                q = q.filter(models.Federation.project_id == project_id)
            return _paginate(session, q, models.Federation, limit=limit, marker=marker,
                             sort_key=sort_key, sort_dir=sort_dir,
                             marker_missing=exc.FederationNotFound(federation=marker))

    def update_federation(self, *, uuid: str, values: Mapping[str, Any],
                          expect: Mapping[str, Any] | None = None
                          ) -> models.Federation | None:
        with _writer() as session:
            row = (session.query(models.Federation).filter_by(uuid=uuid).with_for_update()
                   .one_or_none())
            if row is None:
                raise exc.FederationNotFound(federation=uuid)
            for k, v in _plain(expect or {}).items():
                if getattr(row, k) != v:
                    return None
            for k, v in _plain(values).items():
                setattr(row, k, v)
            row.updated_at = models.utcnow()
            session.flush()
            return row

    def destroy_federation(self, *, uuid: str) -> None:
        with _writer() as session:
            if not session.query(models.Federation).filter_by(uuid=uuid).delete():
                raise exc.FederationNotFound(federation=uuid)
