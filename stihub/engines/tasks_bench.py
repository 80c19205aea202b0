"""Benchmark of the S&T task engines (`make bench`): council suggestion and duplicate detection.

1. Council (hội đồng) suggestion over 100,000 synthetic experts (goal < 1 s), and reading them
   from EXPERTS.csv.
2. Duplicate detection (phát hiện trùng lặp): an index of 50,000 synthetic past tasks, titles of
   15–25 syllables and summaries of 80–150, built once; then 20 different proposals queried
   (goal: p95 < 500 ms per query).

Synthetic data from a seeded RNG, so every run measures the same work. `rows()` returns
(measure, figure, goal) rows. Not a timed test.
"""

import csv
import datetime as dt
import io
import random
import statistics
import time

from stihub.engines.council import COLUMNS, Expert, Proposal, read_experts, suggest
from stihub.engines.similarity import Doc, Index
from stihub.engines.text import fold

EXPERTS, TASKS, QUERIES = 100_000, 50_000, 20

ACTIONS = [
    "Nghiên cứu", "Ứng dụng", "Xây dựng", "Phát triển", "Đánh giá", "Hoàn thiện", "Chuyển giao",
    "Thử nghiệm", "Điều tra", "Khảo sát", "Tuyển chọn", "Bảo tồn", "Khai thác", "Sản xuất",
]  # fmt: skip
METHODS = [
    "công nghệ sinh học", "nuôi cấy mô tế bào", "tiến bộ kỹ thuật", "công nghệ cao",
    "quy trình VietGAP", "chế phẩm vi sinh", "trí tuệ nhân tạo", "hệ thống thông tin địa lý",
    "internet vạn vật", "công nghệ chiếu xạ", "phương pháp sinh học phân tử", "mô hình liên kết",
    "kỹ thuật tưới tiết kiệm nước", "công nghệ sấy lạnh", "chỉ thị phân tử", "dữ liệu lớn",
]  # fmt: skip
OBJECTS = [
    "cam Vinh", "chè Shan tuyết", "lúa chất lượng cao", "bò sữa", "lợn đen bản địa", "gà ri",
    "nấm linh chi", "nấm sò", "sâm Puxailaileng", "cà gai leo", "gừng", "nghệ vàng",
    "tôm thẻ chân trắng", "cá rô đồng", "cua biển", "ngao Bến Tre", "cá chình",
    "hàu Thái Bình Dương", "bệnh ung thư gan", "bệnh tim mạch", "bệnh đái tháo đường",
    "sốt xuất huyết", "bệnh lao phổi",
    "chính quyền điện tử", "chuyển đổi số", "cơ sở dữ liệu đất đai", "dịch vụ công trực tuyến",
    "rác thải sinh hoạt", "nước thải làng nghề", "rừng phòng hộ", "đa dạng sinh học",
    "dân ca ví giặm", "di tích lịch sử", "lễ hội truyền thống", "làng nghề truyền thống",
    "vật liệu xây dựng không nung", "gạch ốp lát", "điện mặt trời áp mái", "khí sinh học",
    "keo lai", "cây mắc ca", "dứa", "bưởi Phúc Trạch", "lạc", "ngô lai", "sắn", "mía",
]  # fmt: skip
PURPOSES = [
    "nâng cao năng suất và chất lượng", "phục vụ xuất khẩu", "giảm thiểu ô nhiễm môi trường",
    "thích ứng với biến đổi khí hậu", "tạo sản phẩm hàng hóa", "góp phần giảm nghèo bền vững",
    "phục vụ công tác quản lý nhà nước", "nâng cao hiệu quả kinh tế", "bảo vệ sức khỏe cộng đồng",
    "phát triển du lịch", "hỗ trợ chẩn đoán sớm", "bảo tồn nguồn gen quý",
]  # fmt: skip
PLACES = [
    "tỉnh Nghệ An", "các huyện miền núi phía Tây Nghệ An", "huyện Quỳ Hợp", "huyện Con Cuông",
    "thị xã Hoàng Mai", "vùng ven biển Diễn Châu", "thành phố Vinh", "tỉnh Hà Tĩnh",
    "tỉnh Thanh Hóa", "vùng Bắc Trung Bộ", "huyện Kỳ Sơn", "huyện Nghĩa Đàn",
]  # fmt: skip
SENTENCES = [
    "Đề tài đánh giá thực trạng {o} tại {p} và xác định các yếu tố ảnh hưởng.",
    "Xây dựng quy trình kỹ thuật {m} đối với {o} phù hợp điều kiện {p}.",
    "Thử nghiệm mô hình {m} quy mô {n} ha nhằm {u}.",
    "Kết quả dự kiến gồm {n} quy trình, bộ tài liệu hướng dẫn và đào tạo {n} kỹ thuật viên.",
    "Phân tích hiệu quả kinh tế, xã hội và môi trường của {o} so với phương thức truyền thống.",
    "Đề xuất giải pháp khoa học và công nghệ để {u} cho {o}.",
    "Chuyển giao kết quả cho doanh nghiệp và hợp tác xã trên địa bàn {p}.",
    "Ứng dụng {m} trong theo dõi, đánh giá và quản lý {o} giai đoạn {y} đến {z}.",
]


