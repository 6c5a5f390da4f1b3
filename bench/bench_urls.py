"""The portal's URLs plus ``/bench/bare/``: ``HttpResponse("ok")`` through the same middleware.

Reachable only when gunicorn runs with ``bench.bench_settings`` (the benchmark), never in the portal.
"""
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from jiaozuo_union.urls import urlpatterns as portal_urlpatterns


@login_not_required
def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare), *portal_urlpatterns]
