"""The upload gate, on real files made here: what passes comes out clean, the rest is refused."""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageCms, PngImagePlugin
from pypdf import PdfReader, PdfWriter

from sigap.intake.attachments import (
    MAX_BYTES,
    CleanFile,
    FileKind,
    UploadRefused,
    clean_display_name,
    sanitise_upload,
)

GPS_IFD = 0x8825
ORIENTATION = 0x0112
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="6,2.5S"/>'
    b"</rdf:RDF></x:xmpmeta>"
)
SRGB_ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


# --- building real files --------------------------------------------------------------------------


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[GPS_IFD] = {1: "S", 2: (6.0, 2.0, 30.0), 3: "E", 4: (106.0, 18.0, 5.0)}
    return exif


def two_colour_image(size: tuple[int, int] = (40, 30), mode: str = "RGB") -> Image.Image:
    """Left half red, right half blue: shows where the picture ends up after rotation."""
    image = Image.new(mode, size, "blue")
    image.paste(Image.new(mode, (size[0] // 2, size[1]), "red"), (0, 0))
    return image


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def jpeg_with_gps(orientation: int = 1) -> bytes:
    return encode(
        two_colour_image(),
        "JPEG",
        exif=exif_with_gps(orientation),
        xmp=XMP,
        icc_profile=SRGB_ICC,
        comment=b"taken at Lontar pier",
        quality=95,
    )


def png_with_metadata() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Pak RT Lontar")
    info.add_text("Comment", "rumah calo", zip=True)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    image = two_colour_image(mode="RGBA")
    image.putpixel((0, 0), (0, 0, 0, 0))  # one transparent pixel
    return encode(image, "PNG", pnginfo=info, exif=exif_with_gps(), icc_profile=SRGB_ICC)


def webp_with_metadata() -> bytes:
    return encode(two_colour_image(), "WEBP", exif=exif_with_gps(), xmp=XMP, icc_profile=SRGB_ICC)


def noise_jpeg(size: tuple[int, int] = (256, 256)) -> bytes:
    return encode(Image.effect_noise(size, 64).convert("RGB"), "JPEG", quality=90)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A few hundred bytes that declare ``width`` × ``height`` pixels of greyscale."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * (width + 1) * 4, 9)  # only the first rows: enough to start decoding
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", pixels)
        + png_chunk(b"IEND", b"")
    )


def jpeg_declaring(width: int, height: int) -> bytes:
    """A real small JPEG whose frame header (SOF0) is rewritten to claim another size."""
    data = bytearray(noise_jpeg((16, 16)))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def zip_bomb() -> bytes:
    """Ten megabytes of zeros that zip down to about ten kilobytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("foto.png", b"\x00" * 10_000_000)
    return buffer.getvalue()


def build_pdf(*objects: bytes, version: bytes = b"1.4") -> bytes:
    """A classic PDF (cross-reference table) from numbered object bodies; object 1 is the catalog."""
    out = bytearray(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(content), extra, content)


PAGE_OBJECTS = (
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
    b" /Resources << /Font << /F1 5 0 R >> >> >>",
    stream(b"BT /F1 24 Tf 72 720 Td (Lowongan kerja ke Malaysia) Tj ET"),
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
)


def pdf_with_catalog(extra: bytes = b"", *more: bytes) -> bytes:
    return build_pdf(b"<< /Type /Catalog /Pages 2 0 R " + extra + b">>", *PAGE_OBJECTS, *more)


def pdf_with_compressed_javascript() -> bytes:
    """PDF 1.5: the JavaScript action sits compressed in an object stream (no raw /JavaScript)."""
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    bodies = [b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R >>", *PAGE_OBJECTS]
    offsets: dict[int, int] = {}
    for number, body in enumerate(bodies, start=1):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    header = b"6 0 "
    packed = zlib.compress(header + b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>")
    offsets[7] = len(out)
    out += b"7 0 obj\n%s\nendobj\n" % stream(
        packed, b"/Type /ObjStm /N 1 /First %d /Filter /FlateDecode " % len(header)
    )
    offsets[8] = len(out)
    rows = [b"\x00" + (0).to_bytes(4, "big") + (65535).to_bytes(2, "big")]
    for number in range(1, 9):
        if number == 6:
            rows.append(b"\x02" + (7).to_bytes(4, "big") + (0).to_bytes(2, "big"))
        else:
            rows.append(b"\x01" + offsets[number].to_bytes(4, "big") + (0).to_bytes(2, "big"))
    out += b"8 0 obj\n%s\nendobj\n" % stream(b"".join(rows), b"/Type /XRef /Size 9 /Root 1 0 R /W [1 4 2] ")
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[8]
    return bytes(out)


MINIMAL_PDF = pdf_with_catalog()


def refused(data: bytes | object, name: str = "file.bin", **options) -> UploadRefused:
    with pytest.raises(UploadRefused) as caught:
        sanitise_upload(name=name, data=data, **options)  # type: ignore[arg-type]
    return caught.value


def assert_no_metadata(clean: CleanFile) -> Image.Image:
    image = Image.open(io.BytesIO(clean.data))
    image.load()
    assert dict(image.getexif()) == {}
    assert image.getexif().get_ifd(GPS_IFD) == {}
    for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "Author", "Comment"):
        assert key not in image.info, key
    for marker in (b"Exif", b"GPS", b"adobe:ns:meta", b"xmpmeta", b"PhoneMaker", b"Lontar", b"calo"):
        assert marker not in clean.data, marker
    return image


# --- images that pass, and what is left of them -----------------------------------------------------


def test_jpeg_loses_exif_gps_xmp_icc_and_comment() -> None:
    original = jpeg_with_gps()
    source = Image.open(io.BytesIO(original))
    assert source.getexif().get_ifd(GPS_IFD)  # the test file really carries GPS …
    assert {"xmp", "icc_profile", "comment"} <= set(source.info)  # … and the rest

    clean = sanitise_upload(name="IMG_20261128.jpg", data=original)

    assert clean.kind is FileKind.JPEG and clean.content_type == "image/jpeg"
    image = assert_no_metadata(clean)
    assert image.format == "JPEG" and image.size == (40, 30)
    assert (clean.width, clean.height) == (40, 30)


def test_jpeg_orientation_is_applied_before_the_exif_goes() -> None:
    # Orientation 6: the camera stored the picture turned; viewers rotate it 90° clockwise.
    clean = sanitise_upload(name="rotated.jpg", data=jpeg_with_gps(orientation=6))

    image = assert_no_metadata(clean).convert("RGB")
    assert image.size == (30, 40)
    top, bottom = image.getpixel((15, 5)), image.getpixel((15, 35))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 200 and top[2] < 60  # red (the left half) is now on top
    assert bottom[2] > 200 and bottom[0] < 60


def test_png_loses_text_exif_xmp_and_icc_and_keeps_transparency() -> None:
    original = png_with_metadata()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)

    clean = sanitise_upload(name="tangkapan layar.png", data=original)

    image = assert_no_metadata(clean)
    assert image.format == "PNG" and image.mode == "RGBA"
    assert image.getpixel((0, 0)) == (0, 0, 0, 0)
    assert image.getpixel((30, 10)) == (0, 0, 255, 255)
    assert clean.display_name == "tangkapan layar.png"


def test_webp_loses_exif_xmp_and_icc() -> None:
    original = webp_with_metadata()
    assert {"exif", "xmp", "icc_profile"} <= set(Image.open(io.BytesIO(original)).info)

    clean = sanitise_upload(name="iklan.webp", data=original)

    assert clean.kind is FileKind.WEBP and clean.content_type == "image/webp"
    assert assert_no_metadata(clean).format == "WEBP"


def test_palette_png_with_transparency_and_16_bit_grey_png_are_accepted() -> None:
    palette = Image.new("P", (8, 8), 1)
    palette.putpalette([0, 0, 0, 255, 255, 255] + [0] * 762)
    clean = sanitise_upload(name="p.png", data=encode(palette, "PNG", transparency=0))
    assert Image.open(io.BytesIO(clean.data)).mode in {"RGB", "RGBA"}

    grey = Image.new("I;16", (8, 8), 0xFF00)
    clean = sanitise_upload(name="grey.png", data=encode(grey, "PNG"))
    image = Image.open(io.BytesIO(clean.data))
    assert image.mode == "L" and image.getpixel((0, 0)) == 0xFF


def test_cmyk_jpeg_comes_out_rgb() -> None:
    clean = sanitise_upload(name="scan.jpg", data=encode(Image.new("CMYK", (8, 8)), "JPEG"))
    assert Image.open(io.BytesIO(clean.data)).mode == "RGB"


def test_the_real_type_decides_not_the_extension() -> None:
    clean = sanitise_upload(name="foto.png", data=jpeg_with_gps())
    assert clean.kind is FileKind.JPEG
    assert clean.display_name == "foto.jpg" and clean.stored_name.endswith(".jpg")


def test_data_appended_to_an_image_is_dropped() -> None:
    polyglot = encode(two_colour_image(), "PNG") + zip_bomb()
    clean = sanitise_upload(name="a.png", data=polyglot)
    assert b"PK\x03\x04" not in clean.data and len(clean.data) < 2000


def test_clean_file_reports_size_hash_and_a_random_stored_name() -> None:
    import hashlib

    first = sanitise_upload(name="rahasia-nama-pelapor.jpg", data=jpeg_with_gps())
    second = sanitise_upload(name="rahasia-nama-pelapor.jpg", data=jpeg_with_gps())

    assert first.size == len(first.data)
    assert first.sha256 == hashlib.sha256(first.data).hexdigest()
    for clean in (first, second):
        assert re.fullmatch(r"[0-9a-f]{32}\.jpg", clean.stored_name)
        assert "rahasia" not in clean.stored_name
    assert first.stored_name != second.stored_name


def test_a_django_uploaded_file_is_read_from_the_start() -> None:
    upload = SimpleUploadedFile("bukti.webp", webp_with_metadata(), content_type="image/png")
    upload.read()  # a form validator already read it

    clean = sanitise_upload(name=upload.name or "", data=upload)

    assert clean.kind is FileKind.WEBP and clean.display_name == "bukti.webp"


# --- PDFs -----------------------------------------------------------------------------------------


def test_a_plain_pdf_passes_unchanged() -> None:
    clean = sanitise_upload(name="surat kontrak.pdf", data=MINIMAL_PDF)

    assert clean.kind is FileKind.PDF and clean.content_type == "application/pdf"
    assert clean.data == MINIMAL_PDF and clean.pages == 1
    assert clean.display_name == "surat kontrak.pdf"
    assert len(PdfReader(io.BytesIO(clean.data)).pages) == 1


def test_a_pdf_that_opens_at_a_page_is_not_active() -> None:
    clean = sanitise_upload(name="a.pdf", data=pdf_with_catalog(b"/OpenAction [3 0 R /Fit] "))
    assert clean.pages == 1


@pytest.mark.parametrize(
    ("catalog", "more", "found"),
    [
        (b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> ", (), "/JavaScript"),
        (b"/Names << /JavaScript 6 0 R >> ", (b"<< /Names [(x) 7 0 R] >>", b"<< /S /JS >>"), "/JavaScript"),
        (b"/OpenAction << /S /J#61vaScript /J#53 (x) >> ", (), "/JavaScript"),  # #-escaped names
        (b"/OpenAction << /S /Launch /F (cmd.exe) >> ", (), "/Launch"),
        (b"/Names << /EmbeddedFiles 6 0 R >> ", (b"<< /Names [(a.exe) 7 0 R] >>", b"<< /F (a.exe) >>"), ""),
        (b"/AA << /WC << /S /SubmitForm /F (http://x) >> >> ", (), "/AA"),
        (b"/OpenAction 6 0 R ", (b"<< /S /GoTo /D [3 0 R /Fit] >>",), "/OpenAction"),  # an action
        (b"/AcroForm << /Fields [] /XFA 6 0 R >> ", (stream(b"<xdp/>"),), "/XFA"),
    ],
)
def test_a_pdf_with_active_content_is_refused(catalog: bytes, more: tuple[bytes, ...], found: str) -> None:
    refusal = refused(pdf_with_catalog(catalog, *more), "tawaran.pdf")
    assert refusal.code == "active_content"
    assert found in refusal.detail


def test_javascript_hidden_in_a_compressed_object_stream_is_found() -> None:
    data = pdf_with_compressed_javascript()
    assert b"JavaScript" not in data
    assert len(PdfReader(io.BytesIO(data)).pages) == 1  # a valid PDF 1.5 with an object stream

    refusal = refused(data, "a.pdf")
    assert refusal.code == "active_content"
    assert "/JavaScript" in refusal.detail and "/OpenAction" in refusal.detail


def test_an_embedded_file_written_by_a_pdf_library_is_refused() -> None:
    writer = PdfWriter(clone_from=io.BytesIO(MINIMAL_PDF))
    writer.add_attachment("gaji.exe", b"MZ\x90\x00")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert refused(buffer.getvalue(), "a.pdf").code == "active_content"


def test_a_password_locked_pdf_is_refused_but_an_owner_password_alone_is_fine() -> None:
    def encrypted(user: str) -> bytes:
        writer = PdfWriter(clone_from=io.BytesIO(MINIMAL_PDF))
        writer.encrypt(user_password=user, owner_password="pemilik", algorithm="AES-256")
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

    assert refused(encrypted("rahasia"), "a.pdf").code == "encrypted"
    assert sanitise_upload(name="a.pdf", data=encrypted("")).pages == 1


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n" + b"bukan pdf " * 100 + b"\n%%EOF\n",  # header and marker, nothing inside
        MINIMAL_PDF[:-200],  # cut short: no %%EOF
        MINIMAL_PDF.replace(b"%%EOF", b"%%EOX"),
        build_pdf(b"<< /Type /Catalog >>"),  # no pages at all
    ],
)
def test_a_pdf_that_is_not_a_pdf_is_refused(data: bytes) -> None:
    assert refused(data, "a.pdf").code == "corrupt"


def test_a_pdf_header_that_is_not_at_the_start_is_not_a_pdf() -> None:
    assert refused(b"MZ" + MINIMAL_PDF, "a.pdf").code == "wrong_type"


# --- refusals -------------------------------------------------------------------------------------


def test_a_zip_renamed_png_is_refused_as_the_wrong_type() -> None:
    refusal = refused(zip_bomb(), "foto.png")
    assert refusal.code == "wrong_type"


@pytest.mark.parametrize(
    "data",
    [
        encode(Image.new("RGB", (4, 4)), "GIF"),
        encode(Image.new("RGB", (4, 4)), "BMP"),
        encode(Image.new("RGB", (4, 4)), "TIFF"),
        b"<html><script>alert(1)</script></html>",
        b"MZ\x90\x00\x03" + b"\x00" * 100,
        b"RIFF\x10\x00\x00\x00WAVEfmt ",
    ],
)
def test_other_types_are_refused(data: bytes) -> None:
    assert refused(data, "foto.jpg").code == "wrong_type"


@pytest.mark.parametrize(
    "data",
    [png_bomb(), png_bomb(8_000, 7_000), jpeg_declaring(65_000, 65_000)],
    ids=["png-50000x50000", "png-8000x7000", "jpeg-65000x65000"],
)
def test_decompression_bombs_are_refused_before_decoding(data: bytes) -> None:
    assert len(data) < 100_000
    refusal = refused(data, "foto.png")
    assert refusal.code == "bomb"


def test_the_pixel_limit_can_be_lowered() -> None:
    data = encode(Image.new("RGB", (100, 100)), "PNG")
    assert refused(data, "a.png", max_pixels=9_999).code == "bomb"
    assert sanitise_upload(name="a.png", data=data, max_pixels=10_000).width == 100


@pytest.mark.parametrize(
    "data",
    [
        noise_jpeg()[:3000],
        encode(Image.effect_noise((128, 128), 64), "PNG")[:2000],
        webp_with_metadata()[:60],
        encode(Image.new("RGB", (8, 8)), "PNG").replace(b"IDAT", b"IDAX"),
        b"\xff\xd8\xff\xe0" + b"\x00" * 200,
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 50,
    ],
    ids=["truncated-jpeg", "truncated-png", "truncated-webp", "png-bad-chunk", "jpeg-junk", "png-junk"],
)
def test_truncated_and_corrupt_images_are_refused(data: bytes) -> None:
    assert refused(data, "a.jpg").code == "corrupt"


def test_empty_files_are_refused() -> None:
    assert refused(b"").code == "empty"
    assert refused(io.BytesIO()).code == "empty"


def test_oversized_bytes_are_refused() -> None:
    assert refused(b"\xff\xd8\xff" + b"\x00" * MAX_BYTES).code == "too_large"
    assert refused(jpeg_with_gps(), max_bytes=1000).code == "too_large"


class EndlessUpload:
    """A client that never stops sending: counts how much the gate asked for."""

    def __init__(self) -> None:
        self.delivered = 0

    def read(self, size: int = -1) -> bytes:
        assert size > 0, "the gate must never ask for everything"
        self.delivered += size
        return b"\x89PNG" + b"\x00" * (size - 4) if self.delivered == size else b"\x00" * size


def test_an_endless_upload_is_read_only_one_byte_past_the_limit() -> None:
    upload = EndlessUpload()
    refusal = refused(upload, max_bytes=1_000_000)
    assert refusal.code == "too_large"
    assert upload.delivered == 1_000_001


def test_script_in_the_file_name_becomes_a_harmless_display_name() -> None:
    clean = sanitise_upload(
        name="<script>alert(1)</script>.png", data=encode(Image.new("RGB", (4, 4)), "PNG")
    )
    assert clean.display_name == "alert(1).png"
    assert "<" not in clean.stored_name and "script" not in clean.stored_name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("<script>alert(1)</script>.png", "alert(1).jpg"),
        ('<img src=x onerror="alert(1)">iklan.png', "iklan.jpg"),
        ("<img src=x onerror=alert(1)", "img src x onerror alert(1).jpg"),
        ("../../etc/passwd", "passwd.jpg"),
        ("C:\\fakepath\\Foto Lowongan.JPG", "Foto Lowongan.jpg"),
        ("laporan\u202egnp.exe", "laporangnp.jpg"),  # bidi override removed, then the .exe
        ("a\x00b\x1bc\u200bd.jpg", "abcd.jpg"),
        ("  ...tersembunyi.jpg ", "tersembunyi.jpg"),
        ("lowongan.kerja.v2.pdf", "lowongan.kerja.v2.jpg"),
        ("CON.jpg", "_CON.jpg"),
        ("ｆｏｔｏ＜１＞.png", "foto.jpg"),  # full-width forms are folded before markup is removed
        ("x" * 300 + ".jpg", "x" * 80 + ".jpg"),
    ],
)
def test_display_names_are_cleaned(name: str, expected: str) -> None:
    assert clean_display_name(name, extension=".jpg") == expected


def test_a_name_with_nothing_left_gets_a_translated_default() -> None:
    with translation.override("id"):
        assert clean_display_name("<b></b>", extension=".pdf") == "lampiran.pdf"
    with translation.override("en"):
        assert clean_display_name("///", extension=".pdf") == "attachment.pdf"


def test_refusal_messages_are_indonesian_by_default_and_english_on_request() -> None:
    assert str(refused(b"").message) == "File ini kosong. Silakan pilih file lain."
    with translation.override("id"):
        assert str(refused(b"").message) == "File ini kosong. Silakan pilih file lain."
    with translation.override("en"):
        assert str(refused(zip_bomb()).message).startswith("This file cannot be accepted.")
    # The message is formatted when shown, in the language active then.
    refusal = refused(b"\x00" * 11 * 1024 * 1024)
    with translation.override("id"):
        assert str(refusal.message) == "File ini terlalu besar. Ukuran paling besar 10 MB."
    with translation.override("en"):
        assert str(refusal.message) == "This file is too large. The largest file allowed is 10 MB."


# --- properties -----------------------------------------------------------------------------------

PREFIXES = [b"", b"\xff\xd8\xff", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", b"\x89PNG\r\n\x1a\n", b"%PDF-1.7\n"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=st.sampled_from([*PREFIXES, b"RIFF\x00\x01\x00\x00WEBPVP8 "]),
    body=st.binary(max_size=2048),
    eof=st.booleans(),
)
def test_random_bytes_only_ever_raise_upload_refused(prefix: bytes, body: bytes, eof: bool) -> None:
    data = prefix + body + (b"\n%%EOF\n" if eof else b"")
    try:
        clean = sanitise_upload(name="x", data=data)
    except UploadRefused as refusal:
        assert refusal.code in {"wrong_type", "empty", "corrupt", "bomb", "active_content", "encrypted"}
    else:
        assert clean.size == len(clean.data) > 0


@settings(max_examples=300, deadline=None)
@given(name=st.text(max_size=300))
def test_any_name_gives_a_short_harmless_display_name(name: str) -> None:
    shown = clean_display_name(name, extension=".png")
    stem = shown[: -len(".png")]
    assert shown.endswith(".png") and 1 <= len(stem) <= 80
    assert not set(shown) & set("<>:\"'`/\\|?*&;")
    assert not any(unicodedata.category(ch).startswith("C") for ch in shown)
    assert stem == stem.strip(" .")
