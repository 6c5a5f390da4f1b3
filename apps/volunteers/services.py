"""Writes of the volunteers app: registration, sign-ups with a waiting list, hours, micro-wishes."""
from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from apps.core import pagecache
from apps.core.audit import audit_record
from apps.core.models import Organization
from apps.core.registry import membership
from apps.core.scoping import can_act_for
from apps.core.validators import validate_web_link
from apps.notifications.services import notify

from .models import Activity, Signup, Volunteer, Wish

PAGES = "volunteers"
CHECKIN_SALT = "volunteers.checkin"
CHECKIN_MAX_AGE = 24 * 3600
WISH_CLAIM_DAYS = 14

WISH_TRANSITIONS = {
    Wish.Status.DRAFT: {Wish.Status.PUBLISHED, Wish.Status.WITHDRAWN},
    Wish.Status.PUBLISHED: {Wish.Status.CLAIMED, Wish.Status.WITHDRAWN},
    Wish.Status.CLAIMED: {Wish.Status.FULFILLED, Wish.Status.PUBLISHED, Wish.Status.CONFIRMED},
    Wish.Status.FULFILLED: {Wish.Status.CONFIRMED},
    Wish.Status.CONFIRMED: set(),
    Wish.Status.WITHDRAWN: set(),
}


def _key(text: str) -> uuid.UUID:
    """A stable message key, so a retried service or task notifies once."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"volunteers:{text}")


def _require_org(actor, organization: Organization) -> None:
    if not can_act_for(actor, organization):
        raise PermissionDenied("只能操作本组织及下级组织的事项。")


def _move(wish: Wish, to: str) -> None:
    if to not in WISH_TRANSITIONS[wish.status]:
        raise ValidationError(f"心愿当前为“{wish.get_status_display()}”，不能执行此操作。")


# --- volunteers -------------------------------------------------------------------------------

@transaction.atomic
def volunteer_register(*, user, district: Organization, skills: str, availability: str) -> Volunteer:
    """A signed-in person asks to volunteer; their union (or the district's county union) approves."""
    if district is None or district.org_type != Organization.Type.COUNTY or not district.is_active:
        raise ValidationError({"district": "请选择服务的县（市、区）。"})
    if Volunteer.objects.select_for_update().filter(user=user).exists():
        raise ValidationError("您已登记为志愿者，无需重复登记。")
    union = membership.union_of(user) or district
    volunteer = Volunteer(user=user, union=union, district=district, skills=skills.strip(),
                          availability=availability.strip())
    volunteer.full_clean()
    volunteer.save()
    audit_record(actor=user, action="volunteers.volunteer.registered", target=volunteer, organization=union,
                 after={"district": district.name, "union": union.name})
    return volunteer


@transaction.atomic
def volunteer_decide(*, actor, volunteer: Volunteer, approve: bool) -> Volunteer:
    """The union approves (or declines) a volunteer registration."""
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    _require_org(actor, volunteer.union)
    if volunteer.status != Volunteer.Status.PENDING:
        raise ValidationError("这条登记已经审核过了。")
    before = volunteer.status
    volunteer.status = Volunteer.Status.APPROVED if approve else Volunteer.Status.REJECTED
    volunteer.approved_at = timezone.now()
    if approve:
        volunteer.number = f"ZY{volunteer.district.code[-6:]}{volunteer.pk:05d}"
    volunteer.save(update_fields=["status", "approved_at", "number"])
    audit_record(actor=actor, action="volunteers.volunteer." + ("approved" if approve else "rejected"),
                 target=volunteer, before={"status": before}, after={"status": volunteer.status})
    notify(recipients=[volunteer.user_id], title="志愿者登记" + ("已通过审核" if approve else "未通过审核"),
           link=reverse("core:me"), key=_key(f"volunteer-decided-{volunteer.pk}"))
    return volunteer


# --- activities -------------------------------------------------------------------------------

@transaction.atomic
def activity_create(*, actor, data: dict) -> Activity:
    """The organiser publishes an activity: a place or an online link (http/https only)."""
    organiser = data.get("organiser") or actor.organization
    _require_org(actor, organiser)
    link = (data.get("online_link") or "").strip()
    if link:
        try:
            validate_web_link(link)
        except ValidationError as exc:
            raise ValidationError({"online_link": exc.messages}) from exc
    if not link and not (data.get("place") or "").strip():
        raise ValidationError({"place": "请填写活动地点或线上链接。"})
    if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
        raise ValidationError({"ends_at": "结束时间须晚于开始时间。"})
    if data.get("starts_at") and data.get("ends_at") and data["ends_at"] - data["starts_at"] > timedelta(hours=24):
        raise ValidationError({"ends_at": "一次活动不超过 24 小时，多日活动请分场次发布。"})
    activity = Activity(
        title=data["title"], kind=data["kind"], description=data.get("description", ""),
        starts_at=data["starts_at"], ends_at=data["ends_at"], place=(data.get("place") or "").strip(),
        online_link=link, capacity=data["capacity"], cancel_hours=data.get("cancel_hours", 24),
        organiser=organiser, created_by=actor)
    activity.full_clean()
    activity.save()
    audit_record(actor=actor, action="volunteers.activity.created", target=activity, organization=organiser)
    pagecache.bump(PAGES)
    return activity


def _overlapping(volunteer: Volunteer, activity: Activity):
    return Signup.objects.filter(
        volunteer=volunteer, status__in=[Signup.Status.CONFIRMED, Signup.Status.WAITING],
        activity__starts_at__lt=activity.ends_at, activity__ends_at__gt=activity.starts_at,
    ).exclude(activity=activity)


@transaction.atomic
def signup_create(*, user, activity: Activity, waitlist: bool = False) -> Signup:
    """Take a place, or, when full and asked for, a place on the waiting list.

    The person's volunteer row is locked first (two overlapping sign-ups of one person queue), then
    the activity row (so ``taken`` never passes ``capacity``; a check constraint backs it up).
    """
    volunteer = Volunteer.objects.select_for_update().filter(user=user).first()
    if volunteer is None or volunteer.status != Volunteer.Status.APPROVED:
        raise ValidationError("请先登记成为志愿者并通过工会审核后再报名。")
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.starts_at <= timezone.now():
        raise ValidationError("活动已开始或已结束，不能再报名。")
    if Signup.objects.filter(activity=activity, volunteer=volunteer).exclude(status=Signup.Status.CANCELLED).exists():
        raise ValidationError("您已报名（或在候补名单中）参加这项活动。")
    clash = _overlapping(volunteer, activity).select_related("activity").first()
    if clash is not None:
        raise ValidationError(f"与您已报名的“{clash.activity.title}”时间重叠，不能同时报名。")
    if activity.taken < activity.capacity:
        activity.taken += 1
        activity.save(update_fields=["taken"])
        status = Signup.Status.CONFIRMED
    elif waitlist:
        status = Signup.Status.WAITING
    else:
        raise ValidationError("名额已满。您可以加入候补名单，有人取消时按顺序自动递补。", code="full")
    signup = Signup.objects.create(activity=activity, volunteer=volunteer, status=status)
    audit_record(actor=user, action=f"volunteers.signup.{status}", target=signup, organization=activity.organiser)
    pagecache.bump(PAGES)
    return signup


def _promote_first_waiting(activity: Activity) -> Signup | None:
    """Give a freed place to the first on the waiting list (the activity row is locked by the caller)."""
    first = (Signup.objects.select_for_update().filter(activity=activity, status=Signup.Status.WAITING)
             .order_by("created_at", "pk").first())
    if first is None:
        activity.taken -= 1
        activity.save(update_fields=["taken"])
        return None
    first.status = Signup.Status.CONFIRMED
    first.save(update_fields=["status"])
    audit_record(actor=None, action="volunteers.signup.promoted", target=first, organization=activity.organiser)
    notify(recipients=[first.volunteer.user_id], title=f"候补成功：您已获得“{activity.title}”的名额",
           link=reverse("volunteers:activity_detail", args=[activity.pk]),
           key=_key(f"signup-promoted-{first.pk}-{timezone.now().timestamp()}"))
    return first


@transaction.atomic
def signup_cancel(*, user, signup: Signup, account_closing: bool = False) -> Signup:
    """The volunteer cancels until the cut-off; a freed place goes to the first in line.

    ``account_closing``: the person is closing their account; the cut-off does not apply (nobody
    could recognise them on the roster any more, and the place is better given to the next in line),
    but an activity that has begun is not touched.
    """
    activity = Activity.objects.select_for_update().get(pk=signup.activity_id)
    signup = Signup.objects.select_for_update().select_related("volunteer").get(pk=signup.pk)
    if signup.volunteer.user_id != user.pk:
        raise PermissionDenied
    if signup.status == Signup.Status.CANCELLED:
        raise ValidationError("这条报名已经取消了。")
    cut_off = activity.starts_at if account_closing else activity.starts_at - timedelta(hours=activity.cancel_hours)
    if timezone.now() > cut_off:
        raise ValidationError(f"活动开始前 {activity.cancel_hours} 小时内不能取消，请联系组织单位。")
    was = signup.status
    signup.status = Signup.Status.CANCELLED
    signup.save(update_fields=["status"])
    if was == Signup.Status.CONFIRMED:
        _promote_first_waiting(activity)
    audit_record(actor=user, action="volunteers.signup.cancelled", target=signup,
                 before={"status": was}, after={"account_closing": True} if account_closing else None)
    pagecache.bump(PAGES)
    return signup


def checkin_token(activity: Activity) -> str:
    return signing.TimestampSigner(salt=CHECKIN_SALT).sign(str(activity.pk))


def activity_from_token(token: str) -> int:
    try:
        return int(signing.TimestampSigner(salt=CHECKIN_SALT).unsign(token, max_age=CHECKIN_MAX_AGE))
    except (signing.BadSignature, ValueError) as exc:
        raise ValidationError("签到二维码无效或已过期，请扫描现场最新的二维码。") from exc


@transaction.atomic
def signup_check_in(*, actor, signup: Signup, by_organiser: bool) -> Signup:
    """Check a confirmed volunteer in, on the activity's day only; repeating it changes nothing."""
    signup = Signup.objects.select_for_update().select_related("activity", "volunteer").get(pk=signup.pk)
    activity = signup.activity
    if by_organiser:
        _require_org(actor, activity.organiser)
    elif signup.volunteer.user_id != actor.pk:
        raise PermissionDenied
    if signup.status != Signup.Status.CONFIRMED:
        raise ValidationError("只有已报名（非候补）的志愿者可以签到。")
    if timezone.localdate() != timezone.localtime(activity.starts_at).date():
        raise ValidationError("只能在活动当天签到。")
    if signup.checked_in_at is None:
        signup.checked_in_at = timezone.now()
        signup.save(update_fields=["checked_in_at"])
        audit_record(actor=actor, action="volunteers.signup.checked_in", target=signup,
                     organization=activity.organiser, after={"by_organiser": by_organiser})
    return signup


@transaction.atomic
def signup_check_out(*, actor, signup: Signup) -> Signup:
    """The volunteer checks out: hours from check-in to now, within the activity's time."""
    signup = Signup.objects.select_for_update().select_related("activity", "volunteer").get(pk=signup.pk)
    if signup.volunteer.user_id != actor.pk:
        raise PermissionDenied
    if signup.checked_in_at is None:
        raise ValidationError("请先签到。")
    if signup.checked_out_at is not None:
        return signup
    now = timezone.now()
    start = max(signup.checked_in_at, signup.activity.starts_at)
    end = min(now, signup.activity.ends_at)
    seconds = max((end - start).total_seconds(), 0)
    signup.checked_out_at = now
    signup.hours = (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.1"))
    signup.save(update_fields=["checked_out_at", "hours"])
    audit_record(actor=actor, action="volunteers.signup.checked_out", target=signup, after={"hours": signup.hours})
    pagecache.bump(PAGES)
    return signup


@transaction.atomic
def signup_record_hours(*, actor, signup: Signup, hours: Decimal) -> Signup:
    """The organiser records (or corrects) the hours of a checked-in volunteer."""
    signup = Signup.objects.select_for_update().select_related("activity").get(pk=signup.pk)
    _require_org(actor, signup.activity.organiser)
    if signup.checked_in_at is None:
        raise ValidationError({"hours": "该志愿者尚未签到，不能登记时长。"})
    limit = Decimal((signup.activity.ends_at - signup.activity.starts_at).total_seconds()) / Decimal(3600)
    if hours < 0 or hours > limit.quantize(Decimal("0.1")):
        raise ValidationError({"hours": f"服务时长须在 0 到 {limit:.1f} 小时之间（不超过活动时长）。"})
    before = signup.hours
    signup.hours = hours
    signup.save(update_fields=["hours"])
    audit_record(actor=actor, action="volunteers.signup.hours_recorded", target=signup,
                 before={"hours": before}, after={"hours": hours})
    pagecache.bump(PAGES)
    return signup


# --- micro-wishes -----------------------------------------------------------------------------

@transaction.atomic
def wish_create(*, actor, wisher, union: Organization, what: str, why: str, value: Decimal,
                publish: bool = False) -> Wish:
    """The union enters a needy worker's wish (vetted at once when ``publish``)."""
    _require_org(actor, union)
    if value is not None and value > Wish.MAX_VALUE:
        raise ValidationError({"value": f"微心愿价值不超过 {Wish.MAX_VALUE:.0f} 元。"})
    wish = Wish(wisher=wisher, union=union, what=what.strip(), why=why.strip(), value=value)
    wish.full_clean()
    wish.save()
    audit_record(actor=actor, action="volunteers.wish.created", target=wish, organization=union)
    if publish:
        wish_publish(actor=actor, wish=wish)
        wish.refresh_from_db()
    return wish


@transaction.atomic
def wish_publish(*, actor, wish: Wish) -> Wish:
    wish = Wish.objects.select_for_update().get(pk=wish.pk)
    _require_org(actor, wish.union)
    _move(wish, Wish.Status.PUBLISHED)
    wish.status, wish.published_at = Wish.Status.PUBLISHED, timezone.now()
    wish.save(update_fields=["status", "published_at"])
    audit_record(actor=actor, action="volunteers.wish.published", target=wish, organization=wish.union)
    notify(recipients=[wish.wisher_id], title="您的微心愿已发布", link=reverse("core:me"),
           key=_key(f"wish-published-{wish.pk}"))
    pagecache.bump(PAGES)
    return wish


@transaction.atomic
def wish_withdraw(*, actor, wish: Wish) -> Wish:
    """The wisher (or their union) takes a wish back before anyone has claimed it."""
    wish = Wish.objects.select_for_update().get(pk=wish.pk)
    if wish.wisher_id != getattr(actor, "pk", None):
        _require_org(actor, wish.union)
    _move(wish, Wish.Status.WITHDRAWN)
    before = wish.status
    wish.status = Wish.Status.WITHDRAWN
    wish.save(update_fields=["status"])
    audit_record(actor=actor, action="volunteers.wish.withdrawn", target=wish, organization=wish.union,
                 before={"status": before}, after={"status": wish.status})
    pagecache.bump(PAGES)
    return wish


@transaction.atomic
def wish_claim(*, user, wish: Wish) -> Wish:
    """One donor per wish: a conditional UPDATE, so of two simultaneous claims only one changes the row."""
    if wish.wisher_id == user.pk:
        raise ValidationError("不能认领自己的心愿。")
    now = timezone.now()
    changed = Wish.objects.filter(pk=wish.pk, status=Wish.Status.PUBLISHED, donor__isnull=True).update(
        status=Wish.Status.CLAIMED, donor=user, claimed_at=now, due_at=now + timedelta(days=WISH_CLAIM_DAYS))
    if not changed:
        raise ValidationError("这个心愿已被他人认领，请看看其他心愿。")
    wish.refresh_from_db()
    audit_record(actor=user, action="volunteers.wish.claimed", target=wish, organization=wish.union)
    notify(recipients=[wish.wisher_id], title="您的微心愿已被爱心人士认领", link=reverse("core:me"),
           key=_key(f"wish-claimed-{wish.pk}-{now.timestamp()}"))
    pagecache.bump(PAGES)
    return wish


@transaction.atomic
def wish_release(*, actor, wish: Wish, overdue: bool = False) -> Wish:
    """The donor gives the wish back (or the schedule does, past the deadline): it is published again."""
    wish = Wish.objects.select_for_update().get(pk=wish.pk)
    if overdue and (wish.status != Wish.Status.CLAIMED or wish.due_at is None or wish.due_at >= timezone.now()):
        return wish  # already released, fulfilled or given more time: nothing to do
    _move(wish, Wish.Status.PUBLISHED)
    if not overdue and wish.donor_id != getattr(actor, "pk", None):
        raise PermissionDenied
    donor = wish.donor_id
    wish.status, wish.donor, wish.claimed_at, wish.due_at = Wish.Status.PUBLISHED, None, None, None
    wish.save(update_fields=["status", "donor", "claimed_at", "due_at"])
    audit_record(actor=actor, action="volunteers.wish." + ("expired" if overdue else "released"), target=wish,
                 organization=wish.union, before={"donor": donor})
    if overdue:
        notify(recipients=[donor], title="您认领的微心愿已超过期限，已重新开放认领",
               link=reverse("volunteers:wish_detail", args=[wish.pk]),
               key=_key(f"wish-expired-{wish.pk}-{donor}"))
    pagecache.bump(PAGES)
    return wish


@transaction.atomic
def wish_fulfil(*, user, wish: Wish) -> Wish:
    """The donor says the wish is delivered; the union then confirms with a photo."""
    wish = Wish.objects.select_for_update().get(pk=wish.pk)
    if wish.donor_id != user.pk:
        raise PermissionDenied
    _move(wish, Wish.Status.FULFILLED)
    wish.status, wish.fulfilled_at = Wish.Status.FULFILLED, timezone.now()
    wish.save(update_fields=["status", "fulfilled_at"])
    audit_record(actor=user, action="volunteers.wish.fulfilled", target=wish, organization=wish.union)
    return wish


@transaction.atomic
def wish_confirm(*, actor, wish: Wish, photo) -> Wish:
    """The union confirms the wish came true, with a photo (type checked by its bytes)."""
    from apps.core.uploads import validate_upload

    wish = Wish.objects.select_for_update().get(pk=wish.pk)
    _require_org(actor, wish.union)
    _move(wish, Wish.Status.CONFIRMED)
    wish.fulfilled_at = wish.fulfilled_at or timezone.now()
    if photo is None:
        raise ValidationError({"photo": "请上传心愿实现的照片。"})
    try:
        validate_upload(photo, "image")
    except ValidationError as exc:
        raise ValidationError({"photo": exc.messages}) from exc
    wish.photo.save("photo", photo, save=False)
    wish.status, wish.confirmed_at = Wish.Status.CONFIRMED, timezone.now()
    wish.save(update_fields=["status", "confirmed_at", "fulfilled_at", "photo"])
    audit_record(actor=actor, action="volunteers.wish.confirmed", target=wish, organization=wish.union)
    notify(recipients=[wish.wisher_id, wish.donor_id], title="微心愿已实现，感谢爱心人士",
           link=reverse("core:me"), key=_key(f"wish-confirmed-{wish.pk}"))
    pagecache.bump(PAGES)
    return wish


def release_overdue_claims() -> int:
    """Past their deadline, claims go back to the list. Idempotent: each wish is released once."""
    ids = list(Wish.objects.filter(Q(status=Wish.Status.CLAIMED) & Q(due_at__lt=timezone.now()))
               .values_list("pk", flat=True))
    released = 0
    for pk in ids:
        wish = wish_release(actor=None, wish=Wish(pk=pk), overdue=True)
        released += wish.status == Wish.Status.PUBLISHED
    return released
