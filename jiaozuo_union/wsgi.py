import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiaozuo_union.settings")

application = get_wsgi_application()

# What is loaded by now (modules, settings, URL patterns, model metadata: some hundred thousand
# objects) lives as long as the worker. Frozen, the cyclic collector stops walking it on every full
# collection, which otherwise lands on a random request (bench/recruitment.md, 2 Dec morning).
gc.freeze()
