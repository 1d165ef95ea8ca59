"""The public report form and the reporter's follow-up forms (plain HTML: no JavaScript needed)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sigap.core.forms import date_field
from sigap.intake.models import AgeBand, IdentityTier, Relation
from sigap.intake.services import MAX_ATTACHMENTS, MESSAGE_MAX, TEXT_MAX
from sigap.regions.forms import VillageFinderForm


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Up to ``MAX_ATTACHMENTS`` files in one input; each is checked by the service, not here."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        files = (
            [single(d, initial) for d in data] if isinstance(data, list | tuple) else [single(data, initial)]
        )
        files = [f for f in files if f]
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("At most %(max)d files per report.") % {"max": MAX_ATTACHMENTS})
        return files


class ReportForm(VillageFinderForm):
    text = forms.CharField(
        label=_("What happened?"),
        help_text=_(
            "In your own words: who offered what, where to, what was paid or promised, what worries you."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=TEXT_MAX,
    )
    location_text = forms.CharField(
        label=_("Don't know the village? Describe the place"),
        required=False,
        max_length=300,
    )
    occurred_on = date_field(_("When did it happen (or when will they leave)?"), required=False)
    occurred_text = forms.CharField(
        label=_("Or say it in words"),
        help_text=_("For example: last week, tomorrow night."),
        required=False,
        max_length=120,
    )
    persons_at_risk = forms.IntegerField(
        label=_("How many people are at risk?"), required=False, min_value=1, max_value=1000
    )
    age_band = forms.ChoiceField(
        label=_("Their ages"), choices=AgeBand.choices, required=False, widget=forms.RadioSelect
    )
    relation = forms.ChoiceField(
        label=_("The person at risk is"), choices=[("", "—"), *Relation.choices], required=False
    )
    recruiter_text = forms.CharField(
        label=_("Who is recruiting or arranging it? (optional)"),
        help_text=_("A name, a phone number, an account, a company or agency, if you know it."),
        required=False,
        max_length=500,
    )
    identity_tier = forms.ChoiceField(
        label=_("How do you want to be known?"),
        choices=IdentityTier.choices,
        initial=IdentityTier.ANONIM,
        widget=forms.RadioSelect,
    )
    reporter_name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=120)
    reporter_contact = forms.CharField(
        label=_("Your phone or WhatsApp number"),
        help_text=_("Only if you chose confidential or open."),
        required=False,
        max_length=120,
    )
    attachments = MultipleFileField(
        label=_("Photos or screenshots (optional)"),
        help_text=_(
            "JPEG, PNG, WebP or PDF; up to 5 files of 10 MB each. Location data in photos is removed."
        ),
        required=False,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that SIGAP officers use this report to protect the people at risk, as UU 27/2022 on "
            "personal data protection allows. My identity is protected (UU 21/2007 Article 44)."
        ),
        required=True,
    )
    # A field people never see (hidden by the stylesheet); robots fill it in.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args: Any, desa_choices: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_villages(desa_choices or [])
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})


class StatusForm(forms.Form):
    receipt = forms.CharField(label=_("Receipt code"), max_length=12, help_text=_("For example 7K3M-Q9XT."))
    pin = forms.CharField(
        label=_("PIN"), max_length=6, min_length=6, widget=forms.PasswordInput(attrs={"inputmode": "numeric"})
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message or answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=MESSAGE_MAX
    )
