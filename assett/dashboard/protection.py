"""The dashboard's protection of small groups lives in reporting, where the API reads it too."""

from ..reporting.protection import disclosure_of, most_opened, protected, registered

__all__ = ["disclosure_of", "most_opened", "protected", "registered"]
