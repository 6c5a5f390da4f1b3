from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.me, name="me"),
    path("me/data/", views.my_data_export, name="my_data_export"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("agreement/", views.user_agreement, name="agreement"),
    path("console/", views.console, name="console"),
    path("console/organizations/", views.organization_list, name="organization_list"),
    path("console/enterprises/", views.enterprise_list, name="enterprise_list"),
    path("console/enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("console/enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("console/audit/", views.audit_list, name="audit_list"),
    path("files/<str:label>/<int:pk>/<str:field_name>/", views.private_file, name="private_file"),
    path("healthz", views.healthz, name="healthz"),
]
