"""Checks of identifiers, each with a message that names what is wrong."""

import re

from django.core.exceptions import ValidationError

NHS_NUMBER_INVALID = "Enter a 10-digit NHS number with a valid check digit"
UPN_INVALID = "Enter a 13-character UPN: a check letter then 12 digits (or 11 digits and a letter)"
POSTCODE_INVALID = "Enter a full UK postcode, like NG1 5DT"

_POSTCODE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})$")
_UPN = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")
_UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def validate_nhs_number(value: str) -> None:
    """Modulus 11 check of an NHS number (NHS Data Dictionary)."""
    digits = value.replace(" ", "")
    if not re.fullmatch(r"[0-9]{10}", digits):
        raise ValidationError(NHS_NUMBER_INVALID, code="nhs_number")
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10 or check != int(digits[9]):
        raise ValidationError(NHS_NUMBER_INVALID, code="nhs_number")


def upn_check_letter(body: str) -> str:
    """The DfE check letter for the 12 characters after it (letters in position 13 count as digits)."""
    total = 0
    for position, char in enumerate(body, start=2):
        number = int(char) if char.isdigit() else _UPN_CHECK_LETTERS.index(char)
        total += number * position
    return _UPN_CHECK_LETTERS[total % 23]


def validate_upn(value: str) -> None:
    upn = value.upper()
    if not _UPN.match(upn) or upn_check_letter(upn[1:]) != upn[0]:
        raise ValidationError(UPN_INVALID, code="upn")


def normalise_postcode(value: str) -> str:
    """Upper case with one space before the inward code: 'ng15dt' -> 'NG1 5DT'."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def validate_postcode(value: str) -> None:
    if not _POSTCODE.match(normalise_postcode(value)):
        raise ValidationError(POSTCODE_INVALID, code="postcode")
