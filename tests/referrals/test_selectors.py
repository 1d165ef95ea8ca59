"""Who sees which referral: officers through the case's territory, a partner only its own referrals."""

from __future__ import annotations

import pytest

from sigap.cases.models import Case
from sigap.core.access import restrict
from sigap.referrals.models import ActionKind, ImmigrationAction, Referral, ReferralUpdate
from sigap.referrals.selectors import (
    partner_choices,
    referral_get,
    referral_list,
    referral_timeline,
)
from sigap.referrals.services import (
    immigration_action_add,
    referral_accept,
    referral_create,
    referral_progress,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def referrals(people, orgs, case, case_tng) -> dict[str, Referral]:
    polres, disnaker = referral_create(
        case=case,
        partners=[orgs["polres"], orgs["disnaker"]],
        asked="Mohon tindak lanjut",
        actor=people["pimpasa.tirtayasa"],
    )
    (tangerang,) = referral_create(
        case=case_tng,
        partners=[orgs["polres_tng"]],
        asked="Mohon tindak lanjut",
        actor=people["supervisor.tangerang"],
    )
    return {"polres": polres, "disnaker": disnaker, "tangerang": tangerang}


def _seen(people, name) -> set[int]:
    return set(referral_list(user=people[name]).values_list("pk", flat=True))


def test_a_mitra_sees_only_the_referrals_to_its_organisation(people, referrals):
    assert _seen(people, "mitra.polres") == {referrals["polres"].pk}
    assert _seen(people, "mitra.disnaker") == {referrals["disnaker"].pk}
    assert _seen(people, "mitra.tangerang") == {referrals["tangerang"].pk}
    assert referral_get(user=people["mitra.polres"], pk=referrals["disnaker"].pk) is None
    # and nothing else of the case: not the case, its notes, tasks or immigration actions
    for name in ("mitra.polres", "mitra.disnaker"):
        assert not restrict(Case.objects.all(), people[name], "view").exists()
        assert not restrict(ImmigrationAction.objects.all(), people[name], "view").exists()


def test_officers_see_referrals_through_the_case(people, referrals):
    everything = {r.pk for r in referrals.values()}
    serang = {referrals["polres"].pk, referrals["disnaker"].pk}
    assert _seen(people, "pimpasa.tirtayasa") == serang
    assert _seen(people, "supervisor.serang") == serang
    assert _seen(people, "analis.banten") == everything  # the Kanwil covers Banten
    assert _seen(people, "supervisor.tangerang") == {referrals["tangerang"].pk}
    assert _seen(people, "pusat") == everything
    assert _seen(people, "admin") == everything
    assert _seen(people, "kader.lontar") == set()


def test_a_mitra_without_organisation_sees_nothing(people, referrals):
    mitra = people["mitra.polres"]
    mitra.organisation = None
    mitra.save(update_fields=["organisation"])
    assert referral_list(user=mitra).count() == 0


def test_updates_follow_their_referral(people, referrals):
    mitra = people["mitra.polres"]
    referral_accept(referral=referrals["polres"], actor=mitra)
    referral_progress(referral=referrals["polres"], actor=mitra, body="Sedang diselidiki")
    shown = referral_timeline(user=mitra, referral=referrals["polres"], purpose="test")
    assert [step.text for step in shown][-1] == "Sedang diselidiki"  # the partner sees the post
    assert restrict(ReferralUpdate.objects.all(), people["mitra.disnaker"], "view").count() == 0
    assert restrict(ReferralUpdate.objects.all(), people["supervisor.tangerang"], "view").count() == 0
    referrals["polres"].refresh_from_db()
    steps = referral_timeline(user=people["pimpasa.tirtayasa"], referral=referrals["polres"], purpose="test")
    assert [step.who for step in steps] == [people["pimpasa.tirtayasa"], mitra, mitra]
    assert [step.text for step in steps] == ["Mohon tindak lanjut", "", "Sedang diselidiki"]


def test_open_referrals_come_first(people, orgs, case, referrals):
    mitra = people["mitra.polres"]
    referral_accept(referral=referrals["polres"], actor=mitra)
    listed = list(referral_list(user=people["pimpasa.tirtayasa"]))
    assert {r.pk for r in listed} == {referrals["polres"].pk, referrals["disnaker"].pk}


def test_partner_choices_follow_the_territory(people, orgs):
    names = set(partner_choices(user=people["pimpasa.tirtayasa"]).values_list("pk", flat=True))
    assert orgs["polres"].pk in names and orgs["polres_tng"].pk not in names
    assert orgs["kanim"].pk not in names  # an immigration office is not a partner


def test_immigration_actions_are_read_through_the_case(people, case, case_tng):
    immigration_action_add(case=case, kind=ActionKind.APOA_CHECK, actor=people["pimpasa.tirtayasa"])
    assert restrict(ImmigrationAction.objects.all(), people["supervisor.serang"], "view").count() == 1
    assert restrict(ImmigrationAction.objects.all(), people["supervisor.tangerang"], "view").count() == 0
    assert restrict(ImmigrationAction.objects.all(), people["analis.banten"], "view").count() == 1
    assert restrict(ImmigrationAction.objects.all(), people["analis.banten"], "change").count() == 0
