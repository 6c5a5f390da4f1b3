"""The search page's result block is kept for everyone (apps.core.pagecache.fragment, bench/recruitment.md):
a signed-in person must still see every change of a post at once, and their own saved marks."""
from __future__ import annotations

from django.test.utils import override_settings
from django.urls import reverse

from apps.recruitment import services
from apps.recruitment.models import JobPost

from .factories import JobPostFactory

LIST = reverse("recruitment:job_list")


def titles(client, **query) -> list[str]:
    return [card["title"] for card in client.get(LIST, query).context["cards"]]


def test_a_repeated_search_is_answered_from_the_kept_block(client, worker, post, django_assert_max_num_queries):
    client.force_login(worker)
    client.get(LIST)  # fills the layout's and the districts' caches
    with django_assert_max_num_queries(20) as cold:
        first = client.get(LIST, {"q": "焊工"})
    with django_assert_max_num_queries(20) as warm:
        second = client.get(LIST, {"q": "焊工"})
    assert second.context["cards"] == first.context["cards"]
    # Only the user's row: the search (a rare term's count, which reads its page too) is not run again.
    search = [q for q in cold.captured_queries if "recruitment_jobpost" in q["sql"]]
    assert search and len(warm.captured_queries) == len(cold.captured_queries) - len(search) == 1


def test_an_edited_post_shows_at_once(client, worker, employer, xiuwu_staff, post):
    client.force_login(worker)
    assert titles(client, q="焊工") == ["焊工"]
    services.post_update(actor=xiuwu_staff, post=post, data={"title": "氩弧焊工"})  # the reviewer: stays published
    assert titles(client, q="焊工") == ["氩弧焊工"]
    services.post_update(actor=employer, post=post, data={"title": "焊工（急招）"})  # back to review: unlisted
    assert titles(client, q="焊工") == []


def test_a_draft_or_a_post_in_review_changes_no_kept_page(client, worker, employer, xiuwu_enterprise, post,
                                                          django_assert_max_num_queries):
    pending = JobPostFactory(enterprise=xiuwu_enterprise, title="焊工（待审）", status=JobPost.Status.PENDING)
    draft = JobPostFactory(enterprise=xiuwu_enterprise, title="焊工（草稿）", status=JobPost.Status.DRAFT)
    client.force_login(worker)
    assert titles(client, q="焊工") == ["焊工"]
    with django_assert_max_num_queries(20) as warm:
        client.get(LIST, {"q": "焊工"})
    services.post_update(actor=employer, post=pending, data={"title": "焊工（待审，已改）"})
    services.post_close(actor=employer, post=draft)
    with django_assert_max_num_queries(20) as after:
        assert titles(client, q="焊工") == ["焊工"]
    assert len(after.captured_queries) == len(warm.captured_queries)  # still the kept block: nothing counted
    closed_page = client.get(reverse("recruitment:job_detail", args=[draft.pk])).content.decode()
    assert 'data-testid="post-closed"' in closed_page
    services.post_close(actor=employer, post=post)  # a published post: gone at once
    assert titles(client, q="焊工") == []


def test_a_closed_post_leaves_at_once(client, worker, employer, post):
    client.force_login(worker)
    assert titles(client) == ["焊工"]
    services.post_close(actor=employer, post=post)
    assert titles(client) == []
    assert "没有找到符合条件的岗位" in client.get(LIST).content.decode()


def test_a_new_post_appears_at_once(client, worker, xiuwu_staff, xiuwu_enterprise, employer, post):
    client.force_login(worker)
    assert titles(client, q="焊") == ["焊工"]
    new = services.post_create(actor=employer, enterprise=xiuwu_enterprise, data={
        "title": "电焊工", "category": "welding", "salary_min": 4000, "salary_max": 6000, "headcount": 2,
        "address": "修武县工业路2号", "description": "持证上岗。", "benefits": "", "contact_name": "王经理",
        "contact_phone": "13839100099", "valid_until": post.valid_until})
    assert titles(client, q="焊") == ["焊工"]  # sent for review, not published yet
    services.post_review(actor=xiuwu_staff, post=new, approve=True)
    assert JobPost.objects.get(pk=new.pk).status == JobPost.Status.PUBLISHED
    assert sorted(titles(client, q="焊")) == ["焊工", "电焊工"]


