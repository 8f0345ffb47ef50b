"""Proposal photos: checked, re-encoded as JPEG without any metadata, stored under a random
name in ``UPLOAD_FOLDER``. Nothing of the uploaded file but its pixels survives.

Two steps, so that nothing is written for a form that is refused: :func:`check_photo` reads
and re-encodes the upload in memory (bounded: more than ``PHOTO_MAX_PIXELS`` is refused from
the header, before any pixel is decoded; JPEGs decode reduced); :func:`store` writes the
result and ties the file to the request's transaction (:mod:`app.core.files`): without a
commit it is removed again. The confirmation step keeps a stored photo between two requests
(:func:`app.core.files.keep`); :func:`collect_garbage` (``flask uploads gc``) removes files
that no proposal uses.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ..core import files
from ..extensions import db
from .models import Proposal

try:
    from PIL import ImageCms
except ImportError:  # Pillow built without LittleCMS: ICC profiles are dropped, not converted
    ImageCms = None

MAX_BYTES = 8 * 1024 * 1024
MAX_SIDE = 2048
FORMATS = {"JPEG", "PNG", "WEBP"}
NAME_RE = re.compile(r"^[0-9a-f]{32}\.jpg$")
QUALITY = 85


class PhotoError(ValueError):
    """The upload is not a usable photo; the message is translated."""


@dataclass(frozen=True)
class CheckedPhoto:
    """An upload that passed every check, re-encoded (JPEG bytes, pixels only)."""

    data: bytes
    size: tuple[int, int]


def folder() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_for(name: str) -> Path | None:
    """The stored file for a photo name, or ``None`` for anything that is not ours."""
    if not name or not NAME_RE.match(name):
        return None
    path = folder() / name
    return path if path.is_file() else None


def delete_photo(name: str | None) -> None:
    """Remove a replaced photo's file (after the change is committed)."""
    path = path_for(name) if name else None
    if path is not None:
        path.unlink(missing_ok=True)


def max_pixels() -> int:
    return int(current_app.config["PHOTO_MAX_PIXELS"])


def _too_many_pixels() -> PhotoError:
    megapixels = format_decimal(max_pixels() / 1_000_000, format="#,##0.#")
    return PhotoError(
        _(
            "The photo has too many pixels (more than %(limit)s megapixels). "
            "Please choose a smaller one.",
            limit=megapixels,
        )
    )


def _check_pixels(image: Image.Image) -> None:
    """From the header only: ``Image.open`` has read the size, no pixel is decoded yet."""
    width, height = image.size
    if width * height > max_pixels():
        raise _too_many_pixels()


@cache
def _srgb():
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """RGB pixels in sRGB: a photo with an ICC profile is converted (with LittleCMS, where
    Pillow has it), so that the output needs no profile; an unusable profile is dropped."""
    if icc and ImageCms is not None:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if image.mode not in ("RGB", "CMYK", "L"):
                image = image.convert("RGB")
            return ImageCms.profileToProfile(image, source, _srgb(), outputMode="RGB")
        except (OSError, ValueError, TypeError):
            pass  # a broken or unsuitable profile: keep the pixels as they are
    return image.convert("RGB")


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image with nothing but the pixels: no ``info`` (comments, text chunks, XMP,
    EXIF, ICC) can reach the encoder."""
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    return clean


def check_photo(stream) -> CheckedPhoto:
    """Check and re-encode an uploaded file in memory; nothing is written."""
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size > MAX_BYTES:
        raise PhotoError(_("The photo is larger than 8 MB. Please choose a smaller one."))
    if size == 0:
        raise PhotoError(_("The photo file is empty."))
    try:
        with Image.open(stream) as probe:
            if probe.format not in FORMATS:
                raise PhotoError(_("Please upload a JPEG, PNG or WebP photo."))
            _check_pixels(probe)
            probe.verify()
        stream.seek(0)
        with Image.open(stream) as image:
            _check_pixels(image)
            if image.format == "JPEG":
                # Decode at 1/2, 1/4 or 1/8 scale where that still gives MAX_SIDE pixels.
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))
            image.load()
            icc = image.info.get("icc_profile")
            image = ImageOps.exif_transpose(image)
            image = _to_srgb(image, icc)
            image.thumbnail((MAX_SIDE, MAX_SIDE), reducing_gap=2.0)  # reduce(), then resample
            clean = _pixels_only(image)
            out = io.BytesIO()
            clean.save(out, "JPEG", quality=QUALITY)
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PhotoError(
            _("The file could not be read as a photo. Please upload a JPEG, PNG or WebP photo.")
        ) from None
    return CheckedPhoto(data=out.getvalue(), size=clean.size)


def store(photo: CheckedPhoto) -> str:
    """Write a checked photo; return its name. The file belongs to the request's transaction:
    it is removed again unless the request commits (or calls :func:`app.core.files.keep`)."""
    name = f"{secrets.token_hex(16)}.jpg"
    path = folder() / name
    with open(path, "xb") as f:
        files.track(path)
        f.write(photo.data)
    return name


def save_photo(stream) -> str:
    """Check, re-encode and store an upload in one go; return the new file name."""
    return store(check_photo(stream))


# --- orphans ----------------------------------------------------------------------------------


@dataclass
class GarbageReport:
    checked: int = 0
    in_use: int = 0
    young: int = 0
    deleted: int = 0


def _in_use(names: set[str] | None = None) -> set[str]:
    query = db.select(Proposal.photo).where(Proposal.photo.is_not(None))
    if names is not None:
        query = query.where(Proposal.photo.in_(names))
    return set(db.session.scalars(query))


def collect_garbage(older_than: timedelta, *, dry_run: bool = False) -> GarbageReport:
    """Remove photo files that no proposal references and that are older than ``older_than``
    (younger ones may belong to a proposal in its confirmation step). Other files in the
    folder are left alone."""
    report = GarbageReport()
    cutoff = time.time() - older_than.total_seconds()
    used = _in_use()
    candidates: list[Path] = []
    for path in sorted(folder().iterdir()):
        if not NAME_RE.match(path.name) or not path.is_file():
            continue
        report.checked += 1
        if path.name in used:
            report.in_use += 1
        elif path.stat().st_mtime > cutoff:
            report.young += 1
        else:
            candidates.append(path)
    # Asked again for the few candidates: a proposal may have taken one in the meantime.
    late = _in_use({p.name for p in candidates}) if candidates else set()
    for path in candidates:
        if path.name in late:
            report.in_use += 1
            continue
        if not dry_run:
            path.unlink(missing_ok=True)
        report.deleted += 1
    return report
