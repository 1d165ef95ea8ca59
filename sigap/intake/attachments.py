"""Attachments made safe before anything stores them: :func:`sanitise_upload`.

Every channel (the public form, the field PWA, WhatsApp media, the API) passes an uploaded file
through one gate that

* reads at most ``max_bytes`` + 1 bytes, so an oversized upload never sits whole in memory;
* decides the type from the content alone (magic bytes, then a full decode): JPEG, PNG, WebP and
  PDF are accepted, the file name's extension plays no part;
* refuses images that declare an absurd pixel count (decompression bombs) before decoding them,
  and truncated or corrupt images;
* re-encodes images from their pixels only, in the same format, so that no EXIF (GPS included),
  XMP, ICC profile, comment or trailing data survives; the EXIF orientation is applied first and
  an ICC profile is converted to sRGB first, so the picture looks the same;
* checks that a PDF is one (header, end-of-file marker, a parse that finds its pages) and refuses
  one that can run or carry something: JavaScript, an opening action, launch/remote/submit
  actions, embedded files, rich media or XFA forms;
* names the clean file with a random stored name and a display name stripped of paths, control
  characters and markup.

A refusal is one exception, :class:`UploadRefused`, with a stable machine ``code`` and a short
``message`` in plain words for a villager (translated lazily: Bahasa Indonesia by default).

This module imports no Django model: the intake app stores a :class:`CleanFile` however it likes.

Pillow's limits are process-wide; importing this module sets them (see ``_limit_pillow``).
"""

from __future__ import annotations

import enum
import hashlib
import io
import re
import secrets
import unicodedata
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final, Protocol

import pypdf
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from PIL import Image, ImageCms, ImageFile, ImageOps, PngImagePlugin
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

MAX_BYTES: Final = 10 * 1024 * 1024
"""The largest attachment accepted (10 MiB, issue #4)."""

MAX_PIXELS: Final = 50_000_000
"""The most pixels an image may declare: a 48-megapixel phone photo passes, a bomb does not."""

_READ_CHUNK: Final = 64 * 1024


def _limit_pillow() -> None:
    """Set Pillow's own guards explicitly instead of relying on its defaults."""
    # Pillow warns above MAX_IMAGE_PIXELS and raises above twice that; the warning is turned into
    # an error while decoding (see _decode_image), and our own check runs with ``max_pixels``.
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    # A truncated image is an error, never a half-grey picture.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    # Compressed PNG text chunks (where metadata hides) may not inflate beyond these.
    PngImagePlugin.MAX_TEXT_CHUNK = 256 * 1024
    PngImagePlugin.MAX_TEXT_MEMORY = 1024 * 1024


_limit_pillow()


class FileKind(enum.StrEnum):
    JPEG = "jpeg"
    PNG = "png"
    WEBP = "webp"
    PDF = "pdf"

    @property
    def content_type(self) -> str:
        return _CONTENT_TYPES[self]

    @property
    def extension(self) -> str:
        return _EXTENSIONS[self]


_CONTENT_TYPES: Final = {
    FileKind.JPEG: "image/jpeg",
    FileKind.PNG: "image/png",
    FileKind.WEBP: "image/webp",
    FileKind.PDF: "application/pdf",
}
_EXTENSIONS: Final = {
    FileKind.JPEG: ".jpg",
    FileKind.PNG: ".png",
    FileKind.WEBP: ".webp",
    FileKind.PDF: ".pdf",
}
_PILLOW_FORMATS: Final = {FileKind.JPEG: "JPEG", FileKind.PNG: "PNG", FileKind.WEBP: "WEBP"}


class RefusalCode(enum.StrEnum):
    """Stable machine codes of :class:`UploadRefused` (API clients and logs rely on them)."""

    WRONG_TYPE = "wrong_type"
    TOO_LARGE = "too_large"
    EMPTY = "empty"
    CORRUPT = "corrupt"
    BOMB = "bomb"
    ACTIVE_CONTENT = "active_content"
    ENCRYPTED = "encrypted"


_MESSAGES: Final[dict[RefusalCode, StrOrPromise]] = {
    RefusalCode.WRONG_TYPE: _(
        "This file cannot be accepted. Please send a photo (JPG, PNG or WebP) or a PDF document."
    ),
    RefusalCode.TOO_LARGE: _("This file is too large. The largest file allowed is %(limit)s MB."),
    RefusalCode.EMPTY: _("This file is empty. Please choose another file."),
    RefusalCode.CORRUPT: _(
        "This file is damaged or incomplete and cannot be opened. Please send it again or take a new photo."
    ),
    RefusalCode.BOMB: _(
        "This picture is far too big (too many pixels). Please send an ordinary photo or screenshot."
    ),
    RefusalCode.ACTIVE_CONTENT: _(
        "This PDF contains parts that can run by themselves (such as scripts or hidden files), so it "
        "cannot be accepted for safety. Please send a photo or screenshot of its pages instead."
    ),
    RefusalCode.ENCRYPTED: _(
        "This PDF is locked with a password, so officers cannot open it. Please send it without the "
        "password, or send a photo or screenshot of its pages."
    ),
}


