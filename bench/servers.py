"""Gunicorn serving the app, on a socket bound here (port 0 lets the system pick a free one).

The listening socket exists before gunicorn starts, so a first request simply waits in its
backlog until a worker is ready: nobody polls a port, nobody sleeps.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Server:
    """A running gunicorn: its URL and its master process."""

    url: str
    process: subprocess.Popen[bytes]

    def workers(self) -> list[int]:
        """The pids of the master's worker processes."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # Fields after the command's closing parenthesis: state, ppid, ...
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                found.append(int(entry.name))
        return sorted(found)

    def kill_worker(self) -> int:
        """SIGKILL one worker, as the kernel's OOM killer would; the master starts another."""
        pid = self.workers()[0]
        os.kill(pid, signal.SIGKILL)
        return pid


def _no_control_socket() -> list[str]:
    """Recent gunicorn opens a control socket at one fixed path per user: several servers at once
    (parallel tests, other people's) would fight over it, and nothing here uses it."""
    from gunicorn import config

    names = {setting.name for setting in config.KNOWN_SETTINGS}
    return ["--no-control-socket"] if "control_socket_disable" in names else []


def factory(config: Mapping[str, Any] | None = None) -> str:
    """The gunicorn application string: the app factory called with a config dict."""
    return f"assett:create_app({dict(config or {})!r})"


@contextmanager
def gunicorn(
    environment: Mapping[str, str],
    workers: int = 1,
    config: Mapping[str, Any] | None = None,
    port: int = 0,
    log: Path | None = None,
) -> Iterator[Server]:
    """Serve the app with gunicorn (sync workers) until the block ends, then stop it."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(128)
    host, bound = listener.getsockname()
    # Links point at the loopback server; its Host header is then the trusted one.
    env = {"ASSETT_BASE_URL": f"http://{host}", **os.environ, **environment}
    env["PYTHONPATH"] = str(ROOT)
    command = [
        sys.executable, "-m", "gunicorn", "--bind", f"fd://{listener.fileno()}",
        "--workers", str(workers), "--timeout", "60", "--graceful-timeout", "5",
        *_no_control_socket(), factory(config),
    ]  # fmt: skip
    output = open(log, "ab") if log else subprocess.DEVNULL
    process = subprocess.Popen(  # noqa: S603  (fixed arguments)
        command, cwd=ROOT, env=env, pass_fds=(listener.fileno(),), stdout=output, stderr=output
    )
    listener.close()  # gunicorn holds its own copy
    try:
        yield Server(f"http://{host}:{bound}", process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log:
            output.close()  # type: ignore[union-attr]
