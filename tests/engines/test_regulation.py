"""The regulation profile engine: the bundled profile's rules applied, each worked out by hand."""

import copy
from fractions import Fraction

import pytest
import yaml

from stihub.engines import regulation
from stihub.engines.problems import DataError
from stihub.engines.regulation import (
    PROFILES_DIR,
    acceptance_grade,
    check_composition,
    check_quorum,
    identification_conclusion,
    load_profile_file,
    parse_profile,
    profile_as_data,
    selection_result,
)

PROFILE = load_profile_file(PROFILES_DIR / "tt-2014-2023.yaml")
RESEARCH = PROFILE.form("research")
# research form, in order: overview 10, objectives 5, content 30 (key, min 15),
# products 20 (key, min 10), application 10, capacity 15, budget 10  (10+5+30+20+10+15+10 = 100)
CODES = [x.code for x in RESEARCH.criteria]


def council(absent=()):
    """A 7-member council (chair, vice-chair, 2 reviewers, secretary, 2 members) as
    (role, present); `absent` lists positions 0..6 of the members who are not there."""
    roles = ["chair", "vice_chair", "reviewer", "reviewer", "secretary", "member", "member"]
    return [(role, i not in absent) for i, role in enumerate(roles)]


def sheet(*points):
    """A member's points on the research form, in the form's order."""
    assert len(points) == len(CODES)
    return dict(zip(CODES, points, strict=True))


def scaled(total):
    """A member's sheet giving each criterion total/100 of its max: the total is `total`
    (e.g. 65: 6.5 + 3.25 + 19.5 + 13 + 6.5 + 9.75 + 6.5 = 65) and, for total >= 50, every key
    criterion is at or above its min (content 30/2 = 15, products 20/2 = 10)."""
    return {x.code: x.max * total / 100 for x in RESEARCH.criteria}


def columns(error):
    return {p.column for p in error.value.problems}


# --- the bundled profile -------------------------------------------------------------------------


def test_bundled_profile_parses_with_the_circulars_numbers():
    assert PROFILE.code == "tt-2014-2023"
    assert (PROFILE.council.min_size, PROFILE.council.max_size) == (7, 9)
    assert PROFILE.council.quorum_share == Fraction(2, 3)
    assert PROFILE.council.seats("reviewer") == 2
    assert PROFILE.council.seats("member") is None  # the rest of the seats
    assert PROFILE.identification.pass_share == Fraction(2, 3)
    assert (PROFILE.selection.pass_total, PROFILE.selection.outlier_gap) == (70, 20)
    assert [g.code for g in PROFILE.acceptance.grades] == ["excellent", "pass", "fail"]
    assert PROFILE.deadlines.registration_days == 30
    assert PROFILE.deadlines["call_open_min_days"] == 30
    assert PROFILE.deadlines.get("no_such_deadline") is None
    # every circular named by a council is declared under sources
    declared = {s.code for s in PROFILE.sources}
    assert {PROFILE.identification.source, PROFILE.selection.source} <= declared


@pytest.mark.parametrize("kind", ["research", "pilot", "scheme"])
def test_each_bundled_form_sums_to_100(kind):
    form = PROFILE.form(kind)
    assert sum(x.max for x in form.criteria) == 100
    assert len({x.code for x in form.criteria}) == len(form.criteria)
    assert any(x.key for x in form.criteria)


def test_round_trip_through_data_and_yaml():
    data = profile_as_data(PROFILE)
    assert parse_profile(data) == PROFILE
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    assert parse_profile(yaml.safe_load(text)) == PROFILE
    assert data["council"]["quorum"]["share"] == "2/3"  # written back as an exact fraction


def test_decimal_shares_are_read_exactly():
    data = profile_as_data(PROFILE)
    data["council"]["quorum"]["share"] = 0.75
    data["councils"]["identification"]["pass_share"] = "0.5"
    profile = parse_profile(data)
    assert profile.council.quorum_share == Fraction(3, 4)
    assert profile.identification.pass_share == Fraction(1, 2)


