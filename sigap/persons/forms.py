"""Plain forms of the persons tab: a person, the screening checklist, the phone lookup, a purpose."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from sigap.persons.models import (
    Answer,
    ControlMethod,
    ExploitationType,
    Gender,
    PerpetratorRole,
    PersonRole,
    ReadPurpose,
    RecruitmentApp,
    RecruitmentMethod,
    RelationshipToTrafficker,
    TraffickingStatus,
)
from sigap.persons.screening import Checklist
from sigap.persons.services import IDENTIFIER_MAX, PersonData

_BLANK: list[tuple[str, Any]] = [("", "—")]


class PersonForm(forms.Form):
    role = forms.ChoiceField(label=_("Role in the case"), choices=PersonRole.choices)
    gender = forms.ChoiceField(label=_("Sex / gender"), choices=_BLANK + Gender.choices, required=False)
    age = forms.IntegerField(label=_("Age (years)"), min_value=0, max_value=120, required=False)
    birth_year = forms.IntegerField(label=_("Year of birth"), min_value=1900, max_value=2100, required=False)
    citizenship = forms.CharField(
        label=_("Citizenship (two-letter country code)"), max_length=2, required=False, initial="ID"
    )
    name = forms.CharField(label=_("Name"), max_length=IDENTIFIER_MAX, required=False)
    identity_number = forms.CharField(
        label=_("NIK or passport number"), max_length=IDENTIFIER_MAX, required=False
    )
    phone = forms.CharField(label=_("Phone number"), max_length=40, required=False)
    address = forms.CharField(label=_("Address"), max_length=IDENTIFIER_MAX, required=False)
    # Text, not a DateField: when editing, "-" clears it like the other identifiers; the service
    # checks the YYYY-MM-DD form (and says so in the user's language).
    birthdate = forms.CharField(label=_("Date of birth (YYYY-MM-DD)"), max_length=10, required=False)
    trafficking_status = forms.ChoiceField(
        label=_("Trafficking status (victims)"), choices=_BLANK + TraffickingStatus.choices, required=False
    )
    relationship_to_trafficker = forms.ChoiceField(
        label=_("Relationship to the trafficker (victims)"),
        choices=_BLANK + RelationshipToTrafficker.choices,
        required=False,
    )
    recruitment_methods = forms.MultipleChoiceField(
        label=_("How recruited (victims)"),
        choices=RecruitmentMethod.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    recruitment_apps = forms.MultipleChoiceField(
        label=_("Apps used to recruit (victims)"),
        choices=RecruitmentApp.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    exploitation_types = forms.MultipleChoiceField(
        label=_("Type of exploitation (victims)"),
        choices=ExploitationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    control_methods = forms.MultipleChoiceField(
        label=_("Methods of control (victims)"),
        choices=ControlMethod.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    perpetrator_roles = forms.MultipleChoiceField(
        label=_("Role in the process (suspects)"),
        choices=PerpetratorRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    #: Identifier fields: on an edit form they start empty; left empty they keep the stored value.
    IDENTIFIER_FIELDS = ("name", "identity_number", "phone", "address", "birthdate")

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:
            for name in self.IDENTIFIER_FIELDS:
                self.fields[name].help_text = _("Leave empty to keep what is stored; write '-' to clear it.")

    def person_data(self) -> PersonData:
        data = self.cleaned_data
        identifiers: dict[str, str | None] = {}
        for name in self.IDENTIFIER_FIELDS:
            value = data.get(name)
            text = (value or "").strip()
            if self.editing and not text:
                identifiers[name] = None
            elif text == "-":
                identifiers[name] = ""
            else:
                identifiers[name] = text
        return PersonData(
            role=data["role"],
            gender=data.get("gender") or "",
            age=data.get("age"),
            birth_year=data.get("birth_year"),
            citizenship=data.get("citizenship") or "",
            trafficking_status=data.get("trafficking_status") or "",
            relationship_to_trafficker=data.get("relationship_to_trafficker") or "",
            recruitment_methods=tuple(data.get("recruitment_methods") or ()),
            recruitment_apps=tuple(data.get("recruitment_apps") or ()),
            exploitation_types=tuple(data.get("exploitation_types") or ()),
            control_methods=tuple(data.get("control_methods") or ()),
            perpetrator_roles=tuple(data.get("perpetrator_roles") or ()),
            **identifiers,
        )


class ScreeningForm(forms.Form):
    """One radio group (yes / no / unknown) per question; the person screened is optional."""

    person = forms.ChoiceField(label=_("Person screened"), required=False)

    def __init__(
        self, *args: Any, checklist: Checklist, persons: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.checklist = checklist
        cast(forms.ChoiceField, self.fields["person"]).choices = [("", _("The case as a whole")), *persons]
        for question in checklist.questions:
            self.fields[f"q_{question.code}"] = forms.ChoiceField(
                label=question.text,
                choices=Answer.choices,
                initial="unknown",
                required=False,
                widget=forms.RadioSelect,
            )

    def groups(self) -> list[tuple[object, list[forms.BoundField]]]:
        return [
            (label, [self[f"q_{q.code}"] for q in questions])
            for _dim, label, questions in self.checklist.grouped()
        ]

    def answers(self) -> dict[str, str]:
        return {q.code: self.cleaned_data.get(f"q_{q.code}") or "unknown" for q in self.checklist.questions}


class PhoneLookupForm(forms.Form):
    phone = forms.CharField(label=_("Phone number"), max_length=40)


class PurposeForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Why do you need the identifiers?"),
        choices=ReadPurpose.choices,
        widget=forms.RadioSelect,
        help_text=_("Recorded in the audit trail with your name."),
    )
