from django.urls import path

from . import views

app_name = "legal_aid"

urlpatterns = [
    # Public: the hotline, the duty roster, published answers.
    path("", views.home, name="home"),
    path("ask/", views.ask, name="ask"),
    path("mine/", views.my_consultations, name="mine"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation_detail"),
    path("consultations/<int:pk>/message/", views.consultation_message, name="consultation_message"),
    path("consultations/<int:pk>/rate/", views.consultation_rate, name="consultation_rate"),
    path("consultations/<int:pk>/close/", views.consultation_close, name="consultation_close"),
    path("consultations/<int:pk>/assign/", views.consultation_assign, name="consultation_assign"),
    path("consultations/<int:pk>/claim/", views.consultation_claim, name="consultation_claim"),
    path("queue/", views.lawyer_queue, name="queue"),
    path("staff/consultations/", views.staff_list, name="staff_list"),
    path("staff/overview/", views.overview, name="overview"),
    path("staff/categories/", views.category_list, name="categories"),
    path("staff/faq/", views.faq_list, name="faq_list"),
    path("staff/faq/<int:pk>/", views.faq_edit, name="faq_edit"),
    path("screenings/", views.screening_list, name="screening_list"),
    path("screenings/new/", views.screening_new, name="screening_new"),
    path("screenings/rules/", views.screening_rules, name="screening_rules"),
    path("screenings/<int:pk>/", views.screening_detail, name="screening_detail"),
    # Labour disputes and collective negotiations (staff).
    path("disputes/", views.dispute_list, name="dispute_list"),
    path("disputes/new/", views.dispute_new, name="dispute_new"),
    path("disputes/thresholds/", views.dispute_thresholds, name="dispute_thresholds"),
    path("disputes/<int:pk>/", views.dispute_detail, name="dispute_detail"),
    path("disputes/<int:pk>/edit/", views.dispute_edit, name="dispute_edit"),
    path("disputes/<int:pk>/progress/", views.dispute_progress, name="dispute_progress"),
    path("negotiations/", views.negotiation_list, name="negotiation_list"),
    path("negotiations/new/", views.negotiation_new, name="negotiation_new"),
    path("negotiations/<int:pk>/", views.negotiation_detail, name="negotiation_detail"),
    # Legal-aid cases (green channel): the worker, the assigned lawyer, legal-department staff.
    path("cases/apply/", views.case_apply, name="case_apply"),
    path("cases/mine/", views.my_cases, name="case_mine"),
    path("cases/assigned/", views.case_assigned, name="case_assigned"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/withdraw/", views.case_withdraw, name="case_withdraw"),
    path("cases/<int:pk>/accept/", views.case_accept, name="case_accept"),
    path("cases/<int:pk>/decline/", views.case_decline, name="case_decline"),
    path("cases/<int:pk>/green-channel/", views.case_green, name="case_green"),
    path("cases/<int:pk>/assign/", views.case_assign, name="case_assign"),
    path("cases/<int:pk>/entries/", views.case_entry, name="case_entry"),
    path("cases/<int:pk>/close/", views.case_close, name="case_close"),
    path("staff/cases/", views.case_list, name="case_list"),
]
