"""The pre-incident (Philomena) profile as a one-page A4 PDF for the police (WeasyPrint).

The page is rendered from `profiles/pdf.html`. Long entries are shortened, each with a
"continued in HomeSafe" marker, until the whole profile fits one page: the layout is tried with
generous limits first and tighter ones until WeasyPrint lays it out on a single page.

WeasyPrint fetches nothing by itself: `ProfileResourceFetcher` serves the version's stored
photo (read from storage, never through the photo view, which would audit a second read) and
HomeSafe's own static files, and refuses every other URL, so no network is ever touched.
Nothing personal goes to the logs: the URLs it sees are ids and static paths.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from weasyprint import HTML, Document
from weasyprint.urls import URLFetcherResponse

from homesafe.episodes.models import MissingEpisode
from homesafe.profiles.models import DESCRIPTION_FIELDS, ProfileVersion
from homesafe.web.pdf_fetch import BASE_URL, StaticFetcher

logger = logging.getLogger(__name__)

CONTINUED = "continued in HomeSafe"

# Characters and lines each entry may keep at full size; every retry scales them down.
LONG_LIMIT, LONG_LINES = 700, 8
SHORT_LIMIT, SHORT_LINES = 160, 2
SCALES = (1.0, 0.7, 0.5, 0.35, 0.25, 0.15)
LONG_FIELDS = (
    ("associates", "Friends and associates"),
    ("places_frequented", "Places the child goes"),
    ("vulnerabilities", "Vulnerabilities"),
    ("medication", "Medication and medical needs"),
    ("phones", "Phone numbers"),
    ("social_media", "Social media"),
    ("transport", "Transport used"),
    ("missing_history", "Missing history"),
)
DESCRIPTION_LABELS = {
    "height": "Height",
    "build": "Build",
    "hair": "Hair",
    "eyes": "Eyes",
    "distinguishing_marks": "Distinguishing marks",
}
# The eight entries go in two columns of about 90 mm: about 52 characters of 9.5 pt Arial a line.
COLUMN_CHARACTERS = 52
# Options for WeasyPrint: photos are downsampled to what a printed page needs.
PDF_OPTIONS = {"dpi": 200, "optimize_images": True, "jpeg_quality": 85}


class ProfileResourceFetcher(StaticFetcher):
    """Serves the profile's stored photo and HomeSafe's static files; refuses anything else."""

    def __init__(self, *, photo_url: str | None, version: ProfileVersion):
        super().__init__()
        self.photo_url = photo_url
        self.version = version

    def fetch_own(self, url: str) -> URLFetcherResponse | None:
        if self.photo_url is None or url != self.photo_url:
            return None
        with self.version.photo.open("rb") as photo:
            body = photo.read()
        return URLFetcherResponse(url, body, {"Content-Type": self.version.photo_type})


@dataclass(frozen=True)
class Entry:
    """One labelled entry of the page, shortened if needed."""

    label: str
    text: str
    shortened: bool = False


def condense(text: str, *, limit: int, max_lines: int) -> tuple[str, bool]:
    """`text` cut to at most `limit` characters and `max_lines` lines, at a word boundary where
    there is one; the second value says whether anything was cut."""
    text = (text or "").strip()
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    kept = "\n".join(lines[:max_lines])
    cut = len(lines) > max_lines
    if len(kept) > limit:
        head = kept[:limit]
        space = max(head.rfind(" "), head.rfind("\n"))
        kept = head[:space] if space > limit // 2 else head
        cut = True
    if cut:
        kept = kept.rstrip(" ,;:.-\n") + " …"
    return kept, cut


def _estimated_lines(entry: Entry) -> int:
    """About how many lines `entry` takes in a column: its heading, its text's lines wrapped at
    COLUMN_CHARACTERS, and its bottom margin."""
    text_lines = entry.text.splitlines() or [""]
    return 2 + sum(max(1, -(-len(line) // COLUMN_CHARACTERS)) for line in text_lines)


def in_two_columns(entries: list[Entry]) -> tuple[list[Entry], list[Entry]]:
    """The entries in order, split where the two columns come out most nearly the same height
    (the first the taller where two splits tie).

    The page lays the two columns out as they are given. CSS columns would balance them
    themselves, but WeasyPrint balances by laying the columns out again and again, a pixel or
    an entry taller each time: seconds for a long profile, at every size tried."""
    weights = [_estimated_lines(entry) for entry in entries]
    total = sum(weights)
    best, best_height, first = 0, total, 0
    for split in range(len(entries) + 1):
        height = max(first, total - first)
        if height <= best_height:
            best, best_height = split, height
        if split < len(entries):
            first += weights[split]
    return entries[:best], entries[best:]


def _entry(label: str, text: str, *, limit: int, max_lines: int) -> Entry:
    condensed, shortened = condense(text, limit=max(limit, 20), max_lines=max(max_lines, 1))
    return Entry(label, condensed, shortened)


def profile_pdf_context(
    *,
    version: ProfileVersion,
    open_episode: MissingEpisode | None,
    places: list[str],
    aliases: list[str],
    photo_available: bool,
    scale: float,
) -> dict:
    """The template's context at `scale` (1: the most text each entry may keep)."""
    child = version.child
    long_limit, long_lines = int(LONG_LIMIT * scale), round(LONG_LINES * scale)
    short_limit, short_lines = int(SHORT_LIMIT * max(scale, 0.5)), SHORT_LINES
    long_texts = {name: getattr(version, name) for name, _ in LONG_FIELDS}
    long_texts["places_frequented"] = "\n".join(
        place for place in [version.places_frequented, *places] if place
    )
    description = [
        _entry(DESCRIPTION_LABELS[name], getattr(version, name), limit=short_limit, max_lines=2)
        if name != "distinguishing_marks"
        else _entry(
            DESCRIPTION_LABELS[name],
            getattr(version, name),
            limit=long_limit // 2,
            max_lines=max(long_lines // 2, 2),
        )
        for name in DESCRIPTION_FIELDS
    ]
    entries = [
        _entry(label, long_texts[name], limit=long_limit, max_lines=long_lines)
        for name, label in LONG_FIELDS
    ]
    part_two = []
    if open_episode is not None:
        last_seen = timezone.localtime(open_episode.last_seen_at).strftime("%-d %b %Y %H:%M")
        if open_episode.last_seen_location:
            last_seen += f", {open_episode.last_seen_location}"
        part_two = [
            _entry("Last seen", last_seen, limit=short_limit, max_lines=short_lines),
            _entry(
                "Description and clothing",
                open_episode.description_and_clothing,
                limit=long_limit // 2,
                max_lines=max(long_lines // 2, 2),
            ),
            _entry(
                "Police reference",
                open_episode.police_reference,
                limit=short_limit,
                max_lines=1,
            ),
        ]
    also_known_as = _entry("Also known as", ", ".join(aliases), limit=short_limit, max_lines=1)
    everything = [*description, *entries, *part_two, also_known_as]
    return {
        "child": child,
        "age": child.age_on(timezone.localdate()),
        "version": version,
        "aliases": also_known_as,
        "description": description,
        "entries": entries,
        "entry_columns": in_two_columns(entries),
        "open_episode": open_episode,
        "part_two": part_two,
        "provided_by": _entry("Given by", version.provided_by, limit=short_limit, max_lines=1),
        "photo_url": _photo_url(version) if photo_available else None,
        "photo_recorded": bool(version.photo),
        "shortened": any(entry.shortened for entry in everything),
        "continued": CONTINUED,
        "printed_at": timezone.localtime(),
    }


def _photo_url(version: ProfileVersion) -> str:
    return urljoin(BASE_URL, reverse("profiles:photo", args=[version.child_id, version.number]))


def photo_available(version: ProfileVersion) -> bool:
    """Whether the version has a photo whose file is still in storage."""
    if not version.photo:
        return False
    try:
        return version.photo.storage.exists(version.photo.name)
    except (OSError, ValueError):
        return False


def profile_pdf_document(
    *,
    version: ProfileVersion,
    open_episode: MissingEpisode | None,
    request: HttpRequest | None = None,
) -> Document:
    """The laid-out one-page document (WeasyPrint's `Document`): the first scale that fits.

    The smallest scale always fits a page in practice; should a profile still not, only its
    first page is kept, and the page says the full profile is in HomeSafe.
    """
    available = photo_available(version)
    fetcher = ProfileResourceFetcher(
        photo_url=_photo_url(version) if available else None, version=version
    )
    places = [str(location) for location in version.locations.all()]
    aliases = [alias.name for alias in version.child.aliases.all()]
    document = None
    cache: dict = {}  # images by URL: the photo is fetched and decoded once for every attempt
    for scale in SCALES:
        context = profile_pdf_context(
            version=version,
            open_episode=open_episode,
            places=places,
            aliases=aliases,
            photo_available=available,
            scale=scale,
        )
        html = render_to_string("profiles/pdf.html", context, request=request)
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
            cache=cache, **PDF_OPTIONS
        )
        if len(document.pages) == 1:
            return document
    logger.warning(
        "Profile version %s did not fit one page at the smallest scale; first page kept",
        version.pk,
    )
    return document.copy(document.pages[:1])


def profile_pdf(
    *,
    version: ProfileVersion,
    open_episode: MissingEpisode | None,
    request: HttpRequest | None = None,
) -> bytes:
    """The profile version as the bytes of a one-page A4 PDF."""
    document = profile_pdf_document(version=version, open_episode=open_episode, request=request)
    return document.write_pdf(**PDF_OPTIONS)


def profile_pdf_filename(version: ProfileVersion) -> str:
    """A file name with ids only: never the child's name (downloads folders, e-mail subjects)."""
    return f"profile-{version.child_id}-v{version.number}.pdf"
