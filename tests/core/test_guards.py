"""The checks every service makes (``sigap.core.guards``): reach through restrict, text, time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from sigap.cases.models import Case, TriageKind
from sigap.cases.services import triage_decide
from sigap.core.exceptions import ApplicationError
from sigap.core.guards import clean_text, may, require, resolve_now
from tests.cases.conftest import LONTAR, SUKARASA, make_report, users  # noqa: F401 - fixtures

TOO_LONG = _("The reason is too long: at most %(max)d characters.")


@pytest.fixture
def case_in_serang(users, make_report) -> Case:  # noqa: F811 - the imported fixtures
    case = triage_decide(
        report=make_report(LONTAR),
        kind=TriageKind.OPEN_CASE,
        actor=users["pimpasa.tirtayasa"],
        reason="Perlu ditangani",
    ).case
    assert case is not None
    return case


def test_may_and_require_follow_restrict_and_default_to_change(users, case_in_serang) -> None:  # noqa: F811
    case = case_in_serang
    assert may(users["supervisor.serang"], case) and may(users["admin"], case)
    assert not may(users["supervisor.tangerang"], case)  # outside the territory
    assert not may(users["pusat"], case)  # the national desk reads cases but does not work them
    assert may(users["pusat"], case, "view")
    require(users["supervisor.serang"], case)
    require(users["pusat"], case, "view")
    for user, action in ((users["pusat"], "change"), (users["kader.lontar"], "view"), (None, "view")):
        with pytest.raises(PermissionDenied):
            require(user, case, action)


def test_may_works_for_any_restricted_model(users, make_report) -> None:  # noqa: F811
    report = make_report(SUKARASA)
    assert may(users["supervisor.tangerang"], report)
    assert not may(users["supervisor.serang"], report)


def test_clean_text_strips_refuses_empty_and_long() -> None:
    assert clean_text("  ada\x00 calo \n", required="x", limit=10, too_long=TOO_LONG) == "ada calo"
    with pytest.raises(ApplicationError) as refused:
        clean_text(" \x00 ", required=_("Write the note first."), limit=10, too_long=TOO_LONG)
    with translation.override("en"):
        assert str(refused.value.message) == "Write the note first."  # the caller's message, still lazy
    assert clean_text(None, required=None, limit=10, too_long=TOO_LONG) == ""  # optional text
    assert clean_text("x" * 10, required=None, limit=10, too_long=TOO_LONG) == "x" * 10
    with pytest.raises(ApplicationError) as refused, translation.override("en"):
        clean_text("x" * 11, required=None, limit=10, too_long=TOO_LONG)
    assert str(refused.value.message) == "The reason is too long: at most 10 characters."


def test_clean_text_messages_stay_translated() -> None:
    with translation.override("id"), pytest.raises(ApplicationError) as refused:
        clean_text("x" * 3, required="x", limit=2, too_long=TOO_LONG)
    assert str(refused.value.message) == "Alasannya terlalu panjang: paling banyak 2 karakter."


def test_resolve_now_keeps_the_time_given() -> None:
    given = datetime(2026, 7, 6, 2, 0, tzinfo=UTC)
    assert resolve_now(given) is given
    before = timezone.now()
    assert before <= resolve_now(None) <= timezone.now()
