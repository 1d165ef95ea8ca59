"""Forms of the officer console: inbox filters, the triage decision and the case's actions.

Forms check shape only (required, lengths, choices); the rules (who may, which move is legal) live
in ``services`` and come back as ``ApplicationError`` messages shown on the same form.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sigap.cases.models import CaseState, Risk, TriageKind
from sigap.cases.selectors import STATUS_ALL, STATUS_OPEN, InboxFilters
from sigap.cases.services import REASON_MAX
from sigap.core.forms import date_field
from sigap.core.taxonomy import Modus
from sigap.core.territory import is_valid_code
from sigap.intake.models import Channel, ReportStatus
from sigap.intake.services import MESSAGE_MAX
from sigap.regions.forms import VillageFinderForm


def _blank(choices: Any, label: Any) -> list[tuple[str, Any]]:
    return [("", label), *list(choices)]


def _choices(fields: Any, name: str, choices: list[tuple[str, Any]]) -> None:
    cast(forms.ChoiceField, fields[name]).choices = choices


def _people(users: dict[str, Any]) -> list[tuple[str, str]]:
    return [(pk, f"{u.get_full_name() or u.username} ({u.get_role_display()})") for pk, u in users.items()]


class InboxFilterForm(forms.Form):
    q = forms.CharField(label=_("Search the text"), required=False, max_length=100)
    wilayah = forms.CharField(label=_("Place"), required=False, max_length=13)
    modus = forms.ChoiceField(label=_("Modus"), required=False, choices=_blank(Modus.choices, _("Any modus")))
    risk = forms.ChoiceField(label=_("Risk"), required=False, choices=_blank(Risk.choices, _("Any risk")))
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=_blank(Channel.choices, _("Any channel"))
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(STATUS_OPEN, _("Waiting for a decision")), *ReportStatus.choices, (STATUS_ALL, _("All"))],
    )

    def clean_wilayah(self) -> str:
        code = self.cleaned_data["wilayah"].strip()
        if code and not is_valid_code(code):
            raise forms.ValidationError(_("A Kemendagri region code looks like 36.04.13.2007."))
        return code

    def filters(self) -> InboxFilters:
        """The valid filters: a field with an error is ignored (and shown), the others still apply."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        return InboxFilters(
            q=str(data.get("q") or "").strip(),
            wilayah=str(data.get("wilayah") or ""),
            modus=str(data.get("modus") or ""),
            risk=str(data.get("risk") or ""),
            channel=str(data.get("channel") or ""),
            status=str(data.get("status") or STATUS_OPEN),
        )


class TriageForm(forms.Form):
    kind = forms.ChoiceField(label=_("Decision"), choices=TriageKind.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required: why this decision. It is kept in the audit trail."),
    )
    title = forms.CharField(label=_("Case title"), required=False, max_length=200)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    case = forms.ChoiceField(label=_("Case to merge into"), required=False)
    partner = forms.ChoiceField(label=_("Partner agency"), required=False)
    question = forms.CharField(
        label=_("Question for the reporter"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        owners: list[Any],
        cases: list[Any],
        partners: list[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.owners = {str(u.pk): u for u in owners}
        self.cases = {str(c.pk): c for c in cases}
        self.partners = {str(p.pk): p for p in partners}
        field = self.fields
        _choices(field, "owner", [("", _("Me")), *_people(self.owners)])
        _choices(
            field, "case", _blank([(pk, f"{c.number} — {c.title}") for pk, c in self.cases.items()], "—")
        )
        _choices(field, "partner", _blank([(pk, p.name) for pk, p in self.partners.items()], "—"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == TriageKind.MERGE_INTO_CASE and not data.get("case"):
            self.add_error("case", _("Choose the case to merge the report into."))
        if kind == TriageKind.REFER_DIRECTLY and not data.get("partner"):
            self.add_error("partner", _("Choose the partner agency the report is referred to."))
        if kind == TriageKind.ASK_REPORTER and not (data.get("question") or "").strip():
            self.add_error("question", _("Write the question for the reporter."))
        data["owner_obj"] = self.owners.get(data.get("owner") or "")
        data["case_obj"] = self.cases.get(data.get("case") or "")
        data["partner_obj"] = self.partners.get(data.get("partner") or "")
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class PlaceForm(VillageFinderForm):
    """Place a signal without a village: find the village by name (no JavaScript), then choose it."""

    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("How the village is known, e.g. the reporter's words or a call back."),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, desa_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_villages(desa_choices)

    def clean_desa_code(self) -> str:
        code = str(self.cleaned_data.get("desa_code") or "")
        if not code:
            raise forms.ValidationError(_("Find the village by name, then choose it from the list."))
        return code


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message to the reporter"), max_length=MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    question = forms.BooleanField(
        label=_("This is a question (the reporter is asked to answer)"), required=False
    )


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("Move the case to"))
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields, "to", [(s, CaseState(s).label) for s in allowed])


class AssignForm(forms.Form):
    owner = forms.ChoiceField(label=_("New owner"))
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX)

    def __init__(self, *args: Any, owners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owners = {str(u.pk): u for u in owners}
        _choices(self.fields, "owner", _people(self.owners))


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    due_on = date_field(_("Due on"), required=False)

    def clean_due_on(self) -> datetime | None:
        """A day becomes its end (23:59 Asia/Jakarta): "due on Friday" means by Friday evening."""
        day = self.cleaned_data.get("due_on")
        if day is None:
            return None
        return datetime.combine(day, time(23, 59), tzinfo=ZoneInfo(settings.TIME_ZONE))
