"""Network maps and evaluation charts (matplotlib, imported lazily inside each function).

Every axes-level function takes ``ax=None`` and returns the Axes; figure-level functions
(``map_years``, ``roles``, ``evaluation_figure``) return the Figure. Nothing here shows a
window or changes matplotlib's global settings; the house look is a context
manager, ``with pn.plot.style(): ...``.
"""

from .charts import evaluation_figure, grid, participation, roles, trend
from .interactive import InteractiveMap, interactive_map
from .maps import layout, map_years, network_map, org_map
from .portfolio import portfolio_heatmap, portfolio_maps
from .saving import save
from .style import category_colors, style
from .survey import survey_by_org

__all__ = ["network_map", "layout", "map_years", "org_map", "participation", "grid", "trend",
           "roles", "save", "style", "evaluation_figure", "category_colors", "interactive_map",
           "InteractiveMap", "portfolio_heatmap", "portfolio_maps", "survey_by_org"]
