"""French puts a space before a colon: a colon glued after a translated label in a template
("{% translate "Inspection" %}:") is wrong in French; the colon belongs inside the msgid."""

import re
from pathlib import Path

from django.conf import settings

GLUED = re.compile(r"""\{%\s*translate\s+(["'])[^"']*\1\s*%\}:""")


def test_no_template_glues_a_colon_after_a_translated_label():
    root = Path(settings.BASE_DIR)
    found = []

    for folder in root.glob("*/templates"):
        for path in folder.rglob("*.html"):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if GLUED.search(line):
                    found.append(f"{path.relative_to(root)}:{number}")

    assert not found, "put the colon in the msgid (French: ' :'):\n" + "\n".join(found)