def _task(rng: random.Random, i: int) -> Doc:
    """A task: title of ~15–25 syllables, summary of ~80–150."""
    o, o2 = rng.sample(OBJECTS, 2)
    title = (
        f"{rng.choice(ACTIONS)} {rng.choice(METHODS)} {rng.choice(['trong', 'cho', 'để'])} "
        f"{rng.choice(['sản xuất', 'nhân giống', 'quản lý', 'phát triển'])} {o} "
        f"{rng.choice(PURPOSES)} tại {rng.choice(PLACES)}"
    )
    sentences = []
    while sum(len(s.split()) for s in sentences) < rng.randint(80, 150):
        y = rng.randint(2010, 2025)
        sentences.append(
            rng.choice(SENTENCES).format(
                o=rng.choice([o, o, o2]),
                p=rng.choice(PLACES),
                m=rng.choice(METHODS),
                u=rng.choice(PURPOSES),
                n=rng.randint(2, 50),
                y=y,
                z=y + rng.randint(1, 5),
            )  # fmt: skip
        )
    return Doc(f"T{i:05d}", title, " ".join(sentences), (o, rng.choice(METHODS)))


def synthetic_tasks(n: int = TASKS, seed: int = 11) -> list[Doc]:
    rng = random.Random(seed)
    return [_task(rng, i) for i in range(n)]


ORGS = [
    "Trường Đại học Vinh", "Viện Cây lương thực và Cây thực phẩm",
    "Bệnh viện Hữu nghị Đa khoa Nghệ An", "Sở Khoa học và Công nghệ Nghệ An", "Viện Chăn nuôi",
    "Trường Đại học Y khoa Vinh", "Viện Nghiên cứu Nuôi trồng thủy sản I",
    "Học viện Nông nghiệp Việt Nam", "Viện Hàn lâm KH&CN Việt Nam",
    "Trung tâm Ứng dụng tiến bộ KH&CN Nghệ An", "Trường Đại học Sư phạm Kỹ thuật Vinh",
]  # fmt: skip
FIELDS = ["1.1", "1.2", "1.6", "2.2", "2.7", "3.1", "3.2", "4.1", "4.2", "4.5", "5.2", "6.1"]
KEYWORDS = sorted(set(OBJECTS + METHODS)) + ["giống", "chịu hạn", "vi sinh"]


