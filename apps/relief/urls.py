from django.urls import path

from . import views

app_name = "relief"

urlpatterns = [
    path("", views.aid_apply, name="home"),
    path("apply/", views.aid_apply, name="aid_apply"),
    path("aid/", views.aid_list, name="aid_list"),
    path("aid/enter/", views.aid_enter, name="aid_enter"),
    path("aid/<int:pk>/", views.aid_detail, name="aid_detail"),
    path("aid/<int:pk>/review/", views.aid_review, name="aid_review"),
    path("aid/<int:pk>/pay/", views.aid_pay, name="aid_pay"),
    path("aid/<int:pk>/payment-return/", views.aid_payment_return, name="aid_payment_return"),
    path("aid/<int:pk>/repay/", views.aid_repay, name="aid_repay"),
    path("aid/<int:pk>/resubmit/", views.aid_resubmit, name="aid_resubmit"),
    path("aid/<int:pk>/withdraw/", views.aid_withdraw, name="aid_withdraw"),
    path("tiers/", views.tier_rules, name="tier_rules"),
    path("funds/", views.fund_list, name="fund_list"),
    path("funds/new/", views.fund_create, name="fund_create"),
    path("funds/<int:pk>/", views.fund_detail, name="fund_detail"),
    path("funds/<int:pk>/ledger.xlsx", views.fund_export, name="fund_export"),
    path("accounts/<int:pk>/allocate/", views.fund_allocate, name="fund_allocate"),
    path("visits/", views.visit_plan_list, name="visit_plan_list"),
    path("visits/new/", views.visit_plan_create, name="visit_plan_create"),
    path("visits/<int:pk>/", views.visit_plan_detail, name="visit_plan_detail"),
    path("visits/<int:pk>/record/", views.visit_record, name="visit_record"),
    path("registry/", views.registry_list, name="registry_list"),
    path("registry/new/", views.registry_create, name="registry_create"),
    path("registry/export.xlsx", views.registry_export, name="registry_export"),
    path("registry/<int:pk>/", views.registry_detail, name="registry_detail"),
    path("registry/<int:pk>/reveal/", views.registry_reveal, name="registry_reveal"),
    path("registry/<int:pk>/<str:action>/", views.registry_action, name="registry_action"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export.xlsx", views.dashboard_export, name="dashboard_export"),
]
