"""Matching technology needs with offers: BM25 worked out by hand, folding, Telex/VNI residue,
abbreviations, vocabulary expansion, explanations, the CLI contract and the evaluation on the
labelled set (tests/fixtures/market)."""

import io
import json
import math
from pathlib import Path

import pytest

from stihub.engines.matching import (
    Index,
    Need,
    Offer,
    load_needs_file,
    load_offers_file,
    match,
    needs_for_offer,
    read_offers,
    tokens,
)
from stihub.engines.matching_cli import main
from stihub.engines.matching_eval import labelled, ndcg_at, recall_at, report
from stihub.engines.matching_vocab import (
    Vocabulary,
    load_vocabulary,
    parse_vocabulary,
    residue_fold,
)
from stihub.engines.problems import DataError

MARKET = Path(__file__).parent.parent / "fixtures" / "market"
NEEDS, OFFERS = str(MARKET / "cli_needs.csv"), str(MARKET / "cli_offers.csv")


# --- BM25 ------------------------------------------------------------------------------------


def test_bm25_scores_worked_out_by_hand():
    offers = [
        Offer("A", title="cá tôm"),  # title counts twice: tf cá 2, tôm 2, dl 4
        Offer("B", description="cá"),  # tf cá 1, dl 1
        Offer("C", description="gà"),  # dl 1
    ]
    index = Index.build(offers, "bm25-syllables", Vocabulary())
    query, _ = index.query(Need("N", description="cá"))
    assert query == {"cá": 1.0}  # 1 + ln 1
    # N 3, avgdl (4 + 1 + 1) / 3 = 2; idf(cá) = ln(1 + (3 − 2 + 0.5) / (2 + 0.5)) = ln 1.6
    idf = math.log(1.6)  # 0.470004
    # A: K = 1.2 (0.25 + 0.75 × 4/2) = 2.1; weight 2 × 2.2 / (2 + 2.1) = 1.073171
    # B: K = 1.2 (0.25 + 0.75 × 1/2) = 0.75; weight 1 × 2.2 / (1 + 0.75) = 1.257143
    scores = index.text_scores(query)
    assert scores[0] == pytest.approx(idf * 4.4 / 4.1, abs=1e-6)  # 0.504394
    assert scores[1] == pytest.approx(idf * 2.2 / 1.75, abs=1e-6)  # 0.590862
    assert scores[2] == 0.0
    ranked = index.rank(Need("N", description="cá"))
    # scores divided by the best: B 1, A 0.504394 / 0.590862 = 0.853656; C shares nothing
    assert [(m["id"], m["score"]) for m in ranked] == [("B", 1.0), ("A", 0.8537)]


def test_folded_methods_find_text_typed_without_diacritics():
    offers = [Offer("V", title="Vắc-xin cúm"), Offer("L", title="Lò sấy gỗ")]
    need = Need("N", title="vac cum")  # no syllable in common until marks are folded
    assert Index.build(offers, "bm25-syllables", Vocabulary()).rank(need) == []
    for method in ("bm25-folded", "hub"):
        assert [m["id"] for m in Index.build(offers, method, Vocabulary()).rank(need)] == ["V"]


# --- Telex, VNI, abbreviations ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("nuwowcs", "nuoc"),  # nước: uw ow → ư ơ, s sắc
        ("gaf", "ga"),  # gà: f huyền
        ("ddaats", "dat"),  # đất: dd → đ, aa → â
        ("nhieeuf", "nhieu"),  # nhiều
        ("gioongs", "giong"),  # giống: onset gi
        ("gachj", "gach"),  # gạch: j nặng after the final
        ("tw", "tu"),  # tư: a lone w is ư
        ("nu7o71c", "nuoc"),  # VNI: 7 horn, 1 sắc
        ("d9a61t", "dat"),  # VNI: d9 đ, 6 circumflex
    ],
)
def test_residue_is_folded_back(typed, folded):
    assert residue_fold(typed) == folded


@pytest.mark.parametrize("word", ["nuoc", "ga", "tom", "biogas", "fenton", "sms", "co2", "h5n1"])
def test_plain_syllables_words_and_formulas_are_not_residue(word):
    assert residue_fold(word) is None


def test_tokens_fold_residue_and_expand_abbreviations_but_keep_marked_words():
    vocabulary = parse_vocabulary(["abbr\txlnt\txử lý nước thải\n"])
    found = tokens("Cần xlnt nuwowcs", vocabulary)
    assert [f for _, f in found] == ["can", "xu", "ly", "nuoc", "thai", "nuoc"]
    assert found[-1] == ("nuwowcs", "nuoc")  # as typed, for the explanation
    # with its marks a word is never treated as residue ("cás" is not Telex)
    assert [f for _, f in tokens("cás", vocabulary)] == ["cas"]


