"""Forms of the programme pages: the public test sheet, Q&A and paper answer entry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sigap.programme.models import ActivityKind, ContactRole, Material, ParticipantGroup, Phase, Sex
from sigap.programme.selectors import ShownItem


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
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
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


class OfficerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class AssignForm(forms.Form):
    since = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"] = OfficerField(label=_("PIMPASA"), queryset=officers)
        self.order_fields(["officer", "since"])
