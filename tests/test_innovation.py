"""Innovation-index pages: upload (all or nothing), ranking, profile, planner, publishing."""

import io
import re
from pathlib import Path

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stihub.engines.composite import compute
from stihub.engines.composite_whatif import apply_changes
from stihub.innovation.datasets import dataset_data, engine_settings, store_dataset
from stihub.innovation.models import IndexDataset
from stihub.monitoring.models import Observation
from tests.engines.composite_builders import workbook_sheets, write_sheets

N_UNITS = 30
OURS = "U07"


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English (the source strings); Vietnamese is the default for any browser."""
    client.cookies["django_language"] = "en"


def sheets(n_units=N_UNITS, seed=5):
    """n units, six indicators (one lower-is-better) in two pillars under the index."""
    rng = np.random.default_rng(seed)
    codes = [f"U{i + 1:02d}" for i in range(n_units)]
    inds = ["i1", "i2", "i3", "i4", "i5", "i6"]
    data = [["UnitCode", "UnitName", *inds]]
    for code in codes:
        data.append([code, f"Tỉnh {code}", *rng.uniform(10, 90, len(inds)).round(2).tolist()])
    return {
        "InputIndData": data,
        "InputIndMeta": [
            ["IndName", "IndCode", "Direction", "IndWeight", "Denominator", "Agg1", "Agg2"],
            *[
                [f"Indicator {c}", c, -1 if c == "i5" else 1, 1, None, "P1" if k < 3 else "P2"]
                + ["PII"]
                for k, c in enumerate(inds)
            ],
        ],
        "InputAggMeta": [
            ["AgLevel", "Code", "Name", "Weight"],
            [2, "P1", "Institutions", 1],
            [2, "P2", "Outputs", 1],
            [3, "PII", "Innovation index", 1],
        ],
    }


def workbook_bytes(tmp_path, content=None, name="pii.xlsx"):
    return write_sheets(tmp_path / name, content or sheets()).read_bytes()


def store(tmp_path, year=2024, **extra):
    values = {
        "code": "PII",
        "year": year,
        "title": f"PII {year} (test)",
        "chosen": {},
        "province_unit": OURS,
        "user": None,
    }
    values.update(extra)
    return store_dataset(workbook_bytes(tmp_path), "pii.xlsx", **values)


def post_upload(client, tmp_path, content=None, **fields):
    upload = SimpleUploadedFile("pii.xlsx", workbook_bytes(tmp_path, content))
    data = {"file": upload, "code": "PII", "year": 2024, "title": "PII 2024", "province_unit": OURS}
    data.update(fields)
    return client.post(reverse("innovation:upload"), data)


def test_upload_by_dost_stores_dataset_and_ranking_lists_units_in_rank_order(client_for, tmp_path):
    response = post_upload(client_for("dost"), tmp_path)
    assert response.status_code == 302
    dataset = IndexDataset.objects.get(code="PII", year=2024)
    assert dataset.filename == "pii.xlsx" and len(dataset.sha256) == 64
    assert dataset.uploaded_by.username == "dost"
    page = client_for("dost").get(response.url)
    html = page.content.decode()
    order = re.findall(r'data-unit="(U\d+)"', html)
    assert len(order) == N_UNITS
    ranks = [u["ranks"]["PII"] for u in dataset.results["units"]]
    assert ranks == sorted(ranks)
    assert order == [u["code"] for u in dataset.results["units"]]
    assert "Institutions" in html and "Outputs" in html  # pillars as columns


def test_malformed_upload_lists_sheet_row_column_and_stores_nothing(client_for, tmp_path):
    bad = workbook_sheets()
    bad["InputIndData"][2][4] = "n/a"  # RnD of Nghe An: not a number
    response = post_upload(client_for("dost"), tmp_path, bad)
    assert response.status_code == 200
    (problem,) = response.context["problems"]
    assert (problem.sheet, problem.row, problem.column) == ("InputIndData", 3, "RnD")
    assert "sheet InputIndData, row 3, column RnD" in response.content.decode()
    assert not IndexDataset.objects.exists()


def test_upload_rejects_files_that_are_not_xlsx(client_for):
    upload = SimpleUploadedFile("pii.csv", b"UnitCode\nU01\n")
    response = client_for("dost").post(
        reverse("innovation:upload"), {"file": upload, "code": "PII", "year": 2024, "title": "x"}
    )
    assert response.status_code == 200 and not IndexDataset.objects.exists()


@pytest.mark.parametrize("name", ["reporter", "expert", "outsider"])
def test_upload_and_publish_are_forbidden_without_dost_role(client_for, tmp_path, name):
    store(tmp_path)
    client = client_for(name)
    assert client.get(reverse("innovation:upload")).status_code == 403
    assert post_upload(client, tmp_path, year=2023).status_code == 403
    assert client.post(reverse("innovation:publish", args=["PII", 2024])).status_code == 403
    assert IndexDataset.objects.count() == 1 and not Observation.objects.exists()


def test_anonymous_is_sent_to_sign_in_for_upload_and_publish(client, db, tmp_path):
    store(tmp_path)
    for response in (
        client.get(reverse("innovation:upload")),
        client.post(reverse("innovation:publish", args=["PII", 2024])),
    ):
        assert response.status_code == 302 and reverse("login") in response.url


def test_public_pages_open_without_signing_in(client, db, tmp_path):
    store(tmp_path)
    assert client.get(reverse("innovation:datasets")).status_code == 200
    assert client.get(reverse("innovation:ranking", args=["PII", 2024])).status_code == 200
    assert client.get(reverse("innovation:planner", args=["PII", 2024, OURS])).status_code == 200


def test_profile_shows_bars_strengths_uncertainty_and_path(client, db, tmp_path):
    store(tmp_path, year=2023)
    dataset = store(tmp_path, year=2024)
    response = client.get(reverse("innovation:profile", args=["PII", 2024, OURS]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="bar"') == 3  # the index and its two pillars
    assert "Strengths" in html and "Weaknesses" in html and "Indicator i1" in html
    dataset.refresh_from_db()
    band = dataset.results["uncertainty"][OURS]  # cached for the next view
    assert band["q05"] <= band["median"] <= band["q95"]
    assert "Rank over the years" in html  # two datasets: the path is shown


def test_planner_finds_a_plan_that_recomputing_confirms(client, db, tmp_path):
    dataset = store(tmp_path)
    data, settings = dataset_data(dataset), engine_settings(dataset.settings)
    old_rank = compute(data, settings).rank_of(OURS)
    goal = max(1, old_rank - 5)
    assert old_rank > goal
    response = client.post(
        reverse("innovation:planner", args=["PII", 2024, OURS]), {"goal_rank": goal}
    )
    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.reached and plan.changes
    assert b"data-indicator=" in response.content
    recomputed = apply_changes(data, {OURS: plan.new_values}, settings)
    assert recomputed.rank_of(OURS) <= goal


def test_planner_says_when_the_goal_is_not_reachable(client, db, tmp_path):
    store(tmp_path)
    response = client.post(
        reverse("innovation:planner", args=["PII", 2024, OURS]),
        {"goal_rank": 1, "allowed": ["i1"], "max_fraction": 0.01},
    )
    assert not response.context["plan"].reached
    assert b"not reachable" in response.content


def test_hand_edit_returns_new_rank_as_htmx_fragment(client, db, tmp_path):
    dataset = store(tmp_path)
    url = reverse("innovation:edit", args=["PII", 2024, OURS])
    response = client.post(url, {"raw-i1": "1000", "raw-i2": "1000"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content and b"New rank" in response.content
    expected = apply_changes(
        dataset_data(dataset), {OURS: {"i1": 1000.0, "i2": 1000.0}}, engine_settings({})
    )
    assert response.context["edited"]["rank"] == expected.rank_of(OURS)


def test_hand_edit_rejects_text_and_unknown_indicators(client, db, tmp_path):
    store(tmp_path)
    url = reverse("innovation:edit", args=["PII", 2024, OURS])
    response = client.post(url, {"raw-i1": "abc", "raw-zz": "3"})
    assert response.status_code == 200 and "edited" not in response.context
    html = response.content.decode()
    assert "Unknown indicator(s): zz" in html and "Enter a number" in html


def test_publish_writes_rank_and_score_once(client_for, nghe_an, tmp_path):
    dataset = store(tmp_path, is_sample=True)
    client = client_for("dost")
    url = reverse("innovation:publish", args=["PII", 2024])
    assert client.post(url).status_code == 302
    ours = next(u for u in dataset.results["units"] if u["code"] == OURS)
    rank = Observation.objects.get(indicator__code="PII_RANK", year=2024, area="")
    score = Observation.objects.get(indicator__code="PII_SCORE", year=2024, area="")
    assert rank.value == ours["ranks"]["PII"]
    assert score.value == pytest.approx(ours["scores"]["PII"], abs=0.01)
    assert rank.is_sample and "PII 2024 (test)" in rank.source
    before = Observation.objects.count(), Observation.history.count()
    client.post(url)
    assert (Observation.objects.count(), Observation.history.count()) == before


def test_upload_of_a_stored_year_needs_replace_and_keeps_history(client_for, tmp_path):
    store(tmp_path)
    client = client_for("dost")
    response = post_upload(client, tmp_path, title="PII 2024 corrected")
    assert response.status_code == 200 and "is stored already" in response.content.decode()
    assert IndexDataset.objects.get().title == "PII 2024 (test)"
    response = post_upload(client, tmp_path, title="PII 2024 corrected", replace="on")
    assert response.status_code == 302
    dataset = IndexDataset.objects.get()
    assert dataset.title == "PII 2024 corrected"
    assert dataset.history.count() == 2


def test_ranking_page_query_count_does_not_grow_with_units(
    client, db, tmp_path, django_assert_max_num_queries
):
    store(tmp_path)
    with django_assert_max_num_queries(3):  # session-less: the dataset, nothing per unit
        client.get(reverse("innovation:ranking", args=["PII", 2024]))


ASEM = Path(__file__).resolve().parents[2] / "shared/fixtures/composite-index/ASEM_results.xlsx"


@pytest.mark.skipif(not ASEM.exists(), reason="ASEM fixture not available")
def test_asem_workbook_upload_ranks_like_the_engine_and_profiles_its_pillars(client_for):
    upload = SimpleUploadedFile("ASEM_results.xlsx", ASEM.read_bytes())
    client = client_for("dost")
    fields = {"code": "ASEM", "year": 2018, "title": "ASEM 2018", "group": "Group_GDP"}
    response = client.post(reverse("innovation:upload"), {"file": upload, "winmax": 5, **fields})
    assert response.status_code == 302
    dataset = IndexDataset.objects.get(code="ASEM")
    assert dataset.settings == {"group": "Group_GDP", "winmax": 5}
    result = compute(dataset_data(dataset), engine_settings(dataset.settings))
    leader = result.ranks["Index"].idxmin()
    assert dataset.results["units"][0]["code"] == leader
    page = client.get(reverse("innovation:profile", args=["ASEM", 2018, "VNM"]))
    assert page.content.decode().count('class="bar"') == 11  # index, 2 sub-indices, 8 pillars


def test_ranking_page_reports_coherence(client, db):
    from stihub.engines.composite_analysis import cronbach_alpha
    from stihub.innovation.datasets import dataset_result
    from stihub.innovation.demo import build_sample_index

    dataset = build_sample_index()
    page = client.get(f"/innovation/{dataset.code}/{dataset.year}/").content.decode()
    alpha = cronbach_alpha(dataset_result(dataset))["Institutions"]
    row = page.split("Thể chế</td>")[-1].split("</tr>")[0]
    assert f'<td class="num">{alpha:.2f}</td>' in row  # English page (autouse fixture)


def test_ranking_page_lists_the_outlier_treatment(client, db):
    from stihub.innovation.datasets import dataset_result
    from stihub.innovation.demo import build_sample_index

    dataset = build_sample_index()
    info = dataset_result(dataset).treat_info
    treated = info[info["method"] != "none"]
    assert len(treated)  # the sample data has skewed indicators
    page = client.get(f"/innovation/{dataset.code}/{dataset.year}/").content.decode()
    code, row = next(iter(treated.iterrows()))
    assert f"<strong>{code}</strong>: winsorised in {row['steps']} steps" in page
    assert page.count("<li><strong>") == len(treated)


def test_results_workbook_has_every_stage(client, db):
    from openpyxl import load_workbook

    from stihub.innovation.demo import PROVINCE, build_sample_index

    dataset = build_sample_index()
    response = client.get(f"/innovation/{dataset.code}/{dataset.year}/results.xlsx")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    stages = ["DataDenominated", "DataImputed", "DataTreated", "DataNormalised", "DataAggregated"]
    assert set(stages + ["Ranks", "Treatment"]) <= set(book.sheetnames)
    ranks = list(book["Ranks"].values)
    column = ranks[0].index("PII")
    ours = next(row for row in ranks if PROVINCE in row)
    entry = next(u for u in dataset.results["units"] if u["code"] == PROVINCE)
    assert ours[column] == entry["ranks"]["PII"]
