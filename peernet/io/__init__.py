"""Loaders: the canonical folder and real exports, each returning a PeerNetwork.

Every public loader is wrapped by :func:`peernet.io._guard.guard`: on bad input it either
loads (recording what it dropped or repaired in ``net.quality``) or raises
:class:`~peernet.errors.DataError` naming the file; no other exception type escapes.
"""

from . import edges as _edges
from . import folder as _folder
from . import mbox as _mbox
from . import meet as _meet
from . import roster as _roster
from . import signin as _signin
from . import slack as _slack
from . import survey as _survey
from . import tables as _tables
from . import teams as _teams
from . import zoom as _zoom
from ._guard import guard
from .export_graph import export
from .identity import Identities
from .tables import save
from .templates import signin_template, survey_template

load = guard(_tables.load)
validate = guard(_tables.validate)
read_zoom = guard(_zoom.read_zoom)
read_teams = guard(_teams.read_teams)
read_meet = guard(_meet.read_meet)
read_slack = guard(_slack.read_slack)
read_mbox = guard(_mbox.read_mbox)
read_signin = guard(_signin.read_signin)
read_events = guard(_folder.read_events)
read_survey = guard(_survey.read_survey)
read_roster = guard(_roster.read_roster)
read_edges = guard(_edges.read_edges)
from_networkx = _edges.from_networkx

__all__ = ["load", "save", "validate", "read_zoom", "read_teams", "read_meet", "read_slack",
           "read_mbox", "read_signin", "read_events", "read_survey", "read_roster", "read_edges",
           "from_networkx", "Identities", "export", "survey_template", "signin_template"]
