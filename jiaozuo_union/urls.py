from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("apps.core.urls")),
    path("accounts/", include("apps.accounts.urls")),
    path("inbox/", include("apps.notifications.urls")),
    path("jobs/", include("apps.recruitment.urls")),
    path("training/", include("apps.training.urls")),
    path("reports/", include("apps.reports.urls")),
    path("join/", include("apps.organizing.urls")),
    path("protection/", include("apps.protection.urls")),
    path("relief/", include("apps.relief.urls")),
    path("subsidies/", include("apps.subsidies.urls")),
    path("women/", include("apps.women_workers.urls")),
    path("legal/", include("apps.legal_aid.urls")),
    path("news/", include("apps.publicity.urls")),
    path("volunteers/", include("apps.volunteers.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "apps.core.errors.bad_request"
handler403 = "apps.core.errors.permission_denied"
handler404 = "apps.core.errors.page_not_found"
handler500 = "apps.core.errors.server_error"
