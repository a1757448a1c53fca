"""Synthetic territories for benchmarks (development only: not part of the shipped package)."""

from .generate import SyntheticReport, generate_territory
from .network import SYNTHETIC_PASSWORD
from .profiles import NAF_CODES

__all__ = ["NAF_CODES", "SYNTHETIC_PASSWORD", "SyntheticReport", "generate_territory"]
