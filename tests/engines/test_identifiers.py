"""Tax codes and ORCID iDs, checked by python-stdnum; the check digits worked out by hand."""

import pytest

from stihub.engines.identifiers import IdentifierError, orcid, tax_code, vsic


def test_a_tax_code_with_its_check_digit():
    # 0100109106: weights 31 29 23 19 17 13 7 5 3 on the first nine digits:
    # 0*31 + 1*29 + 0*23 + 0*19 + 1*17 + 0*13 + 9*7 + 1*5 + 0*3 = 29 + 17 + 63 + 5 = 114;
    # 10 - 114 % 11 = 10 - 4 = 6, the tenth digit.
    assert tax_code("0100109106") == "0100109106"
    assert tax_code(" 0100109106-001 ") == "0100109106-001"
    assert tax_code("0100109106001") == "0100109106-001"


@pytest.mark.parametrize(
    "bad", ["0100109107", "010010910", "01001091060", "0100109106-01", "abc", ""]
)
def test_a_wrong_tax_code_is_refused_with_a_message(bad):
    with pytest.raises(IdentifierError) as error:
        tax_code(bad)
    assert "tax code" in error.value.template
    assert error.value.params == {"value": bad}


def test_orcid_with_its_iso_7064_check_character():
    # ORCID's own example 0000-0002-1825-0097: MOD 11-2 over the first 15 digits gives 7.
    assert orcid("0000-0002-1825-0097") == "0000-0002-1825-0097"
    assert orcid("https://orcid.org/0000-0002-1825-0097") == "0000-0002-1825-0097"
    assert orcid("0000000218250097") == "0000-0002-1825-0097"
    # 0000-0002-9079-593X: the check character is 10, written X.
    assert orcid("0000-0002-9079-593x") == "0000-0002-9079-593X"
    with pytest.raises(IdentifierError):
        orcid("0000-0002-1825-0098")
    with pytest.raises(IdentifierError):
        orcid("0000-0002-1825")


def test_vsic_codes_are_two_to_five_digits():
    assert vsic("10") == "10"
    assert vsic("10792") == "10792"
    for bad in ("1", "107921", "C10", ""):
        with pytest.raises(IdentifierError):
            vsic(bad)
