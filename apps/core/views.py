from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import selectors, services
from .forms import EnterpriseForm
from .pagecache import SITE, public_page
from .permissions import staff_required
from .registry import console_todos, home_sections, my_records, nav_items
from .uploads import file_response, private_files


@login_not_required
@public_page(SITE)
def home(request):
    sections = [s for s in (provider(request) for provider in home_sections) if s]
    services_list = sorted((i for i in nav_items if not i.staff_only), key=lambda i: i.order)
    return render(
        request,
        "core/home.html",
        {"home_sections": sorted(sections, key=lambda s: s.order), "service_items": services_list},
    )


def me(request):
    sections = [s for s in (provider(request.user) for provider in my_records) if s]
    return render(request, "core/me.html", {"sections": sorted(sections, key=lambda s: s.order)})


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
        obj = model._default_manager.get(pk=pk)
        stored = getattr(obj, field_name)
    except (model.DoesNotExist, AttributeError):
        raise Http404 from None
    if not stored or not checker(request.user, obj, field_name):
        raise Http404
    return file_response(request, stored, download_name=f"{label.split('.')[-1]}-{pk}",
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
    healthy = all(value in ("ok", "eager") for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
