"""Referral pages (thin views): the case tab "Rujukan & tindakan", the partner's inbox and one referral.

Every page works without JavaScript: each form posts to the page it is on with a ``do`` field naming
the action; bad input re-renders the page (status 400) with the message and the typed text kept.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sigap.cases import selectors as case_selectors
from sigap.cases.models import Case
from sigap.core.access import require_reach
from sigap.core.exceptions import ApplicationError
from sigap.core.forms import show_refusal
from sigap.core.pagination import paginate
from sigap.referrals import selectors, services
from sigap.referrals.forms import (
    ActionAddForm,
    ActionCompleteForm,
    OutcomeForm,
    ProgressForm,
    ReasonForm,
    ReferForm,
)
from sigap.referrals.models import ImmigrationAction, Referral, ReferralState


def _object_id(request: HttpRequest) -> int | None:
    raw = request.POST.get("id", "")
    return int(raw) if raw.isdigit() else None


def _referral_rows(
    user: Any,
    case: Case,
    referrals: list[Referral],
    bound: dict[tuple[str, int], forms.Form],
    actions: list[ImmigrationAction],
) -> list[dict[str, Any]]:
    steps = selectors.referral_timelines(
        user=user,
        referrals=referrals,
        about=case,
        purpose="case.referrals",
        also=selectors.sealed_action_fields(actions),
    )
    return [
        {
            "referral": referral,
            "steps": steps[referral.pk],
            "withdraw_form": bound.get(("withdraw", referral.pk)) or ReasonForm(prefix=f"w{referral.pk}"),
            "progress_form": bound.get(("progress", referral.pk)) or ProgressForm(prefix=f"p{referral.pk}"),
        }
        for referral in referrals
    ]


def _run(form: forms.Form, call: Any) -> bool:
    """Validate ``form`` and run the service; an ApplicationError lands on the form. True: done."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except ApplicationError as error:
        show_refusal(form, error)
        return False
    return True


