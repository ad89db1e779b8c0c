"""The annual evaluation report (HTML + figures + tables).

``peernet.report.html`` writes it (``pn.report``); ``narrative`` holds its words (highlights,
sentences, labels) and ``format`` its one number formatter. This package imports none of
them itself, so the evaluation can use ``narrative`` without importing the writer.
"""

__all__: list[str] = []
