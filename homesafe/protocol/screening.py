"""Exploitation screening tools as data, and how each scores a child's answers. Pure Python.

A tool (code + version) is a list of indicators. Each indicator has the answers a professional
may give and what each answer is worth. Two ways of turning answers into a band:

- `POINTS` (SERAF, Barnardo's): every answer has a weight; the score is their sum and the band
  is the highest band whose lower bound the score reaches. Significant and moderate indicators
  are answered by time window: "now or in the last 6 months", "6 to 12 months ago", "both", "no".
- `HIGHEST_LEVEL` (a categorical combined tool, Buckinghamshire style): each indicator belongs to
  a type of exploitation (CSE, CCE, county lines, trafficking, radicalisation) and sits at a level
  (emerging, significant, experiencing); the band is the highest level of any indicator seen,
  for the child and for each type of exploitation. There is no score.

Tools are versioned: a stored screening keeps its tool's code and version and is always scored
and shown with that version, so a later version never changes an old result. The indicator
wording here is HomeSafe's own plain-words summary of each tool's published areas of concern.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Answer(StrEnum):
    """Every answer any tool uses; each indicator allows a subset."""

    NO = "no"
    YES = "yes"
    RECENT = "recent"  # now or in the last 6 months
    EARLIER = "earlier"  # 6 to 12 months ago
    BOTH = "both"  # now or in the last 6 months, and 6 to 12 months ago


ANSWER_LABELS: dict[Answer, str] = {
    Answer.NO: "No",
    Answer.YES: "Yes",
    Answer.RECENT: "Now or in the last 6 months",
    Answer.EARLIER: "6 to 12 months ago",
    Answer.BOTH: "Both",
}

YES_NO = (Answer.YES, Answer.NO)
TIME_WINDOWS = (Answer.RECENT, Answer.EARLIER, Answer.BOTH, Answer.NO)


class ScoringMethod(StrEnum):
    POINTS = "points"
    HIGHEST_LEVEL = "highest_level"


class ScreeningAnswersError(ValueError):
    """Answers that do not fit the tool; `indicator` names the indicator (None: the whole set)."""

    def __init__(self, message: str, *, indicator: str | None = None):
        super().__init__(message)
        self.indicator = indicator


UNKNOWN_TOOL = "There is no screening tool {tool!r} version {version!r}."
UNKNOWN_INDICATOR = "{indicator!r} is not an indicator of {tool}."
NOT_ANSWERED = "Answer “{text}”"
BAD_ANSWER = "Choose one of the answers for “{text}”"


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    min_score: int = 0  # POINTS: the lowest score in this band


@dataclass(frozen=True)
class Indicator:
    code: str
    text: str
    group: str  # a section of the form: e.g. "vulnerability" or "cse"
    answers: tuple[Answer, ...] = YES_NO
    weights: Mapping[Answer, int] = field(default_factory=dict)  # POINTS; missing = 0
    level: str = ""  # HIGHEST_LEVEL: the band code this indicator shows when present


@dataclass(frozen=True)
class Tool:
    code: str
    version: str
    name: str
    method: ScoringMethod
    bands: tuple[Band, ...]  # lowest first
    indicators: tuple[Indicator, ...]
    groups: Mapping[str, str]  # group code -> heading, in form order
    review_months: int | None = None  # what the tool itself recommends (the protocol decides)
    source: str = ""

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise ScreeningAnswersError(
            UNKNOWN_INDICATOR.format(indicator=code, tool=self.name), indicator=code
        )

    def band(self, code: str) -> Band:
        for band in self.bands:
            if band.code == code:
                return band
        raise KeyError(code)

    def band_label(self, code: str) -> str:
        return self.band(code).label if code in self.band_codes else code

    @property
    def band_codes(self) -> tuple[str, ...]:
        return tuple(band.code for band in self.bands)


@dataclass(frozen=True)
class ScreeningResult:
    score: int | None  # POINTS only
    band: str  # a band code of the tool
    group_bands: Mapping[str, str] = field(default_factory=dict)  # HIGHEST_LEVEL, per group
    points: Mapping[str, int] = field(default_factory=dict)  # POINTS, per indicator answered > 0


def validate_answers(tool: Tool, answers: Mapping[str, str]) -> dict[str, Answer]:
    """Every indicator answered with one of its answers, nothing else: the answers as `Answer`s
    in the tool's order. Raises ScreeningAnswersError naming the first problem."""
    if not isinstance(answers, Mapping):
        raise ScreeningAnswersError("The answers must be a mapping of indicator to answer.")
    known = {indicator.code for indicator in tool.indicators}
    for code in answers:
        if code not in known:
            raise ScreeningAnswersError(
                UNKNOWN_INDICATOR.format(indicator=code, tool=tool.name), indicator=code
            )
    valid = {}
    for indicator in tool.indicators:
        value = answers.get(indicator.code)
        if value in (None, ""):
            raise ScreeningAnswersError(
                NOT_ANSWERED.format(text=indicator.text), indicator=indicator.code
            )
        if value not in indicator.answers:
            raise ScreeningAnswersError(
                BAD_ANSWER.format(text=indicator.text), indicator=indicator.code
            )
        valid[indicator.code] = Answer(value)
    return valid


