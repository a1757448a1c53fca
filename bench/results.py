"""bench/RESULTS.md: one section per script and case, each rewritten by its own run only."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = (
    "# Benchmark results\n\n"
    "Written by the scripts of bench/ (see bench/README.md); each section is replaced by the "
    "run that wrote it, the others are kept.\n"
)


def git_revision() -> str:
    """The measured commit, flagged when the tree had uncommitted changes."""
    git = shutil.which("git")
    if git is None:
        return "unknown"
    try:
        head, dirty = (
            subprocess.run(  # noqa: S603  (fixed arguments)
                [git, *command], cwd=ROOT, check=True, capture_output=True, text=True
            ).stdout.strip()
            for command in (
                ["rev-parse", "--short", "HEAD"],
                # The results file itself, which each run rewrites, is no change to the code.
                ["status", "--porcelain", "-uno", "--", ".", ":(exclude)bench/RESULTS.md"],
            )
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" + uncommitted changes" if dirty else "")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> str:
    """/proc/loadavg as it reads (1, 5 and 15 minute averages, running/total tasks)."""
    try:
        return Path("/proc/loadavg").read_text().strip()
    except OSError:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())


def machine_lines(load_at_start: str | None = None) -> list[str]:
    """Where and on what the figures were measured."""
    start = f"at start `{load_at_start}`, " if load_at_start else ""
    return [
        f"- Code: {git_revision()}; Python {platform.python_version()}",
        f"- Machine: {cpu_model()}, nproc {os.cpu_count()}; /proc/loadavg {start}at the end "
        f"`{load_average()}` (shared machine: a load above the cores means other processes "
        "competed for them)",
    ]


def replace_section(path: Path, key: str, lines: list[str]) -> None:
    """Put the lines between the key's markers, replacing what a previous run wrote there."""
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    if not text.startswith(HEADER):
        text = HEADER  # a file from before the sections: rewritten whole
    begin, end = f"<!-- {key} -->", f"<!-- /{key} -->"
    block = "\n".join([begin, *lines, end])
    if begin in text and end in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
