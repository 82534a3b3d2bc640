import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from homesafe.people.validators import (
    normalise_postcode,
    upn_check_letter,
    validate_nhs_number,
    validate_postcode,
    validate_upn,
)


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "4010232137"])
def test_valid_nhs_numbers(number):
    validate_nhs_number(number)


@pytest.mark.parametrize("number", ["9434765918", "12345", "abcdefghij", "0000000001"])
def test_invalid_nhs_numbers(number):
    with pytest.raises(ValidationError):
        validate_nhs_number(number)


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_a_upn_with_its_own_check_letter_is_valid(digits):
    body = digits + "0"
    validate_upn(upn_check_letter(body) + body)


def test_a_upn_with_the_wrong_check_letter_is_invalid():
    body = "801200001001"
    right = upn_check_letter(body)
    wrong = "A" if right != "A" else "B"
    with pytest.raises(ValidationError):
        validate_upn(wrong + body)


@pytest.mark.parametrize(("raw", "normal"), [("ng15dt", "NG1 5DT"), (" sw1a  1aa ", "SW1A 1AA")])
def test_postcodes_are_normalised(raw, normal):
    assert normalise_postcode(raw) == normal
    validate_postcode(raw)


@pytest.mark.parametrize("bad", ["NG1", "12345", "NG1 5D", "NGG1 5DTT"])
def test_bad_postcodes(bad):
    with pytest.raises(ValidationError):
        validate_postcode(bad)