def _format_message(message: StrOrPromise, params: dict[str, Any]) -> str:
    return str(message) % params


# Formats the message when it is shown, in the language active then (not at upload time).
_lazy_format = lazy(_format_message, str)


class UploadRefused(Exception):
    """An attachment was refused. ``code`` is for machines, ``message`` for the person uploading.

    ``detail`` says in English what exactly was found, for logs and the audit trail; it is never
    shown to the reporter.
    """

    def __init__(self, code: str, message: StrOrPromise, *, detail: str = "") -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.code}: {self.detail or self.message}"


def _refuse(code: RefusalCode, detail: str = "", **params: Any) -> UploadRefused:
    message = _MESSAGES[code]
    if params:
        message = _lazy_format(message, params)
    return UploadRefused(code.value, message, detail=detail)


@dataclass(frozen=True, slots=True)
class CleanFile:
    """An attachment that passed :func:`sanitise_upload`; ``data`` is what may be stored."""

    data: bytes
    kind: FileKind
    content_type: str
    stored_name: str  # random, safe as a file name on any system; derived from nothing the user sent
    display_name: str  # the reporter's name for it, cleaned, with the extension of the real type
    size: int
    sha256: str  # of ``data``
    width: int | None = None  # images
    height: int | None = None
    pages: int | None = None  # PDFs


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


def sanitise_upload(
    *,
    name: str,
    data: bytes | bytearray | memoryview | Readable,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
) -> CleanFile:
    """Check, clean and name one uploaded file, or raise :class:`UploadRefused`.

    ``data`` is the content as bytes or any binary file object with ``read`` (a Django
    ``UploadedFile`` works; it is rewound first when it can be). ``name`` is only used for the
    display name. ``max_pixels`` can lower the pixel limit, not raise it above :data:`MAX_PIXELS`
    (Pillow's own process-wide guard).
    """
    if max_bytes <= 0 or max_pixels <= 0:
        raise ValueError("max_bytes and max_pixels must be positive")
    raw = _read_bounded(data, max_bytes)
    if not raw:
        raise _refuse(RefusalCode.EMPTY, "no bytes")
    kind = sniff(raw)
    if kind is None:
        raise _refuse(RefusalCode.WRONG_TYPE, f"unrecognised content starting {raw[:8]!r}")

    width = height = pages = None
    if kind is FileKind.PDF:
        pages = _check_pdf(raw)
        clean = raw
    else:
        clean, width, height = _reencode_image(raw, kind, max_pixels)
    return CleanFile(
        data=clean,
        kind=kind,
        content_type=kind.content_type,
        stored_name=secrets.token_hex(16) + kind.extension,
        display_name=clean_display_name(name, extension=kind.extension),
        size=len(clean),
        sha256=hashlib.sha256(clean).hexdigest(),
        width=width,
        height=height,
        pages=pages,
    )


# --- reading and recognising ----------------------------------------------------------------------


def _too_large(max_bytes: int) -> UploadRefused:
    return _refuse(RefusalCode.TOO_LARGE, f"more than {max_bytes} bytes", limit=f"{max_bytes / 2**20:.3g}")


def _read_bounded(data: bytes | bytearray | memoryview | Readable, max_bytes: int) -> bytes:
    if isinstance(data, bytes | bytearray | memoryview):
        size = data.nbytes if isinstance(data, memoryview) else len(data)
        if size > max_bytes:
            raise _too_large(max_bytes)
        return bytes(data)
    if not callable(getattr(data, "read", None)):
        raise TypeError("data must be bytes or a binary file object with read()")
    seekable = getattr(data, "seekable", None)
    if callable(seekable) and seekable():
        data.seek(0)  # type: ignore[attr-defined]
    buffer = bytearray()
    while True:
        # Never ask for more than one byte past the limit: that byte is enough to refuse.
        chunk = data.read(min(_READ_CHUNK, max_bytes + 1 - len(buffer)))
        if not chunk:
            break
        if not isinstance(chunk, bytes | bytearray):
            raise TypeError("data must be opened in binary mode")
        buffer += chunk
        if len(buffer) > max_bytes:
            raise _too_large(max_bytes)
    return bytes(buffer)


_PDF_HEADER: Final = re.compile(rb"%PDF-[12]\.[0-9]")


