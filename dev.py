#!/usr/bin/env python3
"""Developer entry point needing only Python 3.11+: `python3 dev.py run` or `python3 dev.py test`.

It creates `.venv/` next to this file, installs the project into it (again only when
pyproject.toml changed), then:
  run   applies the Alembic migrations to SQLite in instance/, loads the default questionnaires
        and the demo territory (idempotent), prints the URL and demo logins, starts the
        background worker (`flask worker`, queue in instance/jobs.db) and serves the app; Ctrl+C
        stops both;
  test  runs the whole test suite (extra arguments go to pytest).
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_venv(extras: str) -> None:
    """Create the virtualenv and install the project with the given extras, once per change."""
    if sys.version_info < (3, 11):  # noqa: UP036  (this script may be run by an older python3)
        sys.exit("ASSETT needs Python 3.11 or newer.")
    if not PYTHON.exists():
        print(f"Creating the virtual environment in {VENV} …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    marker = VENV / f".installed-{extras or 'base'}-{digest}"
    if marker.exists():
        return
    print("Installing dependencies …", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    target = f".[{extras}]" if extras else "."
    subprocess.run([*pip, "-e", target], check=True, cwd=ROOT)
    marker.touch()


def flask(*args: str) -> None:
    subprocess.run([str(PYTHON), "-m", "flask", "--app", "assett", *args], check=True, cwd=ROOT)


def run(args: list[str]) -> None:
    ensure_venv("")
    serve(args)


def serve(args: list[str]) -> None:
    """Migrate, load the demo, then serve the app with its background worker beside it."""
    host = os.environ.get("ASSETT_HOST", "127.0.0.1")
    port = os.environ.get("ASSETT_PORT", "5000")
    # Links in e-mails are built on it; the app refuses to start without it outside debug.
    os.environ.setdefault("ASSETT_BASE_URL", f"http://{host}:{port}")
    os.environ.setdefault("ASSETT_TRUSTED_HOSTS", "localhost,127.0.0.1")
    flask("db", "upgrade")
    flask("demo", "--url", f"http://{host}:{port}")
    command = [str(PYTHON), "-m", "flask", "--app", "assett"]
    children: list[subprocess.Popen[bytes]] = []
    interrupted = False

    def on_ctrl_c(signum: int, frame: object) -> None:
        # Ctrl+C in a terminal reaches the whole group; a SIGINT sent to this launcher alone
        # is passed on to the server. No exception is raised here, so no wait for a child
        # is ever cut short (a child left unwaited stays a zombie in the group).
        nonlocal interrupted
        interrupted = True
        if len(children) > 1 and children[1].poll() is None:
            children[1].send_signal(signal.SIGINT)

    previous = signal.signal(signal.SIGINT, on_ctrl_c)
    try:
        # The worker runs the jobs (e-mails…) the app queues; it stops with the server.
        children.append(subprocess.Popen([*command, "worker"], cwd=ROOT))
        print(f"\nServing on http://{host}:{port}/ (Ctrl+C to stop)\n", flush=True)
        server_command = [*command, "run", "--host", host, "--port", port, *args]
        children.append(subprocess.Popen(server_command, cwd=ROOT))
        code = children[1].wait()
        if code and not interrupted:
            raise SystemExit(code)
    finally:
        for child in reversed(children):
            stop(child)
        signal.signal(signal.SIGINT, previous)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ask a child process to finish its current job and exit; kill it if it does not."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test(args: list[str]) -> None:
    ensure_venv("dev")
    # One worker per core unless the caller chose (-n 0 runs everything in one process).
    if not any(arg == "-n" or arg.startswith(("-n", "--numprocesses")) for arg in args):
        args = ["-n", "auto", *args]
    # pytest keeps the test modules it rewrote (and Python the modules it compiled) only where
    # bytecode may be written: without it each worker, and each process a test starts,
    # compiles everything again (a worker's collection takes 12 s of CPU instead of 5 s).
    environment = {
        name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"
    }
    result = subprocess.run([str(PYTHON), "-m", "pytest", *args], cwd=ROOT, env=environment)
    sys.exit(result.returncode)


def main() -> None:
    commands = {"run": run, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(f"usage: python3 dev.py {{{'|'.join(commands)}}} [arguments]")
    try:
        commands[sys.argv[1]](sys.argv[2:])
    except KeyboardInterrupt:
        pass
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode)


if __name__ == "__main__":
    main()