def test_a_broken_profile_reports_every_problem_with_its_key_path():
    data = copy.deepcopy(profile_as_data(PROFILE))
    data["extra"] = 1
    del data["title"]
    data["council"]["min_size"] = 4  # below 5, above max_size, and the 5 fixed seats do not fit
    data["council"]["max_size"] = 3
    data["council"]["quorum"]["share"] = "3/2"
    data["council"]["quorum"]["requires"].append("everyone")
    data["councils"]["identification"]["pass_share"] = "0"
    data["councils"]["selection"]["pass_total"] = 120
    grades = data["councils"]["acceptance"]["grades"]
    grades[1]["when"][0]["grade_or_better"] = "good"
    grades[2]["when"] = [{"at_least": "1/2", "of": "present", "grade_or_better": "fail"}]
    data["forms"]["research"][2]["max"] = 31  # 100 - 30 + 31 = 101
    data["forms"]["pilot"][1]["code"] = data["forms"]["pilot"][0]["code"]
    data["forms"]["scheme"][0]["min"] = 5  # min on a criterion that is not key
    data["deadlines"]["registration_days"] = -1
    del data["deadlines"]["publication_days"]
    with pytest.raises(DataError) as error:
        parse_profile(data)
    assert columns(error) >= {
        "extra",
        "title",
        "council.min_size",
        "council.max_size",
        "council.roles",
        "council.quorum.share",
        "council.quorum.requires[2]",
        "councils.identification.pass_share",
        "councils.selection.pass_total",
        "councils.acceptance.grades[1].when[0].grade_or_better",
        "councils.acceptance.grades[2].when",
        "forms.research",
        "forms.pilot[1].code",
        "forms.scheme[0].min",
        "deadlines.registration_days",
        "deadlines.publication_days",
    }
    total = next(p for p in error.value.problems if p.column == "forms.research")
    assert total.params == {"total": 101}


def test_roles_must_fit_the_smallest_council():
    data = profile_as_data(PROFILE)
    # 1 + 1 + 4 + 2 = 8 fixed seats > min_size 7 (members take the rest: none left at 7)
    roles = {"chair": 1, "vice_chair": 1, "reviewer": 4, "secretary": 2, "member": "rest"}
    data["council"]["roles"] = roles
    with pytest.raises(DataError) as error:
        parse_profile(data)
    assert columns(error) == {"council.roles"}
    # without a role taking the rest, the fixed seats are the council: 8 is within 7..9
    del roles["member"]
    assert parse_profile(data).council.seats("reviewer") == 4
    roles["reviewer"] = 6  # 1 + 1 + 6 + 2 = 10 > 9
    with pytest.raises(DataError) as error:
        parse_profile(data)
    assert columns(error) == {"council.roles"}


def test_grades_need_a_final_unconditional_grade_and_only_one():
    data = profile_as_data(PROFILE)
    del data["councils"]["acceptance"]["grades"][0]["when"]  # excellent always: pass unreachable
    with pytest.raises(DataError) as error:
        parse_profile(data)
    assert columns(error) == {"councils.acceptance.grades[0]"}


