"""Legal-department staff: the scoped list, the service-time overview, the SLA table, the FAQ editor."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from apps.core.forms import add_service_errors
from apps.core.params import int_param

from .. import selectors, services
from ..forms import CategoryHoursForm, FaqForm
from ..models import Consultation, ConsultationCategory, PublishedAnswer
from .common import legal_staff_required

FILTERS = {"overdue", "nearing", "escalated", *Consultation.Status.values}


@legal_staff_required
def staff_list(request):
    """Consultations of the staff's subtree, filtered by status or by the service clock."""
    consultations = selectors.consultations_for_staff(request.user)
    now = timezone.now()
    wanted = request.GET.get("status", "")
    wanted = wanted if wanted in FILTERS else ""
    unanswered = {"first_answered_at__isnull": True, "status__in": [Consultation.Status.QUEUED,
                                                                    Consultation.Status.ASSIGNED]}
    if wanted == "overdue":
        consultations = consultations.filter(due_at__lt=now, **unanswered)
    elif wanted == "nearing":
        consultations = consultations.filter(due_at__gte=now, due_at__lt=now + selectors.NEARING, **unanswered)
    elif wanted == "escalated":
        consultations = consultations.filter(escalated_at__isnull=False, **unanswered)
    elif wanted:
        consultations = consultations.filter(status=wanted)
    page = Paginator(consultations.order_by("-created_at", "-id"), 30).get_page(request.GET.get("page"))
    return render(request, "legal_aid/staff_list.html", {
        "page_obj": page, "status": wanted, "now": now, "nearing": selectors.NEARING,
        "statuses": Consultation.Status.choices, "query": urlencode({"status": wanted} if wanted else {})})


@legal_staff_required
def overview(request):
    """Counts, the clock, and first-response / resolution times (median, 90th percentile)."""
    days = int_param(request.GET, "days", 90, minimum=1, maximum=3650)
    data = selectors.staff_overview(request.user, since=timezone.now() - timedelta(days=days))
    return render(request, "legal_aid/overview.html", {"data": data, "days": days})


@legal_staff_required
def category_list(request):
    """The service-level table: hours to first answer by category (POST changes one row)."""
    categories = list(ConsultationCategory.objects.all())
    form, failed_pk = None, None
    if request.method == "POST":
        category = selectors._get(ConsultationCategory.objects.all(), request.POST.get("category"))
        form = CategoryHoursForm(request.POST)
        if form.is_valid():
            try:
                services.category_set_hours(actor=request.user, category=category,
                                            hours=form.cleaned_data["first_answer_hours"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"「{category.name}」的首次答复时限已改为 "
                                          f"{form.cleaned_data['first_answer_hours']} 小时（新提问起生效）。")
                return redirect("legal_aid:categories")
        failed_pk = category.pk
    return render(request, "legal_aid/categories.html", {"categories": categories, "form": form,
                                                          "failed_pk": failed_pk},
                  status=400 if form is not None else 200)


@legal_staff_required
def faq_list(request):
    status = request.GET.get("status", PublishedAnswer.Status.DRAFT)
    status = status if status in PublishedAnswer.Status.values else PublishedAnswer.Status.DRAFT
    faq = selectors.faq_for_staff(request.user).filter(status=status).order_by("-id")
    page = Paginator(faq, 30).get_page(request.GET.get("page"))
    return render(request, "legal_aid/faq_list.html", {"page_obj": page, "status": status,
                                                        "query": urlencode({"status": status})})


@legal_staff_required
def faq_edit(request, pk: int):
    """Anonymise and publish (or keep as draft, or take down) one answer."""
    faq = selectors.get_faq_for_staff(request.user, pk)
    form = FaqForm(request.POST or None, initial={"question": faq.question, "answer": faq.answer})
    if request.method == "POST" and form.is_valid():
        try:
            services.faq_publish(actor=request.user, faq=faq, publish=request.POST.get("action") == "publish",
                                 **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已保存。")
            return redirect("legal_aid:faq_list")
    return render(request, "legal_aid/faq_edit.html", {"faq": faq, "form": form},
                  status=400 if form.is_bound and form.errors else 200)
