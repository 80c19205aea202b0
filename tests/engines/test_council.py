"""The council-suggestion engine on files: conflicts excluded with their reason, ranking, roles."""

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from stihub.engines import council_cli
from stihub.engines.council import (
    REASONS,
    Expert,
    Proposal,
    load_experts_file,
    load_proposal_file,
    parse_proposal,
    score,
    suggest,
)
from stihub.engines.problems import DataError

FIXTURES = Path(__file__).parent.parent / "fixtures" / "council"
PROPOSAL = FIXTURES / "PROPOSAL.yaml"
EXPERTS = FIXTURES / "EXPERTS.csv"
ON = dt.date(2026, 6, 1)
HEADER = (
    "id,full_name,fields,keywords,organization,past_affiliations,relatives,coauthors,"
    "sanctioned_until\n"
)


def fixture_result(size=7, **kwargs):
    return suggest(load_proposal_file(PROPOSAL), load_experts_file(EXPERTS), size, ON, **kwargs)


def free(i, **kw):
    return Expert(id=f"F{i:02d}", fields=("9.9",), **kw)


BASE = Proposal(
    title="t",
    applicant_id="A",
    team_ids=("T",),
    host_org="Trường Đại học Vinh",
    partner_orgs=("Viện X",),
)


def reason_of(expert, proposal=BASE, others=(), on=ON, years=5):
    experts = [expert, *others, *(free(i) for i in range(10))]
    result = suggest(proposal, experts, 5, on, years)
    return {x["id"]: x["reason"] for x in result["excluded"]}.get(expert.id)


# --- each reason, with its stable code --------------------------------------------------


def test_applicant_and_team_members():
    assert reason_of(Expert(id="A")) == "applicant"
    assert reason_of(Expert(id="T")) == "team"


def test_current_organization_host_or_partner_folded():
    assert reason_of(Expert(id="X", organization="truong dai hoc VINH")) == "host_org"
    assert reason_of(Expert(id="X", organization="Viện X")) == "partner_org"
    assert reason_of(Expert(id="X", organization="Viện Y")) is None


def test_past_affiliation_within_the_last_n_years():
    # on 2026-06-01, years=5: an affiliation ending in 2021 or later (or still open) counts
    vinh = "truong dai hoc vinh"
    assert reason_of(Expert(id="X", past_affiliations=((vinh, 2010, 2021),))) == "past_affiliation"
    assert reason_of(Expert(id="X", past_affiliations=((vinh, 2010, 2020),))) is None
    assert (
        reason_of(Expert(id="X", past_affiliations=(("vien x", 2024, None),))) == "past_affiliation"
    )
    assert reason_of(Expert(id="X", past_affiliations=((vinh, 2010, 2018),)), years=8) == (
        "past_affiliation"
    )


def test_relatives_from_either_side():
    assert reason_of(Expert(id="X", relatives=frozenset({"T"}))) == "relative"
    team_member = Expert(id="T", relatives=frozenset({"X"}))
    assert reason_of(Expert(id="X"), others=[team_member]) == "relative"


def test_coauthors_from_either_side():
    assert reason_of(Expert(id="X", coauthors=frozenset({"A"}))) == "coauthor"
    applicant = Expert(id="A", coauthors=frozenset({"X"}))
    assert reason_of(Expert(id="X"), others=[applicant]) == "coauthor"
    # a coauthor of someone outside the team is no conflict
    assert reason_of(Expert(id="X", coauthors=frozenset({"F01"}))) is None


def test_sanctioned_on_or_after_the_reference_date():
    assert reason_of(Expert(id="X", sanctioned_until=ON)) == "sanctioned"
    assert reason_of(Expert(id="X", sanctioned_until=ON - dt.timedelta(days=1))) is None


def test_first_reason_wins_in_the_documented_order():
    # a team member who also works at the host, is a relative and is sanctioned: "team"
    everything = Expert(
        id="T",
        organization="Viện X",
        relatives=frozenset({"A"}),
        coauthors=frozenset({"A"}),
        sanctioned_until=ON,
    )
    assert reason_of(everything) == "team"
    # partner staff who is also a coauthor: partner_org comes before coauthor
    assert reason_of(Expert(id="X", organization="Viện X", coauthors=frozenset({"A"}))) == (
        "partner_org"
    )
    # relative and coauthor and sanctioned: relative
    both = Expert(
        id="X", relatives=frozenset({"T"}), coauthors=frozenset({"T"}), sanctioned_until=ON
    )
    assert reason_of(both) == "relative"
    assert REASONS == (
        "applicant",
        "team",
        "host_org",
        "partner_org",
        "past_affiliation",
        "relative",
        "coauthor",
        "sanctioned",
    )


