"""Proposal photos: checked, re-encoded as JPEG without any metadata, stored under a random
name in ``UPLOAD_FOLDER``. Nothing of the uploaded file but its pixels survives."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 8 * 1024 * 1024
MAX_SIDE = 2048
FORMATS = {"JPEG", "PNG", "WEBP"}
NAME_RE = re.compile(r"^[0-9a-f]{32}\.jpg$")


class PhotoError(ValueError):
    """The upload is not a usable photo; the message is translated."""


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


def save_photo(stream) -> str:
    """Check and re-encode an uploaded file; return the new file name."""
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
            probe.verify()
        stream.seek(0)
        with Image.open(stream) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            name = f"{secrets.token_hex(16)}.jpg"
            image.save(folder() / name, "JPEG", quality=85)
    except Image.DecompressionBombError:
        raise PhotoError(_("The photo has too many pixels.")) from None
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PhotoError(
            _("The file could not be read as a photo. Please upload a JPEG, PNG or WebP photo.")
        ) from None
    return name
