"""Exploitation screening tools: SERAF's published scoring rules, the categorical tool, and the
screening review duty the protocol plans."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homesafe.protocol.calendar import LONDON
from homesafe.protocol.duties import plan_duties, screening_review_on
from homesafe.protocol.facts import (
    CaseFacts,
    ChildFacts,
    ChildStatus,
    DutyKind,
    DutyStatus,
    EpisodeFacts,
    OwnerRole,
    Risk,
    ScreeningFacts,
)
from homesafe.protocol.screening import (
    COMBINED,
    SERAF,
    TOOLS,
    Answer,
    ScreeningAnswersError,
    add_months,
    band_for_score,
    current_tools,
    score,
    tool_get,
    validate_answers,
)
from homesafe.protocol.settings import ProtocolSettings

A = Answer
VULNERABILITIES = [i.code for i in SERAF.indicators if i.group == "vulnerability"]
MODERATE = [i.code for i in SERAF.indicators if i.group == "moderate"]
SIGNIFICANT = [i.code for i in SERAF.indicators if i.group == "significant"]


def seraf(**answers: Answer) -> dict[str, str]:
    """A complete SERAF answer set: everything "no" except what is given."""
    base = {i.code: A.NO for i in SERAF.indicators}
    return base | answers


def combined(*present: str) -> dict[str, str]:
    return {i.code: (A.YES if i.code in present else A.NO) for i in COMBINED.indicators}


# -- SERAF: the published rules -------------------------------------------------------------------


def test_no_concerns_scores_zero_not_at_risk():
    result = score(SERAF, seraf())
    assert (result.score, result.band) == (0, "not_at_risk")


def test_each_vulnerability_is_one_point():
    assert score(SERAF, seraf(**{VULNERABILITIES[0]: A.YES})).score == 1
    assert score(SERAF, seraf(**dict.fromkeys(VULNERABILITIES[:4], A.YES))).score == 4


@pytest.mark.parametrize(
    ("answer", "points"), [(A.RECENT, 1), (A.EARLIER, 0), (A.BOTH, 1), (A.NO, 0)]
)
def test_a_moderate_indicator_counts_only_now_or_in_the_last_6_months(answer, points):
    assert score(SERAF, seraf(**{MODERATE[0]: answer})).score == points


@pytest.mark.parametrize(
    ("answer", "points"), [(A.RECENT, 5), (A.EARLIER, 1), (A.BOTH, 6), (A.NO, 0)]
)
def test_a_significant_indicator_is_5_recent_1_earlier_and_6_for_both_periods(answer, points):
    assert score(SERAF, seraf(**{SIGNIFICANT[0]: answer})).score == points


def test_both_periods_is_the_sum_of_the_two_windows():
    recent = score(SERAF, seraf(**{SIGNIFICANT[0]: A.RECENT})).score
    earlier = score(SERAF, seraf(**{SIGNIFICANT[0]: A.EARLIER})).score
    both = score(SERAF, seraf(**{SIGNIFICANT[0]: A.BOTH}))
    assert both.score == recent + earlier == 6
    assert both.band == "mild"  # one significant indicator in both periods alone: 6 points
    assert both.points == {SIGNIFICANT[0]: 6}


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "not_at_risk"),
        (5, "not_at_risk"),
        (6, "mild"),
        (10, "mild"),
        (11, "moderate"),
        (15, "moderate"),
        (16, "significant"),
        (60, "significant"),
    ],
)
def test_band_boundaries(total, band):
    assert band_for_score(SERAF, total) == band


def _answers_totalling(total: int) -> dict[str, str]:
    """Real answers worth exactly `total` points (significant 5s, then vulnerabilities)."""
    fives, ones = divmod(total, 5)
    answers = dict.fromkeys(SIGNIFICANT[:fives], A.RECENT)
    answers |= dict.fromkeys(VULNERABILITIES[:ones], A.YES)
    return seraf(**answers)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (5, "not_at_risk"),
        (6, "mild"),
        (10, "mild"),
        (11, "moderate"),
        (15, "moderate"),
        (16, "significant"),
    ],
)
def test_band_boundaries_from_answers(total, band):
    result = score(SERAF, _answers_totalling(total))
    assert (result.score, result.band) == (total, band)


def test_a_worked_example():
    # 3 vulnerabilities (3), 2 recent moderate (2) and 1 earlier moderate (0),
    # 1 significant now (5), 1 significant in both periods (6): 16, significant.
    answers = seraf(
        **dict.fromkeys(VULNERABILITIES[:3], A.YES),
        **{MODERATE[0]: A.RECENT, MODERATE[1]: A.BOTH, MODERATE[2]: A.EARLIER},
        **{SIGNIFICANT[0]: A.RECENT, SIGNIFICANT[1]: A.BOTH},
    )
    result = score(SERAF, answers)
    assert (result.score, result.band) == (16, "significant")


def test_the_maximum_score():
    everything = {
        i.code: (A.YES if i.group == "vulnerability" else A.BOTH) for i in SERAF.indicators
    }
    expected = len(VULNERABILITIES) + len(MODERATE) + 6 * len(SIGNIFICANT)
    assert score(SERAF, everything).score == expected


# -- SERAF: properties ----------------------------------------------------------------------------

RANK = {A.NO: 0, A.EARLIER: 1, A.RECENT: 2, A.BOTH: 3, A.YES: 1}


def _answer(indicator):
    return st.sampled_from(indicator.answers)


seraf_answers = st.fixed_dictionaries({i.code: _answer(i) for i in SERAF.indicators})


def _more_concern(answer: Answer, other: Answer) -> bool:
    """`other` says at least as much as `answer` (no < earlier/recent < both; no < yes)."""
    if answer == other or answer == A.NO:
        return True
    return other == A.BOTH


@given(seraf_answers, seraf_answers)
def test_score_is_monotonic_in_the_answers(first, second):
    raised = {
        code: second[code] if _more_concern(first[code], second[code]) else first[code]
        for code in first
    }
    assert score(SERAF, raised).score >= score(SERAF, first).score
    order = [band.code for band in SERAF.bands]
    assert order.index(score(SERAF, raised).band) >= order.index(score(SERAF, first).band)


@given(seraf_answers)
def test_score_is_the_sum_of_the_published_weights(answers):
    expected = 0
    for indicator in SERAF.indicators:
        value = answers[indicator.code]
        if indicator.group == "vulnerability":
            expected += value == A.YES
        elif indicator.group == "moderate":
            expected += value in (A.RECENT, A.BOTH)
        else:
            expected += {A.RECENT: 5, A.EARLIER: 1, A.BOTH: 6}.get(value, 0)
    assert score(SERAF, answers).score == expected


@given(st.integers(min_value=0, max_value=500))
def test_bands_follow_the_published_ranges(total):
    band = band_for_score(SERAF, total)
    if total <= 5:
        assert band == "not_at_risk"
    elif total <= 10:
        assert band == "mild"
    elif total <= 15:
        assert band == "moderate"
    else:
        assert band == "significant"


@given(st.integers(min_value=0, max_value=499))
def test_band_never_falls_as_the_score_rises(total):
    order = [band.code for band in SERAF.bands]
    assert order.index(band_for_score(SERAF, total + 1)) >= order.index(
        band_for_score(SERAF, total)
    )


# -- Answers are validated against the tool -------------------------------------------------------


def test_every_indicator_must_be_answered():
    answers = seraf()
    del answers[MODERATE[0]]
    with pytest.raises(ScreeningAnswersError) as error:
        validate_answers(SERAF, answers)
    assert error.value.indicator == MODERATE[0]


def test_an_answer_must_be_one_the_indicator_allows():
    with pytest.raises(ScreeningAnswersError) as error:
        validate_answers(SERAF, seraf(**{VULNERABILITIES[0]: A.BOTH}))  # yes/no only
    assert error.value.indicator == VULNERABILITIES[0]
    with pytest.raises(ScreeningAnswersError):
        validate_answers(SERAF, seraf(**{SIGNIFICANT[0]: "sometimes"}))


def test_unknown_indicators_are_refused():
    with pytest.raises(ScreeningAnswersError) as error:
        validate_answers(SERAF, seraf() | {"favourite_colour": "no"})
    assert error.value.indicator == "favourite_colour"


def test_answers_must_be_a_mapping():
    with pytest.raises(ScreeningAnswersError):
        validate_answers(SERAF, ["no"])


def test_tools_are_found_by_code_and_version():
    assert tool_get("seraf") is SERAF
    assert tool_get("combined", "1") is COMBINED
    assert set(current_tools()) == {"seraf", "combined"}
    with pytest.raises(ScreeningAnswersError):
        tool_get("seraf", "99")
    with pytest.raises(ScreeningAnswersError):
        tool_get("nonsense")


@pytest.mark.parametrize("tool", list(TOOLS.values()), ids=lambda tool: tool.code)
def test_every_tool_is_well_formed(tool):
    codes = [i.code for i in tool.indicators]
    assert len(codes) == len(set(codes))
    assert all(i.group in tool.groups for i in tool.indicators)
    if tool.method == "highest_level":
        assert all(i.level in tool.band_codes for i in tool.indicators)
    else:
        bounds = [band.min_score for band in tool.bands]
        assert bounds == sorted(bounds) and bounds[0] == 0


# -- The categorical combined tool ----------------------------------------------------------------


def test_combined_with_nothing_seen_has_no_indicators():
    result = score(COMBINED, combined())
    assert result.score is None
    assert result.band == "none"
    assert set(result.group_bands) == set(COMBINED.groups)


def test_combined_band_is_the_highest_level_seen():
    result = score(COMBINED, combined("cse_gifts", "county_lines_found_away"))
    assert result.band == "significant"
    assert result.group_bands["cse"] == "emerging"
    assert result.group_bands["county_lines"] == "significant"
    assert result.group_bands["radicalisation"] == "none"
    assert score(COMBINED, combined("cce_directed", "cse_gifts")).band == "experiencing"


@given(st.sets(st.sampled_from([i.code for i in COMBINED.indicators])))
def test_combined_band_never_falls_when_more_is_seen(present):
    order = list(COMBINED.band_codes)
    fewer = sorted(present)[: len(present) // 2]
    assert order.index(score(COMBINED, combined(*present)).band) >= order.index(
        score(COMBINED, combined(*fewer)).band
    )


# -- The review date and the review duty ----------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 11, 25), 3, dt.date(2027, 2, 25)),
        (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
        (dt.date(2027, 11, 30), 3, dt.date(2028, 2, 29)),
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2026, 12, 15), 12, dt.date(2027, 12, 15)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_seraf_review_is_every_3_months_by_default():
    settings = ProtocolSettings.defaults()
    assert settings.screening_review_months == SERAF.review_months == 3
    assert screening_review_on(dt.date(2026, 11, 25), settings) == dt.date(2027, 2, 25)


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def _plan(episodes, screenings, *, now=None, settings=None, allocated=False):
    facts = CaseFacts(
        now=now or london(2026, 11, 25, 12),
        child=ChildFacts(
            date_of_birth=dt.date(2011, 5, 4),
            status=ChildStatus.HOME,
            allocated=allocated,
            screenings=tuple(screenings),
        ),
        episodes=tuple(episodes),
    )
    duties = plan_duties(facts, settings or ProtocolSettings())
    return [d for d in duties if d.kind == DutyKind.SCREENING_REVIEW]


def _episode(id, *args):
    return EpisodeFacts(id=id, reported_at=london(*args), risk=Risk.LOW)


def test_a_screening_plans_its_review_on_the_latest_episode():
    reviews = _plan(
        [_episode("e1", 2026, 6, 1, 10), _episode("e2", 2026, 11, 1, 10)],
        [ScreeningFacts("s1", completed_at=london(2026, 11, 20, 15))],
    )
    assert len(reviews) == 1
    review = reviews[0]
    assert review.episode == "e2"
    assert review.due_at == london(2027, 2, 20, 23, 59, 59)
    assert review.status == DutyStatus.OPEN
    assert review.owner_role == OwnerRole.MISSING_COORDINATOR
    assert review.rule == "screening_review_months"
    assert "every 3 months" in review.reason


def test_no_episode_no_review_duty():
    assert _plan([], [ScreeningFacts("s1", completed_at=london(2026, 11, 20, 15))]) == []


def test_a_stored_review_date_wins_and_becomes_overdue():
    (review,) = _plan(
        [_episode("e1", 2026, 6, 1, 10)],
        [ScreeningFacts("s1", completed_at=london(2026, 7, 1, 9), review_on=dt.date(2026, 9, 1))],
        allocated=True,
    )
    assert review.due_at == london(2026, 9, 1, 23, 59, 59)
    assert review.status == DutyStatus.OVERDUE
    assert review.owner_role == OwnerRole.SOCIAL_WORKER


def test_a_new_screening_closes_the_earlier_review():
    episodes = [_episode("e1", 2026, 6, 1, 10), _episode("e2", 2026, 10, 1, 10)]
    first = ScreeningFacts("s1", completed_at=london(2026, 7, 1, 9))
    second = ScreeningFacts("s2", completed_at=london(2026, 11, 2, 9))
    reviews = {d.episode: d for d in _plan(episodes, [first, second])}
    assert reviews["e1"].status == DutyStatus.DONE
    assert "A later screening was completed" in reviews["e1"].reason
    assert reviews["e2"].status == DutyStatus.OPEN
    assert reviews["e2"].due_at == london(2027, 2, 2, 23, 59, 59)


def test_a_second_screening_on_the_same_episode_moves_the_review():
    reviews = _plan(
        [_episode("e1", 2026, 6, 1, 10)],
        [
            ScreeningFacts("s1", completed_at=london(2026, 7, 1, 9)),
            ScreeningFacts("s2", completed_at=london(2026, 10, 1, 9)),
        ],
    )
    assert [(d.episode, d.due_at, d.status) for d in reviews] == [
        ("e1", london(2027, 1, 1, 23, 59, 59), DutyStatus.OPEN)
    ]


def test_a_screening_before_every_episode_attaches_to_the_first():
    (review,) = _plan(
        [_episode("e1", 2026, 11, 1, 10)],
        [ScreeningFacts("s1", completed_at=london(2026, 10, 1, 9))],
    )
    assert review.episode == "e1"


def test_the_review_months_and_disabling_are_settings():
    episodes = [_episode("e1", 2026, 6, 1, 10)]
    screenings = [ScreeningFacts("s1", completed_at=london(2026, 11, 1, 9))]
    (review,) = _plan(episodes, screenings, settings=ProtocolSettings(screening_review_months=6))
    assert review.due_at == london(2027, 5, 1, 23, 59, 59)
    disabled = ProtocolSettings(disabled_duties=(DutyKind.SCREENING_REVIEW,))
    assert _plan(episodes, screenings, settings=disabled) == []
