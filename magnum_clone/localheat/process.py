"""Start, reach and stop a real OpenStack Heat running locally as a child process.

The embedded mode and the functional tests need a real Heat but no Keystone.
Heat cannot share our process (it owns the global oslo.config ``CONF`` and
brings ~130 dependencies), so it lives in its own virtualenv
(``.venv-heat``: ``pip install openstack-heat``) and runs
``heat_main.py`` -- API and engine in one process, noauth, SQLite in a state
directory.  This module is the only thing our service knows about it:

    with LocalHeat("/var/lib/magnum-clone/heat") as heat:
        endpoint = heat.endpoint                  # http://127.0.0.1:PORT/v1
        hc = heat.client("my-project")            # heatclient v1 Client
        hc.stacks.list()

Heat's noauth middleware always runs as role ``admin``; the project a request
acts in comes from its ``X-Auth-Project`` header, which :meth:`LocalHeat.client`
sets, so stacks land in the project they are created for (but project
isolation is not enforced).

Stopping sends SIGTERM, on which the launcher exits at once, then SIGKILL
after a grace period: a graceful Heat shutdown with stacks in progress can
take minutes, while SQLite (WAL) keeps every commit atomic and Heat marks
stacks it finds IN_PROGRESS on its next start as FAILED.

Only stdlib, keystoneauth1 and heatclient are imported here.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO, Any

HEAT_VENV_ENV = "MAGNUM_CLONE_HEAT_VENV"
HEAT_MAIN = Path(__file__).resolve().with_name("heat_main.py")
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_HEAT_VENV = REPO_ROOT / ".venv-heat"
LOG_NAME = "heat.log"
READY_MARKER = "LOCALHEAT READY"
SETUP_HINT = (
    "Create it with:\n"
    "    python3.11 -m venv {venv}\n"
    "    {venv}/bin/pip install openstack-heat\n"
    "or point ${env} at an existing virtualenv that has openstack-heat installed."
)


class LocalHeatError(RuntimeError):
    """The local Heat could not be found, started or reached."""


def find_heat_python(heat_venv: str | os.PathLike[str] | None = None) -> str:
    """Path of the Python interpreter of the Heat virtualenv.

    Looks at ``heat_venv``, else ``$MAGNUM_CLONE_HEAT_VENV``, else ``.venv-heat``
    at the repository root.

    :raises LocalHeatError: if that virtualenv has no Python with Heat in it.
    """
    if heat_venv is not None:
        venv, source = Path(heat_venv), "heat_venv argument"
    elif os.environ.get(HEAT_VENV_ENV):
        venv, source = Path(os.environ[HEAT_VENV_ENV]), "$" + HEAT_VENV_ENV
    else:
        venv, source = DEFAULT_HEAT_VENV, "default location"
    python = venv / "bin" / "python"
    hint = SETUP_HINT.format(venv=venv, env=HEAT_VENV_ENV)
    if not python.exists():
        raise LocalHeatError(f"No Heat virtualenv at {venv} ({source}).\n{hint}")
    if not list((venv / "lib").glob("python3*/site-packages/heat/__init__.py")):
        raise LocalHeatError(f"{venv} ({source}) has no openstack-heat installed.\n{hint}")
    return str(python)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalHeat:
    """A local Heat (API + engine) in a child process.

    :param state_dir: directory for Heat's config, SQLite DB and log
        (``heat.log``); reusing it keeps the stacks across restarts.
    :param port: TCP port on 127.0.0.1; ``None`` picks a free one.
    :param fast: TEST ONLY -- scale down Heat's per-resource sleeps and
        polling (the embedded mode keeps Heat's real timing).
    :param heat_venv: the Heat virtualenv (see :func:`find_heat_python`).
    :param notify_url: oslo.messaging transport URL for Heat's
        notifications (``orchestration.stack.*``); ``None`` disables them.
    :param notify_topic: their topic (``None``: ``notifications``), e.g. a
        unique one per test run on a shared broker.
    """

    def __init__(self, state_dir: str, port: int | None = None, fast: bool = False,
                 heat_venv: str | None = None, *, notify_url: str | None = None,
                 notify_topic: str | None = None,
                 start_timeout: float = 90.0, stop_grace: float = 5.0) -> None:
        self.state_dir = os.path.abspath(state_dir)
        self.port = port
        self._auto_port = port is None
        self.fast = fast
        self.heat_venv = heat_venv
        self.notify_url = notify_url
        self.notify_topic = notify_topic
        self.start_timeout = start_timeout
        self.stop_grace = stop_grace
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    # ---- lifecycle ------------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        """``http://127.0.0.1:PORT/v1`` (valid once started)."""
        if self.port is None:
            raise LocalHeatError("LocalHeat has not been started")
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def log_path(self) -> str:
        return os.path.join(self.state_dir, LOG_NAME)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> str:
        """Start Heat and wait until its API answers; returns :attr:`endpoint`.

        With ``port=None`` a free port is picked (and kept for restarts); if
        another process takes it before Heat binds it, a new one is tried.

        :raises LocalHeatError: if Heat exits or does not answer within
            ``start_timeout`` seconds (the message ends with the log's tail).
        """
        if self.running():
            return self.endpoint
        python = find_heat_python(self.heat_venv)
        os.makedirs(self.state_dir, exist_ok=True)
        for attempt in range(3):
            if self.port is None:
                self.port = free_port()
            try:
                self._spawn(python)
                self._wait_ready()
                return self.endpoint
            except LocalHeatError as e:
                self.stop()
                if self._auto_port and attempt < 2 and "cannot listen on" in str(e):
                    self.port = None
                    continue
                raise
            except BaseException:
                self.stop()
                raise
        raise AssertionError("unreachable")

    def _spawn(self, python: str) -> None:
        cmd = [python, str(HEAT_MAIN), "--state-dir", self.state_dir,
               "--port", str(self.port), "--parent-pid", str(os.getpid())]
        if self.fast:
            cmd.append("--fast")
        if self.notify_url:
            cmd += ["--notify-url", self.notify_url]
            if self.notify_topic:
                cmd += ["--notify-topic", self.notify_topic]
        self._log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop())
        self._log.write(f"\n==== {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(cmd)}\n"
                        .encode())
        self._log.flush()
        env = dict(os.environ)
        env["PYTHONWARNINGS"] = "ignore"  # Heat's deprecation noise, not ours
        # Heat must not see our virtualenv or our package on its path.
        env.pop("PYTHONPATH", None)
        self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._log,
                                      stderr=subprocess.STDOUT, env=env,
                                      start_new_session=True, cwd=self.state_dir)

    def _wait_ready(self) -> None:
        assert self._proc is not None
        deadline = time.monotonic() + self.start_timeout
        url = f"http://127.0.0.1:{self.port}/"
        while True:
            code = self._proc.poll()
            if code is not None:
                raise LocalHeatError(
                    f"Heat exited with status {code} while starting.\n{self._log_tail()}")
            if self._answers(url):
                return
            if time.monotonic() > deadline:
                raise LocalHeatError(
                    f"Heat did not answer on {url} within {self.start_timeout:.0f} s.\n"
                    f"{self._log_tail()}")
            time.sleep(0.2)

    @staticmethod
    def _answers(url: str) -> bool:
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no env proxy
        try:
            with direct.open(url, timeout=2):
                return True
        except urllib.error.HTTPError:
            return True  # Heat answers the version document with 300
        except OSError:
            return False

    def _log_tail(self, lines: int = 40) -> str:
        try:
            with open(self.log_path, "rb") as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - 64 * 1024))
                text = f.read().decode(errors="replace")
        except OSError as e:
            return f"(no log: {e})"
        tail = "\n".join(text.splitlines()[-lines:])
        return f"--- last lines of {self.log_path} ---\n{tail}"

    def stop(self) -> None:
        """Stop Heat: SIGTERM (the launcher exits at once), SIGKILL after the grace period."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            try:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=self.stop_grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)
            except ProcessLookupError:
                pass
        if self._log is not None:
            self._log.close()
            self._log = None

    def kill(self) -> None:
        """SIGKILL Heat at once (tests that discard the state directory)."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait(timeout=30)
        self.stop()

    def __enter__(self) -> LocalHeat:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def __del__(self) -> None:
        proc = getattr(self, "_proc", None)
        if proc is not None and proc.poll() is None:
            proc.kill()

    # ---- clients ----------------------------------------------------------------------

    def project_endpoint(self, project_id: str) -> str:
        return f"{self.endpoint}/{project_id}"

    def client(self, project_id: str) -> Any:
        """A python-heatclient v1 ``Client`` acting in ``project_id`` (noauth, role admin)."""
        from heatclient import client as heat_client
        from keystoneauth1 import noauth, session

        sess = session.Session(
            auth=noauth.NoAuth(endpoint=self.project_endpoint(project_id)),
            additional_headers={"X-Auth-Project": project_id, "X-Auth-User": "magnum-clone"},
        )
        sess.session.trust_env = False  # 127.0.0.1 never goes through an http_proxy
        return heat_client.Client("1", session=sess)


def main(argv: list[str] | None = None) -> int:
    """``python -m magnum_clone.localheat.process STATE_DIR [PORT]``: run Heat in the foreground."""
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m magnum_clone.localheat.process STATE_DIR [PORT] [--fast]")
        return 2
    heat = LocalHeat(args[0], port=int(args[1]) if len(args) > 1 and args[1].isdigit() else None,
                     fast="--fast" in args)

    def _exit(signum: int, _frame: Any) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _exit)
    with heat:
        print(f"{READY_MARKER} {heat.endpoint} (log {heat.log_path})", flush=True)
        try:
            while heat.running():
                time.sleep(1)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