def test_saved_marks_are_each_persons_own(client, worker, other_worker, post, xiuwu_enterprise):
    other = JobPostFactory(enterprise=xiuwu_enterprise, title="焊工学徒")
    services.saved_job_toggle(user=worker, post=post)
    client.force_login(worker)
    page = client.get(LIST, {"q": "焊工"})
    assert {card["pk"]: card["saved"] for card in page.context["cards"]} == {post.pk: True, other.pk: False}
    assert page.content.decode().count("已收藏") == 1
    client.force_login(other_worker)
    page = client.get(LIST, {"q": "焊工"})  # the same kept block, without the first person's mark
    assert not any(card["saved"] for card in page.context["cards"]) and "已收藏" not in page.content.decode()


def test_the_signed_in_page_keeps_its_csrf_token_and_page_links(client, worker, xiuwu_enterprise):
    for index in range(25):
        JobPostFactory(enterprise=xiuwu_enterprise, title=f"焊工{index}")
    client.force_login(worker)
    for _ in range(2):  # built, then kept
        html = client.get(LIST, {"q": "焊工", "sort": "newest"}).content.decode()
        assert 'name="csrfmiddlewaretoken"' in html
        assert "?q=%E7%84%8A%E5%B7%A5&amp;sort=newest&amp;page=2" in html


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=0)
def test_without_the_page_cache_every_search_runs(client, worker, post, django_assert_max_num_queries):
    client.force_login(worker)
    client.get(LIST)  # fills the layout's and the districts' caches
    with django_assert_max_num_queries(20) as cold:
        client.get(LIST, {"q": "焊工"})
    with django_assert_max_num_queries(20) as again:
        client.get(LIST, {"q": "焊工"})
    assert len(again.captured_queries) == len(cold.captured_queries)


def test_the_kept_job_page_follows_changes_at_once(client, worker, employer, xiuwu_staff, post,
                                                   django_assert_max_num_queries):
    url = reverse("recruitment:job_detail", args=[post.pk])
    client.force_login(worker)
    client.get(url)
    with django_assert_max_num_queries(3):  # user, the person's application and saved mark
        assert client.get(url).context["post"].title == "焊工"
    services.post_update(actor=xiuwu_staff, post=post, data={"title": "氩弧焊工"})
    assert client.get(url).context["post"].title == "氩弧焊工"
    services.post_close(actor=employer, post=post)
    assert 'data-testid="post-closed"' in client.get(url).content.decode()


def test_a_post_in_review_is_previewed_by_its_employer_only(client, worker, employer, post):
    url = reverse("recruitment:job_detail", args=[post.pk])
    client.force_login(worker)
    client.get(url)  # kept while published
    services.post_update(actor=employer, post=post, data={"title": "焊工（急招）"})  # back to review
    assert client.get(url).status_code == 404
    client.force_login(employer)
    assert 'data-testid="post-preview"' in client.get(url).content.decode()


def test_a_renamed_enterprise_shows_at_once_on_cards_and_the_job_page(client, worker, xiuwu_staff, post):
    from apps.core.services import enterprise_update

    client.force_login(worker)
    detail = reverse("recruitment:job_detail", args=[post.pk])
    assert "修武县恒达机械制造有限公司" in client.get(LIST).content.decode()
    assert "修武县恒达机械制造有限公司" in client.get(detail).content.decode()
    enterprise_update(actor=xiuwu_staff, enterprise=post.enterprise, data={"name": "修武县恒达重工有限公司"})
    assert "修武县恒达重工有限公司" in client.get(LIST).content.decode()
    assert "修武县恒达重工有限公司" in client.get(detail).content.decode()


def test_after_a_change_only_the_changed_posts_card_is_rendered_again(client, worker, xiuwu_staff, post,
                                                                      xiuwu_enterprise, monkeypatch):
    from apps.recruitment import selectors

    others = [JobPostFactory(enterprise=xiuwu_enterprise, title=f"焊工{n}") for n in range(3)]
    client.force_login(worker)
    client.get(LIST, {"q": "焊工"})
    asked = []
    real = selectors.posts_by_pk
    monkeypatch.setattr(selectors, "posts_by_pk", lambda pks: asked.append(sorted(pks)) or real(pks))
    services.post_update(actor=xiuwu_staff, post=post, data={"title": "焊工（夜班）"})
    assert "焊工（夜班）" in titles(client, q="焊工")  # the search ran again ("jobs" was bumped) ...
    assert asked == [[post.pk]]  # ... and only the edited post's card was rendered again
    assert {o.title for o in others} <= set(titles(client, q="焊工"))


