"""Sending back a file that ``sanitise_upload`` cleaned and the intake stored: the one response for
signal attachments and activity photos alike. The caller has checked who may see the file; a signal's
attachment (a reporter's evidence) is audited by its view, an activity photo (a socialisation event)
is not."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header

from sigap.intake.services import upload_dir


def stored_file_response(*, stored_name: str, content_type: str, display_name: str = "") -> FileResponse:
    """The stored file, shown inline, never cached by a browser or a proxy and never type-sniffed;
    404 when the file is gone from the upload directory."""
    path = upload_dir() / stored_name
    if not path.is_file():  # an empty name is the directory itself
        raise Http404
    response = FileResponse(path.open("rb"), content_type=content_type)
    # RFC 6266 / 5987: a name outside ASCII is sent as filename*=utf-8''…, which browsers read.
    response["Content-Disposition"] = content_disposition_header(False, display_name) or "inline"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
