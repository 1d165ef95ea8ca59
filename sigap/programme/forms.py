"""Forms of the programme pages: the public test sheet, Q&A and paper answer entry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sigap.core.forms import date_field
from sigap.programme.models import (
    DESIGNATION_STATUSES,
    ActivityKind,
    ContactRole,
    Criterion,
    DesaStatus,
    Material,
    ParticipantGroup,
    Phase,
    Sex,
)
from sigap.programme.selectors import Candidate, ShownItem


class SheetForm(forms.Form):
    """One answer sheet: a radio group per question; unanswered questions count as wrong."""

    pair_code = forms.CharField(
        label=_("Your code from the test before (if you have it)"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def __init__(self, *args: Any, items: list[ShownItem], phase: str, paper: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.items = items
        if paper:
            self.fields["phase"] = forms.ChoiceField(label=_("Phase"), choices=Phase.choices)
        if phase == Phase.PRE and not paper:
            del self.fields["pair_code"]
        for number, item in enumerate(items, start=1):
            self.fields[f"q_{item.code}"] = forms.TypedChoiceField(
                label=f"{number}. {item.text}",
                choices=[(str(i), text) for i, text in item.options],
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
            )

    def answers(self) -> dict[str, int]:
        return {
            item.code: self.cleaned_data[f"q_{item.code}"]
            for item in self.items
            if self.cleaned_data.get(f"q_{item.code}") not in (None, "")
        }


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Question asked"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    answer = forms.CharField(
        label=_("Answer given"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = date_field(_("Date"))
    place = forms.CharField(
        label=_("Place"), max_length=200, help_text=_("For example a school or the balai desa.")
    )
    materials = forms.MultipleChoiceField(
        label=_("Materials covered"),
        choices=Material.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    officials = forms.CharField(
        label=_("Officials present"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name — position."),
        max_length=4000,
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=8000
    )
    follow_up = forms.CharField(
        label=_("Follow-up"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


class ParticipantsForm(forms.Form):
    """Numbers per group and sex; "present" for a group whose number is not known."""

    SEXES = (Sex.PEREMPUAN, Sex.LAKI_LAKI, Sex.UNRECORDED)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for group in ParticipantGroup:
            for sex in self.SEXES:
                self.fields[f"n_{group.value}_{sex.value}"] = forms.IntegerField(
                    label=f"{group.label}: {sex.label}", min_value=0, max_value=100_000, required=False
                )
            self.fields[f"present_{group.value}"] = forms.BooleanField(
                label=_("%(group)s: present, number not known") % {"group": group.label}, required=False
            )

    def rows(self) -> list[tuple[Any, list[Any], Any]]:
        """(group label, its number fields, its "present" field) for the template's table."""
        return [
            (
                group.label,
                [self[f"n_{group.value}_{sex.value}"] for sex in self.SEXES],
                self[f"present_{group.value}"],
            )
            for group in ParticipantGroup
        ]

    def counts(self) -> list[tuple[str, str, int | None]]:
        counts: list[tuple[str, str, int | None]] = []
        for group in ParticipantGroup:
            numbers = [
                (sex.value, self.cleaned_data.get(f"n_{group.value}_{sex.value}")) for sex in self.SEXES
            ]
            given = [(sex, n) for sex, n in numbers if n is not None]
            counts += [(group.value, sex, n) for sex, n in given]
            if not given and self.cleaned_data.get(f"present_{group.value}"):
                counts.append((group.value, Sex.UNRECORDED.value, None))
        return counts


class ContactForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ContactRole.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)


