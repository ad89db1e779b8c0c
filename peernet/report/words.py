"""Words the report's tables take from the data: column names, Grid bands, layers, units and
indicator names, data-quality actions.

They are written in English where they are made (a table's columns, ``rubric.toml``, the
Grid's scores) and stay English in the CSV files; the page shows them in the report's
language through :func:`peernet.report.i18n.translate`. Marking them here with ``N_`` puts
them in the message catalog (``scripts/update_translations.py``).
"""

from __future__ import annotations

import re
from typing import Any

from .i18n import N_, current_language, translate

__all__ = ["column_title", "LABEL_COLUMNS", "WORDS", "TIE_LABELS", "LOADER_NOTES"]

#: Columns whose text cells are labels or notes written in English (a cell no catalog
#: entry translates is recorded as missing, for the tests).
LABEL_COLUMNS = frozenset({"label", "indicator", "note", "unit", "band", "element", "layer",
                           "problem", "action"})

#: The rows of the tie-change table (``ev.ties`` of the last two periods), ``{a}`` the
#: previous period and ``{b}`` the current one.
TIE_LABELS = {
    "ties_a": N_("ties in {a}"), "ties_b": N_("ties in {b}"), "ties_kept": N_("ties kept"),
    "ties_new": N_("new ties"), "ties_lost": N_("ties lost"),
    "ties_strengthened": N_("kept ties that grew stronger"),
    "ties_weakened": N_("kept ties that grew weaker"),
    "jaccard": N_("tie persistence (kept / ties in either period, Jaccard)"),
    "share_kept": N_("share of {a}'s ties kept"),
    "members_stayed": N_("members in both periods' networks"),
    "members_joined": N_("members who joined"), "members_left": N_("members who left"),
    "density_change": N_("change in density"),
    "density_change_stayed": N_("... among members present in both periods"),
    "density_change_turnover": N_("... due to members who came or left"),
    "ties_change": N_("change in ties"),
    "ties_change_stayed": N_("... among members present in both periods"),
    "ties_change_turnover": N_("... due to members who came or left"),
}

#: The tables' column names, in words (``has_data`` -> ``has data``).
COLUMNS = (
    N_("value"), N_("label"), N_("unit"), N_("suppressed"), N_("source"), N_("share core"),
    N_("sector"), N_("score"), N_("periphery"), N_("note"), N_("members"), N_("mean degree"),
    N_("isolate"), N_("indicator"), N_("has data"), N_("element"), N_("core"), N_("change"),
    N_("brokerage"), N_("band"), N_("weight"), N_("rows repaired"), N_("rows read"),
    N_("rows kept"), N_("rows dropped"), N_("rows"), N_("region"), N_("real"), N_("problem"),
    N_("org"), N_("measure"), N_("low"), N_("layer"), N_("language"), N_("item"), N_("high"),
    N_("coverage"), N_("change low"), N_("change high"), N_("action"), N_("active"),
    N_("share active"), N_("file"), N_("bytes"), N_("previous"), N_("current"),
    N_("reason"), N_("name"), N_("period"), N_("by"), N_("share isolate"),
    N_("share periphery"), N_("share brokerage"), N_("member id"), N_("position"),
    N_("degree"), N_("betweenness"), N_("brokerage liaison"), N_("sha256"),
)

#: Grid bands and layers (``peernet.grid``), data-quality actions (``peernet.quality``).
WORDS = (
    N_("strong"), N_("developing"), N_("emerging"), N_("insufficient data"), N_("no data"),
    N_("Bedrock"), N_("Foundation"), N_("Strategies"), N_("Immediate outcomes"),
    N_("Ultimate outcome"), N_("dropped"), N_("repaired"), N_("added"), N_("info"),
    # participation rows without a label of their own (peernet.metrics.participation)
    N_("guests active"), N_("guest attendances"),
    # a survey wave (peernet.metrics.survey_scores) and the record tables (grid data_kept)
    N_("survey {wave}"), N_("problems"), N_("actions"), N_("surveys"), N_("checklist"),
    N_("none"),
    # brokerage roles (Gould and Fernandez) and an unknown group (peernet.plot.roles)
    N_("coordinator"), N_("gatekeeper"), N_("representative"), N_("consultant"),
    N_("liaison"), N_("(unknown)"),
)

#: Data-quality problems recorded by :mod:`peernet.network`, which sits below the report
#: and does not import it (tests/test_architecture.py): the same texts, byte for byte.
QUALITY = (
    N_("member id not on the roster; added to members as unmatched"),
    N_("supervisor is not on the roster; set to empty"),
    N_("email shared by several member_ids (possible duplicate identity; not merged)"),
    N_("event not in events; added with its first timestamp as start"),
    N_("no roster given: members built from the ids seen in the data"),
)

