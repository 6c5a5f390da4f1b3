"""The public hazard form and the follow-by-reference page."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.notifications.models import Notification
from apps.protection.models import Hazard

from .factories import PDF, make_hazard, png

pytestmark = pytest.mark.django_db
URL = "/protection/report/"


def _data(org_tree, **extra):
    return {"district": org_tree.xiuwu.pk, "enterprise_name": "恒达机械", "location": "二号车间",
            "description": "冲压机防护罩拆掉了，工人手离模具很近。", **extra}


def test_anonymous_worker_reports_and_gets_a_reference(client, org_tree, xiuwu_enterprise, grassroots_staff,
                                                        xiuwu_staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {**_data(org_tree), "photo": png()})
    hazard = Hazard.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("protection:follow") + f"?ref={hazard.reference}"
    assert hazard.enterprise == xiuwu_enterprise and hazard.routed_to == org_tree.xiuwu_grassroots
    assert hazard.source == "public" and hazard.status == "reported" and hazard.reporter_name == ""
    assert hazard.photo.name.startswith("protection/hazards/")
    # The enterprise's union and the district's handlers hear of it.
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"grassroots_staff",
                                                                                        "xiuwu_staff"}


def test_enterprise_without_union_routes_to_its_district(client, org_tree, unionless_enterprise):
    client.post(URL, _data(org_tree, enterprise_name="修武县无工会小厂"))
    assert Hazard.objects.get().routed_to == org_tree.xiuwu


@pytest.mark.parametrize("change, field", [
    ({"description": ""}, "description"),
    ({"description": "太短了"}, "description"),
    ({"description": "啊" * 20}, "description"),
    ({"description": "x" * 2001}, "description"),
    ({"enterprise_name": "不存在的企业"}, "enterprise_name"),
    ({"enterprise_name": ""}, "enterprise_name"),
    ({"district": "999999"}, "district"),
    ({"district": "abc"}, "district"),
    ({"reporter_phone": "12345"}, "reporter_phone"),
])
def test_bad_input_is_refused_next_to_the_field(client, org_tree, xiuwu_enterprise, change, field):
    response = client.post(URL, _data(org_tree, **change))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Hazard.objects.exists()


def test_a_photo_that_is_not_an_image_is_refused(client, org_tree, xiuwu_enterprise):
    response = client.post(URL, {**_data(org_tree), "photo": SimpleUploadedFile("x.png", PDF, "image/png")})
    assert "文件类型不符" in str(response.context["form"].errors["photo"])
    assert not Hazard.objects.exists()


def test_ambiguous_enterprise_name_asks_for_more(client, org_tree, xiuwu_enterprise, unionless_enterprise):
    response = client.post(URL, _data(org_tree, enterprise_name="修武县"))
    assert "多家企业" in str(response.context["form"].errors["enterprise_name"])


def test_enterprise_of_another_district_is_not_found(client, org_tree, boai_enterprise):
    response = client.post(URL, _data(org_tree, enterprise_name="博爱县铸造有限公司"))
    assert response.context["form"].errors["enterprise_name"]


def test_robots_filling_the_hidden_field_are_refused(client, org_tree, xiuwu_enterprise):
    client.post(URL, _data(org_tree, homepage="http://spam.example"))
    assert not Hazard.objects.exists()


def test_rate_limited_per_address(client, org_tree, xiuwu_enterprise):
    for _ in range(5):
        assert client.post(URL, _data(org_tree)).status_code == 302
    response = client.post(URL, _data(org_tree))
    assert response.status_code == 200 and "过于频繁" in response.content.decode()
    assert Hazard.objects.count() == 5
    # Another address is not affected.
    assert client.post(URL, _data(org_tree), REMOTE_ADDR="10.0.0.9").status_code == 302


def test_follow_page_shows_only_the_one_report(client, org_tree, xiuwu_enterprise):
    mine = make_hazard(xiuwu_enterprise, reporter_name="张伟", reporter_phone="13900000001")
    other = make_hazard(xiuwu_enterprise)
    other.description = "另一条举报的内容"
    other.save()
    page = client.get(reverse("protection:follow"), {"ref": mine.reference.lower()}).content.decode()
    assert mine.reference in page and "已上报" in page
    assert other.reference not in page and "另一条举报的内容" not in page
    assert "张伟" not in page and "13900000001" not in page


def test_nul_byte_in_the_report_is_refused_before_the_form(client, org_tree, xiuwu_enterprise):
    assert client.post(URL, _data(org_tree, location="车间\x00")).status_code == 400
    assert client.get(reverse("protection:follow"), {"ref": "\x00"}).status_code == 400
    assert not Hazard.objects.exists()


@pytest.mark.parametrize("ref", ["NOPE000000", "YH' OR 1=1", "x" * 40])
def test_follow_with_unknown_or_bad_reference_reveals_nothing(client, db, ref):
    response = client.get(reverse("protection:follow"), {"ref": ref})
    assert response.status_code == 200 and response.context["hazard"] is None


def test_public_pages_answer_anonymously(client, db):
    assert client.get(URL).status_code == 200
    assert client.get(reverse("protection:follow")).status_code == 200
