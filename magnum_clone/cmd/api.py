"""magnum-clone-api: the REST API alone (conductors run elsewhere, RabbitMQ between)."""

from __future__ import annotations

from magnum_clone.api import app
from magnum_clone.cmd import prepare, wsgi
from magnum_clone.conductor import certs
from magnum_clone.conf import CONF


def main() -> None:
    prepare(description="magnum-clone API server")
    certs.check()  # the API signs CSRs and reads CAs through the same cert manager
    srv = wsgi.make_server(CONF.api.host, CONF.api.port, app.setup_app())
    print(f"magnum-clone-api serving on http://{CONF.api.host}:{CONF.api.port}", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
