"""The annual evaluation report (HTML + figures + tables)."""

from .html import report

__all__ = ["report"]
