"""Fixtures shared by the report tests: riverbend 2024-2025 evaluated once, and its default
(pseudonymised) report written once per session (test_report.py and test_cards.py read it)."""

from __future__ import annotations

import pytest

import peernet as pn
from peernet.report import i18n


@pytest.fixture(scope="session")
def evaluation(riverbend):
    return pn.evaluate(riverbend, periods=["2024", "2025"], bootstrap=20,
                       inputs=pn.datasets.sample_path("riverbend"))


@pytest.fixture(scope="session")
def shared_report(evaluation, tmp_path_factory):
    return pn.report(evaluation, tmp_path_factory.mktemp("shared") / "report")


@pytest.fixture(scope="session")
def es_report(riverbend, tmp_path_factory):
    """The report in Spanish, and the texts it asked for that have no translation."""
    ev = pn.evaluate(riverbend, periods=["2024", "2025"], bootstrap=0)
    before = set(i18n.missing_messages("es"))
    out = pn.report(ev, tmp_path_factory.mktemp("es") / "informe", lang="es",
                    formats=("png", "svg"))
    return out, set(i18n.missing_messages("es")) - before
