"""Forms of the programme pages: the public test sheet, Q&A and paper answer entry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sigap.programme.models import Phase
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
