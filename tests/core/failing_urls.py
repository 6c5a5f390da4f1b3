"""A URLconf with one view that fails, to see the 500 page the way a visitor would."""
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path


@login_not_required
def boom(request):
    raise RuntimeError("deliberate failure")


urlpatterns = [path("boom/", boom), path("", include("jiaozuo_union.urls"))]
handler500 = "apps.core.errors.server_error"
