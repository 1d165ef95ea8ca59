"""Sending back a file that ``sanitise_upload`` cleaned and the intake stored: the one response for
signal attachments and activity photos alike (the caller has checked who may see it, and audits)."""

from __future__ import annotations

from django.http import FileResponse, Http404

from sigap.intake.services import upload_dir


def stored_file_response(*, stored_name: str, content_type: str, display_name: str = "") -> FileResponse:
    """The stored file, shown inline, never cached by a browser or a proxy and never type-sniffed;
    404 when the file is gone from the upload directory."""
    path = upload_dir() / stored_name
    if not stored_name or not path.is_file():
        raise Http404
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{display_name}"' if display_name else "inline"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
