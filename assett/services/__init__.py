"""Services: writes as small verb-named functions, queries one per function."""
