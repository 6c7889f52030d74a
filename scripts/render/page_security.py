"""Security touches on rendered pages: a Content-Security-Policy and safe external links.

A static host may not send headers (GitHub Pages cannot), so each page also
carries its policy in a <meta> tag. Inline scripts are allowed by their hash
only, never by 'unsafe-inline', and only those the templates wrote.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter

# Everything comes from the site itself; no other origin may be contacted.
# data: images are Material's inline SVG icons.
_SAME_ORIGIN_ONLY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; font-src 'self'; "
    "connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'"
)
POLICY = _SAME_ORIGIN_ONLY + "; script-src 'self'{hashes}"

# For hosts that read a _headers file (Netlify, Cloudflare Pages). Browsers
# enforce this and the per-page <meta> policy together, so inline scripts still
# need their hash; the header adds what a <meta> tag cannot (frame-ancestors).
SECURITY_HEADERS = {
    "Content-Security-Policy": _SAME_ORIGIN_ONLY
    + "; frame-ancestors 'none'; script-src 'self' 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Strict-Transport-Security": "max-age=31536000",
}

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_EXTERNAL_LINK = re.compile(r"<a\s(?=[^>]*\bhref=\"https?://)(?![^>]*\brel=)", re.IGNORECASE)


def _hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy(html: str, content: str = "") -> str:
    """The policy for one page: same origin only, plus the hashes of the inline scripts the
    templates wrote. `content` is the page's own HTML (from its Markdown): a script found
    there is an editor's or an injection, and is left out, so the browser refuses it.

    Scripts are counted, not just collected: content that repeats a template's script
    cannot take that script's place, and a template script is allowed only as often as
    the templates wrote it (the same code, so allowing it is harmless)."""
    hashes = "".join(f" {digest}" for digest in inline_script_hashes(html, content))
    return POLICY.format(hashes=hashes)


def inline_script_hashes(html: str, less: str = "") -> list[str]:
    """The CSP hashes of the inline scripts in `html`, counted, less those also in `less`."""
    scripts = Counter(_INLINE_SCRIPT.findall(html)) - Counter(_INLINE_SCRIPT.findall(less))
    return [_hash(script) for script in scripts]


def with_content_security_policy(html: str, content: str = "") -> str:
    """The page with its policy as the first element of <head>, before any script runs."""
    policy = content_security_policy(html, content)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    return html.replace("<head>", f"<head>\n    {meta}", 1)


def with_safe_external_links(html: str) -> str:
    """Other sites reached by a link get no handle on this page and no referrer."""
    return _EXTERNAL_LINK.sub('<a rel="noopener noreferrer" ', html)


def headers_file() -> str:
    """The `_headers` file: the security headers for every path of the site."""
    lines = [f"  {name}: {value}" for name, value in SECURITY_HEADERS.items()]
    return "\n".join(["/*", *lines, ""])
