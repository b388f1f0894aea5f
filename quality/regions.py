"""First-level regions from a postcode, for every country the hotline serves.

QA sees where failures happen at this level only, never a street or a town. The level is the
one closest to a French département that the postcode alone tells reliably:

| country | region | from |
|---|---|---|
| FR | département (`2A`/`2B` for Corsica, `971`-`976` overseas) | first 2 (3) digits |
| BE | province (ISO 3166-2:BE without prefix, `BRU` for Brussels) | first 2 digits |
| ES | province (INE number, `28` Madrid) | first 2 digits |
| IT | province postal area (`20` Milan) | first 2 digits |
| DE, PL | postal region (Leitregion, `10` Berlin; `00` Warsaw) | first 2 digits |
| NL | postal region (`10` Amsterdam) | first 2 digits |
| AT | federal state (ISO 3166-2:AT number, `9` Vienna) | first 1-2 digits |
| CH, LU | postal district (`80` Zurich; `L-1` Luxembourg city) | first 2 / 1 digits |
| PT | district postal area (`10` Lisbon) | first 2 digits |
| GB | postcode area (`SW`, `M`) | leading letters |
| IE | Eircode routing key (`D02`) | first 3 characters |
| US | state (`NY`) | ZIP code prefix (3 digits) |

Anything else (or a postcode of the wrong shape) gives '' — unknown, never a guess.
"""

from __future__ import annotations

import re

# Belgian postcodes by first two digits -> province (ISO 3166-2:BE code without the prefix).
_BE = [(10, 12, "BRU"), (13, 14, "WBR"), (15, 19, "VBR"), (20, 29, "VAN"), (30, 34, "VBR"),
       (35, 39, "VLI"), (40, 49, "WLG"), (50, 59, "WNA"), (60, 65, "WHT"), (66, 69, "WLX"),
       (70, 79, "WHT"), (80, 89, "VWV"), (90, 99, "VOV")]

# Austrian postcodes by first two digits -> federal state (ISO 3166-2:AT number).
# 1 Burgenland, 2 Kärnten, 3 Niederösterreich, 4 Oberösterreich, 5 Salzburg, 6 Steiermark,
# 7 Tirol, 8 Vorarlberg, 9 Wien.
_AT = [(10, 12, "9"), (20, 29, "3"), (30, 39, "3"), (40, 49, "4"), (50, 57, "5"),
       (60, 66, "7"), (67, 69, "8"), (70, 79, "1"), (80, 89, "6"), (90, 99, "2")]

# US ZIP code prefixes (first three digits) -> state (USPS code).
_US = [(100, 149, "NY"), (150, 196, "PA"), (197, 199, "DE"), (200, 205, "DC"),
       (206, 219, "MD"), (220, 246, "VA"), (247, 268, "WV"), (270, 289, "NC"),
       (290, 299, "SC"), (300, 319, "GA"), (320, 349, "FL"), (350, 369, "AL"),
       (370, 385, "TN"), (386, 397, "MS"), (398, 399, "GA"), (400, 427, "KY"),
       (430, 459, "OH"), (460, 479, "IN"), (480, 499, "MI"), (500, 528, "IA"),
       (530, 549, "WI"), (550, 567, "MN"), (570, 577, "SD"), (580, 588, "ND"),
       (590, 599, "MT"), (600, 629, "IL"), (630, 658, "MO"), (660, 679, "KS"),
       (680, 693, "NE"), (700, 714, "LA"), (716, 729, "AR"), (730, 749, "OK"),
       (750, 799, "TX"), (800, 816, "CO"), (820, 831, "WY"), (832, 838, "ID"),
       (840, 847, "UT"), (850, 865, "AZ"), (870, 884, "NM"), (885, 885, "TX"),
       (889, 898, "NV"), (900, 961, "CA"), (967, 968, "HI"), (970, 979, "OR"),
       (980, 994, "WA"), (995, 999, "AK")]
# Below 100: Puerto Rico, New England, New Jersey.
_US_LOW = {**{p: "MA" for p in range(10, 28)}, **{p: "NH" for p in range(30, 39)},
           **{p: "ME" for p in range(39, 50)}, **{p: "VT" for p in range(50, 60)},
           **{p: "CT" for p in range(60, 70)}, **{p: "NJ" for p in range(70, 90)},
           **{p: "PR" for p in range(6, 10)}, 5: "NY", 28: "RI", 29: "RI"}

_TWO_DIGITS = {"ES": 5, "IT": 5, "DE": 5, "NL": 4, "CH": 4, "PT": 7, "PL": 5}


def _in_ranges(value: int, ranges) -> str:
    for low, high, code in ranges:
        if low <= value <= high:
            return code
    return ""


def region_for(country: str, postcode: str) -> str:
    """Return the first-level region of a postcode in `country`, or '' when unknown."""
    country = (country or "").upper()
    raw = (postcode or "").strip().upper()
    digits = re.sub(r"\D", "", raw)
    if country == "FR" and len(digits) == 5:
        if digits.startswith("20"):  # Corsica: 2A below 20200, 2B from it
            return "2A" if int(digits) < 20200 else "2B"
        if digits.startswith("97") or digits.startswith("98"):
            return digits[:3]
        return digits[:2]
    if country == "BE" and len(digits) == 4:
        return _in_ranges(int(digits[:2]), _BE)
    if country == "AT" and len(digits) == 4:
        return _in_ranges(int(digits[:2]), _AT)
    if country in _TWO_DIGITS and len(digits) == _TWO_DIGITS[country]:
        return digits[:2]
    if country == "LU" and len(digits) == 4:
        return f"L-{digits[0]}"
    if country == "GB":
        match = re.fullmatch(r"([A-Z]{1,2})\d[A-Z\d]? ?\d[A-Z]{2}", raw, flags=re.ASCII)
        return match.group(1) if match else ""
    if country == "IE":
        match = re.fullmatch(r"([A-Z]\d{2}) ?[A-Z0-9]{4}", raw, flags=re.ASCII)
        return match.group(1) if match else ""
    if country == "US" and len(digits) in (5, 9):
        prefix = int(digits[:3])
        return _US_LOW.get(prefix, "") if prefix < 100 else _in_ranges(prefix, _US)
    return ""
