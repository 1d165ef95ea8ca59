"""core.forms: the date field every form uses."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import translation

from sigap.core.forms import date_field


class _Form(forms.Form):
    on = date_field("on")


def test_a_date_is_written_back_as_the_date_picker_reads_it_in_every_language() -> None:
    """Indonesian formats a date "29-11-2026", which an <input type="date"> shows as empty."""
    for language in ("id", "en"):
        with translation.override(language):
            html = str(_Form(initial={"on": date(2026, 11, 29)})["on"])
        assert 'type="date"' in html and 'value="2026-11-29"' in html, (language, html)


def test_the_date_picker_s_value_is_read_in_every_language() -> None:
    for language in ("id", "en"):
        with translation.override(language):
            form = _Form({"on": "2026-11-29"})
            assert form.is_valid() and form.cleaned_data["on"] == date(2026, 11, 29)