def synthetic_experts(n: int = EXPERTS, seed: int = 5) -> list[Expert]:
    rng = random.Random(seed)
    experts = []
    for i in range(n):
        org = rng.choice(ORGS)
        start = rng.randint(1995, 2020)
        past = ((rng.choice(ORGS), start, start + rng.randint(1, 8)),) if i % 3 == 0 else ()
        experts.append(
            Expert(
                id=f"E{i}",
                full_name=f"Chuyên gia {i}",
                fields=tuple(rng.sample(FIELDS, rng.randint(1, 3))),
                keywords=tuple(rng.sample(KEYWORDS, rng.randint(2, 6))),
                organization=org,
                past_affiliations=tuple((o.lower(), a, b) for o, a, b in past),
                relatives=frozenset({f"E{rng.randrange(n)}"}) if i % 50 == 0 else frozenset(),
                coauthors=frozenset(f"E{rng.randrange(n)}" for _ in range(i % 4)),
                sanctioned_until=dt.date(2027, 1, 1) if i % 97 == 0 else None,
            )
        )
    return experts


def _experts_csv(experts: list[Expert]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for e in experts:
        past = ";".join(f"{o}:{a}-{b}" for o, a, b in e.past_affiliations)
        until = e.sanctioned_until.isoformat() if e.sanctioned_until else ""
        writer.writerow(
            [e.id, e.full_name, ";".join(e.fields), ";".join(e.keywords), e.organization, past,
             ";".join(sorted(e.relatives)), ";".join(sorted(e.coauthors)), until]
        )  # fmt: skip
    return out.getvalue()


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def council_rows() -> list[tuple[str, str, str]]:
    experts = synthetic_experts()
    proposal = Proposal(
        title="Nghiên cứu nhân giống cam Vinh bằng nuôi cấy mô tế bào tại tỉnh Nghệ An",
        summary="Tuyển chọn cây đầu dòng, xây dựng quy trình vi ghép đỉnh sinh trưởng sạch bệnh.",
        keywords=("cam Vinh", "nuôi cấy mô tế bào", "giống"),
        fields=("4.1", "1.6"),
        applicant_id="E10",
        team_ids=("E11", "E12", "E400"),
        host_org="Trường Đại học Vinh",
        partner_orgs=("Viện Cây lương thực và Cây thực phẩm",),
    )
    on = dt.date(2026, 6, 1)
    seconds = _median(lambda: suggest(proposal, experts, size=7, on=on), repeat=5)
    text = _experts_csv(experts)
    read = _median(lambda: read_experts(io.StringIO(text, newline=""), []), repeat=3)
    return [
        (f"council suggestion over {EXPERTS:,} experts (median of 5)", f"{seconds:.2f} s", "< 1 s"),
        (f"reading {EXPERTS:,} experts from EXPERTS.csv", f"{read:.2f} s", ""),
    ]


def _proposals(tasks: list[Doc], seed: int = 23) -> list[tuple[str, str]]:
    """Proposals: half rewrites of a past task (words shuffled, marks dropped), half new."""
    rng = random.Random(seed)
    fresh = [_task(rng, i) for i in range(QUERIES)]
    found = []
    for i, doc in enumerate(fresh):
        if i % 2:
            past = tasks[rng.randrange(len(tasks))]
            words = past.summary.split()
            rng.shuffle(words)
            found.append((fold(past.title), " ".join(words)))
        else:
            found.append((doc.title, doc.summary))
    return found


def similarity_rows() -> list[tuple[str, str, str]]:
    tasks = synthetic_tasks()
    start = time.perf_counter()
    index = Index.build(tasks)
    build = time.perf_counter() - start
    timings = []
    for title, summary in _proposals(tasks):
        start = time.perf_counter()
        index.query(title, summary, k=5)
        timings.append((time.perf_counter() - start) * 1000)
    p95 = statistics.quantiles(timings, n=20)[18]
    return [
        (f"duplicate detection: index of {TASKS:,} past tasks built", f"{build:.1f} s", ""),
        (
            f"duplicate detection: one proposal against {TASKS:,} tasks, p50 / p95 of {QUERIES}",
            f"{statistics.median(timings):.0f} / {p95:.0f} ms",
            "p95 < 500 ms",
        ),
    ]


def rows() -> list[tuple[str, str, str]]:
    """(measure, figure, goal) rows for `make bench`."""
    return council_rows() + similarity_rows()


if __name__ == "__main__":
    for measure, figure, goal in rows():
        print(f"{measure:<75} {figure:>14}   goal {goal}")
