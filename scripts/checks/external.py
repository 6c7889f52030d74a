"""http(s) links, fetched only on request (validate --external), with a one-day cache."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from guide.problems import ExternalLink, Problem

EXTERNAL_CACHE = ".cache/external-links.json"
EXTERNAL_TIMEOUT = 5.0  # seconds per request
EXTERNAL_CACHE_SECONDS = 24 * 60 * 60


Fetch = Callable[[str], str | None]  # a URL -> None when fine, else why it is broken


def fetch_url(url: str, timeout: float = EXTERNAL_TIMEOUT) -> str | None:
    """HEAD the URL (GET when the server refuses HEAD); None when it answers below 400."""
    # Imported here: every other run of validate.py (make build's included) needs none of it.
    import urllib.error  # noqa: PLC0415
    import urllib.request  # noqa: PLC0415

    headers = {"User-Agent": "validate.py link check"}
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout):
                return None
        except urllib.error.HTTPError as error:
            if method == "HEAD" and error.code in (403, 405, 501):
                continue
            return f"HTTP {error.code}"
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            return f"cannot connect: {reason}"
    return None  # pragma: no cover - the GET attempt always returns


def external_link_problems(
    links: Iterable[ExternalLink], cache_path: Path, fetch: Fetch = fetch_url
) -> list[Problem]:
    """Fetch each distinct URL once; working URLs are cached for a day.

    Only successes are cached: a link that was just fixed, or a server that failed
    once, is tried again on the next run.
    """
    links = list(links)
    now = time.time()
    cache = _read_cache(cache_path)
    fresh = {url for url, checked in cache.items() if now - checked < EXTERNAL_CACHE_SECONDS}
    wanted = sorted({link.url for link in links} - fresh)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = dict(zip(wanted, pool.map(fetch, wanted), strict=True))
    cache = {url: checked for url, checked in cache.items() if url in fresh}
    cache.update({url: now for url, reason in results.items() if reason is None})
    _write_cache(cache_path, cache)
    return [
        Problem(link.path, link.line, f"external link '{link.url}' is broken ({results[link.url]})")
        for link in links
        if results.get(link.url)
    ]


def _read_cache(path: Path) -> dict[str, float]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, int | float)}


def _write_cache(path: Path, cache: dict[str, float]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(cache, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    except OSError:
        pass  # a cache that cannot be written only makes the next run slower
