"""The version of peernet (kept here so modules can read it without importing the package)."""

__version__ = "0.1.0"
