"""peernet: evaluate peer networks, score them on the Community Change Grid, report yearly.

>>> import peernet as pn
>>> net = pn.load_sample("riverbend")            # doctest: +SKIP
>>> ev = pn.evaluate(net, periods=["2024", "2025"])  # doctest: +SKIP
"""

from . import datasets, grid, metrics, plot, schema
from ._version import __version__
from .datasets import list_samples, load_sample
from .errors import DataError, DataQualityWarning, PeernetError, RubricError
from .evaluation import *  # noqa: F403
from .evaluation import __all__ as _evaluation_all
from .graphs import event_graph, org_graph, person_graph
from .grid import *  # noqa: F403
from .grid import __all__ as _grid_all
from .io import (
    Identities,
    export,
    from_networkx,
    load,
    read_edges,
    read_events,
    read_mbox,
    read_meet,
    read_roster,
    read_signin,
    read_slack,
    read_survey,
    read_teams,
    read_zoom,
    save,
    signin_template,
    survey_template,
    validate,
)
from .io.combine import combine
from .match import MatchResult, groups, match
from .metrics import member_metrics, network_metrics, participation, survey_scores
from .network import PeerNetwork
from .periods import Window
from .portfolio import Portfolio, evaluate_many
from .privacy import pseudonymize
from .quality import DataQuality
from .report.html import report
from .report.portfolio import report_portfolio

__all__ = [
    "PeerNetwork", "Window", "DataQuality", "Identities", "combine", "load", "save", "validate",
    "load_sample", "list_samples", "read_zoom", "read_teams", "read_meet", "read_slack",
    "read_mbox", "read_signin", "read_events", "read_survey", "read_roster", "read_edges",
    "from_networkx", "export", "survey_template", "signin_template", "person_graph",
    "org_graph", "event_graph", "participation", "member_metrics", "network_metrics",
    "survey_scores",
    *_grid_all, *_evaluation_all, "report", "match", "groups", "MatchResult", "pseudonymize",
    "evaluate_many", "Portfolio", "report_portfolio",
    "PeernetError", "DataError", "RubricError", "DataQualityWarning",
    "datasets", "grid", "metrics", "plot", "schema", "__version__",
]