@login_required
def case_referrals(request: HttpRequest, pk: int) -> HttpResponse:
    """The case tab: every referral with its loop, the immigration actions, and the forms to add them."""
    require_reach(request.user, Case)
    case = case_selectors.case_get(user=request.user, pk=pk)
    if case is None:
        raise Http404
    user: Any = request.user
    works = selectors.may_work(user=user, case=case)
    partners = selectors.partner_choices(user=user)
    refer_form = ReferForm(partners=partners, prefix="refer")
    action_form = ActionAddForm(prefix="action")
    bound: dict[tuple[str, int], forms.Form] = {}
    if request.method == "POST":
        if not works:
            raise PermissionDenied
        do, object_id, done, success = request.POST.get("do", ""), _object_id(request), False, ""
        if do == "refer":
            refer_form = ReferForm(request.POST, partners=partners, prefix="refer")
            done = _run(
                refer_form,
                lambda d: services.referral_create(
                    case=case,
                    partners=list(d["partners"]),
                    asked=d["asked"],
                    actor=user,
                    deadline=d["deadline"],
                ),
            )
            success = _("The case is referred. The partners are told now.")
        elif do == "action_add":
            action_form = ActionAddForm(request.POST, prefix="action")
            done = _run(
                action_form,
                lambda d: services.immigration_action_add(
                    case=case, kind=d["kind"], tpi=d["tpi"], due=d["due"], details=d["details"], actor=user
                ),
            )
            success = _("The immigration action is planned.")
        elif do == "action_complete" and object_id is not None:
            action = selectors.immigration_actions(user=user, case=case).filter(pk=object_id).first()
            if action is None:
                raise Http404
            form: forms.Form = ActionCompleteForm(request.POST, prefix=f"a{action.pk}")
            bound[("complete", action.pk)] = form
            done = _run(
                form,
                lambda d: services.immigration_action_complete(
                    action=action, actor=user, outcome=d["outcome"], text=d["text"], cancel=d["cancel"]
                ),
            )
            success = _("The immigration action is updated.")
        elif do in ("withdraw", "progress") and object_id is not None:
            referral = selectors.referral_list(user=user, case=case).filter(pk=object_id).first()
            if referral is None:
                raise Http404
            if do == "withdraw":
                form = ReasonForm(request.POST, prefix=f"w{referral.pk}")

                def call(d: dict[str, Any], referral: Referral = referral) -> Any:  # type: ignore[assignment]
                    return services.referral_withdraw(referral=referral, actor=user, reason=d["reason"])

                success = _("The referral is withdrawn.")
            else:
                form = ProgressForm(request.POST, prefix=f"p{referral.pk}")

                def call(d: dict[str, Any], referral: Referral = referral) -> Any:  # type: ignore[assignment]
                    return services.referral_progress(referral=referral, actor=user, body=d["body"])

                success = _("The progress is recorded.")
            bound[(do, referral.pk)] = form
            done = _run(form, call)
        else:
            return HttpResponse(status=400)
        if done:
            messages.success(request, success)
            return redirect("referrals:case", pk=case.pk)
    shown_actions = list(selectors.immigration_actions(user=user, case=case))
    # One read event names every sealed text of the page: the referrals' and the actions'.
    referrals = _referral_rows(
        user, case, list(selectors.referral_list(user=user, case=case)), bound, shown_actions
    )
    actions = [
        {
            "action": action,
            "complete_form": bound.get(("complete", action.pk)) or ActionCompleteForm(prefix=f"a{action.pk}"),
        }
        for action in shown_actions
    ]
    return render(
        request,
        "referrals/case.html",
        {
            "case": case,
            "tab": "referrals",
            "referrals": referrals,
            "actions": actions,
            "works": works and case.is_open,
            "refer_form": refer_form,
            "action_form": action_form,
            "has_partners": partners.exists(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The referrals the user may see: for a partner's liaison, those to their agency, open first."""
    require_reach(request.user, Referral)
    page = paginate(request, selectors.referral_list(user=request.user))
    return render(request, "referrals/inbox.html", {"page": page})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One referral: least data for the partner (number, place, risk, modus, what is asked) and the
    forms to accept, decline, post progress and record the outcome; officers may post and withdraw."""
    require_reach(request.user, Referral)
    user: Any = request.user
    referral = selectors.referral_get(user=user, pk=pk)
    if referral is None:
        raise Http404
    responds = selectors.may_respond(user=user, referral=referral)
    works = selectors.may_work(user=user, case=referral.case)
    forms_: dict[str, forms.Form] = {
        "decline": ReasonForm(prefix="decline"),
        "progress": ProgressForm(prefix="progress"),
        "outcome": OutcomeForm(prefix="outcome"),
        "withdraw": ReasonForm(prefix="withdraw"),
    }
    if request.method == "POST":
        do = request.POST.get("do", "")
        allowed = {"accept", "decline", "outcome", "progress"} if responds else set()
        if works:
            allowed |= {"progress", "withdraw"}
        if do not in allowed:
            raise PermissionDenied
        calls: dict[str, tuple[Any, str]] = {
            "accept": (
                lambda d: services.referral_accept(referral=referral, actor=user),
                _("You accepted the referral. Post progress here as it goes."),
            ),
            "decline": (
                lambda d: services.referral_decline(referral=referral, actor=user, reason=d["reason"]),
                _("You declined the referral. The referring officer is told."),
            ),
            "progress": (
                lambda d: services.referral_progress(referral=referral, actor=user, body=d["body"]),
                _("The progress is recorded."),
            ),
            "outcome": (
                lambda d: services.referral_outcome(
                    referral=referral, actor=user, outcome=d["outcome"], text=d["text"]
                ),
                _("The outcome is recorded. Thank you: the referral is closed."),
            ),
            "withdraw": (
                lambda d: services.referral_withdraw(referral=referral, actor=user, reason=d["reason"]),
                _("The referral is withdrawn."),
            ),
        }
        form = forms.Form(request.POST) if do == "accept" else type(forms_[do])(request.POST, prefix=do)
        if do != "accept":
            forms_[do] = form
        call, success = calls[do]
        if _run(form, call):
            messages.success(request, success)
            return redirect("referrals:detail", pk=referral.pk)
        if do == "accept":
            for error in form.non_field_errors():
                messages.error(request, str(error))
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "case": referral.case,
            "steps": selectors.referral_timeline(user=user, referral=referral, purpose="referral.detail"),
            "responds": responds,
            "works": works,
            "waiting": referral.state == ReferralState.SENT,
            "accepted": referral.state == ReferralState.ACCEPTED,
            "forms": forms_,
        },
        status=400 if request.method == "POST" else 200,
    )


__all__ = ["ImmigrationAction", "case_referrals", "detail", "inbox"]
