"""The package version, in one place (pickles record it)."""

__version__ = "0.1.0"
