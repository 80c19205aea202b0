"""Duplicate detection in the app: the province's tasks and the past tasks of other lists in one
index, found whether typed with diacritics or not, with the overlapping passages marked; a task
is never its own match; the index follows the data (its version key)."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from stihub.tasks import duplicates
from stihub.tasks.choices import Source
from stihub.tasks.models import PastTask, RegulationProfile, Task


@pytest.fixture(autouse=True)
def fresh_index():
    """Each test starts without the process's index: test databases reuse ids."""
    duplicates.forget()
    yield
    duplicates.forget()


def task(users, code, title, summary="", keywords="", step="proposal"):
    return Task.objects.create(
        code=code,
        kind="research",
        title=title,
        summary=summary,
        keywords=keywords,
        proposer=users["dost"],
        profile=RegulationProfile.objects.first(),  # the bundled one, from the migrations
        step=step,
    )


def past(code, title, summary="", year=2019, source=Source.NATIONAL):
    return PastTask.objects.create(
        source=source, code=code, title=title, summary=summary, year=year
    )


def test_a_past_task_typed_without_diacritics_is_found_with_the_passage(users):
    past("DTDL.2019-01", "Nghien cuu nuoi cay mo cay cam Vinh sach benh", "Quy trinh nhan giong")
    past("DTDL.2020-02", "Xay dung mo hinh nuoi tom the chan trang", "Nuoi tom tren cat")
    task(users, "NA-2024-01", "Ứng dụng chuyển đổi số trong quản lý hộ tịch", "Phần mềm hộ tịch")
    found = duplicates.matches_for_text(
        "Nghiên cứu nuôi cấy mô cây cam Vinh sạch bệnh tại Nghệ An", "Nhân giống cam"
    )
    first = found[0]
    assert (first.code, first.year, first.url) == ("DTDL.2019-01", 2019, None)
    assert first.source_label == str(Source.NATIONAL.label)
    # The past title's 10 words all occur, in order, in the proposal's title: one passage,
    # the past task's own words on one side and the proposal's on the other.
    (passage,) = [p for p in first.passages if p.field == "title"]
    assert passage.doc_text == "Nghien cuu nuoi cay mo cay cam Vinh sach benh"
    assert passage.query_text == "Nghiên cứu nuôi cấy mô cây cam Vinh sạch bệnh"
    assert passage.words == 10
    assert first.title_segments == (duplicates.Segment(passage.doc_text, mark=True),)
    assert 0 < first.score <= 1 and first.percent == round(first.score * 100)


def test_a_task_is_never_its_own_match(users):
    words = dict(summary="Quy trình nhân giống hoa lan", keywords="hoa lan; nuôi cấy mô")
    one = task(users, "NA-2025-01", "Nhân giống hoa lan bằng nuôi cấy mô", **words)
    twin = task(users, "NA-2025-02", "Nhân giống hoa lan bằng nuôi cấy mô", **words)
    codes = [m.code for m in duplicates.matches(one)]
    assert codes == ["NA-2025-02"]
    (match,) = duplicates.matches(one)
    assert match.url == f"/tasks/{twin.pk}/" and match.source_label == str(duplicates.THIS_PROVINCE)
    assert match.score == pytest.approx(1.0)  # the same text: cosine 1


def test_a_council_member_is_not_shown_unpublished_proposals(users):
    words = dict(summary="Quy trình nhân giống hoa lan", keywords="hoa lan; nuôi cấy mô")
    one = task(users, "NA-2025-01", "Nhân giống hoa lan bằng nuôi cấy mô", **words)
    task(users, "NA-2025-02", "Nhân giống hoa lan bằng nuôi cấy mô", **words)  # a proposal
    task(users, "NA-2020-03", "Nhân giống hoa lan bằng nuôi cấy mô", step="published", **words)
    assert [m.code for m in duplicates.matches(one)] == ["NA-2025-02", "NA-2020-03"]
    assert [m.code for m in duplicates.matches(one, public_only=True)] == ["NA-2020-03"]


def test_withdrawn_tasks_are_left_out(users):
    task(users, "NA-2025-03", "Sản xuất phân bón hữu cơ vi sinh từ phụ phẩm", step="withdrawn")
    assert duplicates.matches_for_text("Sản xuất phân bón hữu cơ vi sinh từ phụ phẩm") == []


def test_a_past_task_added_after_a_query_is_seen_by_the_next(users):
    title = "Xử lý nước thải chăn nuôi lợn bằng đệm lót sinh học"
    assert duplicates.matches_for_text(title) == []  # builds the index: nothing like it yet
    past("DTDL.2018-07", "Xu ly nuoc thai chan nuoi lon bang dem lot sinh hoc", year=2018)
    assert [m.code for m in duplicates.matches_for_text(title)] == ["DTDL.2018-07"]


def test_the_version_is_read_once_per_request(users, django_assert_num_queries):
    past("DTDL.2017-03", "Bao ton nguon gen lua dac san", year=2017)
    request = RequestFactory().get("/")
    duplicates.matches_for_text("Bảo tồn nguồn gen lúa đặc sản", request=request)
    with django_assert_num_queries(0):  # the index was checked for this request already
        found = duplicates.matches_for_text("Bảo tồn nguồn gen lúa", request=request)
    assert [m.code for m in found] == ["DTDL.2017-03"]


def test_the_list_marks_the_passages_and_escapes_what_users_typed(users):
    past("X<1>", "Chọn tạo giống lạc <b>chịu hạn</b> & năng suất cao", year=2016)
    found = duplicates.matches_for_text("Chọn tạo giống lạc chịu hạn")
    html = render_to_string("tasks/_duplicates.html", {"matches": found})
    assert "<b>" not in html and "X&lt;1&gt;" in html
    # "Chọn tạo giống lạc" are the 4 words before the tag: the passage, marked
    assert "<mark>Chọn tạo giống lạc</mark> &lt;b&gt;chịu hạn&lt;/b&gt; &amp; năng suất cao" in html
    assert f"<strong>{found[0].percent}%</strong>" in html


def test_highlight_cuts_a_long_summary_around_the_passage():
    text = "mở đầu " * 30 + "NUÔI CẤY MÔ" + " kết thúc" * 30
    start = text.index("NUÔI")
    segments = duplicates.highlight(text, [(start, start + 11)], context=20)
    assert segments[0] == duplicates.Segment("…") and segments[-1] == duplicates.Segment("…")
    assert duplicates.Segment("NUÔI CẤY MÔ", mark=True) in segments
    # at most 20 characters either side, cut at a space
    assert all(len(s.text) <= 20 for s in segments if not s.mark)


def test_highlight_joins_passages_apart_by_a_space_only():
    text = "Nghien cuu nhan giong cam sach benh"
    # "Nghien cuu nhan giong cam" is [0, 25), "sach benh" [26, 35): one space between
    assert duplicates.highlight(text, [(26, 35), (0, 25)]) == (duplicates.Segment(text, True),)
    assert duplicates.highlight(text, [(0, 6), (26, 35)]) == (
        duplicates.Segment("Nghien", True),
        duplicates.Segment(" cuu nhan giong cam "),
        duplicates.Segment("sach benh", True),
    )
