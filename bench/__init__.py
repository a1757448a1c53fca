"""Benchmarks, load tests and the synthetic data they run on (development only, not shipped)."""
