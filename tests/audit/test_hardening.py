"""Hardening found in review: keyed hashes, address normalisation, head protection, admin changes."""

from __future__ import annotations

import pytest
from django.db import Error, connection, transaction
from django.test import Client, override_settings
from django.urls import reverse

from sigap.audit.models import AuditChainHead, AuditEvent
from sigap.audit.services import audit_record, audit_verify
from sigap.core.context import RequestContext, reset_request_context, set_request_context

pytestmark = pytest.mark.django_db


def test_the_chain_is_keyed_with_the_hmac_key() -> None:
    for n in range(3):
        audit_record(actor=None, action="test.event", metadata={"n": n})
    assert audit_verify().ok
    with override_settings(SIGAP_HMAC_KEY="another-key"):
        result = audit_verify()
    assert not result.ok and result.bad_id == 1


def test_a_non_canonical_ipv6_address_still_verifies() -> None:
    token = set_request_context(RequestContext(ip_address="2001:0DB8:0000::0001", user_agent="x"))
    try:
        event = audit_record(actor=None, action="test.ipv6")
    finally:
        reset_request_context(token)
    assert AuditEvent.objects.get(pk=event.pk).ip_address == "2001:db8::1"
    assert audit_verify().ok


def test_the_chain_head_cannot_move_back_or_vanish() -> None:
    audit_record(actor=None, action="test.event")
    audit_record(actor=None, action="test.event")
    with pytest.raises(Error), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditchainhead SET last_id = 0")
    with pytest.raises(Error), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditchainhead")
    assert AuditChainHead.objects.get(pk=1).last_id == 2


def test_failed_sign_in_is_audited(demo_world) -> None:
    Client().post(reverse("accounts:login"), {"username": "kader.lontar", "password": "wrong"})
    event = AuditEvent.objects.filter(action="account.login_failed").latest("id")
    assert event.metadata == {"username": "kader.lontar"}


def test_admin_changes_are_audited_and_rights_follow_the_role(demo_world) -> None:
    admin_client = Client()
    admin_client.force_login(demo_world["admin"])
    pusat = demo_world["pusat"]
    url = reverse("admin:accounts_user_change", args=[pusat.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data.update(
        {
            "username": pusat.username,
            "role": "admin",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "preferred_language": "id",
            "organisation": pusat.organisation_id or "",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content[:500]
    pusat.refresh_from_db()
    assert pusat.role == "admin" and pusat.is_superuser and pusat.is_staff
    event = AuditEvent.objects.filter(action="admin.change").latest("id")
    assert event.object_id == str(pusat.pk) and "role" in event.metadata["fields"]
    pusat.role = "pusat"
    pusat.save()
    pusat.refresh_from_db()
    assert not pusat.is_superuser and not pusat.is_staff


def test_totp_key_is_shown_in_base32(client: Client, demo_world) -> None:
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(demo_world["pusat"])
    body = client.get(reverse("accounts:2fa")).content.decode()
    device = TOTPDevice.objects.get(user=demo_world["pusat"])
    expected = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert expected in body and device.key not in body
