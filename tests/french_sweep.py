"""Walk the console in French as each role and report English left on the pages.

Used by tests/test_french_console.py over the loaded demo (and runnable by hand against the
development database: `python -m tests.french_sweep`). A page's visible text (scripts, styles,
attributes, the language switch and free text the users typed left out) is cut into words; a
word is English when it appears in an English msgid of the catalogues but in no French msgstr
(nor in the small allow-list of codes and proper names below), or is an English stop word.
"""

from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

# Words that are English and never French: a page in French that shows one is not translated.
STOP_WORDS = {
    "the", "and", "of", "with", "to", "is", "by", "for", "from", "this", "that", "at", "yes",
    "not", "be", "are", "was", "has", "have", "will", "which", "when", "what", "there", "their",
    "you", "your", "it", "or", "if", "than", "then", "into", "all", "any", "only", "after",
    "before", "until", "since", "about", "each", "been", "no", "none", "yet", "we", "our",
    "should", "would", "can", "may", "must", "here", "these", "those", "its", "they", "them",
    "who", "how", "why", "new", "open", "see", "back", "next", "last", "first",
}
# Codes, product and proper names, abbreviations both languages use.
ALLOWED = {
    "hotline", "imei", "tac", "sla", "asa", "aht", "fcr", "nff", "api", "sms", "pdf", "csv",
    "url", "id", "ok", "dhl", "mydhl", "sandbox", "stripe", "webhook", "webhooks", "email",
    "e-mail", "n5", "pro", "lite", "max", "mini", "eur", "utc", "kpi", "erlang", "qa", "zpl",
    "htmx", "json", "yaml", "ups", "gls", "total", "type", "stock", "variant", "express",
    "normal", "standard", "transport", "support", "service", "simple", "code", "script",
    "scripts", "message", "messages", "date", "note", "notes", "article", "minute", "minutes",
    "contact", "option", "options", "description", "distributeur", "agent", "agents",
    "batch", "batches", "token", "tokens", "admin", "backend", "on", "a", "an", "as", "me", "in",
    "plus", "bus", "film", "test", "tests", "site", "sites", "point", "points", "visit",
    # The warehouse company's name (WAREHOUSE_COMPANY, "Hotline Logistics" by default).
    "logistics",
    # French words that happen to be in English msgids only.
    "chose", "cloud", "arrive", "fin", "solution", "instructions", "dispatch", "notification",
    "port",
}
SKIP_PATH = re.compile(r"^/(admin|api|i18n|logout|login|static|media|healthz)\b|\.(pdf|zpl|csv|png|svg)$|"
                       r"/(pdf|label|slip|report\.pdf|download|export)/?$")
WORD = re.compile(r"[A-Za-zÀ-ÿ’'-]+")


