from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "protection"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="protection:hazard_list"), name="home"),
    # Public: a worker's hazard report, and following it by its reference.
    path("report/", views.report, name="report"),
    path("report/follow/", views.follow, name="follow"),
    path("hazards/", views.hazard_list, name="hazard_list"),
    path("hazards/<int:pk>/", views.hazard_detail, name="hazard_detail"),
    path("hazards/<int:pk>/assign/", views.hazard_assign, name="hazard_assign"),
    path("hazards/<int:pk>/rectify/", views.hazard_rectify, name="hazard_rectify"),
    path("hazards/<int:pk>/verify/", views.hazard_verify, name="hazard_verify"),
    path("hazards/<int:pk>/reopen/", views.hazard_reopen, name="hazard_reopen"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_submit, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/resubmit/", views.plan_submit, name="plan_resubmit"),
    path("plans/<int:pk>/review/", views.plan_review, name="plan_review"),
    path("plans/<int:pk>/compare/", views.plan_compare, name="plan_compare"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/new/", views.template_create, name="template_new"),
    path("templates/<int:pk>/", views.template_detail, name="template_detail"),
    path("templates/<int:pk>/items/<int:item_pk>/remove/", views.template_item_remove, name="template_item_remove"),
    path("templates/<int:pk>/inspect/", views.inspection_create, name="inspection_new"),
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/new/", views.visit_create, name="visit_new"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("health/", views.health_list, name="health_list"),
    path("health/<int:pk>/", views.health_enterprise, name="health_enterprise"),
    path("ankang/", views.ankang_list, name="ankang_list"),
    path("ankang/accidents/", views.accident_create, name="accident_new"),
    path("ankang/<int:pk>/winner/", views.ankang_winner, name="ankang_winner"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export/", views.dashboard_export, name="dashboard_export"),
]
