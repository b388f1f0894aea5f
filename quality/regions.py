"""First-level regions from a postcode: the French département, the Belgian province.

QA sees where failures happen at this level only, never a street or a town.
"""

from __future__ import annotations

import re

# Belgian postcodes by first two digits -> province (ISO 3166-2:BE code without the prefix).
_BE = [(10, 12, "BRU"), (13, 14, "WBR"), (15, 19, "VBR"), (20, 29, "VAN"), (30, 34, "VBR"),
       (35, 39, "VLI"), (40, 49, "WLG"), (50, 59, "WNA"), (60, 65, "WHT"), (66, 69, "WLX"),
       (70, 79, "WHT"), (80, 89, "VWV"), (90, 99, "VOV")]


def region_for(country: str, postcode: str) -> str:
    """Return the first-level region of a postcode in `country`, or '' when unknown."""
    country = (country or "").upper()
    digits = re.sub(r"\D", "", postcode or "")
    if country in ("FR", "MC") and len(digits) == 5:
        if country == "MC":
            return ""
        if digits.startswith("20"):  # Corsica: 2A below 20200, 2B from it
            return "2A" if int(digits) < 20200 else "2B"
        if digits.startswith("97") or digits.startswith("98"):
            return digits[:3]
        return digits[:2]
    if country == "BE" and len(digits) == 4:
        prefix = int(digits[:2])
        for low, high, code in _BE:
            if low <= prefix <= high:
                return code
    return ""
