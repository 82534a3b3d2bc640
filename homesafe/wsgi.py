import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homesafe.settings")
if settings.MISSING_SETTINGS:
    # A server never starts without them (sessions would be signed with a throwaway key).
    raise ImproperlyConfigured("; ".join(settings.MISSING_SETTINGS.values()))
application = get_wsgi_application()
