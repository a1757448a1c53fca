"""Pure domain code: theme definitions, loading, scoring and diffs; no Flask, no database."""
