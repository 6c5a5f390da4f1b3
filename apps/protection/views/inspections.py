from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors, flash_service_errors
from apps.core.permissions import staff_required
from apps.core.scoping import can_act_for

from .. import selectors, services
from ..forms import InspectionStartForm, TemplateForm, TemplateItemForm
from .common import narrow_to_link, protection_staff


@protection_staff
def template_list(request):
    templates = selectors.templates_for_user(request.user).filter(is_current=True).order_by("name", "-version")
    page = Paginator(templates, 30).get_page(request.GET.get("page"))
    return render(request, "protection/template_list.html", {"page_obj": page})


@staff_required(perm="protection.manage_templates")
def template_create(request):
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.template_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "模板已创建，请添加检查项目。")
            return redirect("protection:template_detail", pk=template.pk)
    return render(request, "protection/template_form.html", {"form": form})


@protection_staff
def template_detail(request, pk: int):
    template = selectors.get_template_for_user(request.user, pk)
    item_form = TemplateItemForm(request.POST or None)
    can_manage = (request.user.has_perm("protection.manage_templates") and template.is_current
                  and can_act_for(request.user, template.organization))
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if item_form.is_valid():
            try:
                target = services.template_item_add(actor=request.user, template=template, **item_form.cleaned_data)
            except ValidationError as error:
                add_service_errors(item_form, error)
            else:
                if target.pk != template.pk:
                    messages.info(request, f"该模板已被使用，修改保存为第 {target.version} 版。")
                messages.success(request, "已添加检查项目。")
                return redirect("protection:template_detail", pk=target.pk)
    versions = selectors.templates_for_user(request.user).filter(family=template.family).order_by("-version")
    return render(request, "protection/template_detail.html", {
        "template": template, "items": list(template.items.all()), "item_form": item_form if can_manage else None,
        "versions": list(versions), "used": template.inspections.count()})


@require_POST
@staff_required(perm="protection.manage_templates")
def template_item_remove(request, pk: int, item_pk: int):
    template = selectors.get_template_for_user(request.user, pk)
    try:
        target = services.template_item_remove(actor=request.user, template=template, item_id=item_pk)
    except (ValidationError, PermissionDenied) as error:
        flash_service_errors(request, error)
        return redirect("protection:template_detail", pk=template.pk)
    suffix = f"（保存为第 {target.version} 版）" if target.pk != template.pk else ""
    messages.success(request, "已删除检查项目。" + suffix)
    return redirect("protection:template_detail", pk=target.pk)


@protection_staff
def inspection_list(request):
    inspections, organization, query = narrow_to_link(request, selectors.inspections_for_user(request.user),
                                                      when="submitted_at")
    page = Paginator(inspections.order_by("-submitted_at", "-id"), 30).get_page(request.GET.get("page"))
    return render(request, "protection/inspection_list.html", {"page_obj": page, "organization": organization,
                                                                "query": query})


@staff_required(perm="protection.fill_inspection")
def inspection_create(request, pk: int):
    template = selectors.get_template_for_user(request.user, pk)
    if not template.is_current:
        messages.info(request, "该模板已有新版本。")
        return redirect("protection:template_list")
    items = list(template.items.all())
    form = InspectionStartForm(request.POST or None, user=request.user, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_submit(actor=request.user, enterprise=form.cleaned_data["enterprise"],
                                                    template=template, period=form.cleaned_data["period"],
                                                    answers=form.answers())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "自查已提交。" + (f"{inspection.failed_count} 个不合格项已列为风险隐患。"
                                                     if inspection.failed_count else "全部合格。"))
            return redirect("protection:inspection_detail", pk=inspection.pk)
    rows = [(item, form[f"pass_{item.pk}"], form[f"note_{item.pk}"]) for item in items]
    return render(request, "protection/inspection_form.html", {"form": form, "template": template, "rows": rows})


@protection_staff
def inspection_detail(request, pk: int):
    inspection = selectors.get_inspection_for_user(request.user, pk)
    answers = list(inspection.answers.select_related("item", "hazard"))
    return render(request, "protection/inspection_detail.html", {"inspection": inspection, "answers": answers})
