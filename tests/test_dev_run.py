"""`python3 dev.py run`, the README's first command: the demo, the app and its worker.

The virtualenv step is skipped (the tests already run in one): this drives `dev.serve`, what
`run` does once the dependencies are installed, as a process group that Ctrl+C stops.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

from assett import jobs
from assett.tasks import check_worker

ROOT = Path(__file__).resolve().parent.parent
LAUNCH = (
    "import sys; from pathlib import Path; import dev; "
    "dev.PYTHON = Path(sys.executable); dev.serve([])"
)


def _port() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = int(worker.removeprefix("gw") or 0) if worker.startswith("gw") else 0
    return 5850 + index


def _lines(process: subprocess.Popen[str]) -> tuple[queue.Queue[str], threading.Thread]:
    """The process's output, line by line, read by a thread (readline blocks)."""
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put("")  # end of output

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return lines, reader


def _wait_for(lines: queue.Queue[str], text: str, seen: list[str], timeout: float) -> None:
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"{text!r} not printed within {timeout} s:\n{''.join(seen)}")
        seen.append(line)
        if text in line:
            return
        if line == "":
            pytest.fail(f"the process ended before printing {text!r}:\n{''.join(seen)}")


def test_dev_run_serves_the_demo_and_runs_its_worker_until_ctrl_c(tmp_path: Path) -> None:
    port = _port()
    queue_url = f"sqlite:///{tmp_path / 'jobs.db'}"
    environment = {
        **os.environ,
        "ASSETT_PORT": str(port),
        "ASSETT_DATABASE_URL": f"sqlite:///{tmp_path / 'assett.db'}",
        "ASSETT_QUEUE_URL": queue_url,
        "ASSETT_SECRET_KEY": "dev-run-test",
        "PYTHONUNBUFFERED": "1",
    }
    environment.pop("ASSETT_REDIS_URL", None)
    process = subprocess.Popen(  # noqa: S603  (our own launcher)
        [sys.executable, "-c", LAUNCH],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as in a terminal
    )
    seen: list[str] = []
    try:
        lines, reader = _lines(process)
        _wait_for(lines, "acteur@demo.assett.example", seen, timeout=300)
        _wait_for(lines, f"Running on http://127.0.0.1:{port}", seen, timeout=60)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/connexion", timeout=30) as page:
            assert page.status == 200
            assert 'name="email"' in page.read().decode()

        jobs.use(queue_url)
        try:
            seen_by_worker = check_worker().get(blocking=True, timeout=60)
        finally:
            jobs.use("immediate")
        assert seen_by_worker["database"] == "sqlite"
        assert seen_by_worker["territories"] >= 1  # the demo territory
    finally:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl+C reaches the whole group
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        reader.join(timeout=30)
        assert process.stdout is not None
        process.stdout.close()
    # The worker stopped with the server: nothing of the group is left running.
    # (A child killed but never waited for would stay as a zombie in the group.)
    left = subprocess.run(  # noqa: S603
        ["ps", "-o", "pid,stat,args", "-g", str(process.pid)],  # noqa: S607
        capture_output=True,
        text=True,
    ).stdout
    try:
        os.killpg(process.pid, 0)
    except ProcessLookupError:
        return
    pytest.fail(f"still in the group after Ctrl+C:\n{left}")