def test_the_shipped_vocabulary_has_a_few_hundred_entries_of_each_domain():
    vocabulary = load_vocabulary()
    assert len(vocabulary.expansions) >= 300  # triggers
    assert vocabulary.abbreviations["xlnt"] == "xử lý nước thải"
    assert vocabulary.region_of(vocabulary.province("TP. Hồ Chí Minh")) == "dong nam bo"
    assert "03" in vocabulary.related_sectors["01"] and "01" in vocabulary.related_sectors["03"]


# --- expansion and why -----------------------------------------------------------------------


def test_expansion_connects_a_lay_problem_to_a_technology():
    vocabulary = parse_vocabulary(["expand\tga + chet;troi nom\tvắc xin;chuồng kín\n"])
    offers = [
        Offer("V", title="Vắc xin Newcastle", description="Phòng bệnh Newcastle."),
        Offer("M", title="Máy ấp trứng gà", description="Ấp nở tự động."),
    ]
    need = Need("N", title="Đàn gà chết nhiều khi trời nồm")
    plain = Index.build(offers, "hub", Vocabulary()).rank(need)
    assert [m["id"] for m in plain] == ["M"]  # only "gà" is shared: lexical overlap fails
    ranked = Index.build(offers, "hub", vocabulary).rank(need)
    assert ranked[0]["id"] == "V"
    assert ranked[0]["why"]["via"] == ["gà chết → Vắc xin"]  # need's words → offer's


def test_telex_need_reaches_offers_through_the_shipped_vocabulary():
    offers = load_offers_file(OFFERS)
    need = Need("N", title="gaf chets nhieeuf khi trowif nomf")
    ranked = Index.build(offers).rank(need, top=2)
    assert {m["id"] for m in ranked} == {"C1", "V1"}
    via = [v for m in ranked for v in m["why"]["via"]]
    assert "trowif nomf → Chuồng kín" in via  # as the need typed it → as the offer wrote it


def test_why_gives_shared_terms_as_the_offer_writes_them_and_the_fits():
    offers = load_offers_file(OFFERS)
    need = Need("N", title="xu ly nuoc thai che bien thuy san", sector="10", region="Hà Nội")
    best = Index.build(offers).rank(need, top=1)[0]
    assert best["id"] == "W1"
    why = best["why"]
    # the offer's "Xử lý nước thải chế biến thủy sản", one run of shared pairs, with its marks
    assert why["terms"][0] == "Xử lý nước thải chế biến thủy sản"
    assert why["sector"] is False  # need 10 (food), offer 37 (sewerage): not related
    assert why["field"] is False  # 2.7 does not serve division 10
    assert why["region"] is True  # both Hà Nội
    assert why["stage"] == 9


def test_features_raise_an_offer_of_the_same_sector_region_and_ready_stage():
    offers = [
        Offer("A", title="sấy lạnh", field="2.3", sector="28", region="Cần Thơ", stage=3),
        Offer("B", title="sấy lạnh", field="2.11", sector="10", region="Nghệ An", stage=7),
    ]
    vocabulary = parse_vocabulary(
        ["field\t10\t2.11\n", "region\tNghệ An\tBắc Trung Bộ\n", "region\tHà Tĩnh\tBắc Trung Bộ\n"]
    )
    index = Index.build(offers, "hub", vocabulary)
    ranked = index.rank(Need("N", title="sấy lạnh", sector="10", region="Hà Tĩnh"))
    # equal text (1 each); B: sector 0.1 × 1 + field 0.1 × 1 + region 0.05 × 0.5 (same region)
    # + stage 0.05 × 1 = 1.275; A: stage 3 → 0: 1.0
    assert [(m["id"], m["score"]) for m in ranked] == [("B", 1.275), ("A", 1.0)]


def test_needs_an_offer_could_serve():
    needs, offers = load_needs_file(NEEDS), load_offers_file(OFFERS)
    served = needs_for_offer("R1", needs, Index.build(offers))
    assert served[0]["need"] == "N2"  # the Telex-typed salt-water need


# --- reading the files -----------------------------------------------------------------------


def test_every_problem_of_a_file_is_reported_with_line_and_column():
    with pytest.raises(DataError) as caught:
        load_offers_file(MARKET / "cli_bad_offers.csv")
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {(3, "id"), (3, "field"), (3, "sector"), (3, "stage"), (4, "id")}


def test_missing_columns_and_rows_without_text():
    problems = []
    read_offers(io.StringIO("id,title\nA,x\n"), problems)
    assert problems[0].row == 1 and "description" in problems[0].params["columns"]
    problems = []
    header = "id,title,description,field,sector,region,stage,keywords\n"
    read_offers(io.StringIO(header + "A,,,2.7,10,,5,\n\nB,t,,,,,,\n"), problems)
    assert [(p.row, p.column) for p in problems] == [(2, "title")]  # blank line 3 skipped


