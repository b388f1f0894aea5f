"""The customer's signature drawn on the technician's screen, posted as a PNG data URL."""

from __future__ import annotations

import base64
import binascii
import io

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from exchanges.errors import VisitError

DATA_URL_PREFIX = "data:image/png;base64,"
MAX_BYTES = 300_000  # a signature pad's PNG is a few tens of kilobytes
MAX_SIDE = 4000  # pixels


def signature_png(data_url: str) -> bytes:
    """Return the PNG bytes of a drawn signature; refuse anything but a non-blank PNG."""
    if not data_url.startswith(DATA_URL_PREFIX):
        raise VisitError(_("The signature is not a PNG image: draw it again."), field="signature")
    try:
        raw = base64.b64decode(data_url[len(DATA_URL_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        raise VisitError(_("The signature is not a PNG image: draw it again."),
                         field="signature") from None
    if len(raw) > MAX_BYTES:
        raise VisitError(_("The signature image is too large."), field="signature")
    try:
        with Image.open(io.BytesIO(raw)) as image:
            if image.format != "PNG" or max(image.size) > MAX_SIDE:
                raise VisitError(_("The signature is not a PNG image: draw it again."),
                                 field="signature")
            drawn = image.convert("RGBA").getchannel("A").getbbox()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise VisitError(_("The signature is not a PNG image: draw it again."),
                         field="signature") from None
    if drawn is None:
        raise VisitError(_("The signature is blank: the customer draws it on the screen."),
                         field="signature")
    return raw