def test_over_the_cap_is_remembered_an_exact_count_never(client, worker, employer, xiuwu_enterprise, monkeypatch,
                                                           django_assert_max_num_queries):
    from apps.recruitment.search import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 3)
    common = [JobPostFactory(enterprise=xiuwu_enterprise, title=f"焊工{n}") for n in range(5)]
    rare = [JobPostFactory(enterprise=xiuwu_enterprise, title=f"会计{n}") for n in range(2)]
    client.force_login(worker)
    assert "共 3+ 个岗位" in client.get(LIST, {"q": "焊工"}).content.decode()
    assert "共 2 个岗位" in client.get(LIST, {"q": "会计"}).content.decode()
    services.post_close(actor=employer, post=common[0])
    services.post_close(actor=employer, post=rare[0])
    with django_assert_max_num_queries(10) as captured:
        page = client.get(LIST, {"q": "焊工"})
    # "3+" stands for a minute without counting; the page itself is read afresh.
    assert not any("COUNT(" in q["sql"] for q in captured.captured_queries)
    assert "共 3+ 个岗位" in page.content.decode()
    assert common[0].title not in [card["title"] for card in page.context["cards"]]
    assert "共 1 个岗位" in client.get(LIST, {"q": "会计"}).content.decode()  # an exact count follows at once


def test_saving_and_unsaving_show_at_once_on_the_list_and_the_job_page(client, worker, post):
    client.force_login(worker)
    detail = reverse("recruitment:job_detail", args=[post.pk])
    assert "已收藏" not in client.get(LIST).content.decode()  # the person's saved posts are kept now
    client.get(detail)
    services.saved_job_toggle(user=worker, post=post)
    assert client.get(LIST).content.decode().count("已收藏") == 1
    assert client.get(detail).context["is_saved"]
    services.saved_job_toggle(user=worker, post=post)
    assert "已收藏" not in client.get(LIST).content.decode()
    assert not client.get(detail).context["is_saved"]


def test_the_job_page_is_kept_while_other_posts_change_and_follows_its_own(client, worker, employer, xiuwu_staff,
                                                                        post, xiuwu_enterprise, boai_post,
                                                                        other_employer, monkeypatch):
    from apps.recruitment.views import public

    sibling = JobPostFactory(enterprise=xiuwu_enterprise, title="电工")
    url = reverse("recruitment:job_detail", args=[post.pk])
    client.force_login(worker)
    assert "电工" in client.get(url).content.decode()
    built = []
    real = public._public_post
    monkeypatch.setattr(public, "_public_post", lambda pk: built.append(pk) or real(pk))
    services.post_close(actor=other_employer, post=boai_post)  # another employer's post: "jobs" is bumped
    assert client.get(url).context["post"].title == post.title
    assert built == []  # one light query of the page's posts, then its parts were still kept
    services.post_update(actor=xiuwu_staff, post=sibling, data={"title": "维修电工"})  # a listed sibling
    assert "维修电工" in client.get(url).content.decode()
    services.post_update(actor=xiuwu_staff, post=post, data={"title": "氩弧焊工"})  # the post itself
    assert client.get(url).context["post"].title == "氩弧焊工"
    assert built == [post.pk, post.pk]


def test_the_job_page_shows_a_verification_and_an_expiry_at_once(client, worker, xiuwu_staff, post):
    from datetime import timedelta

    from django.utils import timezone

    from apps.recruitment.models import EmployerProfile

    url = reverse("recruitment:job_detail", args=[post.pk])
    client.force_login(worker)
    EmployerProfile.objects.filter(enterprise=post.enterprise).update(status=EmployerProfile.Status.PENDING)
    assert "已核实" not in client.get(url).content.decode()
    services.employer_profile_verify(actor=xiuwu_staff, enterprise=post.enterprise)
    assert "已核实" in client.get(url).content.decode()
    JobPost.objects.filter(pk=post.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    services.posts_expire()  # a bulk update of the status: updated_at does not move
    assert 'data-testid="post-closed"' in client.get(url).content.decode()
    assert client.get(url).context["post"].status == JobPost.Status.EXPIRED
