"""What WeasyPrint may fetch while it lays out one of HomeSafe's PDFs: HomeSafe's own static
files (the stylesheets), and nothing else unless a document adds its own (the profile's photo).
So no PDF ever touches a network, and the URLs it sees are static paths and ids only."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from weasyprint.urls import URLFetcher, URLFetcherResponse

# The document's own origin: relative URLs in a template resolve against it, and the fetcher
# serves only URLs under it. `.invalid` is reserved (RFC 2606): it can never reach a network.
BASE_URL = "https://homesafe.invalid/"
REFUSED = "Not one of HomeSafe's own files: {url}"


def static_file(name: str) -> bytes | None:
    """A static file by name: collected (hashed names in production) or found in the apps."""
    if not name or name.startswith("/") or ".." in name.split("/"):
        return None
    try:
        if staticfiles_storage.exists(name):
            with staticfiles_storage.open(name) as static:
                return static.read()
    except (OSError, ValueError):
        pass
    found = finders.find(name)
    return Path(found).read_bytes() if isinstance(found, str) else None


class StaticFetcher(URLFetcher):
    """Serves HomeSafe's static files; refuses anything else. A document that needs one more
    resource (the profile's stored photo) answers it in `fetch_own`."""

    def __init__(self):
        super().__init__(allowed_protocols=())

    def fetch_own(self, url: str) -> URLFetcherResponse | None:
        return None

    def fetch(self, url, headers=None):
        own = self.fetch_own(url)
        if own is not None:
            return own
        prefix = urljoin(BASE_URL, settings.STATIC_URL)
        if url.startswith(prefix):
            name = urlsplit(url).path[len(urlsplit(prefix).path) :]
            body = static_file(name)
            if body is not None:
                kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body, {"Content-Type": kind})
        raise ValueError(REFUSED.format(url=url))