def test_unreadable_yaml_is_located(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("code: x\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        load_profile_file(path)
    assert error.value.problems[0].row is not None


# --- quorum (7 members: 2/3 x 7 = 14/3 = 4.67 -> 5 needed) ---------------------------------------


def test_quorum_five_of_seven_with_chair_and_both_reviewers():
    q = check_quorum(PROFILE, council(absent={1, 6}))  # vice-chair and a member away
    assert (q.ok, q.present, q.needed, q.problems) == (True, 5, 5, [])


def test_quorum_four_of_seven_is_too_few():
    q = check_quorum(PROFILE, council(absent={1, 5, 6}))  # 7 - 3 = 4 < 5
    assert (q.ok, q.present, q.needed) == (False, 4, 5)
    assert [p.template for p in q.problems] == [regulation.TOO_FEW]


def test_quorum_without_chair_or_vice_chair():
    q = check_quorum(PROFILE, council(absent={0, 1}))  # 5 present, neither chair
    assert not q.ok and q.present == 5
    assert [p.template for p in q.problems] == [regulation.NO_CHAIR]


def test_vice_chair_stands_in_for_the_chair():
    assert check_quorum(PROFILE, council(absent={0})).ok


def test_quorum_with_a_reviewer_absent():
    q = check_quorum(PROFILE, council(absent={3}))  # 6 present, one reviewer away
    assert not q.ok
    assert [(p.template, p.params) for p in q.problems] == [
        (regulation.REVIEWER_ABSENT, {"absent": 1, "count": 2})
    ]


@pytest.mark.parametrize(
    "size, needed",
    [(7, 5), (8, 6), (9, 6)],  # 14/3 = 4.67 -> 5; 16/3 = 5.33 -> 6; 18/3 = 6 exactly
)
def test_quorum_needed_is_the_exact_ceiling(size, needed):
    members = council() + [("member", True)] * (size - 7)
    assert check_quorum(PROFILE, members).needed == needed


def test_nine_members_six_present_is_enough_five_is_not():
    members = council(absent={1, 6}) + [("member", True), ("member", False)]  # 5 + 1 = 6 of 9
    assert check_quorum(PROFILE, members).ok
    members[0] = ("chair", True)
    members[5] = ("member", False)  # 5 of 9 < 6
    assert not check_quorum(PROFILE, members).ok


def test_quorum_refuses_an_unknown_role():
    with pytest.raises(DataError) as error:
        check_quorum(PROFILE, council() + [("observer", True)])
    assert error.value.problems[0].row == 8


def test_composition_of_a_council():
    assert check_composition(PROFILE, [r for r, _ in council()]) == []
    problems = check_composition(PROFILE, ["chair", "reviewer", "secretary", "member"])
    # 4 members (not 7..9), no vice-chair (0 of 1), 1 reviewer (of 2)
    assert [p.template for p in problems] == [regulation.WRONG_SIZE] + [regulation.WRONG_SEATS] * 2


# --- identification: recommended when yes / present >= 2/3 --------------------------------------


def test_identification_four_of_five_passes():
    c = identification_conclusion(PROFILE, [True, True, True, True, False])
    # 4/5 = 0.8 >= 2/3; needed = ceil(2/3 x 5) = ceil(3.33) = 4
    assert (c.passed, c.yes, c.present, c.needed) == (True, 4, 5, 4)


def test_identification_three_of_five_fails():
    c = identification_conclusion(PROFILE, [True, True, True, False, False])
    assert not c.passed  # 3/5 = 0.6 < 0.667


def test_identification_exactly_two_thirds_passes():
    c = identification_conclusion(PROFILE, [True] * 4 + [False] * 2)
    assert c.passed and c.needed == 4  # 4/6 = 2/3 exactly; needed = 2/3 x 6 = 4


def test_identification_refuses_non_votes():
    with pytest.raises(DataError):
        identification_conclusion(PROFILE, [True, "yes"])
    with pytest.raises(DataError):
        identification_conclusion(PROFILE, [])


# --- selection: mean total >= 70, key criteria >= their min -------------------------------------


def test_selection_mean_exactly_70_passes():
    scores = {
        "D1": {
            "A": sheet(7, 4, 20, 14, 7, 7, 6),  # 65
            "B": sheet(7, 4, 21, 15, 7, 9, 7),  # 70
            "C": sheet(8, 4, 22, 15, 8, 10, 8),  # 75
        }
    }
    d = selection_result(PROFILE, "research", scores).dossier("D1")
    assert d.member_totals == {"A": 65, "B": 70, "C": 75}
    assert d.mean_total == 70  # (65 + 70 + 75) / 3 = 210 / 3
    assert d.criterion_means["content"] == 21  # (20 + 21 + 22) / 3
    assert d.passed and d.reasons == () and d.rank == 1


def test_selection_mean_just_below_70_fails():
    scores = {
        "D1": {
            "A": sheet(7, 4, 20, 14, 7, 7, 10),  # 69
            "B": sheet(7, 4, 21, 15, 7, 9, 7),  # 70
            "C": sheet(7, 4, 21, 15, 7, 9, 7),  # 70
        }
    }
    result = selection_result(PROFILE, "research", scores)
    d = result.dossier("D1")
    assert d.mean_total == pytest.approx(209 / 3)  # 69.67 < 70
    assert not d.passed and d.rank is None
    assert [r.code for r in d.reasons] == ["below_total"]
    assert (result.winner, result.reason) == (None, "none_passed")


def test_selection_key_criterion_below_its_min_fails():
    scores = {
        "D1": {
            "A": sheet(10, 5, 14, 20, 10, 15, 10),  # 84, content 14
            "B": sheet(10, 5, 14, 20, 10, 15, 10),  # 84, content 14
            "C": sheet(10, 5, 15, 20, 10, 15, 10),  # 85, content 15
        }
    }
    d = selection_result(PROFILE, "research", scores).dossier("D1")
    # mean total 253/3 = 84.3 >= 70, but content's mean (14 + 14 + 15) / 3 = 14.33 < min 15
    assert not d.passed
    assert [(r.code, r.criterion) for r in d.reasons] == [("key_criterion_below_min", "content")]


def test_selection_outlier_is_flagged_and_kept_in_the_mean():
    scores = {"D1": {"A": scaled(80), "B": scaled(80), "C": scaled(80), "D": scaled(50)}}
    d = selection_result(PROFILE, "research", scores).dossier("D1")
    # D: 50 vs the others' mean (80 + 80 + 80) / 3 = 80 -> gap 30 > 20: flagged.
    # A: 80 vs (80 + 80 + 50) / 3 = 70 -> gap 10: not flagged.
    assert d.outliers == {"D": 30}
    # kept in the mean: (80 x 3 + 50) / 4 = 290 / 4 = 72.5 (without D it would be 80)
    assert d.mean_total == 72.5 and d.passed


def test_selection_gap_of_exactly_the_limit_is_not_an_outlier():
    scores = {"D1": {"A": scaled(80), "B": scaled(80), "C": scaled(60)}}
    d = selection_result(PROFILE, "research", scores).dossier("D1")
    assert d.outliers == {}  # C: |60 - 80| = 20, not more than 20


def test_selection_normalised_totals():
    scores = {
        "D1": {"A": scaled(60), "B": scaled(70), "C": scaled(75)},
        "D2": {"A": scaled(80), "B": scaled(90)},
    }
    result = selection_result(PROFILE, "research", scores)
    # all totals: 60, 80, 70, 90, 75 -> mean 375 / 5 = 75;
    # deviations -15, 5, -5, 15, 0 -> (225 + 25 + 25 + 225 + 0) / 5 = 100 -> SD 10.
    # A: 60, 80 -> mean 70, SD 10 -> z -1, +1 -> 75 - 10 = 65, 75 + 10 = 85.
    # B: 70, 90 -> mean 80, SD 10 -> the same z, so the same 65 and 85 (B is only more lenient).
    # C scored one dossier only: keeps the raw 75.
    d1, d2 = result.dossier("D1"), result.dossier("D2")
    assert d1.normalised_totals == pytest.approx({"A": 65, "B": 65, "C": 75})
    assert d2.normalised_totals == pytest.approx({"A": 85, "B": 85})
    # the pass rule uses the raw means: D1 (60 + 70 + 75) / 3 = 68.33 fails, D2 85 passes
    assert not d1.passed and d2.passed


def test_selection_normalised_equals_raw_when_a_member_gives_equal_totals():
    scores = {"D1": {"A": scaled(70), "B": scaled(60)}, "D2": {"A": scaled(70), "B": scaled(80)}}
    result = selection_result(PROFILE, "research", scores)
    # A gave 70 and 70: SD 0 -> raw. B: 60, 80 -> z -1, +1; all totals 70, 60, 70, 80 -> mean
    # 70, SD sqrt((0 + 100 + 0 + 100) / 4) = sqrt(50) = 7.07 -> 62.93 and 77.07.
    assert result.dossier("D1").normalised_totals["A"] == 70
    assert result.dossier("D1").normalised_totals["B"] == pytest.approx(70 - 50**0.5)
    assert result.dossier("D2").normalised_totals["B"] == pytest.approx(70 + 50**0.5)


def test_selection_winner_and_ranks():
    scores = {
        "X": {"A": scaled(80), "B": scaled(80)},  # 80
        "Y": {"A": scaled(70), "B": scaled(80)},  # 75
        "Z": {"A": scaled(60), "B": scaled(60)},  # 60 < 70: fails
    }
    result = selection_result(PROFILE, "research", scores)
    assert (result.winner, result.reason) == ("X", None)
    assert [(d.dossier, d.rank) for d in result.dossiers] == [("X", 1), ("Y", 2), ("Z", None)]


def test_selection_tie_leaves_the_choice_to_the_council():
    scores = {
        "X": {"A": scaled(80), "B": scaled(80)},  # 80
        "Y": {"A": scaled(70), "B": scaled(90)},  # (70 + 90) / 2 = 80
    }
    result = selection_result(PROFILE, "research", scores)
    assert (result.winner, result.reason) == (None, "tie")
    assert {d.rank for d in result.dossiers} == {1}


def test_selection_points_are_checked_and_located():
    good = scaled(80)
    scores = {
        "D1": {
            "A": {**good, "content": 31},  # above max 30
            "B": {k: v for k, v in good.items() if k != "budget"},  # budget missing
            "C": {**good, "novelty": 3},  # not a criterion
            "E": {**good, "overview": True},  # not a number
        }
    }
    with pytest.raises(DataError) as error:
        selection_result(PROFILE, "research", scores)
    assert columns(error) == {
        "D1.A.content",
        "D1.B.budget",
        "D1.C.novelty",
        "D1.E.overview",
    }
    with pytest.raises(DataError):
        selection_result(PROFILE, "no_such_form", scores)
    with pytest.raises(DataError):
        selection_result(PROFILE, "research", {})


# --- acceptance: excellent when >= 3/4 pass-or-better and >= 2/3 excellent; pass when >= 3/4 -----
# 7 present: 3/4 x 7 = 5.25 -> 6 needed; 2/3 x 7 = 4.67 -> 5 needed.


def test_acceptance_excellent():
    g = acceptance_grade(PROFILE, ["excellent"] * 5 + ["pass", "fail"])
    # pass or better 6/7 = 0.857 >= 3/4; excellent 5/7 = 0.714 >= 2/3
    assert (g.code, g.label) == ("excellent", "Xuất sắc")
    assert g.counts == {"excellent": 5, "pass": 1, "fail": 1}
    assert [t for t, _ in g.lines] == [regulation.CONDITION_MET] * 2


def test_acceptance_pass_when_too_few_excellent():
    g = acceptance_grade(PROFILE, ["excellent"] * 4 + ["pass"] * 2 + ["fail"])
    # pass or better 6/7 >= 3/4, but excellent 4/7 = 0.571 < 2/3
    assert g.code == "pass"
    assert "not met" in g.rule_text


def test_acceptance_fail_when_too_few_pass_or_better():
    g = acceptance_grade(PROFILE, ["excellent"] * 3 + ["pass"] * 2 + ["fail"] * 2)
    assert g.code == "fail"  # pass or better 5/7 = 0.714 < 3/4


def test_acceptance_exactly_three_quarters():
    # 8 present: 3/4 x 8 = 6 exactly; 6 excellent -> 6/8 = 0.75 >= 2/3 too
    assert acceptance_grade(PROFILE, ["excellent"] * 6 + ["fail"] * 2).code == "excellent"
    assert acceptance_grade(PROFILE, ["pass"] * 6 + ["fail"] * 2).code == "pass"
    assert acceptance_grade(PROFILE, ["pass"] * 5 + ["fail"] * 3).code == "fail"  # 5/8 < 3/4


def test_acceptance_refuses_unknown_grades():
    with pytest.raises(DataError) as error:
        acceptance_grade(PROFILE, ["pass", "good"])
    assert error.value.problems[0].row == 2
