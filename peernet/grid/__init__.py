"""Community Change Grid scoring (Backer & Kern 2010): rubric, indicators, layer scores.

``pn.score(net)`` is the entry point; ``pn.grid`` also holds the rubric tools
(``load_rubric``, ``Rubric``, ``map_score``), the indicator registry (``INDICATORS``,
``indicator_table()``) and the strategies checklist (``CHECKLIST``).

>>> g = pn.score(pn.load_sample("davis").period("1936"))
>>> g.rubric_version
'2026.2'
"""

from . import replicates as _replicates  # noqa: F401,E402  (registers bootstrap(net, "grid"))

# registers bootstrap(net, "grid") with the bootstrap in peernet.metrics.uncertainty
from . import replicates as replicates  # noqa: E402
from .checklist import CHECKLIST as CHECKLIST
from .checklist import ChecklistItem as ChecklistItem
from .checklist import checklist_table as checklist_table
from .indicators import INDICATORS as INDICATORS
from .indicators import Context as Context
from .indicators import Value as Value
from .indicators import indicator_table as indicator_table
from .rubric import BANDS as BANDS
from .rubric import ELEMENT_LAYER as ELEMENT_LAYER
from .rubric import ELEMENTS as ELEMENTS
from .rubric import LAYERS as LAYERS
from .rubric import IndicatorSpec as IndicatorSpec
from .rubric import Rubric, load_rubric
from .rubric import band_of as band_of
from .rubric import default_rubric as default_rubric
from .rubric import map_score as map_score
from .score import INSUFFICIENT as INSUFFICIENT
from .score import GridScore, score

#: Names re-exported at the top level (``pn.score``, ``pn.GridScore``, ...); the rest stay
#: under ``pn.grid``.
__all__ = ["score", "GridScore", "load_rubric", "Rubric"]
