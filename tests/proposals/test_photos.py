"""Proposal photos: bounded decoding, nothing but pixels in the stored file, no file without
a stored proposal, and ``flask uploads gc`` for what is left over."""

from __future__ import annotations

import io
import os
import struct
import time
import zlib

import pytest
from PIL import Image, ImageFile, JpegImagePlugin, PngImagePlugin
from sqlalchemy import select

from app.extensions import db
from app.proposals import integration, photos, services
from app.proposals.models import Proposal

from .conftest import form_data


@pytest.fixture
def signed_in(client, login, citizen):
    login(citizen)
    return citizen


@pytest.fixture
def upload_folder(app):
    return photos.folder()


def stored_files(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def post_new(client, photo, **changes):
    data = form_data(**changes)
    data["photo"] = photo
    return client.post("/vorschlaege/neu", data=data, content_type="multipart/form-data")


def jpeg(size=(400, 300), color=(200, 30, 30), **save) -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", **save)
    out.seek(0)
    return out


def png_header_only(width: int, height: int) -> io.BytesIO:
    """A valid 1-bit grey PNG of any size in a few KB (all rows zero, compressed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\0" * (1 + (width + 7) // 8)
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    body = zlib.compress(row * height, 9)
    out = io.BytesIO(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )
    return out


@pytest.fixture
def no_decoding(monkeypatch):
    """Fails the test if any image is decoded or verified (records the calls)."""
    calls: list[str] = []

    def refuse(name):
        def method(self, *args, **kwargs):
            calls.append(name)
            raise AssertionError(f"{name} was called for an image that must be refused")

        return method

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse("load"))
    monkeypatch.setattr(Image.Image, "load", refuse("load"))
    monkeypatch.setattr(PngImagePlugin.PngImageFile, "verify", refuse("verify"))
    monkeypatch.setattr(PngImagePlugin.PngImageFile, "load", refuse("load"), raising=False)
    return calls


# --- 1. memory per upload ---------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_huge_png_is_refused_from_its_header(
    client, signed_in, categories, upload_folder, no_decoding
):
    """The issue's 12,000 × 12,000 PNG: a few KB on the wire, 144 megapixels decoded."""
    huge = png_header_only(12_000, 12_000)
    assert len(huge.getvalue()) < 100_000
    response = post_new(client, (huge, "riesig.png"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Das Foto hat zu viele Pixel (mehr als 40 Megapixel)." in page
    assert no_decoding == [], "refused before any decoding"
    assert stored_files(upload_folder) == []
    assert db.session.scalar(select(Proposal)) is None


def test_pixel_limit_comes_from_the_configuration(
    app, client, signed_in, categories, upload_folder, english
):
    app.config["PHOTO_MAX_PIXELS"] = 500_000
    response = post_new(client, (jpeg(size=(1000, 600)), "gross.jpg"))
    assert response.status_code == 400
    assert "more than 0.5 megapixels" in response.get_data(as_text=True)
    assert stored_files(upload_folder) == []
    response = post_new(client, (jpeg(size=(700, 700)), "passt.jpg"))
    assert response.status_code == 302
    assert len(stored_files(upload_folder)) == 1


def test_large_jpeg_is_decoded_reduced(client, signed_in, categories, monkeypatch):
    monkeypatch.setattr(photos, "MAX_SIDE", 256)
    drafts: list[tuple] = []
    original = JpegImagePlugin.JpegImageFile.draft

    def spy(self, mode, size):
        result = original(self, mode, size)
        drafts.append((mode, size, self.size))
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    image = Image.new("RGB", (1200, 800), (220, 20, 20))
    image.paste((20, 20, 220), (600, 0, 1200, 800))  # left red, right blue
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    out.seek(0)
    assert post_new(client, (out, "gross.jpg")).status_code == 302
    assert ("RGB", (256, 256), (600, 400)) in drafts, drafts  # decoded at half the size
    proposal = db.session.scalar(select(Proposal))
    stored = Image.open(photos.path_for(proposal.photo))
    assert stored.size == (256, 171)
    left, right = stored.getpixel((20, 85)), stored.getpixel((236, 85))
    assert left[0] > 180 and left[2] < 60, left
    assert right[2] > 180 and right[0] < 60, right


# --- 2. pixels only ---------------------------------------------------------------------------


def _stored(client) -> tuple[bytes, Image.Image]:
    proposal = db.session.scalar(select(Proposal))
    raw = client.get(f"/vorschlaege/{proposal.id}/foto").data
    return raw, Image.open(io.BytesIO(raw))


METADATA_KEYS = {"comment", "exif", "icc_profile", "xmp", "XML:com.adobe.xmp"}


def test_jpeg_comment_exif_and_xmp_are_not_stored(client, signed_in, categories):
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    exif[0x8825] = {1: "N", 2: (50.0, 58.0, 42.0)}
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret-xmp</x:xmpmeta>'
    upload = jpeg(comment=b"secret-comment", exif=exif, xmp=xmp)
    assert b"secret-comment" in upload.getvalue()
    assert post_new(client, (upload, "bild.jpg")).status_code == 302
    raw, image = _stored(client)
    for marker in (b"secret-comment", b"SecretCam", b"secret-xmp", b"Exif"):
        assert marker not in raw, marker
    assert not METADATA_KEYS & set(image.info), image.info
    assert not image.getexif()


def test_png_text_chunks_are_not_stored(client, signed_in, categories):
    info = PngImagePlugin.PngInfo()
    info.add_text("comment", "png-secret-comment")
    info.add_text("Author", "png-secret-author")
    info.add_text("Software", "png-secret-zip", zip=True)
    info.add_itxt("Description", "png-secret-itxt", lang="de")
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 120, 10)).save(out, "PNG", pnginfo=info)
    out.seek(0)
    assert post_new(client, (out, "bild.png")).status_code == 302
    raw, image = _stored(client)
    assert b"png-secret" not in raw
    assert not {"comment", "Author", "Software", "Description"} & set(image.info), image.info
    assert not METADATA_KEYS & set(image.info)


def test_icc_profile_is_converted_to_srgb_and_not_stored(
    client, signed_in, categories, monkeypatch
):
    ImageCms = pytest.importorskip("PIL.ImageCms")  # Pillow's optional LittleCMS binding
    converted = []
    original = ImageCms.profileToProfile

    def spy(image, source, target, **kwargs):
        converted.append(kwargs.get("outputMode"))
        return original(image, source, target, **kwargs)

    monkeypatch.setattr(ImageCms, "profileToProfile", spy)
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    upload = jpeg(color=(10, 20, 200), icc_profile=profile)
    assert post_new(client, (upload, "bild.jpg")).status_code == 302
    assert converted == ["RGB"]
    raw, image = _stored(client)
    assert "icc_profile" not in image.info
    red, green, blue = image.getpixel((5, 5))
    assert blue > 170 and red < 50 and green < 60


def test_broken_icc_profile_is_dropped(client, signed_in, categories):
    upload = jpeg(icc_profile=b"not a colour profile at all")
    assert post_new(client, (upload, "bild.jpg")).status_code == 302
    raw, image = _stored(client)
    assert "icc_profile" not in image.info and b"not a colour profile" not in raw


# --- 3. no orphan files -----------------------------------------------------------------------


def test_refused_place_leaves_no_file(client, signed_in, categories, upload_folder):
    response = post_new(client, (jpeg(), "bild.jpg"), lat="52.52", lon="13.40")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "außerhalb von Erfurt" in page
    assert "Bitte wählen Sie das Foto noch einmal aus" in page
    assert 'name="photo_name" type="hidden" value=""' in page
    assert stored_files(upload_folder) == []


def test_other_form_error_leaves_no_file(client, signed_in, categories, upload_folder):
    response = post_new(client, (jpeg(), "bild.jpg"), title="")
    assert response.status_code == 400
    assert stored_files(upload_folder) == []


def test_failure_after_saving_leaves_no_file(
    client, signed_in, categories, upload_folder, monkeypatch
):
    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(integration, "follow_own", fail)  # after the photo and the INSERT
    assert post_new(client, (jpeg(), "bild.jpg")).status_code == 500
    assert stored_files(upload_folder) == []
    assert db.session.scalar(select(Proposal)) is None


def test_failed_edit_keeps_the_old_photo_and_drops_the_new(
    client, signed_in, categories, upload_folder, monkeypatch
):
    assert post_new(client, (jpeg(), "bild.jpg")).status_code == 302
    proposal = db.session.scalar(select(Proposal))
    first = proposal.photo
    assert stored_files(upload_folder) == [first]

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "edit_proposal", fail)
    data = form_data(title="Mit neuem Foto")
    data["photo"] = (jpeg(size=(800, 600)), "neu.jpg")
    response = client.post(
        f"/vorschlaege/{proposal.id}/bearbeiten", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 500
    assert stored_files(upload_folder) == [first]


def test_confirm_step_keeps_the_photo_and_the_final_submit_stores_it(
    client, signed_in, categories, make_proposal, create_user, upload_folder
):
    make_proposal(create_user(), title="Neue Sitzbänke am Anger")
    response = post_new(client, (jpeg(), "bild.jpg"), title="Mehr Sitzbänke am Anger")
    assert response.status_code == 200
    assert "Trotzdem einreichen" in response.get_data(as_text=True)
    [name] = stored_files(upload_folder)  # kept between the two requests
    assert f'name="photo_name" value="{name}"' in response.get_data(as_text=True)
    data = form_data(title="Mehr Sitzbänke am Anger", confirm="1", photo_name=name)
    assert client.post("/vorschlaege/neu", data=data).status_code == 302
    proposal = db.session.scalar(select(Proposal).where(Proposal.title.startswith("Mehr")))
    assert proposal.photo == name
    assert stored_files(upload_folder) == [name]
    assert client.get(f"/vorschlaege/{proposal.id}/foto").status_code == 200


# --- the transaction helper -------------------------------------------------------------------


def _written(folder, name):
    from app.core import files

    path = folder / name
    path.write_bytes(b"x")
    files.track(path)
    return path


def test_tracked_file_stays_only_after_a_commit(app, upload_folder):
    from app.core import files

    with app.app_context():
        committed = _written(upload_folder, "committed")
        db.session.commit()
        forgotten = _written(upload_folder, "forgotten")
        kept = _written(upload_folder, "kept")
        files.keep(kept)
        savepoint = _written(upload_folder, "savepoint")
        with db.session.begin_nested():
            pass  # a released SAVEPOINT is no commit
        assert savepoint.exists()
    assert committed.exists() and kept.exists()
    assert not forgotten.exists() and not savepoint.exists()


def test_rollback_removes_tracked_files_at_once(app, upload_folder):
    with app.app_context():
        db.session.scalar(select(Proposal.id))  # a transaction is open
        path = _written(upload_folder, "rolled-back")
        db.session.rollback()
        assert not path.exists()
        db.session.commit()  # a later commit cannot bring it back
    assert not path.exists()


# --- flask uploads gc ---------------------------------------------------------------------------


def _photo_file(folder, hours_old: float) -> str:
    name = f"{os.urandom(16).hex()}.jpg"
    path = folder / name
    path.write_bytes(jpeg().getvalue())
    then = time.time() - hours_old * 3600
    os.utime(path, (then, then))
    return name


def test_gc_removes_old_unreferenced_photos_only(runner, citizen, make_proposal, upload_folder):
    orphan = _photo_file(upload_folder, hours_old=48)
    used = _photo_file(upload_folder, hours_old=48)
    young = _photo_file(upload_folder, hours_old=2)
    other = upload_folder / "notizen.txt"
    other.write_text("not a photo")
    os.utime(other, (0, 0))
    make_proposal(citizen, photo=used)

    result = runner.invoke(args=["uploads", "gc", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "3 checked, 1 in use, 1 younger than 24 h, 1 would be deleted" in result.output
    assert len(stored_files(upload_folder)) == 4, "a dry run deletes nothing"

    result = runner.invoke(args=["uploads", "gc"])
    assert result.exit_code == 0, result.output
    assert "1 deleted" in result.output
    assert stored_files(upload_folder) == sorted([used, young, "notizen.txt"])
    assert orphan not in stored_files(upload_folder)

    result = runner.invoke(args=["uploads", "gc", "--older-than", "1"])
    assert "younger than 1 h, 1 deleted" in result.output
    assert stored_files(upload_folder) == sorted([used, "notizen.txt"])
