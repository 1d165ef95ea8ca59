"""Sign-in, two-factor enrolment and verification, lockout, sign-out: through the real views."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sigap.accounts.services import totp_enrolment_code_issue
from sigap.audit.models import AuditEvent

PASSWORD = "demo-password-for-tests"


def _login(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password, **extra})


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


@pytest.mark.django_db
def test_login_page_is_indonesian_by_default(client: Client) -> None:
    body = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="id">' in body
    assert "Masuk" in body


def test_password_login_without_2fa_requirement(client: Client, demo_world) -> None:
    response = _login(client, "kader.lontar", next="/wilayah/")
    assert response.status_code == 302 and response["Location"] == "/wilayah/"
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEvent.objects.filter(action="account.login", actor_username="kader.lontar").exists()


def test_wrong_password_keeps_the_username_and_says_why(client: Client, demo_world) -> None:
    response = _login(client, "kader.lontar", password="wrong-password")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="kader.lontar"' in body
    assert 'role="alert"' in body


def test_open_redirect_is_refused(client: Client, demo_world) -> None:
    response = _login(client, "kader.lontar", next="https://evil.example/")
    assert response["Location"] == "/"


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_after_repeated_failures(client: Client, demo_world) -> None:
    for _ in range(3):
        _login(client, "kader.lontar", password="wrong-password")
    response = _login(client, "kader.lontar")  # the right password, but locked
    assert response.status_code == 429
    assert client.get(reverse("core:home")).status_code == 302  # not signed in


@override_settings(SIGAP_REQUIRE_2FA=True)
def test_officer_must_enrol_then_verify(client: Client, demo_world) -> None:
    officer = demo_world["supervisor.serang"]
    enrolment_code = totp_enrolment_code_issue(user=officer, actor=demo_world["admin"])
    response = _login(client, "supervisor.serang", next="/organisasi/")
    assert response["Location"] == reverse("accounts:2fa")
    # Every other page and the API send the half-signed-in officer back to the 2FA step.
    assert client.get(reverse("organisations:list"))["Location"] == reverse("accounts:2fa")
    assert client.get(reverse("api:me")).status_code == 403
    page = client.get(reverse("accounts:2fa"))
    assert page.status_code == 200 and b"<svg" in page.content and b"enrolment_code" in page.content
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    # A stolen password is not enough: without the administrator's code, nothing is enrolled.
    no_code = client.post(reverse("accounts:2fa"), {"token": _code(device), "enrolment_code": "WRONG-CODE"})
    assert no_code.status_code == 200 and not TOTPDevice.objects.get(pk=device.pk).confirmed
    bad = client.post(
        reverse("accounts:2fa"),
        {"token": "000000" if _code(device) != "000000" else "111111", "enrolment_code": enrolment_code},
    )
    assert bad.status_code == 200 and not TOTPDevice.objects.get(pk=device.pk).confirmed
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp slows down guessing
    device.throttle_reset()
    good = client.post(reverse("accounts:2fa"), {"token": _code(device), "enrolment_code": enrolment_code})
    assert good.status_code == 302 and good["Location"] == "/organisasi/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(reverse("organisations:list")).status_code == 200
    assert client.get(reverse("api:me")).json()["is_verified"] is True
    assert AuditEvent.objects.filter(action="account.2fa_enrolled").count() == 1
    officer.refresh_from_db()
    assert officer.totp_enrolment_code == ""  # spent


def test_enrolled_user_is_asked_for_a_code_even_where_not_required(client: Client, demo_world) -> None:
    user = demo_world["kader.lontar"]
    device = TOTPDevice.objects.create(user=user, name="SIGAP", confirmed=True)
    response = _login(client, "kader.lontar")
    assert response["Location"] == reverse("accounts:2fa")
    assert client.get(reverse("core:home"))["Location"] == reverse("accounts:2fa")
    assert client.post(reverse("accounts:2fa"), {"token": "12345"}).status_code == 200  # 5 digits: form error
    assert client.post(reverse("accounts:2fa"), {"token": _code(device)})["Location"] == "/"
    assert client.get(reverse("core:home")).status_code == 200


@override_settings(SIGAP_REQUIRE_2FA=True)
def test_village_focal_point_is_not_forced_to_enrol(client: Client, demo_world) -> None:
    _login(client, "kader.lontar")
    assert client.get(reverse("core:home")).status_code == 200


def test_logout_is_post_only_and_audited(client: Client, demo_world) -> None:
    _login(client, "kader.lontar")
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="account.logout", actor_username="kader.lontar").exists()
    assert client.get(reverse("core:home")).status_code == 302


def test_viewing_another_account_is_audited_but_own_profile_is_not(client: Client, demo_world) -> None:
    client.force_login(demo_world["supervisor.serang"])
    kader = demo_world["kader.lontar"]
    before = AuditEvent.objects.filter(action="read.sensitive").count()
    client.get(reverse("accounts:profile"))
    assert AuditEvent.objects.filter(action="read.sensitive").count() == before
    client.get(reverse("accounts:detail", kwargs={"pk": kader.pk}))
    event = AuditEvent.objects.filter(action="read.sensitive").latest("id")
    assert event.object_id == str(kader.pk) and event.actor_username == "supervisor.serang"
    assert event.metadata["fields"] == ["email", "phone"]


def test_session_expires_after_idle_timeout(settings) -> None:
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 3600


def test_no_personal_data_in_logs(client: Client, demo_world, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    for _ in range(6):
        _login(client, "kader.lontar", password="wrong-password")
    client.get(reverse("regions:list"), {"q": "Lontar"})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "kader.lontar" not in logged
    assert "127.0.0.1" not in logged
    assert "wrong-password" not in logged
