"""Identify a handset from its IMEI: is it valid, and which model does its TAC name?"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError

from hotline.models import HandsetModel, Tac
from hotline.validators import normalise_imei, validate_imei


@dataclass(frozen=True)
class ImeiIdentity:
    imei: str
    valid: bool
    reason: str
    code: str
    tac: str
    model_id: int | None = None
    brand: str = ""
    model: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def identify_imei(value: str) -> ImeiIdentity:
    """Check an IMEI and look its TAC up in the catalogue."""
    imei = normalise_imei(value)
    try:
        imei = validate_imei(imei)
    except ValidationError as exc:
        return ImeiIdentity(imei=imei, valid=False, reason=exc.messages[0],
                            code=exc.error_list[0].code or "invalid", tac=imei[:8])
    model: HandsetModel | None = (
        HandsetModel.objects.filter(tacs__tac=imei[:8]).first()
    )
    if model is None:
        known = Tac.objects.filter(tac=imei[:8]).exists()
        return ImeiIdentity(
            imei=imei, valid=True, code="unknown_tac" if not known else "ok", tac=imei[:8],
            reason=f"Valid IMEI, but TAC {imei[:8]} is not in the catalogue: pick the model.",
        )
    return ImeiIdentity(
        imei=imei, valid=True, code="ok", tac=imei[:8], model_id=model.pk, brand=model.brand,
        model=model.name, reason=f"Valid IMEI of a {model}.",
    )