def score(tool: Tool, answers: Mapping[str, str]) -> ScreeningResult:
    """The tool's result for a complete, valid set of answers."""
    valid = validate_answers(tool, answers)
    if tool.method == ScoringMethod.POINTS:
        points = {}
        for indicator in tool.indicators:
            worth = indicator.weights.get(valid[indicator.code], 0)
            if worth:
                points[indicator.code] = worth
        total = sum(points.values())
        return ScreeningResult(score=total, band=band_for_score(tool, total), points=points)
    order = {code: rank for rank, code in enumerate(tool.band_codes)}
    group_bands = dict.fromkeys(tool.groups, tool.bands[0].code)
    for indicator in tool.indicators:
        if valid[indicator.code] == Answer.YES:
            current = group_bands[indicator.group]
            if order[indicator.level] > order[current]:
                group_bands[indicator.group] = indicator.level
    band = max(group_bands.values(), key=order.__getitem__, default=tool.bands[0].code)
    return ScreeningResult(score=None, band=band, group_bands=group_bands)


def band_for_score(tool: Tool, total: int) -> str:
    """POINTS: the highest band whose lower bound `total` reaches."""
    chosen = tool.bands[0]
    for band in tool.bands:
        if total >= band.min_score:
            chosen = band
    return chosen.code


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


# -- SERAF ---------------------------------------------------------------------------------------

_VULNERABILITY = {Answer.YES: 1}
_MODERATE = {Answer.RECENT: 1, Answer.BOTH: 1}
_SIGNIFICANT = {Answer.RECENT: 5, Answer.EARLIER: 1, Answer.BOTH: 6}


def _v(code: str, text: str) -> Indicator:
    return Indicator(code, text, "vulnerability", YES_NO, _VULNERABILITY)


def _m(code: str, text: str) -> Indicator:
    return Indicator(code, text, "moderate", TIME_WINDOWS, _MODERATE)


def _s(code: str, text: str) -> Indicator:
    return Indicator(code, text, "significant", TIME_WINDOWS, _SIGNIFICANT)


SERAF = Tool(
    code="seraf",
    version="1",
    name="SERAF (sexual exploitation risk assessment framework)",
    method=ScoringMethod.POINTS,
    bands=(
        Band("not_at_risk", "Not at risk", 0),
        Band("mild", "Mild risk", 6),
        Band("moderate", "Moderate risk", 11),
        Band("significant", "Significant risk", 16),
    ),
    groups={
        "vulnerability": "Vulnerabilities",
        "moderate": "Moderate risk indicators",
        "significant": "Significant risk indicators",
    },
    indicators=(
        _v("abuse_or_neglect", "Has experienced abuse or neglect"),
        _v("in_care", "Is looked after or has been in care"),
        _v(
            "family_difficulties",
            "Parents or carers with domestic abuse, substance misuse or mental ill-health",
        ),
        _v("bereavement", "Has lost someone close (bereavement or loss)"),
        _v("learning_needs", "Has a learning disability or learning difficulties"),
        _v("out_of_education", "Excluded from school or not in education"),
        _v("self_harm", "Low self-esteem, self-harm or thoughts of suicide"),
        _v("sexual_identity", "Questioning their sexuality or unable to talk about it at home"),
        _v("peers_exploited", "Friends or relatives known to be exploited"),
        _v("unstable_housing", "Homeless or living in unstable housing"),
        _m("missing_short", "Missing from home or care for short periods"),
        _m("late_nights", "Often home late or out overnight without explanation"),
        _m("truanting", "Missing school or leaving school during the day"),
        _m("unexplained_gifts", "Unexplained money, phones, clothes or other gifts"),
        _m("older_associates", "Spends time with older people or young people known to be at risk"),
        _m("substance_use", "Using drugs or alcohol, or using more than before"),
        _m("secretive_phone", "Secretive about phone or online contacts; sharing images"),
        _m("behaviour_change", "A change in behaviour, mood, appearance or friends"),
        _m(
            "sexual_health",
            "Sexual health concerns: infections, pregnancy tests or emergency contraception",
        ),
        _m("unexplained_injuries", "Injuries without a plausible explanation"),
        _s("missing_overnight", "Missing overnight or longer, or found far from home"),
        _s("older_partner", "A boyfriend or girlfriend several years older"),
        _s("seen_at_risky_places", "Seen at addresses or places known for exploitation"),
        _s("picked_up_in_cars", "Picked up or dropped off in cars by unknown adults"),
        _s("assault_disclosed", "Has disclosed sexual or physical assault (even if withdrawn)"),
        _s("exchanging_sex", "Given money, drugs, goods or a place to stay in exchange for sex"),
        _s("moved_between_places", "Taken or moved between towns or addresses by others"),
        _s("held_against_will", "Held against their will, abducted or locked in"),
    ),
    review_months=3,
    source="Barnardo's SERAF: vulnerabilities 1 point each; moderate indicators 1 point if now "
    "or in the last 6 months; significant indicators 5 points if now or in the last 6 months, "
    "1 if 6 to 12 months ago, 6 if both. 0-5 not at risk, 6-10 mild, 11-15 moderate, "
    "16+ significant. Review every 3 months.",
)


