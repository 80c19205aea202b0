"""Innovation-index pages: upload (all or nothing), ranking, profile, planner, publishing."""

import hashlib
import io
import re

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stihub.engines.composite import compute
from stihub.engines.composite_whatif import apply_changes
from stihub.innovation.datasets import dataset_data, engine_settings, store_dataset
from stihub.innovation.models import IndexDataset
from stihub.monitoring.models import Indicator, Observation
from tests.engines.composite_builders import FIXTURE, workbook_sheets, write_sheets

N_UNITS = 30
OURS = "U07"
NAMES = {  # indicator names as a PII workbook gives them (InputIndMeta, IndName)
    "i1": "Chi cho khoa học và công nghệ trên GRDP",
    "i2": "Số doanh nghiệp khoa học và công nghệ",
    "i3": "Tỷ lệ lao động qua đào tạo",
    "i4": "Số đơn đăng ký sáng chế trên một triệu dân",
    "i5": "Chi phí không chính thức của doanh nghiệp",
    "i6": "Xuất khẩu sản phẩm công nghệ cao",
}
LOWER_IS_BETTER = "A lower raw value is better"


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English (the source strings); Vietnamese is the default for any browser."""
    client.cookies["django_language"] = "en"


def sheets(n_units=N_UNITS, seed=5):
    """n units, six indicators (i5 lower-is-better) named in Vietnamese, in two pillars."""
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
                [NAMES[c], c, -1 if c == "i5" else 1, 1, None, "P1" if k < 3 else "P2"] + ["PII"]
                for k, c in enumerate(inds)
            ],
        ],
        "InputAggMeta": [
            ["AgLevel", "Code", "Name", "Weight"],
            [2, "P1", "Thể chế", 1],
            [2, "P2", "Sản phẩm tri thức, sáng tạo và công nghệ", 1],
            [3, "PII", "Chỉ số đổi mới sáng tạo cấp địa phương", 1],
        ],
    }


def workbook_bytes(tmp_path, content=None, name="pii.xlsx"):
    return write_sheets(tmp_path / name, content or sheets()).read_bytes()


def store(tmp_path, year=2024, content=None, **extra):
    values = {
        "code": "PII",
        "year": year,
        "title": f"PII {year} (test)",
        "chosen": {},
        "province_unit": OURS,
        "user": None,
    }
    values.update(extra)
    return store_dataset(content or workbook_bytes(tmp_path), "pii.xlsx", **values)


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
    assert "Thể chế" in html and "Sản phẩm tri thức, sáng tạo và công nghệ" in html  # pillars


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
    assert client.get(reverse("innovation:publish", args=["PII", 2024])).status_code == 403
    official = reverse("innovation:official", args=["PII", 2024])
    assert client.post(official, {"is_official": "on"}).status_code == 403
    assert IndexDataset.objects.count() == 1 and not Observation.objects.exists()
    assert not IndexDataset.objects.get().is_official


def test_anonymous_is_sent_to_sign_in_for_upload_and_publish(client, db, tmp_path):
    store(tmp_path)
    for response in (
        client.get(reverse("innovation:upload")),
        client.get(reverse("innovation:publish", args=["PII", 2024])),
        client.post(reverse("innovation:publish", args=["PII", 2024])),
        client.post(reverse("innovation:official", args=["PII", 2024])),
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
    assert "Strengths" in html and "Weaknesses" in html and NAMES["i1"] in html
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


def ours_now(dataset):
    """Our unit's rank and index score, recomputed by the engine from the stored workbook."""
    result = compute(dataset_data(dataset), engine_settings(dataset.settings))
    return result.rank_of(OURS), float(result.index[OURS])


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_publish_asks_for_confirmation_showing_current_and_new_values(
    client_for, nghe_an, tmp_path
):
    dataset = store(tmp_path, is_official=True)
    rank, score = ours_now(dataset)
    indicator = Indicator.objects.get(code="PII_RANK")
    Observation.objects.create(
        status="approved", indicator=indicator, year=2024, value=41, source="earlier"
    )
    before = Observation.objects.count(), Observation.history.count()
    client = client_for("dost")
    page = client.get(reverse("innovation:publish", args=["PII", 2024]))
    assert page.status_code == 200
    assert (
        Observation.objects.count(),
        Observation.history.count(),
    ) == before  # GET writes nothing
    rows = {r["code"]: (r["current"], r["new"]) for r in page.context["rows"]}
    assert rows == {"PII_RANK": (41, rank), "PII_SCORE": (None, round(score, 2))}
    html = page.content.decode()
    assert re.search(rf"PII_RANK.*?>41<.*?>{rank}<", html, re.S)
    assert 'method="post"' in html and "Publish" in html


