"""Serve a built site over HTTP on 127.0.0.1, at the root or under a sub-path."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import urljoin, urlsplit


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files under `mount`; anything else gets the site's 404.html with status 404,
    as GitHub Pages and most static hosts do."""

    def __init__(self, *args: object, directory: str, mount: str, **kwargs: object) -> None:
        self.mount = mount
        super().__init__(*args, directory=directory, **kwargs)  # type: ignore[arg-type]

    def translate_path(self, path: str) -> str:
        url_path = urlsplit(path).path
        if not url_path.startswith(self.mount):
            return str(Path(self.directory) / "\0outside-the-mount")
        return super().translate_path("/" + url_path.removeprefix(self.mount))

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        not_found_page = Path(self.directory) / "404.html"
        if code != 404 or not not_found_page.is_file():
            super().send_error(code, message, explain)
            return
        body = not_found_page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: a test run should not print one line per request."""


@dataclass(frozen=True)
class SiteServer:
    """A running server: `url` ends with the mount, e.g. http://127.0.0.1:41234/guide/."""

    url: str
    root: Path

    @property
    def origin(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    def url_of(self, page: str) -> str:
        """The address of `page`, a path relative to the site root like 'stages/tolerance/'."""
        return urljoin(self.url, page)


@contextmanager
def serve_site(directory: Path, mount: str = "/") -> Iterator[SiteServer]:
    """Serve `directory` at http://127.0.0.1:<free port><mount> until the block ends."""
    handler = partial(_SiteHandler, directory=str(directory), mount=mount)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield SiteServer(url=f"http://{host}:{port}{mount}", root=directory)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
