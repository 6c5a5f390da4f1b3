"""Background work of the recruitment app (queue "matching"): thin, ids in, idempotent."""
from __future__ import annotations

from celery import shared_task

from apps.core.outbox import enqueue

from . import search, services

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
def refresh_bigram_shares() -> int:
    """The search's bigram statistics for the cache (search.bigram_shares)."""
    return search.refresh_bigram_shares()


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


MATCHING_CHUNK = 200


@shared_task(**RETRY)
def recompute_all_recommendations() -> int:
    """The nightly recomputation fans out in chunks of seekers: a time-out retries one chunk, not the city."""
    from .models import SeekerProfile

    chunks, chunk = 0, []
    for profile_id in SeekerProfile.objects.order_by("pk").values_list("pk", flat=True).iterator():
        chunk.append(profile_id)
        if len(chunk) == MATCHING_CHUNK:
            enqueue(recompute_recommendations_chunk, chunk)
            chunks, chunk = chunks + 1, []
    if chunk:
        enqueue(recompute_recommendations_chunk, chunk)
        chunks += 1
    return chunks


@shared_task(**RETRY)
def recompute_recommendations_chunk(profile_ids: list[int]) -> int:
    """One chunk; each seeker's recomputation replaces their rows, so running it twice changes nothing."""
    for profile_id in profile_ids:
        services.recommendations_for_profile(profile_id=profile_id)
    return len(profile_ids)


@shared_task(**RETRY)
def purge_stale_resumes() -> int:
    """Résumés nobody updated within the privacy notice's period are erased."""
    from .privacy import resumes_purge_stale

    return resumes_purge_stale()
