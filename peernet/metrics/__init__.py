"""Participation, structure, member, temporal, survey and uncertainty metrics (tidy tables).

Each submodule declares ``__all__``; everything listed there is imported here by name (static
imports, so type checkers and editors see ``pn.metrics.<name>``) and listed in this
``__all__``. To add a module: create it with ``__all__``, import its names below and add
them to ``__all__`` (``tests/metrics/test_init.py`` checks that the two lists agree).
"""

from .concentration import (
    CONTRIBUTION_KINDS,
    HELP_KINDS,
    LADDER_THRESHOLDS,
    absence_factor,
    elephant_factor,
    engagement_ladder,
    help_flow,
)
from .coreperiphery import CORE_PERIPHERY_COLUMNS, core_periphery
from .members import (
    BROKER_MAX,
    BROKER_SHARE,
    BROKERAGE_ROLES,
    brokerage,
    member_metrics,
    top_brokers,
)
from .mixing import (
    MIXING_COLUMNS,
    MIXING_MATRIX_COLUMNS,
    chance_cross_share,
    mixing,
    mixing_matrix,
)
from .participation import FREQS, participation
from .structure import (
    NETWORK_METRICS,
    communities,
    ei_index,
    network_metrics,
    reciprocity,
    reciprocity_reason,
)
from .survey import (
    given_received,
    perception_gaps,
    rater_agreement,
    reported_vs_observed,
    response_note,
    survey_graph,
    survey_response,
    survey_scores,
    survey_sensitivity,
)
from .temporal import (
    INACTIVITY_DAYS,
    burstiness,
    retention_curve,
    retention_test,
    tie_change,
    time_to_first_reply,
)
from .uncertainty import CHANGE_COLUMNS, GRID, bootstrap, bootstrap_change, resample_events

__all__ = [
    # participation
    "participation", "FREQS",
    # structure
    "network_metrics", "communities", "ei_index", "reciprocity", "reciprocity_reason",
    "NETWORK_METRICS",
    # members
    "member_metrics", "brokerage", "top_brokers", "BROKERAGE_ROLES", "BROKER_SHARE",
    "BROKER_MAX",
    # survey
    "survey_scores", "survey_response", "survey_sensitivity", "perception_gaps",
    "given_received", "rater_agreement", "reported_vs_observed", "survey_graph",
    "response_note",
    # temporal
    "retention_curve", "retention_test", "burstiness", "time_to_first_reply", "tie_change",
    "INACTIVITY_DAYS",
    # concentration
    "absence_factor", "elephant_factor", "engagement_ladder", "help_flow",
    "CONTRIBUTION_KINDS", "HELP_KINDS", "LADDER_THRESHOLDS",
    # uncertainty
    "bootstrap", "bootstrap_change", "resample_events", "GRID", "CHANGE_COLUMNS",
    # mixing
    "mixing", "mixing_matrix", "chance_cross_share", "MIXING_COLUMNS", "MIXING_MATRIX_COLUMNS",
    # core and periphery
    "core_periphery", "CORE_PERIPHERY_COLUMNS",
]
