"""Portfolio figures: several networks side by side (draw only; numbers from a Portfolio)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["portfolio_heatmap", "portfolio_maps"]


def _grid_frame(data: Any) -> pd.DataFrame:
    if hasattr(data, "grid") and callable(data.grid):  # a Portfolio
        data = data.grid()
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"portfolio_heatmap takes a Portfolio or its .grid() table (networks "
                        f"x elements); got {type(data).__name__}")
    return data


def portfolio_heatmap(data: Any, *, ax: Any = None, annotate: bool = True,
                      cmap: str = "RdYlGn", **kwargs: Any) -> Any:
    """Heat map of networks (rows) x Community Change Grid elements (columns).

    Parameters
    ----------
    data : Portfolio or DataFrame
        A :class:`~peernet.Portfolio` (its :meth:`~peernet.Portfolio.grid`: each network's
        evaluated period) or such a table: index the networks, columns the elements,
        values the 0-100 scores.
    ax : matplotlib Axes, optional
        Default: the current Axes.
    annotate : bool, default True
        Write each score in its cell; a cell without data shows "n/a" on grey hatching.
    cmap : str, default "RdYlGn"
        Colour map over 0-100 (red low, green high).
    **kwargs
        Passed to ``imshow``.

    Returns
    -------
    matplotlib.axes.Axes
        The image has gid ``"peernet-portfolio-heatmap"``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> df = pd.DataFrame({"trust": [80.0, np.nan], "time": [60.0, 40.0]},
    ...                   index=["north", "south"])
    >>> ax = pn.plot.portfolio_heatmap(df)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['north', 'south']
    >>> plt.close(ax.figure)
    """
    import matplotlib.pyplot as plt

    df = _grid_frame(data)
    if ax is None:
        ax = plt.gca()
    values = df.to_numpy(dtype="float64") if df.size else np.zeros((0, 0))
    masked = np.ma.masked_invalid(values)
    cm = plt.get_cmap(cmap).with_extremes(bad="#eeeeee")
    image = ax.imshow(masked, cmap=cm, vmin=0, vmax=100, aspect="auto",
                      interpolation="nearest", **kwargs)
    image.set_gid("peernet-portfolio-heatmap")
    ax.set_xticks(range(df.shape[1]), [str(c).replace("_", " ") for c in df.columns],
                  rotation=40, ha="right")
    ax.set_yticks(range(df.shape[0]), [str(i) for i in df.index])
    ax.tick_params(length=0)
    for r in range(df.shape[0]):
        for c in range(df.shape[1]):
            v = values[r, c]
            if np.isnan(v):
                ax.add_patch(plt.Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, hatch="///",
                                           edgecolor="#bbbbbb", linewidth=0))
                if annotate:
                    ax.text(c, r, "n/a", ha="center", va="center", fontsize=7, color="#777777")
            elif annotate:
                ax.text(c, r, f"{v:.0f}", ha="center", va="center", fontsize=8,
                        color="white" if v < 20 or v > 90 else "black")
    ax.set_title("Community Change Grid: element scores (0-100)")
    ax.figure.colorbar(image, ax=ax, fraction=0.03, pad=0.02, label="score")
    return ax


def portfolio_maps(evaluations: Mapping[str, Any], *, color_by: str = "org",
                   columns: int = 3, panel_size: float = 3.6, seed: int = 0) -> Any:
    """Small multiples: each network's map in its evaluated period, one panel a network.

    Each panel is :func:`peernet.plot.network_map` of ``ev.slices[ev.current]`` with the
    evaluation's member metrics (nothing computed again), no labels, no highlights and no
    legend (colours are per network: organizations differ between networks).

    Parameters
    ----------
    evaluations : mapping of str to Evaluation
        By network name (a :attr:`Portfolio.evaluations`).
    color_by : str, default "org"
        As in :func:`~peernet.plot.network_map`; a network without the column is coloured
        by community.
    columns : int, default 3
        Panels per row.
    panel_size : float, default 3.6
        Width and height of a panel in inches.
    seed : int, default 0
        Layout seed.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from .maps import network_map

    names = list(evaluations)
    n = max(len(names), 1)
    cols = max(1, min(columns, n))
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(panel_size * cols, panel_size * rows),
                             squeeze=False)
    for ax in axes.flat[len(names):]:
        ax.set_axis_off()
    for ax, name in zip(axes.flat, names, strict=False):
        ev = evaluations[name]
        cur = ev.current
        s = ev.slices[cur]
        roster = ev.net.members
        by = color_by if color_by in roster.columns and roster[color_by].notna().any() \
            else "community"
        known = ev.members[ev.members["period"] == cur].drop(columns="period")
        network_map(s, color_by=by, metrics=known, legend=False, seed=seed, ax=ax, highlight=None,
                    title=f"{name}, {cur}")
    fig.tight_layout()
    return fig
