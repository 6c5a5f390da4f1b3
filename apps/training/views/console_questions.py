"""Views: console_questions."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.core.permissions import staff_required
from apps.core.spreadsheets import workbook_response

from .. import excel, selectors, services
from ..forms import (
    BankForm,
    BankImportForm,
    QuestionForm,
    QuizForm,
)
from ..models import Question
from .common import _error_text


@staff_required(perm="training.manage_quizzes")
def bank_list(request):
    page = Paginator(selectors.banks_for_user(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "training/console/banks.html", {"page_obj": page})


@staff_required(perm="training.manage_quizzes")
def bank_create(request):
    form = BankForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            bank = services.bank_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("training:bank_detail", pk=bank.pk)
    return render(request, "training/console/form.html", {"form": form, "title": "新建题库",
                                                          "back": reverse("training:bank_list")})


@staff_required(perm="training.manage_quizzes")
def bank_detail(request, pk: int):
    bank = selectors.get_bank_for_user(request.user, pk)
    form = BankImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            questions = excel.parse_workbook(form.cleaned_data["file"])
        except excel.ImportRefused as refused:
            errors = refused.errors
            messages.error(request, f"文件有 {len(errors)} 处错误，未导入任何试题。请修改后重新上传。")
        else:
            count = services.bank_import_rows(actor=request.user, bank=bank, questions=questions)
            messages.success(request, f"已导入 {count} 道试题。")
            return redirect("training:bank_detail", pk=bank.pk)
    questions = bank.questions.all()
    kind = request.GET.get("kind", "")
    if kind in Question.Kind.values:
        questions = questions.filter(kind=kind)
    page = Paginator(questions, 30).get_page(request.GET.get("page"))
    return render(request, "training/console/bank_detail.html", {
        "bank": bank, "form": form, "errors": errors, "page_obj": page, "kind": kind, "kinds": Question.Kind.choices,
        "status": 400 if errors else 200}, status=400 if errors else 200)


@staff_required(perm="training.manage_quizzes")
def question_edit(request, pk: int):
    question = selectors.get_question_for_staff(request.user, pk)
    form = QuestionForm(request.POST or None, initial=QuestionForm.initial_for(excel.cells_for(question)))
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(actor=request.user, question=question, cells=form.cells())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "试题已保存。")
            return redirect("training:bank_detail", pk=question.bank_id)
    return render(request, "training/console/question_edit.html", {
        "form": form, "question": question, "bank": question.bank, "usage": services.question_usage(question)},
        status=400 if form.errors else 200)


@staff_required(perm="training.manage_quizzes")
@require_POST
def question_delete(request, pk: int):
    question = selectors.get_question_for_staff(request.user, pk)
    try:
        services.question_delete(actor=request.user, question=question)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("training:question_edit", pk=question.pk)
    messages.success(request, "试题已删除。")
    return redirect("training:bank_detail", pk=question.bank_id)


@staff_required(perm="training.manage_quizzes")
@require_POST
def question_retire(request, pk: int):
    question = selectors.get_question_for_staff(request.user, pk)
    retired = request.POST.get("retired") == "1"
    services.question_set_retired(actor=request.user, question=question, retired=retired)
    messages.success(request, "试题已停用，今后不会再被抽到。" if retired else "试题已恢复使用。")
    return redirect("training:question_edit", pk=question.pk)


@staff_required(perm="training.manage_quizzes")
def bank_export(request, pk: int):
    bank = selectors.get_bank_for_user(request.user, pk)
    return workbook_response(excel.export_workbook(bank.questions.order_by("pk")), f"题库-{bank.name}.xlsx",
                             ascii_name=f"question-bank-{bank.pk}.xlsx")


@staff_required(perm="training.manage_quizzes")
def bank_template(request):
    return workbook_response(excel.template_workbook(), "题库导入模板.xlsx", ascii_name="question-bank-template.xlsx")


@staff_required(perm="training.manage_quizzes")
def console_quizzes(request):
    page = Paginator(selectors.quizzes_for_staff(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "training/console/quizzes.html", {"page_obj": page})


@staff_required(perm="training.manage_quizzes")
def quiz_edit(request, pk: int | None = None):
    quiz = selectors.get_quiz_for_staff(request.user, pk) if pk else None
    form = QuizForm(request.POST or None, instance=quiz, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        banks = data.pop("banks")
        try:
            quiz = services.quiz_save(actor=request.user, data=data, banks=banks, quiz=quiz)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "答题已保存。")
            return redirect("training:console_quizzes")
    return render(request, "training/console/form.html", {"form": form, "title": "编辑答题" if quiz else "新建答题",
                                                          "back": reverse("training:console_quizzes")})


# --- staff: campaigns ---------------------------------------------------------------------------

