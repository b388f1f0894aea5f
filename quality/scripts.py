"""Diagnostic scripts and their end nodes by their titles, in the reader's language.

Defect records keep the script's id and the node's id (`wont-charge`, `o_port`): stable keys
for the roll-ups, the CSV and the API. People read the script's title and the node's text
("Won't charge — A known-good charger, a clean port ...: the charging port is faulty")."""

from __future__ import annotations

from django.utils.translation import get_language

from diagnostics.models import ScriptVersion
from diagnostics.scripts import tree as t


class ScriptNames:
    """The titles of the scripts `slugs` and of their nodes, from their versions, newest first
    (a node of an older version keeps its text)."""

    def __init__(self, slugs):
        self.language = (get_language() or "en")[:2]
        self._versions: dict[str, list[ScriptVersion]] = {}
        slugs = {slug for slug in slugs if slug}
        for version in (ScriptVersion.objects.filter(script__slug__in=slugs)
                        .select_related("script").order_by("-number")):
            self._versions.setdefault(version.script.slug, []).append(version)

    def script(self, slug: str) -> str:
        versions = self._versions.get(slug)
        return versions[0].title if versions else slug

    def node(self, slug: str, node_id: str) -> str:
        for version in self._versions.get(slug, ()):
            try:
                return t.text(version.node(node_id)["text"], self.language) or node_id
            except KeyError:
                continue
        return node_id

    def label(self, slug: str, node_id: str = "") -> str:
        """"Won't charge — <the node's text>" (ids for a script no longer stored)."""
        if not slug:
            return ""
        return f"{self.script(slug)} — {self.node(slug, node_id)}" if node_id else self.script(slug)
