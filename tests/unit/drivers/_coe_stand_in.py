"""A real local HTTP(S) server that STANDS IN for a COE's API (Kubernetes API server, Marathon,
Docker swarm) in tests: canned JSON per path, every request recorded.

It is not a COE: it only answers the GETs the scale-down query makes, with the documents a
test gives it. With ``tls`` it serves HTTPS and requires a client certificate signed by the
given CA, as a Kubernetes API server does.
"""

from __future__ import annotations

import json
import os
import ssl
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from magnum_clone.common.certificates import x509


@dataclass
class Request:
    path: str
    query: str
    client_cn: str | None


@dataclass
class StandIn:
    """What a test sees of the running stand-in."""

    url: str
    routes: dict[str, Any]
    requests: list[Request] = field(default_factory=list)
    status: int = 200


@dataclass(frozen=True)
class ServerTls:
    """The stand-in's certificate (for 127.0.0.1) and the CA its clients must be signed by."""

    ca: x509.KeyPair
    server: x509.KeyPair


def server_tls(ca: x509.KeyPair) -> ServerTls:
    return ServerTls(ca=ca, server=x509.generate_server_cert(ca, "coe-stand-in", ["127.0.0.1"],
                                                             key_size=2048))


def _context(tls: ServerTls, directory: str) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    path = os.path.join(directory, "server.pem")
    with open(path, "wb") as f:
        f.write(tls.server.cert_pem + x509.decrypt_private_key(tls.server.key_pem,
                                                               tls.server.passphrase))
    ctx.load_cert_chain(path)
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=tls.ca.cert_pem.decode("ascii"))
    return ctx


def _client_cn(handler: BaseHTTPRequestHandler) -> str | None:
    getpeercert = getattr(handler.connection, "getpeercert", None)
    cert = getpeercert() if getpeercert else None
    for rdn in (cert or {}).get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                return str(value)
    return None


@contextmanager
def running(routes: Mapping[str, Any], *, tls: ServerTls | None = None) -> Iterator[StandIn]:
    stand_in = StandIn(url="", routes=dict(routes))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            parts = urlsplit(self.path)
            stand_in.requests.append(Request(parts.path, parts.query, _client_cn(self)))
            body = stand_in.routes.get(parts.path)
            status = stand_in.status if body is not None else 404
            data = json.dumps(body if body is not None else {"message": "not found"}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with tempfile.TemporaryDirectory() as d:
        scheme = "http"
        if tls is not None:
            server.socket = _context(tls, d).wrap_socket(server.socket, server_side=True)
            scheme = "https"
        stand_in.url = f"{scheme}://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield stand_in
        finally:
            server.shutdown()
            server.server_close()
            thread.join(5)
