import os

from django.core.asgi import get_asgi_application

# Servers get production settings unless told otherwise; they refuse to start without secrets.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigap.settings.prod")
application = get_asgi_application()
