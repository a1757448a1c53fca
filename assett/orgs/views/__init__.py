"""Views of the orgs blueprint, one module per use case."""

from __future__ import annotations

from . import data, members, profile, sharing, siret  # noqa: F401