#: Notes of the export readers (Zoom, Teams, surveys, rosters, identities) and of the
#: report's survey rule, as patterns of the texts they write (``{name}``: a value): the page
#: shows them in its language (tests/report/test_report_es.py: the trial's Spanish report,
#: from Zoom, Teams, Slack, survey and roster files, has no English sentence left).
LOADER_NOTES = (
    N_("{n} join/leave session(s) read from section 3 for the intervals"),
    N_("device name or phone number with no email: counted as an anonymous guest of the "
       "meeting"),
    N_("{n} person(s) joined a meeting more than once; their sessions were merged into one "
       "presence (intervals kept)"),
    N_("{n} of {total} partners rated are organizations on the roster (and not members): "
       "read as ratings of organizations (about_level='org')"),
    N_("{n} of {total} partners rated are organizations on the roster: pass "
       "about_level='org' if the survey rates organizations"),
    N_("wave taken from the year of the first answer: {wave}"),
    N_("not on the roster: add them or give an alias (kept as a guest, never counted as a "
       "member)"),
    N_("not shown: the survey has fewer than {n} respondents"),
    N_("language names written as ISO 639-1 codes: {names}"),
    N_("column {column} read as {target}"),
    N_("{n} cell(s) list several values; read as a list ('; '-joined)"),
    N_("header found on row {row}; the {n} row(s) above it (title, blank) were skipped"),
    N_("name made from the first and last name columns"),
    N_("{n} member(s) without a member id: ids made from their names (e.g. {example}); add a "
       "member_id column to keep ids stable when a name changes"),
    N_("supervisors given by {how} resolved to member ids"),
    N_("public-channel-only export: private channels and direct messages are not in it, so "
       "ties formed there cannot be seen"),
    N_("joined the channel: not a conversation"), N_("left the channel: not a conversation"),
    N_("topic change: not a conversation"), N_("purpose change: not a conversation"),
    N_("channel renamed: not a conversation"), N_("channel archived: not a conversation"),
    N_("channel unarchived: not a conversation"), N_("pin notice: not a conversation"),
    N_("reminder notice: not a conversation"), N_("integration notice: not a conversation"),
    # the reason of a baseline report (peernet.evaluation_steps.baseline_periods)
    N_("{period} is too short to compare with (its data cover {before} days (the data start "
       "on {start}) against {now} in {current})"),
    N_("{period} is too short to compare with (its data cover {before} days against {now} in "
       "{current})"),
)

#: The units of the default rubric's indicators (``peernet/grid/rubric.toml``).
UNITS = (
    N_("% of scale max"), N_("1 - Gini"), N_("Jaccard 0-1"), N_("balance 0-1"),
    N_("coefficient of variation"), N_("days"), N_("hours"), N_("per active member"),
    N_("per quarter"), N_("per year"), N_("rating 0-3"), N_("ratio (cap 1)"),
    N_("ratio to chance"), N_("share"), N_("share of action items"),
    N_("share of active members"), N_("share of closed problems"), N_("share of meetings"),
    N_("share of members"), N_("share of members in the graph"), N_("share of months"),
    N_("share of newcomers"), N_("share of organizations"), N_("share of peripheral members"),
    N_("share of problems"), N_("share of record tables"), N_("share of target"), N_("years"),
)

#: The default rubric's indicators by name (``survey_trust`` -> ``Survey trust``).
INDICATORS = (
    N_("Survey trust"), N_("Reciprocity"), N_("Tie persistence"), N_("Voice equality"),
    N_("Network age"), N_("Months with meeting"), N_("Meeting gap cv"), N_("Retention"),
    N_("Median tenure"), N_("Next date set"), N_("Months with data"),
    N_("Problems with outcome"), N_("Survey response rate"), N_("Actions closed on time"),
    N_("Evaluations per year"), N_("Channel balance"), N_("Monthly reach"),
    N_("Connectedness"), N_("Hours to first reply"), N_("Language access"),
    N_("Events per quarter"), N_("Share attending"), N_("Newcomer orientation"),
    N_("Subgroup sessions per quarter"), N_("Cross org mixing"), N_("Cross sector mixing"),
    N_("Newcomer mixing"), N_("Resource exchanges per member"), N_("Share orgs contributing"),
    N_("Coordinator activity"), N_("Resource assessments per year"), N_("Survey value"),
    N_("Problems per quarter"), N_("Share solved"), N_("Median days to solve"),
    N_("Help across orgs"), N_("Share members solving"), N_("Training attendance per member"),
    N_("Share trained"), N_("Survey learning"), N_("New cross org ties per member"),
    N_("Periphery to core"), N_("Share members hosting"), N_("Data kept"),
    N_("Outcome progress"), N_("Outcome: {measure}"), N_("Outcome:{measure}"),
)

#: A column of one period: ``score 2024``, ``members 2025``, ``low_2025``.
_PERIOD_COLUMN = re.compile(r"(.+?)[ _](\S*\d\S*)")


def column_title(column: Any) -> str:
    """A table's column name as its header: in words, in the report's language (a period
    label at its end is kept: ``score 2024`` -> ``puntuación 2024``)."""
    text = str(column).replace("_", " ")
    if current_language() == "en":
        return text
    out = translate(text, record=False)
    if out != text:
        return str(out)
    m = _PERIOD_COLUMN.fullmatch(str(column))
    if m:
        return f"{translate(m.group(1).replace('_', ' '))} {m.group(2)}"
    # a period label (``2024``) is no word to translate
    return str(translate(text, record=bool(re.search(r"[A-Za-z]{2}", text))))
