"""Cek Tawaran Kerja: paste a job offer, or answer ten yes/no questions (plain HTML, no JavaScript)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sigap.intake.services import TEXT_MAX

#: The ten questions, each mapped to the detection catalogue's indicator code it stands for.
QUESTIONS: tuple[tuple[str, Any], ...] = (
    ("recruitment_fee_or_debt", _("Are you asked to pay a fee up front, or to take a loan?")),
    ("visa_misuse", _("Will you travel on a tourist, visit or umrah visa to work?")),
    (
        "unlicensed_recruiter",
        _("Is the recruiter a broker (calo) or a private person, not a licensed company (P3MI)?"),
    ),
    ("unrealistic_salary", _("Is the pay very high even though no skills are needed?")),
    ("document_confiscation", _("Will the recruiter keep your passport or ID card?")),
    ("scam_compound_destination", _("Is the job in Cambodia, Myanmar, Laos or Thailand?")),
    (
        "vague_office_job_abroad",
        _("Is it an 'admin' or 'customer service' job without a clear company name?"),
    ),
    ("lie_to_officials", _("Are you told to lie to officers, for example to say it is a holiday?")),
    ("minor_involved", _("Is the person under 18, or will their age be changed?")),
    (
        "bypass_official_procedure",
        _("Are you told you do not need to register at the labour office (Disnaker)?"),
    ),
)


class CheckForm(forms.Form):
    text = forms.CharField(
        label=_("Paste the job offer here"),
        help_text=_("Copy the message, the post or the advert, or write what the recruiter told you."),
        widget=forms.Textarea(attrs={"rows": 7}),
        max_length=TEXT_MAX,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in QUESTIONS:
            self.fields[f"q_{code}"] = forms.BooleanField(label=label, required=False)

    def question_fields(self) -> list[forms.BoundField]:
        return [self[f"q_{code}"] for code, _label in QUESTIONS]

    def answered_yes(self) -> list[str]:
        """Indicator codes of the questions answered yes (after validation)."""
        return [code for code, _label in QUESTIONS if self.cleaned_data.get(f"q_{code}")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("text") or "").strip() and not any(data.get(f"q_{c}") for c, _l in QUESTIONS):
            raise forms.ValidationError(_("Paste a job offer, or answer at least one question."))
        return data
