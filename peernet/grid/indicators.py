"""The Grid's indicators: one number each, computed from a network's tables.

Every indicator is a function ``f(ctx, **params) -> Value`` registered in :data:`INDICATORS`;
``ctx`` is a :class:`Context` around one (sliced) network that caches the pieces several
indicators share (direct ties, attendance, month numbers, the previous period). A value of
NaN means *no data*: the table or column the indicator needs is absent, or there is nothing
to measure (no problems raised, no previous period); the ``note`` says which. Everything is
vectorised pandas / numpy / scipy.sparse; no loop runs over interaction rows.

The context is :mod:`peernet.grid.context`; the indicators are written by Grid layer in
:mod:`peernet.grid.bedrock` (Trust, Time, Truth), :mod:`peernet.grid.foundation`
(Communication, Space, Resources, Problem-solving) and :mod:`peernet.grid.outcomes`
(Strategies, Immediate and Ultimate outcomes); importing this module registers them all.
``docs/grid.md`` gives each indicator's formula, the data it needs and its default
thresholds; the rubric (``rubric.toml``) says which element each one scores.
"""

from __future__ import annotations

import pandas as pd

from . import bedrock, foundation, mixing, outcomes  # noqa: F401  (they register the indicators)
from .context import CONTRIBUTION_KINDS, DIRECT_KINDS, INDICATORS, Context, Value

__all__ = ["INDICATORS", "Context", "Value", "indicator_table", "DIRECT_KINDS",
           "CONTRIBUTION_KINDS"]


def indicator_table() -> pd.DataFrame:
    """Every registered indicator: ``function``, ``params``, ``needs``, ``description``.

    Examples
    --------
    >>> t = pn.grid.indicator_table()
    >>> t.set_index("function").at["median_days_to_solve", "needs"]
    'problems: raised_at, solved_at'
    """
    rows = []
    for name, f in INDICATORS.items():
        doc = (f.__doc__ or "").strip().split("\n\n")[0]
        rows.append({"function": name, "params": ", ".join(f.params), "needs": f.needs,
                     "description": " ".join(doc.split())})
    return pd.DataFrame(rows)
