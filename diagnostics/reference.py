"""Load the fault catalogue from fixtures/fault_codes.yaml."""

from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from diagnostics.models import FaultCode

FAULT_CODES = Path(settings.BASE_DIR) / "fixtures" / "fault_codes.yaml"


@transaction.atomic
def fault_codes_load(*, path: Path = FAULT_CODES) -> int:
    """Create or update every fault code of the file; return how many."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in entries:
        FaultCode.objects.update_or_create(code=entry["code"], defaults={
            "category": entry["category"], "description_en": entry["en"],
            "description_fr": entry["fr"], "warranty_covered": entry["warranty_covered"],
            "usual_action": entry["usual_action"]})
    return len(entries)