# --- command line ----------------------------------------------------------------------------


def _run(*argv):
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


def test_cli_json_follows_the_contract():
    status, out, err = _run(NEEDS, OFFERS, "--top", "2", "--json")
    assert status == 0 and err == ""
    result = json.loads(out)
    assert [m["need"] for m in result["matches"]] == ["N1", "N2", "N3", "N4"]
    for item in result["matches"]:
        assert set(item) == {"need", "offers"} and len(item["offers"]) <= 2
        for offer in item["offers"]:
            assert set(offer) == {"id", "score", "why"}
            assert {"terms", "via", "sector", "region", "stage"} <= set(offer["why"])
    by_need = {m["need"]: [o["id"] for o in m["offers"]] for m in result["matches"]}
    assert by_need["N1"][0] == "C1" and by_need["N2"][0] == "R1" and by_need["N3"][0] == "W1"
    assert by_need["N4"] == []  # tourism: nothing matches


def test_cli_top_and_method():
    status, out, _ = _run(NEEDS, OFFERS, "--top", "1", "--json", "--method", "bm25-syllables")
    result = json.loads(out)
    assert status == 0 and result["method"] == "bm25-syllables"
    assert all(len(m["offers"]) <= 1 for m in result["matches"])


def test_cli_table_is_readable():
    status, out, _ = _run(NEEDS, OFFERS, "--top", "1")
    assert status == 0
    assert "N1  Đàn gà chết nhiều khi trời nồm" in out
    assert "C1  Chuồng kín làm mát cho gà" in out
    assert "(no matching offer)" in out


def test_cli_reports_problems_of_both_files_and_exits_1():
    status, out, err = _run(str(MARKET / "cli_bad_needs.csv"), str(MARKET / "cli_bad_offers.csv"))
    assert status == 1 and out == ""
    lines = err.splitlines()
    assert len(lines) == 6
    assert lines[0].endswith("cli_bad_needs.csv: row 1: Missing columns: sector.")
    assert any("row 3, column stage: 12 is not a technology readiness level" in x for x in lines)


@pytest.mark.parametrize("argv", [["--top", "0"], ["--method", "magic"]])
def test_cli_bad_arguments_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as caught:
        main([NEEDS, OFFERS, *argv])
    assert caught.value.code == 2


def test_match_rejects_an_unknown_method():
    with pytest.raises(DataError):
        match([], [], method="magic")


# --- evaluation ------------------------------------------------------------------------------


def test_ndcg_and_recall_worked_out_by_hand():
    grades = {"a": 1, "c": 2, "d": 2, "e": 0}
    # DCG = (2^1 − 1)/log2 2 + 0 + (2^2 − 1)/log2 4 = 1 + 1.5 = 2.5
    # ideal 2, 2, 1: 3/1 + 3/log2 3 + 1/2 = 5.392789
    assert ndcg_at(["a", "b", "c"], grades, 10) == pytest.approx(2.5 / 5.392789, abs=1e-6)
    assert ndcg_at(["d", "c", "a"], grades, 10) == pytest.approx(1.0)
    assert recall_at(["a", "b", "c"], grades, 2) == pytest.approx(1 / 3)  # a of {a, c, d}
    assert ndcg_at(["a"], {"a": 0}) == 0.0


def test_the_labelled_set_is_whole():
    data = labelled()
    offers = {o.id for o in data["offers"]}
    assert (len(offers), len(data["dev"]), len(data["heldout"])) == (170, 36, 30)
    needs = {n.id for n in data["dev"] + data["heldout"]}
    judged = data["judgements"]
    assert set(judged) == needs
    assert all(o in offers for grades in judged.values() for o in grades)
    assert all(any(g == 2 for g in grades.values()) for grades in judged.values())


def test_ranking_quality_on_the_held_out_needs():
    results = report()
    hub, folded = results["hub", "heldout"], results["bm25-folded", "heldout"]
    syllables = results["bm25-syllables", "heldout"]
    # Measured: hub nDCG@10 0.857, R@20 0.878; bm25-folded 0.752 / 0.836; bm25-syllables
    # 0.709 / 0.782 (development needs: hub 0.898 / 0.917). The set and the vocabulary were
    # written by the engine's author: floors, not claims.
    assert hub["ndcg@10"] >= 0.83 and hub["recall@20"] >= 0.85
    assert folded["ndcg@10"] >= 0.72 and syllables["ndcg@10"] >= 0.68
    assert hub["ndcg@10"] > folded["ndcg@10"] > syllables["ndcg@10"]
