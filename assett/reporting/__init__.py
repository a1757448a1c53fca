"""Reporting: the dashboard's figures, their tables and exports."""
