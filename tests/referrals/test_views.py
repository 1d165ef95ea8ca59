"""The referral pages: the case tab, the partner's inbox and one referral, without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sigap.audit.models import AuditEvent
from sigap.core.models import NotificationPreference
from sigap.referrals.models import ActionKind, ImmigrationAction, Referral, ReferralState, ReferralUpdate
from sigap.referrals.services import (
    immigration_action_add,
    referral_accept,
    referral_create,
    referral_progress,
    referral_withdraw,
)

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


# --- reads of the sealed progress posts ----------------------------------------------------------

VICTIM = "Siti Rahayu"


@pytest.fixture
def posted(people, orgs, case) -> dict[str, Any]:
    """Two referrals of the case: Polres accepted and posted twice, the PIMPASA posted on Disnaker's."""
    polres, disnaker = referral_create(
        case=case,
        partners=[orgs["polres"], orgs["disnaker"]],
        asked="Mohon penyelidikan",
        actor=people["pimpasa.tirtayasa"],
    )
    mitra = people["mitra.polres"]
    referral_accept(referral=polres, actor=mitra)
    first = referral_progress(referral=polres, actor=mitra, body=f"Korban {VICTIM} sudah diperiksa")
    second = referral_progress(referral=polres, actor=mitra, body="Agen dipanggil")
    third = referral_progress(referral=disnaker, actor=people["pimpasa.tirtayasa"], body="Keluarga ditelepon")
    return {"polres": polres, "disnaker": disnaker, "updates": [first, second, third]}


def _reads(purpose: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="read.sensitive", metadata__purpose=purpose).order_by("id"))


def _named(*updates: ReferralUpdate, asked: tuple[Referral, ...] = ()) -> list[str]:
    """The fields a read event names: what each referral asked (sealed), then the progress posts."""
    return [f"referral:{referral.pk}:asked" for referral in asked] + [
        f"referral_update:{update.pk}" for update in updates
    ]


def test_referral_page_records_one_read_of_its_progress_per_view(people, posted):
    polres = posted["polres"]
    first, second, _other = posted["updates"]
    url = reverse("referrals:detail", args=[polres.pk])
    assert VICTIM in _client(people["mitra.polres"]).get(url).content.decode()
    (event,) = _reads("referral.detail")
    assert event.actor == people["mitra.polres"]
    assert (event.object_type, event.object_id) == ("referrals.referral", str(polres.pk))
    assert event.metadata == {"fields": _named(first, second, asked=(polres,)), "purpose": "referral.detail"}
    assert VICTIM not in str(event.metadata) and "Agen" not in str(event.metadata)
    _client(people["pimpasa.tirtayasa"]).get(url)
    assert [e.actor_username for e in _reads("referral.detail")] == ["mitra.polres", "pimpasa.tirtayasa"]


def test_case_tab_records_one_read_for_every_referral_s_progress(people, posted, case):
    url = reverse("referrals:case", args=[case.pk])
    page = _client(people["analis.banten"]).get(url).content.decode()
    assert VICTIM in page and "Keluarga ditelepon" in page
    (event,) = _reads("case.referrals")  # one event for the page, not one per referral or post
    assert event.actor == people["analis.banten"]
    assert (event.object_type, event.object_id) == ("cases.case", str(case.pk))
    expected = _named(*posted["updates"], asked=(posted["polres"], posted["disnaker"]))
    assert sorted(event.metadata["fields"]) == sorted(expected)  # the tab's order is the list's, not ours
    assert event.metadata["purpose"] == "case.referrals"
    assert VICTIM not in str(event.metadata)


