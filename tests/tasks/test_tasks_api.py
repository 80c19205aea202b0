"""The public register's API: only public tasks, for every caller (DOST included); search with
or without marks; filters checked (400 with the parameter named); a task by its id, with its
public records only."""

import datetime as dt

import pytest

from stihub.tasks.choices import RecordKind, Step, TaskKind
from stihub.tasks.models import TaskRecord

from .test_public_pages import make_expert, make_org, make_task


@pytest.fixture
def tasks(users):
    dost = users["dost"]
    host = make_org()
    return {
        "proposal": make_task(dost, Step.PROPOSAL, title="Đề xuất bí mật về nuôi cấy mô lan"),
        "withdrawn": make_task(dost, Step.WITHDRAWN, title="Nhiệm vụ rút lại về nuôi cấy mô"),
        "call": make_task(dost, Step.CALL, title="Nuôi cấy mô cây chuối tiêu hồng"),
        "running": make_task(
            dost,
            Step.EXECUTION,
            title="Sản xuất thử nghiệm phân bón hữu cơ",
            kind=TaskKind.PILOT,
            host_org=host,
            lead=make_expert("Trần Thị Chủ Nhiệm"),
            budget=850.5,
            decision_no="12/QĐ-UBND",
            decision_on=dt.date(2025, 3, 1),
            keywords="phân bón; vi sinh",
        ),
    }


def codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


def test_the_api_lists_only_public_tasks_even_for_dost(tasks, client, client_for):
    public = {tasks["call"].code, tasks["running"].code}
    assert codes(client.get("/api/tasks/")) == public
    assert codes(client_for("dost").get("/api/tasks/")) == public


def test_a_hidden_task_is_not_found_by_id(tasks, client, client_for):
    assert client.get(f"/api/tasks/{tasks['proposal'].pk}/").status_code == 404
    assert client_for("dost").get(f"/api/tasks/{tasks['withdrawn'].pk}/").status_code == 404
    assert client.get("/api/tasks/%C4%90X-2026-001/").status_code == 404  # a code is no id
    assert client.get(f"/api/tasks/{tasks['call'].pk}/").status_code == 200


def test_search_and_filters(tasks, client):
    assert codes(client.get("/api/tasks/", {"q": "nuoi cay mo"})) == {tasks["call"].code}
    assert codes(client.get("/api/tasks/", {"q": "phan bon"})) == {tasks["running"].code}
    assert codes(client.get("/api/tasks/", {"kind": "pilot"})) == {tasks["running"].code}
    assert codes(client.get("/api/tasks/", {"step": "call"})) == {tasks["call"].code}
    assert codes(client.get("/api/tasks/", {"stage": "running"})) == {tasks["running"].code}
    # The year of a task: it started, else its decision, else it was proposed.
    year = tasks["call"].created_at.year
    assert codes(client.get("/api/tasks/", {"year": year})) == {tasks["call"].code}
    decided = {tasks["running"].code}  # decided in 2025, not started yet
    assert codes(client.get("/api/tasks/", {"year": 2025})) == decided
    for bad in ({"step": "proposal"}, {"year": "abc"}, {"kind": ""}, {"limit": "0"}):
        response = client.get("/api/tasks/", bad)
        assert response.status_code == 400 and set(response.json()) == set(bad), bad


def test_one_task_with_its_selected_team_and_public_records(tasks, client, users):
    task = tasks["running"]
    TaskRecord.objects.create(
        task=task,
        kind=RecordKind.PROGRESS,
        on=dt.date(2025, 9, 1),
        text="Báo cáo tiến độ nội bộ",
        by=users["dost"],
    )
    TaskRecord.objects.create(
        task=task,
        kind=RecordKind.APPLICATION,
        on=dt.date(2026, 1, 5),
        text="Ứng dụng tại Quỳnh Lưu",
        by=users["dost"],
    )
    body = client.get(f"/api/tasks/{task.pk}/").json()
    assert body["code"] == task.code and body["kind"] == "pilot"
    assert body["step"] == "execution" and body["step_label"]
    assert body["host_organization"] == "Viện Sinh học Nghệ An"
    assert body["principal_investigator"] == "Trần Thị Chủ Nhiệm"
    assert body["budget"] == 850.5 and body["decision_no"] == "12/QĐ-UBND"
    assert body["decision_on"] == "2025-03-01"
    assert body["keywords"] == ["phân bón", "vi sinh"]
    assert body["records"] == [
        {"kind": "application", "on": "2026-01-05", "text": "Ứng dụng tại Quỳnh Lưu"}
    ]
    # nothing of dossiers or councils
    assert not {"dossiers", "councils", "reviews", "proposer"} & set(body)
    call = client.get(f"/api/tasks/{tasks['call'].pk}/").json()
    assert call["host_organization"] is None and call["principal_investigator"] is None


def test_the_api_is_read_only(tasks, client_for):
    response = client_for("dost").post("/api/tasks/", {"title": "x"})
    assert response.status_code in (403, 405)