def sniff(raw: bytes) -> FileKind | None:
    """The kind of file the magic bytes at the very start claim (a full decode confirms it)."""
    if raw.startswith(b"\xff\xd8\xff"):
        return FileKind.JPEG
    if raw.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind.PNG
    if raw[:4] == b"RIFF" and raw[8:12] == b"WEBP":
        return FileKind.WEBP
    if _PDF_HEADER.match(raw):
        return FileKind.PDF
    return None


# --- images ---------------------------------------------------------------------------------------


def _reencode_image(raw: bytes, kind: FileKind, max_pixels: int) -> tuple[bytes, int, int]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw), formats=[_PILLOW_FORMATS[kind]]) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise _refuse(RefusalCode.BOMB, f"{width}x{height} pixels declared")
                image.load()
                clean = _pixels_only(image, kind)
    except UploadRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _refuse(RefusalCode.BOMB, str(exc)) from exc
    except Exception as exc:
        # Decoders report broken input with many exception types (OSError, SyntaxError,
        # ValueError, EOFError, struct.error …): any failure to decode means a corrupt file.
        raise _refuse(RefusalCode.CORRUPT, f"{type(exc).__name__}: {exc}") from exc

    output = io.BytesIO()
    if kind is FileKind.JPEG:
        clean.save(output, "JPEG", quality=90, optimize=True)
    elif kind is FileKind.PNG:
        clean.save(output, "PNG", compress_level=6)
    else:
        clean.save(output, "WEBP", quality=90, method=4)
    return output.getvalue(), clean.width, clean.height


def _pixels_only(image: Image.Image, kind: FileKind) -> Image.Image:
    """A new image holding the (upright, sRGB) pixels of ``image`` and nothing else."""
    icc_profile = image.info.get("icc_profile")
    has_alpha = image.mode in {"RGBA", "LA", "PA", "RGBa", "La"} or "transparency" in image.info
    try:
        upright = ImageOps.exif_transpose(image)
    except Exception:
        upright = image  # unreadable EXIF: keep the pixels as stored, the EXIF goes anyway
    frame = _to_srgb(upright, icc_profile) if icc_profile else upright

    if frame.mode in {"I", "I;16", "I;16B", "I;16L", "I;16N"}:  # 16-bit greyscale PNG
        frame = frame.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if kind is FileKind.JPEG:
        mode = "L" if frame.mode in {"1", "L"} else "RGB"
    elif has_alpha or frame.mode == "RGBA":
        mode = "RGBA"
    elif kind is FileKind.PNG and frame.mode in {"1", "L"}:
        mode = "L"
    else:
        mode = "RGB"
    converted = frame if frame.mode == mode else frame.convert(mode)
    # frombytes starts from an empty ``info``: no EXIF, XMP, ICC, comment or text chunk can follow.
    return Image.frombytes(mode, converted.size, converted.tobytes())


def _to_srgb(image: Image.Image, icc_profile: bytes) -> Image.Image:
    """Convert pixels described by an embedded ICC profile to sRGB, so dropping it changes nothing."""
    if image.mode not in {"RGB", "RGBA", "CMYK"}:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
        output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, source, srgb, outputMode=output_mode)
    except Exception:
        return image  # a broken profile: the pixels stay as they are, the profile is dropped anyway
    return converted if converted is not None else image


# --- PDF ------------------------------------------------------------------------------------------

# Names that make a PDF do or carry something when opened: scripts, actions that launch programs,
# open other files or send data, embedded files, multimedia and XFA forms (which can hold scripts).
_ACTIVE_NAMES: Final = frozenset(
    {
        "JavaScript",
        "JS",
        "AA",
        "Launch",
        "GoToR",
        "GoToE",
        "SubmitForm",
        "ImportData",
        "EmbeddedFile",
        "EmbeddedFiles",
        "RichMedia",
        "XFA",
    }
)
_NAME: Final = re.compile(rb"/((?:[A-Za-z0-9]|#[0-9A-Fa-f]{2})+)")
_HEX_ESCAPE: Final = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM_START: Final = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
_DICT_AFTER: Final = re.compile(rb"(?:\s|%[^\r\n]*[\r\n])*<<")


