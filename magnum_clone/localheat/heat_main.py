"""Run the real OpenStack Heat (API + engine) in one local process, without Keystone.

Heat 27 ships neither ``heat-all`` nor a ``heat-api`` console script, and its
stock launchers either fork engine workers (which then cannot reach an
in-process ``fake://`` message transport) or expect a WSGI container.  This
launcher wires the pieces together itself so that our embedded mode and our
tests get a *real* Heat in one small process:

* the oslo.service **threading** backend is selected before anything of Heat is
  imported (Heat's own modules pick the backend at import time);
* ``heat.engine.service.EngineService`` runs under
  ``oslo_service.service.Launcher`` -- not ``ServiceLauncher``/``launch()``,
  which would fork a worker the in-process RPC transport cannot reach;
* the paste app ``heat-api`` (pipeline flavour ``noauth``) is served by a
  threaded ``wsgiref`` server on 127.0.0.1;
* RPC and notifications use ``fake://`` (one process), unless
  ``--notify-url`` points notifications at a real broker;
* Heat's shared ``yaql`` parser gets a lock (it is not thread-safe, which
  only shows now that Heat runs on real threads);
* the database is SQLite under the state directory, with the two fixes Heat
  needs there: tables get ``INTEGER PRIMARY KEY AUTOINCREMENT`` (SQLite would
  otherwise reuse row ids after deletes and Heat loses resource-property
  rows, which hangs a ResourceGroup scale-down), and every connection uses WAL,
  a busy timeout and ``BEGIN IMMEDIATE`` (concurrent engine threads otherwise
  fail with "database is locked");
* one launcher owns a state directory (a lock file), so at start-up whatever
  the previous run left IN_PROGRESS is marked FAILED ("Engine went down ..."):
  Heat does that itself only for its legacy engine, and a convergence stack
  would otherwise stay IN_PROGRESS and take over a minute to delete;
* SIGTERM exits at once (a graceful engine stop can take minutes; SQLite in
  WAL mode keeps every commit atomic and the next start cleans up).

``--fast`` is a test-only knob: it scales down Heat's fixed per-resource sleeps
and completion polling (about one second each) and turns off SQLite fsyncs, so
that functional tests finish quickly.  The embedded mode never passes it and
keeps Heat's real timing and durability.

This file is executed by the Python of the Heat virtualenv, so it must import
nothing from ``magnum_clone``: only the standard library, Heat and oslo.

Usage::

    .venv-heat/bin/python heat_main.py --state-dir /tmp/heat --port 8004 [--fast]

When Heat serves requests the launcher prints one line
``LOCALHEAT READY http://127.0.0.1:<port>/v1`` on stdout; ``kill -USR1`` dumps
every thread's stack to the log.
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import os
import secrets
import signal
import socket
import socketserver
import sys
import threading
import time
import types
from typing import Any
from wsgiref import simple_server

READY_MARKER = "LOCALHEAT READY"
# Heat sleeps/polls in steps of about one second; --fast multiplies them by this.
FAST_SLEEP_FACTOR = 0.05
ENGINE_START_TIMEOUT = 60.0
SQLITE_BUSY_TIMEOUT_MS = 60_000
LOG_LEVELS = ",".join([
    "amqp=WARN",
    "amqplib=WARN",
    "sqlalchemy=WARN",
    "oslo.messaging=INFO",
    "oslo_messaging=INFO",
    "iso8601=WARN",
    "requests.packages.urllib3.connectionpool=WARN",
    "urllib3.connectionpool=WARN",
    "keystonemiddleware=WARN",
    "routes.middleware=WARN",
    "stevedore=WARN",
    "oslo_policy=WARN",
    "heat.engine.environment=ERROR",
])


def _parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--state-dir", required=True,
                        help="directory for heat.conf, the SQLite DB and the key file")
    parser.add_argument("--port", type=int, required=True, help="TCP port on 127.0.0.1")
    parser.add_argument("--fast", action="store_true",
                        help="TEST ONLY: scale down Heat's per-resource sleeps and polling")
    parser.add_argument("--sleep-factor", type=float, default=None,
                        help=f"override the --fast sleep factor (default {FAST_SLEEP_FACTOR})")
    parser.add_argument("--notify-url", default=None,
                        help="oslo.messaging transport URL for Heat notifications "
                             "(e.g. rabbit://guest:guest@127.0.0.1:5672/); default: none")
    parser.add_argument("--notify-topic", default=None,
                        help="notification topic (default: oslo.messaging's 'notifications')")
    parser.add_argument("--parent-pid", type=int, default=None,
                        help="exit when this process is gone (no orphaned Heat)")
    parser.add_argument("--debug", action="store_true", help="Heat debug logging")
    return parser.parse_args(argv)


# --------------------------------------------------------------------------- files


def _heat_etc_dir() -> str:
    """The ``etc/heat`` directory pip installs into the Heat virtualenv."""
    candidates = [os.path.join(sys.prefix, "etc", "heat"),
                  os.path.join(sys.base_prefix, "etc", "heat"),
                  "/etc/heat"]
    for path in candidates:
        if os.path.isfile(os.path.join(path, "api-paste.ini")):
            return path
    raise SystemExit(f"LOCALHEAT ERROR: api-paste.ini not found in {', '.join(candidates)}")


def _auth_encryption_key(state_dir: str) -> str:
    """Heat encrypts stored credentials with this key; it must survive restarts."""
    path = os.path.join(state_dir, "auth_encryption_key")
    if os.path.exists(path):
        with open(path) as f:
            return f.read().strip()
    key = secrets.token_hex(16)  # 32 characters, as Heat requires
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


def _token_response(port: int) -> dict[str, Any]:
    """A Keystone v3 token body for the noauth middleware.

    ``OS::Heat::SoftwareConfig`` (and other Heat-internal clients) look up the
    ``orchestration`` and ``cloudformation`` endpoints in the token's catalog.
    """
    base = f"http://127.0.0.1:{port}"
    endpoints = [
        ("orchestration", "heat", base + "/v1/admin"),
        ("cloudformation", "heat-cfn", base + "/v1"),
    ]
    catalog = [
        {
            "type": svc_type,
            "name": name,
            "id": "localheat-" + svc_type,
            "endpoints": [
                {"id": f"localheat-{svc_type}-{iface}", "interface": iface,
                 "region": "RegionOne", "region_id": "RegionOne", "url": url}
                for iface in ("public", "internal", "admin")
            ],
        }
        for svc_type, name, url in endpoints
    ]
    return {
        "token": {
            "methods": ["token"],
            "expires_at": "2999-12-31T23:59:59.000000Z",
            "issued_at": "2020-01-01T00:00:00.000000Z",
            "user": {"id": "admin", "name": "admin",
                     "domain": {"id": "default", "name": "Default"}},
            "project": {"id": "admin", "name": "admin",
                        "domain": {"id": "default", "name": "Default"}},
            "roles": [{"id": "admin", "name": "admin"}],
            "catalog": catalog,
        }
    }


def _write_config(args: argparse.Namespace, etc_dir: str) -> str:
    state = os.path.abspath(args.state_dir)
    os.makedirs(state, exist_ok=True)
    policy_file = os.path.join(state, "policy.yaml")
    token_file = os.path.join(state, "token_response.json")
    with open(policy_file, "w") as f:
        # noauth always runs as role admin: let it list stacks of all projects.
        f.write('"context_is_admin": "role:admin"\n'
                '"stacks:global_index": "rule:context_is_admin"\n')
    with open(token_file, "w") as f:
        json.dump(_token_response(args.port), f, indent=1)

    notify_driver = "messagingv2" if args.notify_url else "noop"
    notify_transport = (f"transport_url = {args.notify_url}\n") if args.notify_url else ""
    if args.notify_url and args.notify_topic:
        notify_transport += f"topics = {args.notify_topic}\n"
    conf = f"""\
