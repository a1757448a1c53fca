"""CLI commands, one module per area; each registers itself on a group of assett.cli."""

from __future__ import annotations

import click

# Commands attached directly to `flask` (not to a group): appended by the modules below.
TOP_LEVEL: list[click.Command] = []

from . import (  # noqa: E402, F401
    actions,
    dashboard,  # noqa: E402, F401  (animator dashboard)
    demo,
    questionnaires,
    sirene,
    territories,
    translations,
    users,
    worker,
)