def test_publish_of_the_official_dataset_writes_rank_and_score_once(client_for, nghe_an, tmp_path):
    dataset = store(tmp_path, is_official=True)
    rank, score = ours_now(dataset)
    client = client_for("dost")
    url = reverse("innovation:publish", args=["PII", 2024])
    assert client.post(url).status_code == 302
    published = Observation.objects.get(indicator__code="PII_RANK", year=2024, area="")
    assert published.value == rank and not published.is_sample
    assert "PII 2024 (test)" in published.source
    assert Observation.objects.get(indicator__code="PII_SCORE", year=2024).value == pytest.approx(
        score, abs=0.005
    )
    before = Observation.objects.count(), Observation.history.count()
    client.post(url)
    assert (Observation.objects.count(), Observation.history.count()) == before


REFUSALS = {
    "not official": ({}, "not marked as the official PII"),
    "sample": ({"is_sample": True}, "Sample data is never published"),
    "no province unit": ({"is_official": True, "province_unit": ""}, "does not name our province"),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_publish_is_refused_with_the_reason_and_writes_nothing(client_for, nghe_an, tmp_path, case):
    extra, reason = REFUSALS[case]
    store(tmp_path, **extra)
    client = client_for("dost")
    url = reverse("innovation:publish", args=["PII", 2024])
    for response in (client.get(url, follow=True), client.post(url, follow=True)):
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == reverse("innovation:ranking", args=["PII", 2024])
        assert any(reason in m for m in messages_of(response)), messages_of(response)
    assert not Observation.objects.filter(indicator__code__startswith="PII", year=2024).exists()


def test_only_a_real_pii_dataset_can_be_official(db, tmp_path):
    from django.db import IntegrityError, transaction

    for extra in ({"is_sample": True}, {"code": "ASEM"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            store(tmp_path, is_official=True, **extra)
    assert not IndexDataset.objects.exists()


def test_upload_marks_official_or_says_why_it_cannot(client_for, tmp_path):
    client = client_for("dost")
    response = post_upload(client, tmp_path, is_official="on", is_sample="on")
    assert response.status_code == 200 and "A sample dataset cannot be official" in (
        response.content.decode()
    )
    response = post_upload(client, tmp_path, is_official="on", code="GII")
    assert "Only a PII dataset can be the official PII" in response.content.decode()
    assert not IndexDataset.objects.exists()
    assert post_upload(client, tmp_path, is_official="on").status_code == 302
    assert IndexDataset.objects.get().is_official


def test_dost_marks_a_stored_dataset_official_and_withdraws_the_mark(client_for, tmp_path):
    dataset = store(tmp_path)
    client = client_for("dost")
    url = reverse("innovation:official", args=["PII", 2024])
    page = client.get(reverse("innovation:ranking", args=["PII", 2024])).content.decode()
    assert f'action="{url}"' in page
    client.post(url, {"is_official": "on"})
    dataset.refresh_from_db()
    assert dataset.is_official and dataset.history.first().history_user.username == "dost"
    client.post(url, {})
    dataset.refresh_from_db()
    assert not dataset.is_official


def test_a_sample_dataset_cannot_be_marked_official(client_for, tmp_path):
    store(tmp_path, is_sample=True)
    response = client_for("dost").post(
        reverse("innovation:official", args=["PII", 2024]), {"is_official": "on"}, follow=True
    )
    assert any("A sample dataset cannot be official" in m for m in messages_of(response))
    assert not IndexDataset.objects.get().is_official


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


def test_asem_workbook_upload_ranks_like_the_engine_and_profiles_its_pillars(client_for):
    upload = SimpleUploadedFile("ASEM_results.xlsx", FIXTURE.read_bytes())
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
    name = next(i["name"] for i in dataset.results["indicators"] if i["code"] == code)
    assert name.startswith("Chỉ số mẫu")  # the sample's indicators are named, not bare codes
    expected = f'<strong>{name}</strong> <span class="muted">{code}</span>: winsorised in'
    assert f"{expected} {row['steps']} steps" in page
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


# --- the workbook on storage ---------------------------------------------------------------


def test_the_workbook_is_a_file_on_storage_outside_the_database(db, tmp_path, media_root):
    expected = workbook_bytes(tmp_path)
    dataset = store(tmp_path, content=expected)
    assert (media_root / dataset.workbook.name).read_bytes() == expected
    assert dataset.sha256 == hashlib.sha256(expected).hexdigest()
    fresh = IndexDataset.objects.get(pk=dataset.pk)  # a new process: nothing cached by checksum
    from stihub.innovation import datasets

    datasets._data_cache.clear()
    assert list(dataset_data(fresh).values.index) == [f"U{i + 1:02d}" for i in range(N_UNITS)]


def test_history_of_a_dataset_holds_the_file_name_not_its_bytes(db, tmp_path):
    dataset = store(tmp_path)
    dataset.title = "PII 2024 (corrected)"
    dataset.save()
    rows = list(dataset.history.values())
    assert len(rows) == 2
    for row in rows:
        assert not [k for k, v in row.items() if isinstance(v, bytes | memoryview)]
        assert row["workbook"] == dataset.workbook.name


def test_the_uploaded_workbook_is_downloaded_by_dost_as_an_attachment(client_for, tmp_path):
    content = workbook_bytes(tmp_path)
    store(tmp_path, content=content)
    response = client_for("dost").get(reverse("innovation:workbook", args=["PII", 2024]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="pii.xlsx"'


@pytest.mark.parametrize("name", ["reporter", "expert", "outsider", None])
def test_the_uploaded_workbook_is_not_served_to_others(client, client_for, tmp_path, name):
    store(tmp_path)
    client = client_for(name) if name else client
    response = client.get(reverse("innovation:workbook", args=["PII", 2024]))
    assert response.status_code == (403 if name else 302)


def test_upload_checks_the_content_not_only_the_name(client_for, tmp_path):
    upload = SimpleUploadedFile("pii.xlsx", b"UnitCode;Year\nU01;2024\n")
    data = {"file": upload, "code": "PII", "year": 2024, "title": "PII 2024"}
    response = client_for("dost").post(reverse("innovation:upload"), data)
    html = response.content.decode()
    assert response.status_code == 200 and not IndexDataset.objects.exists()
    assert "named pii.xlsx but its content is not a Excel .xlsx file" in html
    assert "object at" not in html


def test_a_damaged_workbook_is_refused_in_plain_words(client_for, tmp_path):
    import zipfile

    source = io.BytesIO(workbook_bytes(tmp_path))
    damaged = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(damaged, "w") as new:
        for item in old.namelist():
            content = old.read(item)
            new.writestr(item, content[:40] if item == "xl/worksheets/sheet1.xml" else content)
    upload = SimpleUploadedFile("pii.xlsx", damaged.getvalue())
    data = {"file": upload, "code": "PII", "year": 2024, "title": "PII 2024"}
    response = client_for("dost").post(reverse("innovation:upload"), data)
    assert response.status_code == 200 and not IndexDataset.objects.exists()
    assert "the workbook is damaged and cannot be read" in response.content.decode()


def test_migration_moves_stored_workbook_bytes_into_files(transactional_db, media_root):
    """0002 on a database holding a workbook (and its history) as bytes, as 0001 stored them;
    unapplied, it puts the bytes back."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("innovation")
    executor.migrate([("innovation", "0001_initial")])
    old = executor.loader.project_state([("innovation", "0001_initial")]).apps
    content = b"PK\x03\x04 a workbook as 0001 stored it"
    fields = {
        "code": "PII",
        "year": 2023,
        "title": "PII 2023",
        "workbook": content,
        "sha256": hashlib.sha256(content).hexdigest(),
        "filename": "pii-2023.xlsx",
    }
    row = old.get_model("innovation", "IndexDataset").objects.create(**fields)
    old.get_model("innovation", "HistoricalIndexDataset").objects.create(
        id=row.id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        history_date=timezone.now(),
        history_type="+",
        **fields,
    )
    executor.loader.build_graph()
    executor.migrate(latest)
    dataset = IndexDataset.objects.get(pk=row.pk)
    assert (media_root / dataset.workbook.name).read_bytes() == content
    assert dataset.history.get().workbook == dataset.workbook.name
    columns = {c.name for c in connection.introspection.get_table_description(
        connection.cursor(), "innovation_historicalindexdataset"
    )}  # fmt: skip
    assert "workbook" in columns and "workbook_bytes" not in columns
    executor.loader.build_graph()
    executor.migrate([("innovation", "0001_initial")])  # and back: the bytes return
    assert old.get_model("innovation", "IndexDataset").objects.get().workbook == content
    executor.loader.build_graph()
    executor.migrate(latest)


# --- names, directions, charts and numbers as people read them ----------------------------


def marked_rows(html, row_pattern):
    """Indicator codes of the rows matched by `row_pattern` that carry the lower-is-better mark."""
    return {
        code for code, row in re.findall(row_pattern, html, re.S) if 'class="lower-better"' in row
    }


def test_profile_names_indicators_and_explains_lower_is_better(client, db, tmp_path):
    store(tmp_path)
    html = client.get(reverse("innovation:profile", args=["PII", 2024, OURS])).content.decode()
    shown = set(re.findall(r'<tr data-indicator="(i\d)"', html))
    assert "i5" in shown  # 6 indicators, 5 strengths and 5 weaknesses: i5 is in one of them
    for code in shown:
        assert NAMES[code] in html
    assert marked_rows(html, r'<tr data-indicator="(i\d)">(.*?)</tr>') == {"i5"}
    assert LOWER_IS_BETTER in html


def test_planner_labels_say_which_indicators_are_lower_is_better(client, db, tmp_path):
    store(tmp_path)
    html = client.get(reverse("innovation:planner", args=["PII", 2024, OURS])).content.decode()
    edit_rows = r'<tr><td><label for="id_raw-(i\d)">(.*?)</tr>'
    assert len(re.findall(edit_rows, html, re.S)) == 6
    assert marked_rows(html, edit_rows) == {"i5"}
    assert LOWER_IS_BETTER in html
    assert f"i5 — {NAMES['i5']}" in html  # the choice of indicators to change


def test_treated_indicators_are_named(client, db, tmp_path):
    content = sheets()
    content["InputIndData"][1][2] = 100_000  # U01's i1 far above the rest: winsorised
    path = write_sheets(tmp_path / "skewed.xlsx", content)
    store_dataset(
        path.read_bytes(), "skewed.xlsx", code="PII", year=2024, title="t", chosen={},
        province_unit=OURS, user=None,
    )  # fmt: skip
    html = client.get(reverse("innovation:ranking", args=["PII", 2024])).content.decode()
    assert f"<strong>{NAMES['i1']}</strong> <span" in html


def test_score_bar_labels_stay_inside_the_chart_and_keep_the_full_name():
    import xml.etree.ElementTree as ET

    from stihub.innovation.charts import score_bars

    long = "Vốn con người và nghiên cứu và phát triển (trụ cột đầu vào thứ hai của chỉ số)"
    svg = score_bars([(long, 40.0, 70.0, 45.0), ("Thể chế", 55.0, 80.0, 50.0)], title="t")
    root = ET.fromstring(str(svg))
    width = float(root.get("viewBox").split()[2])
    labels = root.findall(".//g[@class='label']")
    assert len(labels) == 2
    for label in labels:
        text = label.find("text")
        right = float(text.get("x"))  # text-anchor end: the label ends here
        for line in ["".join(span.itertext()) for span in text]:
            # 11px text: about 0.6em a character in the sans fonts browsers use
            assert right - len(line) * 11 * 0.6 > 0 and right <= width
    assert label.find("title").text == "Thể chế"
    first = labels[0]
    assert first.find("title").text == long  # the full name on hover
    assert "".join(first.find("text").itertext()).endswith("…")  # shortened to fit


def test_planner_limits_each_change_to_half_the_raw_value_by_default(client, db, tmp_path):
    from stihub.innovation.forms import PlanForm

    assert "0,5" in str(PlanForm.base_fields["max_fraction"].help_text)
    dataset = store(tmp_path)
    goal = max(1, ours_now(dataset)[0] - 5)
    url = reverse("innovation:planner", args=["PII", 2024, OURS])
    response = client.post(url, {"goal_rank": goal})
    assert response.context["plan_form"].cleaned_data["max_fraction"] == 0.5
    for change in response.context["plan"].changes:
        assert abs(change.new_raw - change.old_raw) <= 0.5 * abs(change.old_raw) + 1e-9


@pytest.mark.parametrize(
    "typed, expected",
    [("0,5", 0.5), ("0.5", 0.5), ("1.234,5", 1234.5), ("1,234.5", 1234.5), ("-2,25", -2.25),
     ("12.345.678", 12345678.0), ("1 234,5", 1234.5), ("1,234", 1.234), ("0.125", 0.125)],
)  # fmt: skip
def test_numbers_typed_the_vietnamese_or_the_english_way(typed, expected):
    from django.utils import translation

    from stihub.core.forms import NumberField

    with translation.override("vi"):
        assert NumberField().clean(typed) == expected


@pytest.mark.parametrize(
    "language, typed, message",
    [
        ("en", "abc", "Enter a number, for example 0,5 or 1.234,5."),
        ("en", "1,2,3", "Enter a number, for example 0,5 or 1.234,5."),
        ("en", "nan", "Enter a number, for example 0,5 or 1.234,5."),
        ("vi", "abc", "Nhập một số, ví dụ 0,5 hoặc 1.234,5."),
        ("vi", "1.234", "1.234 có thể hiểu theo hai cách: viết 1234 nếu là số nguyên hoặc 1,234"),
        ("en", "1,234", "1,234 could be read two ways: write 1234 for a whole number or 1.234"),
    ],
)
def test_numbers_that_cannot_be_read_are_refused_with_a_message(language, typed, message):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from stihub.core.forms import NumberField

    with translation.override(language):
        with pytest.raises(ValidationError) as error:
            NumberField().clean(typed)
        assert error.value.messages[0].startswith(message)


def test_planner_reads_a_decimal_comma(client, db, tmp_path):
    store(tmp_path)
    url = reverse("innovation:planner", args=["PII", 2024, OURS])
    response = client.post(url, {"goal_rank": 1, "allowed": ["i1"], "max_fraction": "0,01"})
    assert response.context["plan_form"].cleaned_data["max_fraction"] == 0.01
    assert not response.context["plan"].reached


def test_hand_edit_reads_vietnamese_numbers_and_shows_text_inputs(client, db, tmp_path):
    dataset = store(tmp_path)
    client.cookies["django_language"] = "vi"
    url = reverse("innovation:edit", args=["PII", 2024, OURS])
    response = client.post(url, {"raw-i1": "1.234,5", "raw-i2": "0,5"}, HTTP_HX_REQUEST="true")
    assert response.context["edited"]["changes"] == {"i1": 1234.5, "i2": 0.5}
    page = client.get(reverse("innovation:planner", args=["PII", 2024, OURS])).content.decode()
    field = re.search(r'<input[^>]*name="raw-i1"[^>]*>', page).group(0)
    assert 'type="text"' in field and 'inputmode="decimal"' in field
    raw = dataset_data(dataset).values.at[OURS, "i1"]
    assert f'value="{raw}"'.replace(".", ",") in field  # shown with a decimal comma
    max_fraction = re.search(r'<input[^>]*name="max_fraction"[^>]*>', page).group(0)
    assert 'inputmode="decimal"' in max_fraction and 'value="0,5"' in max_fraction