class _Text(HTMLParser):
    """The visible text of a page, without scripts, styles, the language switch and elements
    marked `data-free-text` (what people typed: descriptions, notes, advice)."""

    SKIPPED = {"script", "style", "select", "textarea", "code", "pre"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self.nav_links: list[str] = []
        self._skip: list[str] = []
        self._nav = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" or "mainnav" in (attrs.get("class") or ""):
            self._nav += 1
        if tag == "a" and attrs.get("href"):
            (self.nav_links if self._nav else self.links).append(attrs["href"])
        if tag in self.SKIPPED or "data-free-text" in attrs or "translate" in attrs and attrs[
                "translate"] == "no":
            self._skip.append(tag)

    def handle_endtag(self, tag):
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()
        if tag == "nav" and self._nav:
            self._nav -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _po_words(field: str) -> set[str]:
    words: set[str] = set()
    root = Path(settings.BASE_DIR)
    for po in root.glob("*/locale/fr/LC_MESSAGES/django.po"):
        text = po.read_text()
        for match in re.finditer(rf'^{field}(?:\[\d\])? "(.*)"\n((?:".*"\n)*)', text, re.M):
            full = match.group(1) + "".join(re.findall(r'^"(.*)"$', match.group(2), re.M))
            full = re.sub(r"%\(\w+\)[sdf]|\{\{[^}]*\}\}|\{[^}]*\}|%[sd]", " ", full)
            words |= {word.lower().strip("'’-") for word in WORD.findall(full)}
    return words


def english_words() -> set[str]:
    """Words of the English interface that no French text uses."""
    return (_po_words("msgid") - _po_words("msgstr") - ALLOWED) | STOP_WORDS


def page_text(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


# E-mail addresses and web addresses are in no language ("camille.dupont@example.org").
ADDRESS = re.compile(r"\S+@\S+\.\w+|https?://\S+")


def untranslated(text: str, english: set[str]) -> list[str]:
    """The English words of `text` (at least 2 letters), addresses left out."""
    found = []
    for word in WORD.findall(ADDRESS.sub(" ", text)):
        key = word.lower().strip("'’-")
        if len(key) > 1 and key in english and key not in ALLOWED:
            found.append(word)
    return found


def _internal(href: str) -> str | None:
    parts = urlsplit(href)
    # The site's own absolute links (SITE_URL: the customer's quote and tracking pages the
    # console links to) are pages of the site too.
    own = urlsplit(settings.SITE_URL).netloc
    if (parts.scheme or parts.netloc) and parts.netloc != own or not parts.path.startswith("/"):
        return None
    if SKIP_PATH.search(parts.path) or parts.path == "/":
        return None
    return parts.path + (f"?{parts.query}" if parts.query and "page=" not in parts.query else "")


def sweep(*, usernames: list[str], case_numbers: list[str], max_pages: int = 400,
          visited: list | None = None) -> dict:
    """Render, in French, the menu pages of each user, every case page and the detail pages
    they link to (one level). Return {url: {"status": ..., "english": [...], "user": ...}}
    for the pages with a problem; the URLs rendered are appended to `visited`."""
    english = english_words()
    problems: dict = {}
    seen: set[str] = set()
    for username in usernames:
        client = Client(HTTP_ACCEPT_LANGUAGE="fr")
        client.force_login(get_user_model().objects.get(username=username))
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        home = client.get("/console/", follow=True)
        start = page_text(home.content.decode())
        queue = [u for u in map(_internal, start.nav_links) if u]
        queue.append(home.request["PATH_INFO"])
        if username == usernames[0]:
            queue += [f"/console/cases/{number}/" for number in case_numbers]
        depth = {url: 0 for url in queue}
        while queue and len(seen) < max_pages:
            url = queue.pop(0)
            if (username, url) in seen:
                continue
            seen.add((username, url))
            response = client.get(url)
            if response.status_code in (302, 403):
                continue
            if response.status_code != 200:
                problems[url] = {"status": response.status_code, "english": [], "user": username}
                continue
            if "html" not in response.get("Content-Type", ""):
                continue
            parsed = page_text(response.content.decode())
            if visited is not None:
                visited.append(url)
            words = untranslated(" ".join(parsed.parts), english)
            if words:
                problems[url] = {"status": 200, "english": sorted(set(words)), "user": username,
                                 "context": _contexts(" ".join(parsed.parts), words)}
            if depth[url] < 1:
                for link in map(_internal, parsed.links):
                    if link and link not in depth:
                        depth[link] = depth[url] + 1
                        queue.append(link)
    return problems


def _contexts(text: str, words: list[str]) -> list[str]:
    text = re.sub(r"\s+", " ", text)
    found = []
    for word in sorted(set(words))[:8]:
        at = re.search(rf"\b{re.escape(word)}\b", text)
        if at:
            found.append(text[max(0, at.start() - 40):at.end() + 40])
    return found


def report(problems: dict) -> str:
    by_word: dict = defaultdict(set)
    for url, problem in problems.items():
        for word in problem["english"]:
            by_word[word.lower()].add(url)
    lines = [f"{url} [{p['user']}] {p['status']}: {' '.join(p['english'])}\n    "
             + "\n    ".join(p.get("context", [])) for url, p in sorted(problems.items())]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - a tool for people
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
    django.setup()
    from hotline.models import Case

    users = ["operator", "supervisor", "qa", "technician", "distributor"]
    print(report(sweep(usernames=users,
                       case_numbers=list(Case.objects.values_list("number", flat=True)))))
