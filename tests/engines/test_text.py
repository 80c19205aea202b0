"""Vietnamese text: folding for search, and alphabetical order (a ă â b c d đ e ê ...)."""

import pytest

from stihub.engines.text import exact, fold, person_sort_text, sort_key, vietnamese_sort_key


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nguyễn Văn Đức", "nguyen van duc"),
        ("ĐẶNG THỊ Ánh", "dang thi anh"),
        ("Dương", "duong"),
        ("Đường Hồ Chí Minh, số 12", "duong ho chi minh so 12"),
        ("  Trường  Đại học   Vinh ", "truong dai hoc vinh"),
        ("Hồ_Chí%Minh", "ho chi minh"),  # LIKE wildcards never survive folding
        ("", ""),
        (None, ""),
    ],
)
def test_fold_gives_plain_words(text, folded):
    assert fold(text) == folded


def test_exact_keeps_the_marks_for_ranking():
    assert exact("Dương  VĂN") == "dương văn"
    assert exact("Dương") != exact("Đường")


# The order a Vietnamese dictionary gives, written out by hand: letters first (a < ă < â,
# d < đ, e < ê, o < ô < ơ, u < ư), then tones (ngang, huyền, hỏi, ngã, sắc, nặng); a word
# that is a prefix comes first; case does not count.
DICTIONARY_ORDER = [
    "An",
    "Anh",
    "Anh Sơn",
    "Anhxa",
    "Ăn",
    "Ân",
    "Bình",
    "Dung",
    "Dũng",
    "Dụng",
    "Dương",
    "Đức",
    "Được",
    "Đường",
    "E",
    "Ê",
    "Ế",
    "Oanh",
    "Ôn",
    "Ơn",
    "Tú",
    "Tư",
]


def test_the_python_key_gives_dictionary_order():
    shuffled = list(reversed(DICTIONARY_ORDER))
    assert sorted(shuffled, key=vietnamese_sort_key) == DICTIONARY_ORDER


def test_the_database_key_orders_as_the_python_key():
    # As strings of digits: compared character by character, as SQLite and PostgreSQL do.
    shuffled = list(reversed(DICTIONARY_ORDER))
    assert sorted(shuffled, key=sort_key) == DICTIONARY_ORDER
    assert all(key.isdigit() for key in map(sort_key, DICTIONARY_ORDER))


def test_people_sort_by_given_name_first():
    names = ["Trần Văn Bình", "Nguyễn Thị An", "Lê Đức", "Phạm Dung"]
    by_list_order = sorted(names, key=lambda n: sort_key(person_sort_text(n)))
    # Given names An < Bình < Dung < Đức.
    assert by_list_order == ["Nguyễn Thị An", "Trần Văn Bình", "Phạm Dung", "Lê Đức"]
    assert person_sort_text("Nguyễn Văn An") == "An Nguyễn Văn"