def test_fixture_excludes_each_reason_once():
    # E05 is also listed as a relative by team member E02: past_affiliation comes first.
    result = fixture_result()
    assert [(x["id"], x["reason"]) for x in result["excluded"]] == [
        ("E01", "applicant"),
        ("E02", "team"),
        ("E03", "host_org"),
        ("E04", "partner_org"),
        ("E05", "past_affiliation"),
        ("E06", "relative"),
        ("E07", "coauthor"),
        ("E08", "sanctioned"),
    ]


# --- size: never fewer than asked when enough experts are free ----------------------------


@pytest.mark.parametrize("size", [5, 6, 7, 8, 9])
def test_never_fewer_members_than_asked(size):
    # 20 experts, 8 conflicted, 12 free
    result = fixture_result(size)
    assert len(result["members"]) == size and result["missing"] == 0
    chosen = {m["id"] for m in result["members"]}
    assert not chosen & {x["id"] for x in result["excluded"]}
    assert len(chosen) == size


def test_shortfall_is_reported():
    result = fixture_result(15)
    assert len(result["members"]) == 12 and result["missing"] == 3


def test_size_below_five_is_refused():
    with pytest.raises(DataError) as error:
        fixture_result(4)
    assert "at least 5" in str(error.value)


# --- ranking and roles --------------------------------------------------------------------


def test_ranking_worked_out_by_hand():
    # Proposal: fields 2.2 and 2.7; keywords "điện mặt trời", "lưới điện"; title
    # "Dự báo điện mặt trời cho lưới điện Nghệ An". Score = 0.5 F + 0.35 K + 0.15 X.
    # P1: fields 2.2      → F = (1 + 0.5)/2 = 0.75 (2.7 shares level 1 "2"); keywords
    #     "dien mat troi" → K = 1/2; X = 1/1 → 0.375 + 0.175 + 0.15 = 0.7
    # P2: fields 2.2;2.7  → F = 1; keywords "thủy điện" → K = 0, X = 0 → 0.5
    # P3: fields 2.3      → F = (0.5 + 0.5)/2 = 0.5; same keywords as P2 → 0.25
    # P4: fields 1.1      → F = 0; keywords "Lưới điện", "Dien mat troi" → K = 1, X = 1
    #     → 0.35 + 0.15 = 0.5, tied with P2: the smaller id first, so P2 then P4
    # P5: nothing          → 0
    proposal = Proposal(
        title="Dự báo điện mặt trời cho lưới điện Nghệ An",
        keywords=("điện mặt trời", "lưới điện"),
        fields=("2.2", "2.7"),
        applicant_id="Z",
    )
    experts = [
        Expert(id="P5"),
        Expert(id="P4", fields=("1.1",), keywords=("Lưới điện", "Dien mat troi")),
        Expert(id="P3", fields=("2.3",), keywords=("thủy điện",)),
        Expert(id="P2", fields=("2.2", "2.7"), keywords=("thủy điện",)),
        Expert(id="P1", fields=("2.2",), keywords=("dien mat troi",)),
    ]
    assert [score(e, proposal) for e in experts] == [0.0, 0.5, 0.25, 0.5, 0.7]
    result = suggest(proposal, experts, 5, ON)
    by_role = [(m["role"], m["id"], m["score"]) for m in result["members"]]
    # reviewers: ranks 1–2 (P1, P2); chair rank 3 (P4); vice-chair P3; secretary P5
    assert by_role == [
        ("chair", "P4", 0.5),
        ("vice_chair", "P3", 0.25),
        ("reviewer", "P1", 0.7),
        ("reviewer", "P2", 0.5),
        ("secretary", "P5", 0.0),
    ]


def test_roles_for_a_council_of_nine_and_ids_in_natural_order():
    experts = [Expert(id=f"E{i}") for i in range(1, 12)]  # all score 0: order by id, E2 < E10
    result = suggest(Proposal(applicant_id="Z"), experts, 9, ON)
    roles = [(m["role"], m["id"]) for m in result["members"]]
    assert roles == [
        ("chair", "E3"),
        ("vice_chair", "E4"),
        ("reviewer", "E1"),
        ("reviewer", "E2"),
        ("secretary", "E5"),
        ("member", "E6"),
        ("member", "E7"),
        ("member", "E8"),
        ("member", "E9"),
    ]
    assert all(0 <= m["score"] <= 1 for m in result["members"])


