"""Find script files: a path may be a file or a folder of *.yaml / *.yml files."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def default_folder() -> Path:
    return Path(settings.BASE_DIR) / "fixtures" / "scripts"


def script_files(paths) -> list[Path]:
    """Expand folders into their YAML files (sorted); raise FileNotFoundError for a bad path."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")))
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
    return found
