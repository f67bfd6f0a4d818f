"""The ``x509keypair`` table as a :class:`~.managers.x509keypair.KeyPairStorage`.

A thin adapter over the three explicit methods of the DB interface
(:meth:`~magnum_clone.db.api.Connection.create_x509keypair` and friends), so the cert manager
stays free of SQLAlchemy and its tests can use a dict.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from magnum_clone.db import api as db_api


class DBKeyPairStorage:
    """:class:`KeyPairStorage` over the service DB; ``project_id``/``user_id`` are recorded on
    every row it creates (informational: references are what grant access)."""

    def __init__(self, connection: db_api.Connection | None = None, *,
                 project_id: str | None = None, user_id: str | None = None) -> None:
        self._db = connection
        self.project_id = project_id
        self.user_id = user_id

    @property
    def db(self) -> db_api.Connection:
        return self._db or db_api.get_instance()

    def create(self, values: Mapping[str, str | None]) -> str:
        return self.db.create_x509keypair(values={**values, "project_id": self.project_id,
                                                  "user_id": self.user_id})

    def get(self, uuid: str) -> Mapping[str, Any] | None:
        return self.db.get_x509keypair(uuid=uuid)

    def destroy(self, uuid: str) -> bool:
        return self.db.destroy_x509keypair(uuid=uuid)
