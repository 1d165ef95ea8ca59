"""The referral pages: the case tab, the partner's inbox and one referral, without JavaScript."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sigap.core.models import NotificationPreference
from sigap.referrals.models import ImmigrationAction, Referral, ReferralState
from sigap.referrals.services import referral_create

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_case_tab_refers_to_several_partners(people, orgs, case):
    client = _client(people["pimpasa.tirtayasa"])
    url = reverse("referrals:case", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Polres Serang (Satgas TPPO)" in body and "Polres Metro Tangerang" not in body
    answer = client.post(
        url,
        {
            "do": "refer",
            "refer-partners": [orgs["polres"].pk, orgs["disnaker"].pk],
            "refer-asked": "Mohon penyelidikan",
        },
    )
    assert answer.status_code == 302 and answer["Location"] == url
    assert Referral.objects.filter(case=case).count() == 2
    after = client.get(url).content.decode()
    assert "Mohon penyelidikan" in after and "Dinas Tenaga Kerja Kabupaten Serang" in after


def test_bad_input_is_shown_and_nothing_lost(people, orgs, case):
    client = _client(people["pimpasa.tirtayasa"])
    url = reverse("referrals:case", args=[case.pk])
    answer = client.post(url, {"do": "refer", "refer-asked": "Teks yang tidak boleh hilang"})
    assert answer.status_code == 400
    body = answer.content.decode()
    assert "Teks yang tidak boleh hilang" in body and "Pilih setidaknya satu instansi mitra." in body
    answer = client.post(
        url, {"do": "action_add", "action-kind": "departure_watch", "action-details": "Cek paspor"}
    )
    assert answer.status_code == 400 and "Cek paspor" in answer.content.decode()
    assert ImmigrationAction.objects.count() == 0
    # a rule refused by the service lands on the form too
    referral_create(case=case, partners=[orgs["polres"]], asked="x", actor=people["pimpasa.tirtayasa"])
    answer = client.post(url, {"do": "refer", "refer-partners": [orgs["polres"].pk], "refer-asked": "Lagi"})
    assert answer.status_code == 400 and "sudah dirujuk" in answer.content.decode()


def test_immigration_action_on_the_case_tab(people, case):
    client = _client(people["supervisor.serang"])
    url = reverse("referrals:case", args=[case.pk])
    answer = client.post(
        url, {"do": "action_add", "action-kind": "departure_watch", "action-tpi": "Bandara Soekarno-Hatta"}
    )
    assert answer.status_code == 302
    action = ImmigrationAction.objects.get()
    answer = client.post(
        url, {"do": "action_complete", "id": action.pk, f"a{action.pk}-outcome": "departure_prevented"}
    )
    assert answer.status_code == 302
    action.refresh_from_db()
    assert action.state == "done"


def test_readers_cannot_post(people, orgs, case):
    for name in ("analis.banten", "pusat"):
        client = _client(people[name])
        url = reverse("referrals:case", args=[case.pk])
        assert client.get(url).status_code == 200
        assert (
            client.post(
                url, {"do": "refer", "refer-partners": [orgs["polres"].pk], "refer-asked": "x"}
            ).status_code
            == 403
        )
    assert Referral.objects.count() == 0


def test_mitra_walks_the_loop(people, orgs, case):
    (referral,) = referral_create(
        case=case, partners=[orgs["polres"]], asked="Mohon penyelidikan", actor=people["pimpasa.tirtayasa"]
    )
    client = _client(people["mitra.polres"])
    inbox = client.get(reverse("referrals:inbox")).content.decode()
    assert reverse("referrals:detail", args=[referral.pk]) in inbox and case.number in inbox
    url = reverse("referrals:detail", args=[referral.pk])
    page = client.get(url).content.decode()
    assert "Mohon penyelidikan" in page and "Lontar" in page and "Tirtayasa" in page
    assert "Perekrutan ke sindikat penipuan / judi daring" in page  # the modus in words
    assert case.title not in page  # least data: the case's title is not shown to the partner
    assert reverse("cases:detail", args=[case.pk]) not in page
    # declining without a reason: the message, nothing changed
    answer = client.post(url, {"do": "decline", "decline-reason": ""})
    assert answer.status_code == 400 and "Berikan alasan" in answer.content.decode()
    assert client.post(url, {"do": "accept"}).status_code == 302
    assert "<legend>Hasil</legend>" in client.get(url).content.decode()  # the outcome radios are grouped
    assert client.post(url, {"do": "progress", "progress-body": "Pelaku diperiksa"}).status_code == 302
    assert client.post(url, {"do": "outcome", "outcome-outcome": "prosecution_opened"}).status_code == 302
    referral.refresh_from_db()
    assert referral.state == ReferralState.CLOSED
    # the officer sees the whole loop on the case tab
    tab = _client(people["pimpasa.tirtayasa"]).get(reverse("referrals:case", args=[case.pk])).content.decode()
    assert "Pelaku diperiksa" in tab and "Penuntutan dimulai" in tab


def test_mitra_cannot_withdraw_and_officer_cannot_accept(people, orgs, case):
    (referral,) = referral_create(
        case=case, partners=[orgs["polres"]], asked="x", actor=people["pimpasa.tirtayasa"]
    )
    url = reverse("referrals:detail", args=[referral.pk])
    assert (
        _client(people["mitra.polres"]).post(url, {"do": "withdraw", "withdraw-reason": "x"}).status_code
        == 403
    )
    assert _client(people["pimpasa.tirtayasa"]).post(url, {"do": "accept"}).status_code == 403
    assert _client(people["mitra.disnaker"]).post(url, {"do": "accept"}).status_code == 404
    officer = _client(people["pimpasa.tirtayasa"])
    assert officer.post(url, {"do": "withdraw", "withdraw-reason": "Salah alamat"}).status_code == 302
    referral.refresh_from_db()
    assert referral.state == ReferralState.WITHDRAWN


def test_profile_edits_notification_preferences(people):
    user = people["pimpasa.tirtayasa"]
    client = _client(user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'name="assignment__email"' in page and "checked" in page
    data = {key: "on" for key in ("assignment__email", "assignment__message")}
    answer = client.post(reverse("accounts:profile"), data)
    assert answer.status_code == 302
    off = set(NotificationPreference.objects.filter(user=user, enabled=False).values_list("event", "channel"))
    assert ("critical_signal", "email") in off and ("assignment", "email") not in off
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'name="critical_signal__email" id="id_critical_signal__email"' in page
