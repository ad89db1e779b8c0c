"""Loaders: the canonical folder and real exports, each returning a PeerNetwork."""

from .folder import read_events
from .mbox import read_mbox
from .meet import read_meet
from .signin import read_signin
from .slack import read_slack
from .survey import read_survey
from .tables import load, save, validate
from .teams import read_teams
from .zoom import read_zoom

__all__ = ["load", "save", "validate", "read_zoom", "read_teams", "read_meet", "read_slack",
           "read_mbox", "read_signin", "read_events", "read_survey"]
