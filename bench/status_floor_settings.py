"""Settings for bench/status_api.py: the project's settings, with the floor's URLs."""

from hotline.settings import *  # noqa: F403 (the project's settings, unchanged)

ROOT_URLCONF = "status_floor"
