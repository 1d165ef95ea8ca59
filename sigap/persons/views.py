"""The case tab "Orang & skrining": persons (least data), identifiers on an audited request, the
screening checklist and its result, and the exact phone lookup (thin views over services/selectors)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sigap.cases.models import Case
from sigap.cases.selectors import case_get
from sigap.core import guards
from sigap.core.access import require_reach, restrict
from sigap.core.exceptions import ApplicationError
from sigap.core.forms import show_refusal
from sigap.persons import screening as rules
from sigap.persons import selectors, services
from sigap.persons.forms import PersonForm, PhoneLookupForm, PurposeForm, ScreeningForm
from sigap.persons.models import Person


def _case(request: HttpRequest, pk: int) -> Case:
    require_reach(request.user, Person)
    case = case_get(user=request.user, pk=pk)
    if case is None:
        raise Http404
    return case


def _worked_case(request: HttpRequest, pk: int) -> Case:
    """A case the user may act on: 404 outside the territory, 403 for read-only roles."""
    case = _case(request, pk)
    if not guards.may(request.user, case):
        raise PermissionDenied
    return case


def _person(request: HttpRequest, pk: int, *, change: bool) -> Person:
    require_reach(request.user, Person)
    person = restrict(Person.objects.filter(pk=pk), request.user, "view").select_related("case").first()
    if person is None:
        raise Http404
    if change and not services.may_see_identifiers(request.user, person):
        raise PermissionDenied
    return person


@login_required
def case_persons(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    today = timezone.localdate()
    persons = [(p, p.age_band(today)) for p in selectors.case_persons(user=request.user, case=case)]
    latest = selectors.latest_screening(user=request.user, case=case)
    return render(
        request,
        "persons/case.html",
        {
            "case": case,
            "tab": "persons",
            "persons": persons,
            "latest": latest,
            "dimensions": rules.DIMENSIONS,
            "may_change": guards.may(request.user, case),
            "lookup_form": PhoneLookupForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _worked_case(request, pk)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_add(case=case, actor=request.user, data=form.person_data())
        except ApplicationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("The person was added."))
            return redirect("persons:case", pk=case.pk)
    return render(request, "persons/person_form.html", {"case": case, "tab": "persons", "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk, change=True)
    case = person.case
    initial = {
        name: getattr(person, name)
        for name in (
            "role",
            "gender",
            "age",
            "birth_year",
            "citizenship",
            "trafficking_status",
            "relationship_to_trafficker",
            "recruitment_methods",
            "recruitment_apps",
            "exploitation_types",
            "control_methods",
            "perpetrator_roles",
        )
    }
    form = PersonForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(person=person, actor=request.user, data=form.person_data())
        except ApplicationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("The person was saved."))
            return redirect("persons:case", pk=case.pk)
    return render(
        request, "persons/person_form.html", {"case": case, "tab": "persons", "form": form, "person": person}
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_identifiers(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks why; POST (with the purpose) shows the identifiers once and records the read."""
    person = _person(request, pk, change=True)
    form = PurposeForm(request.POST or None)
    shown = None
    if request.method == "POST" and form.is_valid():
        try:
            shown = services.person_identifiers(
                person=person, actor=request.user, purpose=form.cleaned_data["purpose"]
            )
        except ApplicationError as error:
            show_refusal(form, error)
    response = render(
        request,
        "persons/identifiers.html",
        {"case": person.case, "tab": "persons", "person": person, "form": form, "shown": shown},
    )
    if shown is not None:
        response["Cache-Control"] = "no-store"  # decrypted identifiers: never kept by the browser
    return response


@login_required
@require_http_methods(["GET", "POST"])
def screening(request: HttpRequest, pk: int) -> HttpResponse:
    case = _worked_case(request, pk)
    checklist = rules.checklist()
    persons = list(selectors.case_persons(user=request.user, case=case))
    choices = [(str(p.pk), f"{p.get_role_display()} #{p.pk}") for p in persons]
    form = ScreeningForm(request.POST or None, checklist=checklist, persons=choices)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data.get("person")
        person = next((p for p in persons if str(p.pk) == chosen), None)
        try:
            services.screening_record(case=case, actor=request.user, answers=form.answers(), person=person)
        except ApplicationError as error:
            question = error.extra.get("question")
            show_refusal(form, error, field=f"q_{question}" if question else None)
        else:
            messages.success(request, _("The screening was recorded."))
            return redirect("persons:case", pk=case.pk)
    return render(
        request,
        "persons/screening.html",
        {
            "case": case,
            "tab": "persons",
            "form": form,
            "version": checklist.version,
            "latest": selectors.latest_screening(user=request.user, case=case),
            "dimensions": rules.DIMENSIONS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def phone_lookup(request: HttpRequest) -> HttpResponse:
    require_reach(request.user, Person)
    # POST only: a phone number in the query string would reach access logs and browser history.
    form = PhoneLookupForm(request.POST if request.method == "POST" else None)
    found = None
    invalid = False
    if form.is_valid():
        found = services.phone_lookup(actor=request.user, phone=form.cleaned_data["phone"])
        invalid = found is None
    return render(request, "persons/phone.html", {"form": form, "found": found, "invalid": invalid})
