import os

from django.core.wsgi import get_wsgi_application

# Servers get production settings unless told otherwise; they refuse to start without secrets.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigap.settings.prod")
application = get_wsgi_application()
