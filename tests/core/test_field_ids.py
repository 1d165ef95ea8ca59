"""Every ``aria-describedby`` on a form page names an element of that page, and every help text and
error list of a field is named by one.

Django 5.2 gives each field with help text ``aria-describedby="<id>_helptext"`` (and ``<id>_error``
with errors), on the input or, for a group of radios or checkboxes, on its fieldset; a screen reader
reads those elements with the field only if the template gives them exactly these ids and puts the
attribute where Django's own templates put it. The pages below are the site's forms, blank and after
an empty submission.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client

from sigap.cases.demo import demo_signals
from sigap.cases.models import Case
from sigap.core.demo import LONTAR
from sigap.intake.models import Report, ReportStatus
from sigap.programme.demo import demo_programme
from sigap.referrals.models import Referral


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.described: list[tuple[str, str]] = []  # (the element's name or id, an id it names)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        for target in (values.get("aria-describedby") or "").split():
            self.described.append((str(values.get("name") or values.get("id") or tag), target))


def dangling(html: str) -> list[tuple[str, str]]:
    """(element, id) where an element names an id the page does not hold, and ("", id) where a help
    text or an error list no element names."""
    parser = _Ids()
    parser.feed(html)
    named = {target for _element, target in parser.described}
    unnamed = sorted(i for i in parser.ids if i.endswith(("_helptext", "_error")) and i not in named)
    return [(element, target) for element, target in parser.described if target not in parser.ids] + [
        ("", i) for i in unnamed
    ]


PUBLIC_FORMS = ["/lapor/", "/lapor/status/", "/cek-tawaran/", "/akun/masuk/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_FORMS)
def test_public_forms_name_only_elements_they_hold(path: str) -> None:
    client = Client()
    blank = client.get(path)
    assert blank.status_code == 200
    assert dangling(blank.content.decode()) == []
    submitted = client.post(path, {})
    assert submitted.status_code in (200, 400, 422)
    assert dangling(submitted.content.decode()) == []


def test_officer_forms_name_only_elements_they_hold(demo_world) -> None:
    client = Client()
    client.force_login(demo_world["supervisor.serang"])
    assert demo_programme() is True
    pages = ["/program/tetapkan/", f"/program/desa/{LONTAR}/ubah/", "/orang/telepon/", "/akun/saya/"]
    seen_help = 0
    for path in pages:
        for response in (client.get(path), client.post(path, {})):
            if response.status_code == 302:
                continue  # a form that saves nothing on an empty submission and goes back
            assert response.status_code in (200, 400, 422), path
            html = response.content.decode()
            seen_help += html.count("_helptext")
            assert dangling(html) == [], path
    assert seen_help  # the pages do carry help texts, so the check above checked something


def test_case_work_forms_name_only_elements_they_hold(demo_world) -> None:
    """The signal's triage form, the case, its persons, screening and referrals: radios included."""
    demo_signals()
    client = Client()
    client.force_login(demo_world["supervisor.serang"])
    signal = Report.objects.filter(status=ReportStatus.RECEIVED, desa__code__startswith="36.04").first()
    case = Case.objects.filter(referrals__isnull=False).first()
    referral = Referral.objects.filter(case=case).first()
    assert signal is not None and case is not None and referral is not None
    pages = [
        (f"/sinyal/{signal.pk}/", {"action": "triage"}),
        (f"/kasus/{case.pk}/", None),
        (f"/kasus/{case.pk}/orang/tambah/", {}),
        (f"/kasus/{case.pk}/skrining/", {}),
        (f"/kasus/{case.pk}/rujukan/", None),
        (f"/rujukan/{referral.pk}/", None),
    ]
    errors_shown = 0
    for path, empty in pages:
        responses = [client.get(path)] + ([client.post(path, empty)] if empty is not None else [])
        for response in responses:
            if response.status_code == 302:
                continue
            assert response.status_code in (200, 400, 422), path
            html = response.content.decode()
            errors_shown += html.count('_error"')
            assert dangling(html) == [], path
    assert errors_shown  # the empty submissions did show field errors, and they were checked