def _check_pdf(raw: bytes) -> int:
    """Refuse a PDF that is broken or active; return its page count."""
    if b"%%EOF" not in raw[-1024:]:
        raise _refuse(RefusalCode.CORRUPT, "no %%EOF marker at the end")
    found = _active_names_in_bytes(raw)
    if found:
        raise _refuse(RefusalCode.ACTIVE_CONTENT, "active content: " + ", ".join(sorted(found)))
    try:
        with pypdf.apply_configuration(
            zlib_maximum_output_length=32 * 1024 * 1024,
            zlib_maximum_recovery_input_length=1024 * 1024,
            lzw_maximum_output_length=32 * 1024 * 1024,
            run_length_maximum_output_length=32 * 1024 * 1024,
            jbig2dec_binary=None,  # never start an external decoder for an upload
        ):
            reader = pypdf.PdfReader(io.BytesIO(raw), strict=False)
            if reader.is_encrypted and reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED:
                raise _refuse(RefusalCode.ENCRYPTED, "needs a user password")
            pages = len(reader.pages)
            if pages < 1:
                raise _refuse(RefusalCode.CORRUPT, "no pages")
            found = _active_names_in_objects(reader)
    except UploadRefused:
        raise
    except Exception as exc:
        # pypdf reports malformed input with many exception types: any of them means corrupt.
        raise _refuse(RefusalCode.CORRUPT, f"{type(exc).__name__}: {exc}") from exc
    if found:
        raise _refuse(RefusalCode.ACTIVE_CONTENT, "active content: " + ", ".join(sorted(found)))
    return pages


def _outside_streams(raw: bytes) -> Iterator[bytes]:
    """The parts of a PDF that are not stream data (binary data would give false alarms)."""
    position = 0
    while True:
        start = _STREAM_START.search(raw, position)
        if start is None:
            yield raw[position:]
            return
        yield raw[position : start.start()]
        end = raw.find(b"endstream", start.end())
        if end == -1:
            return
        position = end + len(b"endstream")


def _active_names_in_bytes(raw: bytes) -> set[str]:
    """Active names written anywhere outside streams, also in objects no table points to.

    Names are compared after undoing ``#xx`` escapes (``/J#61vaScript`` is ``/JavaScript``).
    An ``/OpenAction`` counts when an action dictionary follows it directly; a plain destination
    (open at page 1) is harmless, and an indirect one is judged by the parse.
    """
    found = set()
    for segment in _outside_streams(raw):
        for match in _NAME.finditer(segment):
            name = _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
            text = name.decode("latin-1")
            if text in _ACTIVE_NAMES or (
                text == "OpenAction" and _DICT_AFTER.match(segment, match.end()) is not None
            ):
                found.add("/" + text)
    return found


def _active_names_in_objects(reader: pypdf.PdfReader) -> set[str]:
    """Active names in every object the cross-reference tables list, compressed ones included."""
    numbers = {(number, generation) for generation, table in reader.xref.items() for number in table}
    numbers |= {(number, 0) for number in reader.xref_objStm}
    found: set[str] = set()
    _scan_object(reader.trailer, found)
    for number, generation in sorted(numbers):
        _scan_object(reader.get_object(IndirectObject(number, generation, reader)), found)
    return found


def _scan_object(root: Any, found: set[str]) -> None:
    """Look through one object's dictionaries and arrays (references are scanned on their own)."""
    stack = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, DictionaryObject):  # stream dictionaries included
            for key, value in item.items():
                if key[1:] in _ACTIVE_NAMES:
                    found.add(str(key))
                elif key == "/OpenAction":
                    target = value.get_object() if isinstance(value, IndirectObject) else value
                    if isinstance(target, DictionaryObject):  # an action, not a destination
                        found.add("/OpenAction")
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
        elif isinstance(item, NameObject) and item[1:] in _ACTIVE_NAMES:
            found.add(str(item))


# --- names ----------------------------------------------------------------------------------------

_MARKUP: Final = re.compile(r"<[^>]*>")
_UNSAFE_CHARACTERS: Final = re.compile(r"""[<>:"'`/\\|?*&;$%{}\[\]=]""")
_SPACES: Final = re.compile(r"\s+")
_EXTENSION: Final = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_WINDOWS_DEVICES: Final = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}
)
DISPLAY_STEM_LENGTH: Final = 80


def clean_display_name(name: str, *, extension: str) -> str:
    """A name to show officers and offer on download, harmless wherever it is printed.

    Keeps the last path component only, drops markup, control and invisible formatting characters
    (bidi overrides, zero-width), characters that mean something to shells, HTML or file systems,
    and the extension the sender gave; ends with ``extension``, the real type's.
    """
    text = unicodedata.normalize("NFKC", str(name))
    text = _MARKUP.sub("", text)  # before splitting: "</script>" holds a slash
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(
        " " if unicodedata.category(ch) in {"Zl", "Zp"} or ch in "\t\n\r" else ch
        for ch in text
        if not unicodedata.category(ch).startswith("C") or ch in "\t\n\r"
    )
    text = _UNSAFE_CHARACTERS.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    text = _EXTENSION.sub("", text)
    stem = text[:DISPLAY_STEM_LENGTH].strip(" .-_")
    if not stem:
        stem = gettext("attachment")
    if stem.split(".")[0].upper() in _WINDOWS_DEVICES:
        stem = "_" + stem
    return stem + extension