# -- The categorical combined exploitation tool ----------------------------------------------------

EMERGING, SIGNIFICANT, EXPERIENCING = "emerging", "significant", "experiencing"


def _c(group: str, level: str, code: str, text: str) -> Indicator:
    return Indicator(f"{group}_{code}", text, group, YES_NO, level=level)


COMBINED = Tool(
    code="combined",
    version="1",
    name="Child exploitation screening (combined)",
    method=ScoringMethod.HIGHEST_LEVEL,
    bands=(
        Band("none", "No indicators"),
        Band(EMERGING, "Emerging risk"),
        Band(SIGNIFICANT, "Significant risk"),
        Band(EXPERIENCING, "Experiencing exploitation"),
    ),
    groups={
        "cse": "Child sexual exploitation",
        "cce": "Child criminal exploitation",
        "county_lines": "County lines",
        "trafficking": "Trafficking and modern slavery",
        "radicalisation": "Radicalisation",
    },
    indicators=(
        _c("cse", EMERGING, "gifts", "Unexplained gifts, money or phone credit"),
        _c("cse", EMERGING, "online", "Secretive online contact with people not known to carers"),
        _c("cse", SIGNIFICANT, "older_partner", "A relationship with someone much older"),
        _c("cse", SIGNIFICANT, "risky_places", "Seen at addresses or parties known for abuse"),
        _c("cse", EXPERIENCING, "disclosed", "Has disclosed being sexually exploited"),
        _c("cse", EXPERIENCING, "exchange", "Sex in exchange for money, drugs, goods or shelter"),
        _c("cce", EMERGING, "new_friends", "New older friends; drops old friends"),
        _c("cce", EMERGING, "money", "Has money or clothes that cannot be explained"),
        _c("cce", SIGNIFICANT, "arrested", "Arrested with others for theft, drugs or violence"),
        _c("cce", SIGNIFICANT, "weapon", "Carries a weapon or talks of needing protection"),
        _c("cce", EXPERIENCING, "debt", "Owes a debt to others and is made to work it off"),
        _c("cce", EXPERIENCING, "directed", "Directed by others to commit crime"),
        _c("county_lines", EMERGING, "phones", "Several phones, or a phone that never stops"),
        _c("county_lines", EMERGING, "travel", "Travel tickets or journeys they cannot explain"),
        _c("county_lines", SIGNIFICANT, "found_away", "Found missing in another town"),
        _c("county_lines", SIGNIFICANT, "drugs_found", "Found with drugs or large sums of cash"),
        _c("county_lines", EXPERIENCING, "dealing", "Dealing drugs away from home for others"),
        _c("county_lines", EXPERIENCING, "trap_house", "Found in a property used for dealing"),
        _c("trafficking", EMERGING, "documents", "Someone else holds their identity documents"),
        _c(
            "trafficking",
            EMERGING,
            "unsure_where",
            "Does not know their address or where they have been",
        ),
        _c("trafficking", SIGNIFICANT, "moved", "Moved between places by others"),
        _c("trafficking", SIGNIFICANT, "controlled", "Movements or contacts controlled by others"),
        _c("trafficking", EXPERIENCING, "forced_work", "Made to work for others, paid or unpaid"),
        _c("trafficking", EXPERIENCING, "held", "Held somewhere against their will"),
        _c("radicalisation", EMERGING, "isolated", "Increasingly isolated; new online circles"),
        _c("radicalisation", EMERGING, "views", "Expresses us-and-them or extremist views"),
        _c("radicalisation", SIGNIFICANT, "material", "Views or shares extremist material"),
        _c("radicalisation", SIGNIFICANT, "contacts", "In contact with known extremists"),
        _c("radicalisation", EXPERIENCING, "planning", "Talks of or plans violence for a cause"),
        _c("radicalisation", EXPERIENCING, "recruited", "Involved with an extremist group"),
    ),
    source="A categorical screening across types of exploitation with levels emerging, "
    "significant and experiencing (in the style of Buckinghamshire's child exploitation tool).",
)


TOOLS: dict[tuple[str, str], Tool] = {(t.code, t.version): t for t in (SERAF, COMBINED)}


def tool_get(code: str, version: str | None = None) -> Tool:
    """The tool `code` at `version` (None: its current version)."""
    if version is None:
        return current_tools()[code] if code in current_tools() else _unknown(code, version)
    tool = TOOLS.get((code, version))
    return tool if tool is not None else _unknown(code, version)


def _unknown(code: str, version: str | None) -> Tool:
    raise ScreeningAnswersError(UNKNOWN_TOOL.format(tool=code, version=version))


def current_tools() -> dict[str, Tool]:
    """Each tool's newest version, by code, in the order tools are offered."""
    newest: dict[str, Tool] = {}
    for tool in TOOLS.values():
        kept = newest.get(tool.code)
        if kept is None or int(tool.version) > int(kept.version):
            newest[tool.code] = tool
    return newest