# Written by magnum_clone/localheat/heat_main.py on every start; edits are lost.
[DEFAULT]
transport_url = fake://
host = localheat
debug = {str(bool(args.debug)).lower()}
use_stderr = true
auth_encryption_key = {_auth_encryption_key(state)}
deferred_auth_method = password
num_engine_workers = 1
environment_dir = {os.path.join(etc_dir, "environment.d")}
template_dir = {os.path.join(etc_dir, "templates")}
max_stacks_per_tenant = 100000
default_log_levels = {LOG_LEVELS}

[database]
connection = sqlite:///{os.path.join(state, "heat.sqlite")}

[paste_deploy]
flavor = noauth
api_paste_config = {os.path.join(etc_dir, "api-paste.ini")}

[noauth]
token_response = {token_file}

[oslo_policy]
policy_file = {policy_file}
enforce_new_defaults = false
enforce_scope = false

[oslo_messaging_notifications]
driver = {notify_driver}
{notify_transport}"""
    conf_path = os.path.join(state, "heat.conf")
    with open(conf_path, "w") as f:
        f.write(conf)
    return conf_path


# --------------------------------------------------------------------------- SQLite


_BEGIN_IMMEDIATE = threading.Event()
# NORMAL is durable enough with WAL; --fast (tests, state thrown away) uses OFF.
_SQLITE_SYNCHRONOUS = ["NORMAL"]


def _install_sqlite_fixes() -> None:
    """Make SQLite behave under Heat's concurrent engine threads.

    1. ``CREATE TABLE`` on SQLite gets ``AUTOINCREMENT`` for single integer
       primary keys, so row ids are never reused after deletes (Heat's
       migrations create the tables, so we hook the DDL compiler).
    2. Every connection runs in WAL mode with a busy timeout, and every
       transaction starts with ``BEGIN IMMEDIATE`` so that writers queue on
       the busy timeout instead of failing with "database is locked" when a
       read transaction tries to upgrade to a write.
    """
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.ext.compiler import compiles
    from sqlalchemy.schema import CreateTable

    @compiles(CreateTable, "sqlite")
    def _create_table_autoincrement(element: Any, compiler: Any, **kw: Any) -> str:
        table = element.element
        pk_cols = list(table.primary_key.columns)
        if (len(pk_cols) == 1 and table.autoincrement_column is not None
                and table.autoincrement_column is pk_cols[0]):
            table.dialect_kwargs["sqlite_autoincrement"] = True
        return compiler.visit_create_table(element, **kw)

    @event.listens_for(Engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        if type(dbapi_conn).__module__.split(".")[0] not in ("sqlite3", "pysqlite2"):
            return
        # Hand transaction control to SQLAlchemy (the "begin" hook below);
        # oslo.db does the same for its engines.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS:d}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute(f"PRAGMA synchronous = {_SQLITE_SYNCHRONOUS[0]}")
        cur.close()

    @event.listens_for(Engine, "begin", insert=True)
    def _on_begin(conn: Any) -> None:
        # oslo.db emits its own plain BEGIN unless this marker is set (and
        # clears it on commit/rollback); our listener runs first.
        if (conn.dialect.name == "sqlite" and _BEGIN_IMMEDIATE.is_set()
                and "in_transaction" not in conn.info):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            conn.info["in_transaction"] = True


def _check_autoincrement(db_path: str) -> None:
    """Fail loudly if an existing DB predates the AUTOINCREMENT fix."""
    import sqlite3

    bad = []
    con = sqlite3.connect(db_path)
    try:
        rows = con.execute("SELECT name, sql FROM sqlite_master WHERE type='table'").fetchall()
        for name, sql in rows:
            if name in ("alembic_version", "sqlite_sequence"):
                continue
            cols = con.execute(f'PRAGMA table_info("{name}")').fetchall()
            pks = [c for c in cols if c[5]]  # (cid, name, type, notnull, default, pk)
            if (len(pks) == 1 and pks[0][2].upper() == "INTEGER"
                    and "AUTOINCREMENT" not in (sql or "").upper()):
                bad.append(name)
    finally:
        con.close()
    if bad:
        raise SystemExit(f"LOCALHEAT ERROR: tables without AUTOINCREMENT in {db_path}: {bad}; "
                         "delete the state directory and start again")


def _lock_state_dir(state_dir: str) -> Any:
    """One launcher per state directory: the reset below assumes no other engine."""
    import fcntl

    handle = open(os.path.join(state_dir, "heat.lock"), "w")  # noqa: SIM115 (held for life)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise SystemExit(f"LOCALHEAT ERROR: another local Heat uses {state_dir}") from None
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def _reset_interrupted_work(db_path: str) -> int:
    """Mark stacks and resources left IN_PROGRESS by a previous run as FAILED.

    Heat resets such stacks at start-up only for its legacy engine; convergence
    stacks stay IN_PROGRESS, and deleting one then waits for the dead engine
    (over a minute).  This launcher is the only engine of its state directory
    (see _lock_state_dir), so whatever was in progress when it last stopped is
    lost: record that the way Heat itself words it, release the dead engine's
    resource and stack locks and drop its traversal sync points.
    """
    import sqlite3

    reason = "Engine went down during stack {action} (local Heat restarted)"
    con = sqlite3.connect(db_path)
    try:
        with con:
            stacks = con.execute(
                "SELECT id, action FROM stack WHERE status = 'IN_PROGRESS' "
                "AND deleted_at IS NULL").fetchall()
            for stack_id, action in stacks:
                con.execute("UPDATE stack SET status = 'FAILED', status_reason = ? "
                            "WHERE id = ?", (reason.format(action=action), stack_id))
            con.execute("UPDATE resource SET status = 'FAILED', status_reason = "
                        "'Engine went down (local Heat restarted)' "
                        "WHERE status = 'IN_PROGRESS'")
            con.execute("UPDATE resource SET engine_id = NULL WHERE engine_id IS NOT NULL")
            con.execute("DELETE FROM stack_lock")
            con.execute("DELETE FROM sync_point")
    finally:
        con.close()
    return len(stacks)


def _serialise_yaql_parsing() -> None:
    """Make Heat's ``yaql`` function safe under the threading backend.

    Heat parses every ``yaql`` expression with one process-wide parser built
    on PLY, whose lexer and parser keep state in the shared objects.  Under
    eventlet that was safe; with real threads, nested stacks created at the
    same time corrupt each other's parse ("Bad expression Parse error:
    unexpected end of statement").  A lock around the parse fixes it (parsing
    is short; evaluation stays concurrent).
    """
    from heat.engine.hot import functions

    lock = threading.Lock()
    parse = functions.Yaql._parse

    def locked_parse(self: Any, expression: Any) -> Any:
        with lock:
            return parse(self, expression)

    functions.Yaql._parse = locked_parse


# --------------------------------------------------------------------------- timing


class _ScaledTime(types.ModuleType):
    """A stand-in for the ``time`` module whose ``sleep`` is scaled (test only)."""

    def __init__(self, factor: float) -> None:
        super().__init__("time")
        self._factor = factor

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds * self._factor if seconds else seconds)


def _speed_up_heat(factor: float) -> None:
    """Scale Heat's fixed sleeps: task stepping, convergence leaf triggering,
    stack-lock retries.  Wall-clock waits (``TestResource`` ``wait_secs``,
    stack timeouts) keep their real length."""
    from heat.engine import scheduler, service, stack, worker

    scaled = _ScaledTime(factor)
    for module in (scheduler, stack, service, worker):
        module.time = scaled  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- serving


class _ThreadingWSGIServer(socketserver.ThreadingMixIn, simple_server.WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


class _QuietHandler(simple_server.WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def _reserve_port(port: int) -> socket.socket:
    """Bind and listen first, so a taken port fails in milliseconds, not after start-up."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as e:
        sock.close()
        raise SystemExit(f"LOCALHEAT ERROR: cannot listen on 127.0.0.1:{port}: {e}") from None
    sock.listen(_ThreadingWSGIServer.request_queue_size)
    return sock


