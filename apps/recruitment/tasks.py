"""Background work of the recruitment app (queue "matching"): thin, ids in, idempotent."""
from __future__ import annotations

from celery import shared_task

from apps.core.outbox import enqueue

from . import services

RETRY = {"autoretry_for": (Exception,), "retry_backoff": True, "max_retries": 5, "soft_time_limit": 300,
         "time_limit": 330}


@shared_task(**RETRY)
def expire_job_posts() -> int:
    return services.posts_expire()


@shared_task(**RETRY)
def refresh_stale_search_documents() -> int:
    """Self-healing search text after an enterprise is renamed in core."""
    return services.posts_refresh_stale_search()


@shared_task(**RETRY)
def send_interview_reminders() -> int:
    return services.interviews_send_reminders()


@shared_task(**RETRY)
def send_saved_search_alerts() -> int:
    from .models import SavedSearch

    for search_id in SavedSearch.objects.filter(alert=True).values_list("pk", flat=True).iterator():
        enqueue(send_saved_search_alert, search_id)
    return 0


@shared_task(**RETRY)
def send_saved_search_alert(search_id: int) -> int:
    return services.saved_search_alert(search_id=search_id)


@shared_task(**RETRY)
def recompute_profile_recommendations(profile_id: int) -> int:
    return services.recommendations_for_profile(profile_id=profile_id)


@shared_task(**RETRY)
def recompute_post_recommendations(post_id: int) -> int:
    return services.recommendations_for_post(post_id=post_id)


@shared_task(**{**RETRY, "soft_time_limit": 1800, "time_limit": 1860})
def recompute_all_recommendations() -> int:
    from .models import SeekerProfile

    count = 0
    for profile_id in SeekerProfile.objects.values_list("pk", flat=True).iterator():
        services.recommendations_for_profile(profile_id=profile_id)
        count += 1
    return count


@shared_task(**RETRY)
def purge_stale_resumes() -> int:
    """Résumés nobody updated within the privacy notice's period are erased."""
    from .privacy import resumes_purge_stale

    return resumes_purge_stale()
