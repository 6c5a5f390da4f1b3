from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import connection, models
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import selectors, services
from .downloads import content_disposition
from .forms import EnterpriseForm
from .pagecache import SITE, public_page
from .permissions import staff_required
from .registry import console_todos, home_sections, my_records, offered_services
from .uploads import file_response, private_files

MAX_PK = 2**63 - 1  # larger ids cannot exist (bigint) and would make the database raise
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_not_required
@public_page(SITE)
def home(request):
    sections = [s for s in (provider(request) for provider in home_sections) if s]
    services_list = offered_services()
    return render(
        request,
        "core/home.html",
        {"home_sections": sorted(sections, key=lambda s: s.order), "service_items": services_list,
         "service_names": "、".join(item.label for item in services_list)},
    )


def me(request):
    sections = [s for s in (provider(request.user) for provider in my_records) if s]
    return render(request, "core/me.html", {"sections": sorted(sections, key=lambda s: s.order)})


@login_not_required
def privacy_notice(request):
    """The privacy notice: the account's own data, then what each installed app collects."""
    from .registry import consent_purposes, privacy_notes

    retention = settings.PRIVACY_RETENTION
    notes = sorted(privacy_notes, key=lambda note: note.order)
    return render(request, "core/privacy.html", {
        "retention": retention, "contact": settings.PRIVACY_CONTACT, "notes": notes,
        "sensitive": [note for note in notes if note.sensitive],
        "who": [note.who for note in notes if note.who],
        "keep": [note.keep.format(**retention) for note in notes if note.keep],
        "consent_purposes": sorted(consent_purposes, key=lambda purpose: purpose.order),
    })


@login_not_required
def user_agreement(request):
    return render(request, "core/agreement.html", {"contact": settings.PRIVACY_CONTACT})


@require_GET
@never_cache
def my_data_export(request):
    """Anyone signed in: a copy of their own records from every app, as JSON or Excel."""
    from . import privacy

    stamp = timezone.localdate().strftime("%Y%m%d")
    if request.GET.get("format") == "json":
        response = HttpResponse(privacy.personal_data_json(request.user), content_type="application/json")
        response["Content-Disposition"] = content_disposition(f"我的个人信息-{stamp}.json",
                                                              fallback=f"my-data-{stamp}.json")
    else:
        response = HttpResponse(privacy.personal_data_workbook(request.user), content_type=XLSX)
        response["Content-Disposition"] = content_disposition(f"我的个人信息-{stamp}.xlsx",
                                                              fallback=f"my-data-{stamp}.xlsx")
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required(perm="core.use_console")
def console(request):
    todos = [todo for provider in console_todos for todo in provider(request.user)]
    groups: dict[str, list] = {}
    for todo in todos:
        groups.setdefault(todo.group or "其他", []).append(todo)
    organizations = selectors.organizations_for_user(request.user)
    return render(
        request,
        "core/console.html",
        {
            "todo_groups": groups,
            "pending_total": sum(t.count for t in todos),
            "organization_count": organizations.count(),
            "enterprise_count": selectors.enterprises_for_user(request.user).count(),
        },
    )


@staff_required(perm="core.use_console")
def organization_list(request):
    organizations = selectors.organizations_for_user(request.user).order_by("path")
    page = Paginator(organizations, 50).get_page(request.GET.get("page"))
    return render(request, "core/organization_list.html", {"page_obj": page})


@staff_required(perm="core.use_console")
def enterprise_list(request):
    enterprises = selectors.enterprises_for_user(request.user).order_by("name")
    query = request.GET.get("q", "").strip()
    if query:
        enterprises = enterprises.filter(name__icontains=query) | enterprises.filter(credit_code=query.upper())
    page = Paginator(enterprises, 30).get_page(request.GET.get("page"))
    return render(request, "core/enterprise_list.html", {"page_obj": page, "query": query})


@staff_required(perm="core.manage_enterprises")
def enterprise_create(request):
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"已登记企业：{enterprise.name}")
            return redirect("core:enterprise_list")
    return render(request, "core/enterprise_form.html", {"form": form, "title": "登记企业"})


@staff_required(perm="core.manage_enterprises")
def enterprise_edit(request, pk: int):
    enterprise = selectors.get_enterprise_for_user(request.user, pk)
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_update(actor=request.user, enterprise=enterprise, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "企业信息已更新。")
            return redirect("core:enterprise_list")
    return render(request, "core/enterprise_form.html", {"form": form, "title": f"编辑企业：{enterprise.name}"})


@staff_required(perm="core.view_audit")
def audit_list(request):
    entries = selectors.audit_for_user(request.user)
    action = request.GET.get("action", "").strip()
    if action:
        entries = entries.filter(action__startswith=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {"page_obj": page, "action": action})


@login_not_required
@require_GET
def private_file(request, label: str, pk: int, field_name: str):
    """Serve a private file after asking the owning app whether this user may see it."""
    entry = private_files.lookup(label)
    if entry is None:
        raise Http404
    model, checker = entry
    try:
        field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        raise Http404 from None
    if not isinstance(field, models.FileField) or pk > MAX_PK:
        raise Http404
    obj = model._default_manager.filter(pk=pk).first()
    stored = getattr(obj, field_name, None)
    if not stored or not checker(request.user, obj, field_name):
        raise Http404
    try:
        field_label = model._meta.get_field(field_name).verbose_name
    except FieldDoesNotExist:
        field_label = field_name
    return file_response(request, stored, download_name=f"{model._meta.verbose_name}{field_label}-{pk}",
                         inline=bool(request.GET.get("inline")))


@login_not_required
@never_cache
def healthz(request):
    """JSON health of database, cache and broker: 200 when everything configured answers."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - report any failure, never raise
        checks["database"] = f"error: {error.__class__.__name__}"
    try:
        if hasattr(cache, "ping"):  # ForgivingRedisCache swallows errors in get/set; ask it directly
            cache.ping()
            checks["cache"] = "ok"
        else:
            cache.set("healthz", "1", 10)
            checks["cache"] = "ok" if cache.get("healthz") == "1" else "error: no round trip"
    except Exception as error:  # noqa: BLE001
        checks["cache"] = f"error: {error.__class__.__name__}"
    if settings.REDIS_URL:
        from jiaozuo_union.celery import app

        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception as error:  # noqa: BLE001
            checks["broker"] = f"error: {error.__class__.__name__}"
    else:
        checks["broker"] = "eager"
    from .models import OutboxMessage

    # Work the broker refused and the sweep has not yet published (informational, not a failure).
    checks["outbox_pending"] = OutboxMessage.objects.count() if checks["database"] == "ok" else None
    healthy = all(checks[part] in ("ok", "eager") for part in ("database", "cache", "broker"))
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