# --- bad input ----------------------------------------------------------------------------


def test_bad_proposal_lists_every_problem():
    with pytest.raises(DataError) as error:
        parse_proposal({"title": "t", "fields": ["2.x"], "team_ids": "E1", "budget": 1})
    text = [str(p) for p in error.value.problems]
    assert any("budget" in t and "Unknown key" in t for t in text)
    assert any("applicant_id" in t for t in text)
    assert any("team_ids must be a list" in t for t in text)
    assert any("2.x" in t for t in text)


def test_field_codes_stay_text_in_yaml(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("applicant_id: A\nfields: [2.10, 2.2]\n", encoding="utf-8")
    assert load_proposal_file(path).fields == ("2.10", "2.2")


def test_bad_experts_file_lists_row_and_column(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text(
        HEADER + "E1,An,2.2,,,Vinh:20x1,,,\n,Bình,,,,,,,\nE1,Cường,,,,,,,31/02/2026\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as error:
        load_experts_file(path)
    text = [str(p) for p in error.value.problems]
    assert "row 2, column past_affiliations: Vinh:20x1 is not an affiliation" in text[0]
    assert any(t.startswith("row 3, column id") for t in text)
    assert any(t.startswith("row 4, column id") and "row 2" in t for t in text)
    assert any(t.startswith("row 4, column sanctioned_until") and "31/02/2026" in t for t in text)


def test_missing_columns(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("id,full_name,fields\nE1,An,2.2\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        load_experts_file(path)
    assert "row 1" in str(error.value) and "keywords, organization" in str(error.value)


# --- command line -------------------------------------------------------------------------


def test_cli_json_contract():
    out = io.StringIO()
    argv = ["suggest", str(PROPOSAL), str(EXPERTS), "--size", "7", "--on", "2026-06-01", "--json"]
    assert council_cli.main(argv, stdout=out) == 0
    result = json.loads(out.getvalue())
    assert {"members", "excluded"} <= set(result)
    assert all({"id", "role", "score"} <= set(m) for m in result["members"])
    assert all({"id", "reason"} <= set(x) for x in result["excluded"])
    assert result["members"][0]["full_name"] == "Đỗ Minh Khoa"  # chair, 3rd best


def test_cli_table_reports_the_shortfall():
    out = io.StringIO()
    argv = ["suggest", str(PROPOSAL), str(EXPERTS), "--size", "13", "--on", "2026-06-01"]
    assert council_cli.main(argv, stdout=out) == 0
    assert "1 member(s) missing" in out.getvalue() and "Nguyễn Văn An" in out.getvalue()


def test_cli_bad_input_exits_1_with_every_problem(tmp_path):
    bad = tmp_path / "e.csv"
    bad.write_text(HEADER + "E1,An,,,,,,,tomorrow\n", encoding="utf-8")
    proposal = tmp_path / "p.yaml"
    proposal.write_text("title: t\nextra: 1\n", encoding="utf-8")
    err = io.StringIO()
    status = council_cli.main(
        ["suggest", str(proposal), str(bad)], stdout=io.StringIO(), stderr=err
    )
    assert status == 1
    lines = err.getvalue().splitlines()
    assert any("p.yaml" in line and "extra" in line for line in lines)
    assert any("e.csv: row 2, column sanctioned_until" in line for line in lines)


def test_stihub_council_command_delegates_to_the_engine():
    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "council",
        "suggest",
        str(PROPOSAL),
        str(EXPERTS),
        "--on",
        "2026-06-01",
        "--json",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert len(result["members"]) == 7 and len(result["excluded"]) == 8
    with pytest.raises(SystemExit) as exited:
        call_command(
            "council",
            "suggest",
            str(PROPOSAL),
            str(PROPOSAL),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert exited.value.code == 1


def test_affiliation_forms_and_dates_are_read(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text(
        HEADER + "E1,An,2.2,,,Đại học Vinh:2019;Viện X:2024-;A:B:2001-2003,,,31/12/2026\n"
        "E2,Bình,,,,,,,2026-12-31\n",
        encoding="utf-8",
    )
    first, second = load_experts_file(path)
    # one year; still lasting; an organization name that holds a colon
    assert first.past_affiliations == (
        ("dai hoc vinh", 2019, 2019),
        ("vien x", 2024, None),
        ("a b", 2001, 2003),
    )
    assert first.sanctioned_until == second.sanctioned_until == dt.date(2026, 12, 31)
