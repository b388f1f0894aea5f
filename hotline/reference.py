"""Load reference data: the handset catalogue from the TAC subset and our own models."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from hotline.models import HandsetModel, ModelVariant, Tac

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


@transaction.atomic
def catalogue_load_tac_csv(*, path: Path = FIXTURES / "tac" / "tac_smartphones.csv") -> int:
    """Load models and TACs from an Osmocom-style CSV; return the number of TACs loaded."""
    by_model: dict[tuple[str, str], dict] = defaultdict(lambda: {"tacs": [], "aka": set()})
    with path.open(newline="", encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        for row in csv.DictReader(lines):
            key = (row["brand"].strip(), row["model"].strip())
            by_model[key]["tacs"].append(row["tac"].strip())
            by_model[key]["aka"].update(a.strip() for a in (row.get("aka") or "").split(",")
                                        if a.strip())
    existing = {(m.brand, m.name): m for m in HandsetModel.objects.all()}
    new = [HandsetModel(brand=brand, name=name, marketing_names=sorted(info["aka"]),
                        family=name.split()[0] if name else "")
           for (brand, name), info in by_model.items() if (brand, name) not in existing]
    HandsetModel.objects.bulk_create(new)
    existing = {(m.brand, m.name): m for m in HandsetModel.objects.all()}
    tacs = [Tac(tac=tac, model=existing[key]) for key, info in by_model.items()
            for tac in info["tacs"]]
    Tac.objects.bulk_create(tacs, update_conflicts=True, unique_fields=["tac"],
                            update_fields=["model"])
    return len(tacs)


@transaction.atomic
def catalogue_load_models_yaml(*, path: Path = FIXTURES / "models.yaml") -> int:
    """Load our own models with variants and TACs; return the number of models."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in entries:
        model, _ = HandsetModel.objects.update_or_create(
            brand=entry["brand"], name=entry["name"],
            defaults={"family": entry.get("family", ""),
                      "marketing_names": entry.get("marketing_names", []),
                      "warranty_months": entry.get("warranty_months", 24),
                      "launch_date": entry.get("launch_date"), "is_current": True},
        )
        for tac in entry.get("tacs", []):
            Tac.objects.update_or_create(tac=tac, defaults={"model": model})
        for variant in entry.get("variants", []):
            ModelVariant.objects.update_or_create(
                sku=variant["sku"], defaults={"model": model, "colour": variant["colour"],
                                              "storage_gb": variant["storage_gb"]})
    return len(entries)
