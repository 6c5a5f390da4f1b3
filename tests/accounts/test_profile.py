from __future__ import annotations

from django.urls import reverse

from apps.accounts.models import User
from apps.core.models import AuditLog


def test_worker_records_id_number_which_is_hashed_encrypted_and_masked(client, worker):
    client.force_login(worker)
    response = client.post(reverse("accounts:profile"),
                           {"real_name": "张伟", "email": "", "id_number": "11010519491231002x"})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.id_number_masked == "1101**********002X"
    assert "11010519491231002X" not in worker.id_number_cipher
    assert worker.reveal_id_number() == "11010519491231002X"
    assert len(worker.id_number_digest) == 64
    assert "1101**********002X" in client.get(reverse("accounts:profile")).content.decode()
    assert AuditLog.objects.filter(action="accounts.id_number.added", target_id=str(worker.pk)).exists()


def test_bad_id_number_is_shown_next_to_the_field_and_nothing_saved(client, worker):
    client.force_login(worker)
    response = client.post(reverse("accounts:profile"),
                           {"real_name": "改了名字", "email": "", "id_number": "110105194912310021"})
    assert response.status_code == 200
    assert "身份证号码校验位不正确" in str(response.context["form"].errors["id_number"])
    worker.refresh_from_db()
    assert worker.real_name == "张伟" and not worker.id_number_digest


def test_impossible_birth_date_is_refused(client, worker):
    client.force_login(worker)
    response = client.post(reverse("accounts:profile"),
                           {"real_name": "张伟", "email": "", "id_number": "110105194902300020"})
    assert "出生日期" in str(response.context["form"].errors["id_number"])


def test_one_id_number_cannot_belong_to_two_accounts(client, worker, other_worker):
    client.force_login(worker)
    client.post(reverse("accounts:profile"), {"real_name": "张伟", "email": "", "id_number": "11010519491231002X"})
    client.force_login(other_worker)
    response = client.post(reverse("accounts:profile"),
                           {"real_name": "王芳改名", "email": "", "id_number": "11010519491231002X"})
    assert "已被其他账号登记" in str(response.context["form"].errors["id_number"])
    other_worker.refresh_from_db()
    assert other_worker.real_name == "王芳" and not other_worker.id_number_digest
    assert User.objects.filter(id_number_digest__isnull=False).count() == 1


def test_revealing_a_whole_id_number_is_audited(worker, city_staff):
    from apps.accounts.services import user_reveal_id_number, user_set_id_number

    user_set_id_number(user=worker, id_number="11010519491231002X")
    worker.refresh_from_db()
    assert user_reveal_id_number(actor=city_staff, person=worker) == "11010519491231002X"
    entry = AuditLog.objects.get(action="accounts.id_number.viewed")
    assert entry.actor == city_staff and entry.target_id == str(worker.pk)


def test_password_change_checks_the_rules(client, worker):
    client.force_login(worker)
    response = client.post(reverse("accounts:password_change"),
                           {"old_password": "Test-pass-2026", "new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200 and "new_password2" in response.context["form"].errors
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "Test-pass-2026", "new_password1": "Xin-mima-2026", "new_password2": "Xin-mima-2026"})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.check_password("Xin-mima-2026")
