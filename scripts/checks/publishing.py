"""What a build that goes to readers needs and an editor's preview does not: the site's real
address (sitemap, canonical links, the 404 page) and a contact address that reaches someone.

Only the publishing workflow asks (it sets PUBLISHING=1); `make build` and `make serve` on an
editor's machine work without either.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from checks.settings import read_settings

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0"})
# Reserved for examples (RFC 2606): mail sent there reaches nobody.
PLACEHOLDER_DOMAINS = ("example.org", "example.com", "example.net")


# 9999-12-31 23:59:59 UTC: MkDocs turns the value into a date, which ends there.
LATEST_EPOCH = 253_402_300_799


def source_date_epoch_problem() -> str | None:
    """MkDocs (and the validator, which renders pages with it) reads SOURCE_DATE_EPOCH for the
    build date; a value it cannot read would end in a traceback."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None or (re.fullmatch(r"[0-9]+", value) and int(value) <= LATEST_EPOCH):
        return None
    return (
        f"SOURCE_DATE_EPOCH is '{value}', but it must be a whole number of seconds since "
        "1970-01-01 UTC, like 1764633600 (make sets it to the last commit's time); correct "
        "it or unset it"
    )


def publishing_problem(root: Path) -> str | None:
    """One line saying what stops root/mkdocs.yml from being published, or None."""
    settings, problems = read_settings(root)
    if problems:
        return str(problems[0])
    site_url = settings.site_url
    host = urlsplit(site_url).hostname or ""
    if not site_url:
        return (
            "publishing needs the site's address, and SITE_URL is not set: set the repository "
            "variable SITE_URL (Settings > Secrets and variables > Actions > Variables), or "
            "enable GitHub Pages so the workflow can read it"
        )
    if host in LOCAL_HOSTS or host.endswith(".localhost"):
        return (
            f"publishing needs the site's real address, but the site URL is '{site_url}', "
            "this computer: set SITE_URL to the https:// address readers use"
        )
    if _is_placeholder(_contact_host(settings.contact_url)):
        return (
            f"the contact address in mkdocs.yml (extra: contact_url: {settings.contact_url}) "
            "is still the placeholder: set it to the address that answers readers' questions"
        )
    return None


def _contact_host(url: str) -> str:
    """The domain a contact link reaches: after the @ of a mailto:, else the web host."""
    split = urlsplit(url)
    if split.scheme == "mailto":
        return split.path.rpartition("@")[2].lower()
    return (split.hostname or "").lower()


def _is_placeholder(host: str) -> bool:
    return any(host == domain or host.endswith(f".{domain}") for domain in PLACEHOLDER_DOMAINS)
