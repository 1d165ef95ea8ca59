"""The forms of the referral pages: they check the shape of the input; services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sigap.core.forms import date_field
from sigap.organisations.models import Organisation
from sigap.referrals.models import ActionKind, ActionOutcome, ReferralOutcome
from sigap.referrals.services import REASON_MAX, TEXT_MAX, TPI_MAX

_TEXTAREA = {"rows": 4}


class ReferForm(forms.Form):
    partners: forms.ModelMultipleChoiceField[Organisation] = forms.ModelMultipleChoiceField(
        label=_("Partner agencies"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one partner agency.")},
        help_text=_("Each agency gets its own referral and answers on its own."),
    )
    asked = forms.CharField(
        label=_("What is asked of the partner"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs=_TEXTAREA),
        error_messages={"required": _("Say what the partner is asked to do.")},
    )
    deadline = forms.DateTimeField(
        label=_("Answer due (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Empty: 24 hours for an emergency, otherwise 2 working days."),
    )

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partners"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = partners


class ActionAddForm(forms.Form):
    kind = forms.ChoiceField(label=_("Immigration action"), choices=ActionKind.choices)
    tpi = forms.CharField(
        label=_("Checkpoint (TPI), for a departure watch"),
        max_length=TPI_MAX,
        required=False,
        help_text=_("For example: Bandara Soekarno-Hatta, Pelabuhan Merak."),
    )
    due = date_field(_("Due"), required=False)
    details = forms.CharField(
        label=_("Details (optional)"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ActionKind.DEPARTURE_WATCH and not data.get("tpi"):
            self.add_error("tpi", _("Name the checkpoint (TPI) to watch."))
        return data


class ActionCompleteForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", "—"), *ActionOutcome.choices], required=False
    )
    text = forms.CharField(
        label=_("Notes on the outcome"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    cancel = forms.BooleanField(label=_("Cancel this action instead (say why in the notes)"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("cancel"):
            if not data.get("text"):
                self.add_error("text", _("Say why the action is cancelled."))
        elif not data.get("outcome"):
            self.add_error("outcome", _("Choose the outcome."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs=_TEXTAREA),
        error_messages={"required": _("Give a reason: it is recorded with the answer.")},
    )


class ProgressForm(forms.Form):
    body = forms.CharField(
        label=_("Progress"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs=_TEXTAREA),
        error_messages={"required": _("Write the progress first.")},
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=ReferralOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the outcome.")},
    )
    text = forms.CharField(
        label=_("What was done (optional)"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
