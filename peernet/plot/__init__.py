"""Network maps and evaluation charts (matplotlib, imported lazily inside each function).

Every axes-level function takes ``ax=None`` and returns the Axes; figure-level functions
return the Figure. Nothing here calls ``plt.show()``.
"""

from .charts import *  # noqa: F403
from .charts import __all__ as _charts_all
from .maps import *  # noqa: F403
from .maps import __all__ as _maps_all

__all__ = [*_maps_all, *_charts_all]
