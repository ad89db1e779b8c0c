"""The Grid's survey indicators' shared pieces: a survey's scale and the network figures'
note (the figures themselves: :attr:`Context.survey_network`)."""

from __future__ import annotations

import math

import pandas as pd

from ..report.i18n import N_
from .context import Context, Value, no_data

__all__ = ["scale_max", "response_text", "survey_pct"]

_DEFAULT_SCALE_MAX = 4.0


def scale_max(s: pd.DataFrame) -> pd.Series:
    if "scale_max" in s.columns:
        return s["scale_max"].fillna(_DEFAULT_SCALE_MAX)
    return pd.Series(_DEFAULT_SCALE_MAX, index=s.index)


def response_text(sn: pd.Series) -> str:
    from ..metrics.survey import response_note

    rate = float(sn.get("response_rate", math.nan))
    note = response_note(rate)
    text = (N_("response rate {rate}").format(rate=f"{rate:.0%}") if not math.isnan(rate)
            else N_("response rate unknown"))
    return N_("{text}, {note}").format(text=text, note=note) if note else text


def survey_pct(ctx: Context, key: str, items: str) -> Value:
    sn = ctx.survey_network
    if sn is None or math.isnan(sn.get(key, math.nan)):
        return no_data(N_("no survey ratings of the items {items}").format(items=items))
    return Value(float(sn[key]), N_("{survey}: {response}").format(survey=sn.name,
                                                                 response=response_text(sn)))
