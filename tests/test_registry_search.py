"""Registry search as Vietnamese users type (search.py, filters.py, the list pages): without
marks, đ/d, prefixes, relevance, Vietnamese order, facet counts, and what the public sees.
Every expected order below is worked out by hand from the rules in search.py. The suite runs
on SQLite and on PostgreSQL (CI), so these also prove the two give the same results."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict
from django.urls import reverse

from stihub.registry import search
from stihub.registry.facets import facets as facets_of
from stihub.registry.filters import FILTERS
from stihub.registry.models import Enterprise, Expert, FieldOfScience, Organization
from stihub.registry.registries import visible

pytestmark = pytest.mark.django_db


def expert(name, consent=True, **extra):
    extra.setdefault("location", "province")
    return Expert.objects.create(full_name=name, public_consent=consent, **extra)


def names(registry="experts", query="", user=None):
    """The names the search layer gives `user` (anonymous by default), in order."""
    rows = FILTERS[registry](QueryDict(query), queryset=visible(registry, user or AnonymousUser()))
    assert rows.is_valid(), rows.errors
    return [str(row) for row in rows.qs]


@pytest.fixture
def people(db):
    return [
        expert("Nguyễn Văn An"),
        expert("Nguyễn Văn Anh"),
        expert("Trần Thị Ánh"),
        expert("An Văn Tú"),
        expert("Lê Thị Hoa", keywords="an toàn thực phẩm"),
        expert("Dương Văn Bình"),
        expert("Đường Văn Bình"),
        expert("Đặng Thị Mai"),
        expert("Lê Văn Đức"),
        expert("Dang Thi Thu"),  # entered without marks
        expert("Nguyễn Thị Kín", consent=False, email="kin@secret.vn", phone="0912000111"),
    ]


def test_names_typed_without_marks(people):
    # Every word must begin a word of the name: "nguyen van" → the two Nguyễn Văn, not Thị.
    assert names(query="q=nguyen van") == ["Nguyễn Văn An", "Nguyễn Văn Anh"]
    assert names(query="q=NGUYEN   VAN") == ["Nguyễn Văn An", "Nguyễn Văn Anh"]
    assert names(query="q=tran thi anh") == ["Trần Thị Ánh"]


def test_duong_finds_both_and_marks_decide_the_order(people):
    # Both fold to "duong van binh"; same relevance (the name starts with the query).
    # Without marks: alphabetical, given name first: "Bình Dương Văn" < "Bình Đường Văn" (d < đ).
    assert names(query="q=Duong") == ["Dương Văn Bình", "Đường Văn Bình"]
    # Typed with marks, the name written that way comes first.
    assert names(query="q=Dương") == ["Dương Văn Bình", "Đường Văn Bình"]
    assert names(query="q=Đường") == ["Đường Văn Bình", "Dương Văn Bình"]


def test_d_and_dj_match_both_ways(people):
    # Words beginning with d or đ: Dương, Đường, Đặng, Đức, Dang. Relevance: the three whose name
    # starts with d/đ come first (tier 1), then "Lê Văn Đức" (tier 3: a later word starts with it).
    # Within tier 1, by given name: Bình Dương, Bình Đường, Mai Đặng, Thu Dang.
    expected = ["Dương Văn Bình", "Đường Văn Bình", "Đặng Thị Mai", "Dang Thi Thu", "Lê Văn Đức"]
    assert names(query="q=d") == expected
    assert names(query="q=đ") == [  # the same rows; typed with a mark, đ-names first
        "Đường Văn Bình", "Đặng Thị Mai", "Dương Văn Bình", "Dang Thi Thu", "Lê Văn Đức",
    ]  # fmt: skip
    assert names(query="q=duc") == names(query="q=đức") == ["Lê Văn Đức"]
    # A record entered without marks is found by a query typed with them, and the other way.
    assert names(query="q=Đặng") == ["Đặng Thị Mai", "Dang Thi Thu"]
    assert names(query="q=dang") == ["Đặng Thị Mai", "Dang Thi Thu"]


def test_prefixes_as_the_user_types(people):
    nguyen = ["Nguyễn Văn An", "Nguyễn Văn Anh"]  # the non-consenting Nguyễn Thị Kín is hidden
    for typed in ("n", "ng", "ngu", "nguy", "nguye", "nguyen", "nguyen v", "nguyen van a"):
        found = names(query=f"q={typed}")
        assert all(name in found for name in nguyen), typed
    assert names(query="q=nguyen van an") == nguyen  # An: the whole name; Anh: starts with it
    assert names(query="q=nguyen van anh") == ["Nguyễn Văn Anh"]
    assert names(query="q=guyen") == []  # the middle of a word is not a match


def test_relevance_order(people):
    # "an": starts the name (An Văn Tú) > a whole word of the name (Nguyễn Văn An) > starts a
    # word of the name (Anh, Ánh; alphabetical: "Anh Nguyễn Văn" < "Ánh Trần Thị", n < t at
    # the first differing letter) > only elsewhere (Lê Thị Hoa's keyword "an toàn").
    assert names(query="q=an") == [
        "An Văn Tú", "Nguyễn Văn An", "Nguyễn Văn Anh", "Trần Thị Ánh", "Lê Thị Hoa",
    ]  # fmt: skip
    # the phrase as whole words (An) > as the start of words (Anh) > both words, elsewhere
    assert names(query="q=van an") == ["Nguyễn Văn An", "Nguyễn Văn Anh", "An Văn Tú"]


def test_a_query_without_words_lists_everything_alphabetically(people):
    assert names(query="q=!!!") == names() and len(names()) == 10


def test_vietnamese_alphabetical_order_given_name_first(db):
    for name in ["Trần Văn An", "Ngô Thị Yến", "Lê Thị Ý", "Nguyễn Thị Em", "Vũ Văn Đạt",
                 "Hồ Văn Dũng", "Phạm Văn Cường", "Bùi Văn Bình", "Lý Thị Âu", "Đỗ Thị Ăng",
                 "Nguyễn Văn An", "Hà Thị Ánh", "Hà Thị Anh"]:  # fmt: skip
        expert(name)
    # a ă â b c d đ e ... y; equal given names by family then middle name (Nguyễn < Trần);
    # Anh before Ánh (same letters, no tone before sắc); Ý before Yến (shorter first).
    assert names() == [
        "Nguyễn Văn An", "Trần Văn An", "Hà Thị Anh", "Hà Thị Ánh", "Đỗ Thị Ăng", "Lý Thị Âu",
        "Bùi Văn Bình", "Phạm Văn Cường", "Hồ Văn Dũng", "Vũ Văn Đạt", "Nguyễn Thị Em",
        "Lê Thị Ý", "Ngô Thị Yến",
    ]  # fmt: skip


def test_organizations_sort_by_their_whole_name(db):
    for i, name in enumerate(["Viện Đông y", "Viện Dược liệu", "Trường Đại học Vinh", "Ủy ban X"]):
        Organization.objects.create(code=f"O{i}", name=name, kind="other")
    # T < U < Ư < V; "Viện Dược" < "Viện Đông" (d < đ)
    assert names("organizations") == [
        "Trường Đại học Vinh", "Ủy ban X", "Viện Dược liệu", "Viện Đông y",
    ]  # fmt: skip


@pytest.fixture
def facetted(db):
    f22, f11, f3 = (FieldOfScience.objects.get(code=c) for c in ("2.2", "1.1", "3"))
    rows = [
        ("Nguyễn Văn A", "TS", "province", "reviewer;council", [f22], True),
        ("Nguyễn Văn B", "TS", "abroad", "council", [f22, f11], True),
        ("Nguyễn Thị C", "ThS", "province", "", [f3], True),
        ("Trần Văn D", "TS", "vietnam", "mentor", [f11], True),
        ("Nguyễn Văn E", "TS", "province", "reviewer", [f22], False),  # not public
    ]
    for name, degree, location, roles, fields, consent in rows:
        person = expert(name, consent, degree=degree, location=location, roles=roles)
        person.fields.set(fields)


def counts(query, user=None):
    rows = FILTERS["experts"](
        QueryDict(query), queryset=visible("experts", user or AnonymousUser())
    )
    assert rows.is_valid()
    return [{v: n for v, _l, n in values} for _f, values in facets_of("experts", rows.matched)]


def test_facet_counts(facetted):
    found = counts("q=nguyen")  # A, B, C (E is not public)
    assert found[0] == {"1": 1, "2": 2, "3": 1}  # B in 1 and 2
    assert found[1] == {"1.1": 1, "2.2": 2}  # "3" is level 1
    assert found[2] == {"province": 2, "abroad": 1}
    assert found[3] == {"TS": 2, "ThS": 1}
    assert found[4] == {}
    assert found[5] == {"reviewer": 1, "council": 2}
    # all five for DOST, and a facet filter narrows the counts: TS → A, B, D, E
    dost = counts("degree=TS", user=_dost())
    assert dost[2] == {"province": 2, "abroad": 1, "vietnam": 1}


def _dost():
    from stihub.core.choices import Role
    from tests.conftest import make_user

    return make_user("dost-facets", Role.DOST_OFFICER)


def test_facet_filters(facetted):
    assert names(query="field=2") == ["Nguyễn Văn A", "Nguyễn Văn B"]  # level 1 takes in 2.2
    assert names(query="field=1.1") == ["Nguyễn Văn B", "Trần Văn D"]
    assert names(query="role=council&q=nguyen") == ["Nguyễn Văn A", "Nguyễn Văn B"]
    assert names(query="location=abroad") == ["Nguyễn Văn B"]
    assert names(query="field=9.9") == []  # an unknown code finds nothing


def test_enterprises_search_and_facets(db):
    Enterprise.objects.create(
        tax_code="2900100001", name="Công ty Dược phẩm Đông Á", st_cert_date="2024-01-02"
    )
    Enterprise.objects.create(
        tax_code="2900100002", name="Công ty Dương Hà", startup_recognised_on="2024-03-01"
    )
    Enterprise.objects.create(tax_code="2900100003", name="Công ty Đông Dược")  # not recognised
    # "dong" begins a word of the first and the third name; the third is not public.
    assert names("enterprises", "q=dong") == ["Công ty Dược phẩm Đông Á"]
    # the tax code is outside the name (same relevance): alphabetical, "Dược" < "Dương" (c < n)
    assert names("enterprises", "q=29001") == ["Công ty Dược phẩm Đông Á", "Công ty Dương Hà"]
    rows = FILTERS["enterprises"](QueryDict(""), queryset=visible("enterprises", AnonymousUser()))
    assert rows.is_valid()
    status = facets_of("enterprises", rows.matched)[3][1]
    assert [(v, n) for v, _label, n in status] == [("certified", 1), ("startup", 1)]


def test_public_list_page_hides_non_consenting_people_and_restricted_fields(client, people):
    url = reverse("registry:list", args=["experts"])
    page = client.get(url, {"q": "nguyen"}).content.decode()
    assert "Nguyễn Văn An" in page
    assert "Kín" not in page and "kin@secret.vn" not in page and "0912000111" not in page
    partial = client.get(url, {"q": "kin"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "Kín" not in partial.content.decode()
    assert "<html" not in partial.content.decode()  # the results alone, for htmx
    home = client.get(reverse("registry:home"), {"q": "Nguyễn Thị"}).content.decode()
    assert "Kín" not in home


def test_staff_list_shows_every_row_but_no_restricted_field(client_for, people):
    page = client_for("dost").get(reverse("registry:list", args=["experts"]), {"q": "kin"})
    text = page.content.decode()
    assert "Nguyễn Thị Kín" in text and "kin@secret.vn" not in text
    assert reverse("registry:create", args=["experts"]) in text


def test_list_page_refuses_a_malformed_filter(client, people):
    response = client.get(reverse("registry:list", args=["experts"]), {"degree": "nope"})
    assert response.status_code == 400
    assert client.get(reverse("registry:list", args=["experts"]), {"page": "x"}).status_code == 200
    assert client.get(reverse("registry:list", args=["nothing"])).status_code == 404


def test_search_follows_edits_bulk_writes_and_deletions(db):
    person = expert("Nguyễn Văn An")
    person.full_name = "Trần Văn Bình"
    person.save()
    assert names(query="q=nguyen") == [] and names(query="q=tran binh") == ["Trần Văn Bình"]
    person.full_name = "Lê Thị Hoa"
    person.refresh_search()
    Expert.objects.bulk_update([person], ["full_name", "search_name", "search_text", "sort_key"])
    assert names(query="q=tran") == [] and names(query="q=le hoa") == ["Lê Thị Hoa"]
    others = [Expert(full_name=f"Đỗ Văn {n}", location="province", public_consent=True)
              for n in ("Tâm", "Tú")]  # fmt: skip
    for other in others:
        other.refresh_search()
    Expert.objects.bulk_create(others)
    assert names(query="q=do van t") == ["Đỗ Văn Tâm", "Đỗ Văn Tú"]
    Expert.objects.filter(full_name="Lê Thị Hoa").delete()
    assert names(query="q=le") == []


def test_each_database_searches_through_its_word_index(db):
    from django.db import connection

    query = search.parse("nguyen van")
    sql = str(search.match(Expert.objects.all(), query).query)
    if connection.vendor == "sqlite":
        for table in search.SEARCHABLE_TABLES:
            assert search._has_fts("default", table), table
        assert "_fts" in sql
    else:  # PostgreSQL: the generated tsvector column of migration 0003
        assert "search_vector" in sql
    # the LIKEs, for walks in order, select the same rows
    scanned = search.match(Expert.objects.all(), query, index=False)
    assert "search_text" in str(scanned.query) and "_fts" not in str(scanned.query)


# --- more results than search.CAP: a count that stops, pages taken tier by tier --------------


def paged(query, size=2):
    """The names of every page of `query`'s results, `size` at a time, as the list pages take
    them (search.found, then search.page)."""
    rows = FILTERS["experts"](QueryDict(query), queryset=visible("experts", AnonymousUser()))
    assert rows.is_valid(), rows.errors
    total, matched = search.found(rows.matched)
    ids = []
    while True:
        got = search.page(matched, rows.scanned, rows.query, len(ids), size, total)
        ids += got
        if len(got) < size:
            break
    found = Expert.objects.in_bulk(ids)
    return [str(found[pk]) for pk in ids]


@pytest.mark.parametrize("small", [1, 1000])  # 1: every tier walked; 1000: every tier sorted
def test_broad_results_come_tier_by_tier_in_relevance_order(people, monkeypatch, small):
    monkeypatch.setattr(search, "CAP", 1)  # every query with two results or more is "broad"
    monkeypatch.setattr(search, "SMALL", small)
    # the orders worked out by hand in the tests above, whichever way the page is taken
    d = ["Dương Văn Bình", "Đường Văn Bình", "Đặng Thị Mai", "Dang Thi Thu", "Lê Văn Đức"]
    assert paged("q=d") == d
    assert paged("q=đ") == [
        "Đường Văn Bình", "Đặng Thị Mai", "Dương Văn Bình", "Dang Thi Thu", "Lê Văn Đức",
    ]  # fmt: skip
    assert paged("q=an") == [
        "An Văn Tú", "Nguyễn Văn An", "Nguyễn Văn Anh", "Trần Thị Ánh", "Lê Thị Hoa",
    ]  # fmt: skip
    assert paged("q=van an", size=1) == ["Nguyễn Văn An", "Nguyễn Văn Anh", "An Văn Tú"]
    assert paged("q=Đường") == ["Đường Văn Bình", "Dương Văn Bình"]
    assert paged("q=nguyen van an") == ["Nguyễn Văn An", "Nguyễn Văn Anh"]
    assert paged("") == names()  # no query: Vietnamese order


def test_counts_stop_at_the_cap_and_facets_are_then_not_counted(client, people, monkeypatch):
    monkeypatch.setattr(search, "CAP", 3)
    client.cookies["django_language"] = "en"  # the texts below are the English msgids
    url = reverse("registry:list", args=["experts"])
    # "d" finds 5 public people (test_d_and_dj_match_both_ways): more than 3
    page = client.get(url, {"q": "d"}).content.decode()
    assert "More than 3 records" in page and "5 records" not in page
    assert "Dương Văn Bình" in page
    # the location facet: its values as links, without counts (the 5 live in the province)
    assert "In the province" in page and "(5)" not in page
    # "duong" finds 2 (Dương, Đường): counted, and so are the facets
    page = client.get(url, {"q": "duong"}).content.decode()
    assert "2 records" in page and "(2)" in page
    home = client.get(reverse("registry:home"), {"q": "d"}).content.decode()
    assert "More than 3 records found" in home
