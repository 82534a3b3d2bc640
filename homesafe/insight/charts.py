"""Charts for the insight pages: Vega-Lite specifications built with altair and drawn as SVG
on the server by vl-convert, shown as an image (no script, nothing fetched). Every chart is
shown beside the table of its numbers, which is what a screen reader reads (the image's text
says so)."""

from __future__ import annotations

import base64
import hashlib
import json

import vl_convert
from django.core.cache import cache

CACHE_SECONDS = 60 * 60


def svg_data_uri(spec: dict) -> str:
    """The chart as a data: URI (the CSP allows data: images), cached by its specification:
    the same numbers are drawn once an hour at most."""
    key = "insight-chart-" + hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
    uri = cache.get(key)
    if uri is None:
        svg = vl_convert.vegalite_to_svg(spec)
        uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
        cache.set(key, uri, CACHE_SECONDS)
    return uri


def monthly_bars(rows: list[dict], *, value: str, title: str) -> dict:
    """Bars of `value` by month (rows of {"month": date, value: int}), in GOV.UK blue."""
    # Imported here: altair takes about 0.4 s to import, which every process that loads the
    # URLs (each web and worker process, each `homesafe` command) would pay for a chart that
    # only the insight pages draw.
    import altair as alt  # noqa: PLC0415

    data = [{"month": row["month"].strftime("%b %Y"), value: row[value]} for row in rows]
    order = [d["month"] for d in data]
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_bar(color="#1d70b8")
        .encode(
            x=alt.X("month:O", sort=order, title=None, axis=alt.Axis(labelAngle=-45)),
            y=alt.Y(f"{value}:Q", title=title, axis=alt.Axis(tickMinStep=1)),
        )
        .properties(width=280, height=200)
        .configure_axis(labelFont="Arial", titleFont="Arial", labelFontSize=12, titleFontSize=13)
        .configure_view(stroke=None)
    )
    return chart.to_dict()