def test_a_referral_without_progress_records_the_read_of_its_request_and_outcome(people, orgs, case):
    """What was asked and the outcome text are sealed too (they name victims): shown, they are read."""
    (referral,) = referral_create(
        case=case, partners=[orgs["polres"]], asked=f"Mohon cari {VICTIM}", actor=people["pimpasa.tirtayasa"]
    )
    client = _client(people["pimpasa.tirtayasa"])
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 200
    (event,) = _reads("referral.detail")
    assert event.metadata["fields"] == [f"referral:{referral.pk}:asked"] and VICTIM not in str(event.metadata)
    mitra = _client(people["mitra.polres"])
    assert mitra.post(reverse("referrals:detail", args=[referral.pk]), {"do": "accept"}).status_code == 302
    closed = mitra.post(
        reverse("referrals:detail", args=[referral.pk]),
        {"do": "outcome", "outcome-outcome": "prosecution_opened", "outcome-text": f"{VICTIM} pulang"},
    )
    assert closed.status_code == 302
    action = immigration_action_add(
        case=case, kind=ActionKind.APOA_CHECK, actor=people["pimpasa.tirtayasa"], details=f"Cek {VICTIM}"
    )
    page = client.get(reverse("referrals:case", args=[case.pk])).content.decode()
    assert f"Cek {VICTIM}" in page and f"{VICTIM} pulang" in page
    (tab,) = _reads("case.referrals")  # one event names the referral's texts and the action's
    assert tab.metadata["fields"] == [
        f"referral:{referral.pk}:asked",
        f"referral:{referral.pk}:outcome",
        f"immigration_action:{action.pk}:details",
    ]
    assert VICTIM not in str(tab.metadata)


def test_progress_out_of_reach_is_neither_decrypted_nor_recorded(people, posted, case, monkeypatch):
    import sigap.referrals.models as models
    from sigap.core.crypto import unseal

    opened: list[str] = []

    def counting(token: str) -> str:
        opened.append(token)
        return unseal(token)

    monkeypatch.setattr(models, "unseal", counting)
    detail = reverse("referrals:detail", args=[posted["polres"].pk])
    tab = reverse("referrals:case", args=[case.pk])
    for name, url in (
        ("mitra.disnaker", detail),  # another partner's referral
        ("mitra.tangerang", detail),
        ("supervisor.tangerang", detail),  # another territory
        ("supervisor.tangerang", tab),
        ("mitra.polres", tab),  # the partner never sees the case
        ("kader.lontar", tab),
    ):
        response = _client(people[name]).get(url)
        assert response.status_code in (403, 404), (name, url)
        assert VICTIM not in response.content.decode()
    assert opened == [] and not AuditEvent.objects.filter(action="read.sensitive").exists()
    # the Disnaker liaison reads its own referral: the officer's post there, not Polres' posts
    own = _client(people["mitra.disnaker"]).get(reverse("referrals:detail", args=[posted["disnaker"].pk]))
    assert VICTIM not in own.content.decode() and "Keluarga ditelepon" in own.content.decode()
    (event,) = _reads("referral.detail")
    assert event.metadata["fields"] == _named(posted["updates"][2], asked=(posted["disnaker"],))


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", ["referrals:detail", "referrals:case"])
def test_query_count_does_not_grow_with_progress_posts(people, posted, case, page):
    polres = posted["polres"]
    url = reverse(page, args=[polres.pk if page == "referrals:detail" else case.pk])
    client = _client(people["supervisor.serang"])
    client.get(url)  # warm
    few = _queries(client, url)
    for i in range(5):
        referral_progress(referral=polres, actor=people["mitra.polres"], body=f"Perkembangan {i}")
        referral_progress(referral=posted["disnaker"], actor=people["supervisor.serang"], body=f"Catatan {i}")
    assert _queries(client, url) == few


def test_case_referral_tab_reads_no_more_for_more_answered_referrals(people, posted, case):
    """Accepted (Polres) and then withdrawn (Disnaker): who answered and who withdrew are joined."""
    url = reverse("referrals:case", args=[case.pk])
    client = _client(people["supervisor.serang"])
    client.get(url)  # warm
    few = _queries(client, url)
    referral_withdraw(
        referral=posted["disnaker"], actor=people["supervisor.serang"], reason="Sudah ditangani"
    )
    assert _queries(client, url) == few


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