class ContactEditForm(forms.Form):
    """A member's role, and a new name or phone. The stored name and phone are not shown here (that is
    an audited "show" on the village page): left empty they stay as they are."""

    role = forms.ChoiceField(label=_("Role"), choices=ContactRole.choices)
    name = forms.CharField(
        label=_("New name"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to keep the stored name."),
    )
    phone = forms.CharField(
        label=_("New phone number"),
        max_length=40,
        required=False,
        help_text=_("Leave empty to keep the stored number; write '-' to remove it."),
    )

    def changes(self) -> dict[str, Any]:
        """Keyword arguments for ``services.contact_update``: None keeps, "" removes the phone."""
        name = self.cleaned_data.get("name", "").strip()
        phone = self.cleaned_data.get("phone", "").strip()
        return {
            "role": self.cleaned_data["role"],
            "name": name or None,
            "phone": "" if phone == "-" else (phone or None),
        }


class RetireForm(forms.Form):
    retired_on = date_field(_("Left the network on"))


class ReinstateForm(forms.Form):
    rejoined_on = date_field(
        _("Back in the network on"),
        help_text=_("The day the member rejoined; the time they were away stays in the record."),
    )


class OfficerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class AssignForm(forms.Form):
    since = date_field(_("From"))

    def __init__(self, *args: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"] = OfficerField(label=_("PIMPASA"), queryset=officers)
        self.order_fields(["officer", "since"])


class UnassignForm(forms.Form):
    until = date_field(_("Ends on"), help_text=_("The day the assignment ends, as when a successor starts."))


class OfficeField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class _DesignationFields(forms.Form):
    """What a designation records, shared by the designation and its edit."""

    sk_number = forms.CharField(
        label=_("Decree (SK) number"),
        max_length=120,
        help_text=_("As written on the decree, e.g. W.11.IMI.IMI.1.1949-GR.03.05 Tahun 2024."),
    )
    sk_date = date_field(_("Decree date"))
    designated_on = date_field(_("Designated on"), help_text=_("The day of the designation (pengukuhan)."))
    criteria = forms.MultipleChoiceField(
        label=_("Selection criteria"),
        choices=Criterion.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )

    def __init__(self, *args: Any, offices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"] = OfficeField(
            label=_("Issuing immigration office"), queryset=offices, empty_label=_("— choose —")
        )


class DesignateForm(_DesignationFields):
    """Designate a village: find it by name (a button, no JavaScript), choose it, give the decree."""

    desa_query = forms.CharField(
        label=_("Find the village"),
        help_text=_("Type the name (or the Kemendagri code) and press 'Find village'."),
        required=False,
        max_length=80,
    )
    desa_code = forms.ChoiceField(
        label=_("Village (desa/kelurahan)"),
        choices=[],
        error_messages={
            "required": _("Find the village, then choose it from the list."),
            "invalid_choice": _("Choose a village of your area that is not designated yet, from the list."),
        },
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s.value, s.label) for s in DESIGNATION_STATUSES],
        initial=DesaStatus.ACTIVE,
    )

    def __init__(self, *args: Any, candidates: list[Candidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["desa_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("— choose from the list —"))] + [
            (c.code, f"{c.label} ({c.code})") for c in candidates if not c.designated
        ]
        self.order_fields(
            ["desa_query", "desa_code", "office", "sk_number", "sk_date", "designated_on", "status"]
        )


class DesaEditForm(_DesignationFields):
    """The designation's decree, criteria and notes, and a status change with its date and reason."""

    status = forms.ChoiceField(label=_("Status"), choices=DesaStatus.choices)
    status_on = date_field(
        _("Date of the status change"),
        required=False,
        help_text=_("Only when the status changes: the day it took effect."),
    )
    status_reason = forms.CharField(
        label=_("Reason for the status change"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the status changes. It is kept in the village's history."),
    )

    def __init__(self, *args: Any, current_status: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current_status = current_status
        self.order_fields(["office", "sk_number", "sk_date", "designated_on", "criteria", "notes"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") and data["status"] != self.current_status:
            if not data.get("status_on") and "status_on" not in self.errors:
                self.add_error("status_on", _("Give the date the status changed."))
            if not (data.get("status_reason") or "").strip():
                self.add_error("status_reason", _("Say why the status changes."))
        return data
