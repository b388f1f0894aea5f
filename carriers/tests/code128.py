"""Read Code128 barcodes back out of a PDF content stream, to test what the labels encode.

reportlab draws each bar as a filled rectangle (`x y w h re`); the bars of one barcode share
their y and height. Widths and gaps, divided by the narrowest bar, give Code128's module
pattern, which the symbol table maps back to characters.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict

from reportlab.graphics.barcode.code128 import _patterns, setb, setc

RECT = re.compile(rb"([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) re")
_BY_PATTERN = {}
for value, pattern in _patterns.items():
    _BY_PATTERN[tuple(ord(ch.lower()) - ord("a") + 1 for ch in pattern)] = value
_B = {v: k for k, v in setb.items() if len(k) == 1}
_C = {v: k for k, v in setc.items()}


def content_streams(pdf: bytes) -> list[bytes]:
    found = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        data = match.group(1)
        try:
            data = zlib.decompress(data)
        except zlib.error:
            pass
        found.append(data)
    return found


def barcodes_in_pdf(pdf: bytes) -> list[str]:
    """Return the text of every Code128 barcode drawn in the PDF."""
    rows = defaultdict(list)
    for stream in content_streams(pdf):
        for x, y, w, h in RECT.findall(stream):
            rows[(round(float(y), 2), round(float(h), 2))].append((float(x), float(w)))
    found = []
    for bars in rows.values():
        if len(bars) < 10:
            continue
        bars.sort()
        module = min(w for _, w in bars)
        widths = []
        for index, (x, w) in enumerate(bars):
            widths.append(round(w / module))
            if index + 1 < len(bars):
                widths.append(round((bars[index + 1][0] - x - w) / module))
        found.append(_decode(widths))
    return found


def _decode(widths: list[int]) -> str:
    symbols = []
    position = 0
    while position < len(widths):
        size = 7 if len(widths) - position == 7 else 6
        chunk = tuple(widths[position:position + size])
        symbols.append(_BY_PATTERN[chunk])
        position += size
    start, *data, check, stop = symbols
    assert stop == 106, "no stop symbol"
    assert (start + sum(i * s for i, s in enumerate(data, 1))) % 103 == check, "bad check symbol"
    code = {103: "A", 104: "B", 105: "C"}[start]
    text = ""
    for symbol in data:
        if symbol == 99:
            code = "C"
        elif symbol == 100:
            code = "B"
        elif code == "C":
            text += _C[symbol]
        else:
            text += _B[symbol]
    return text