def _make_server(sock: socket.socket, app: Any) -> _ThreadingWSGIServer:
    server = _ThreadingWSGIServer(sock.getsockname(), _QuietHandler, bind_and_activate=False)
    server.socket.close()
    server.socket = sock
    server.server_address = sock.getsockname()
    server.server_name, server.server_port = "127.0.0.1", server.server_address[1]
    server.setup_environ()
    server.set_app(app)
    return server


def _watch_parent(parent_pid: int) -> None:
    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                os._exit(0)
            if os.getppid() != parent_pid:
                os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(sys.argv[1:] if argv is None else argv)
    # `kill -USR1 <pid>` dumps every thread's stack to stderr (the log).
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    if args.parent_pid:
        _watch_parent(args.parent_pid)

    listen_sock = _reserve_port(args.port)

    # The threading backend must be chosen before any Heat module is imported.
    from oslo_service import backend

    backend.init_backend(backend.BackendType.THREADING)

    if args.fast:
        _SQLITE_SYNCHRONOUS[0] = "OFF"
    etc_dir = _heat_etc_dir()
    os.makedirs(args.state_dir, exist_ok=True)
    state_lock = _lock_state_dir(args.state_dir)  # noqa: F841 (held until exit)
    conf_path = _write_config(args, etc_dir)
    _install_sqlite_fixes()

    from heat import version as heat_version
    from heat.common import config as heat_config
    from heat.common import messaging
    from heat.db import migration
    from oslo_config import cfg
    from oslo_log import log as logging

    conf = cfg.CONF
    logging.register_options(conf)
    conf(args=[], project="heat", prog="heat-api",
         version=heat_version.version_info.version_string(),
         default_config_files=[conf_path])
    logging.setup(conf, "heat")
    log = logging.getLogger("localheat")
    heat_config.set_config_defaults()

    db_path = os.path.join(os.path.abspath(args.state_dir), "heat.sqlite")
    migration.db_sync()
    _check_autoincrement(db_path)
    interrupted = _reset_interrupted_work(db_path)
    if interrupted:
        log.warning("%d stack(s) left IN_PROGRESS by the previous run marked FAILED",
                    interrupted)
    _BEGIN_IMMEDIATE.set()

    if args.fast or args.sleep_factor is not None:
        factor = args.sleep_factor if args.sleep_factor is not None else FAST_SLEEP_FACTOR
        _speed_up_heat(factor)
        log.warning("TEST MODE: Heat sleeps and polling scaled by %s", factor)

    _serialise_yaql_parsing()
    messaging.setup()

    from heat.engine import service as engine_service
    from heat.rpc import api as rpc_api
    from oslo_service import service as oslo_service_mod

    engine = engine_service.EngineService(conf.host, rpc_api.ENGINE_TOPIC)
    launcher = oslo_service_mod.Launcher(conf, restart_method="mutate")
    launcher.launch_service(engine)
    deadline = time.monotonic() + ENGINE_START_TIMEOUT
    # Launcher.start runs EngineService.start in a thread; its last step creates
    # manage_thread_grp, after which the RPC server is listening.
    while getattr(engine, "manage_thread_grp", None) is None:
        if time.monotonic() > deadline:
            raise SystemExit("LOCALHEAT ERROR: the Heat engine did not start")
        time.sleep(0.05)

    app = heat_config.load_paste_app("heat-api")
    server = _make_server(listen_sock, app)

    def _terminate(signum: int, _frame: Any) -> None:
        # A graceful EngineService.stop waits for stack threads and can take
        # minutes.  SQLite (WAL) commits are atomic and the next start marks
        # whatever was in progress FAILED (_reset_interrupted_work): just exit.
        log.info("signal %s: exiting", signum)
        os._exit(0)

    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)

    endpoint = f"http://127.0.0.1:{args.port}/v1"
    log.info("Heat %s serving on %s (state dir %s)",
             heat_version.version_info.version_string(), endpoint, args.state_dir)
    print(f"{READY_MARKER} {endpoint}", flush=True)
    try:
        server.serve_forever(poll_interval=0.5)
    finally:
        launcher.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
