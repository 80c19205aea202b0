"""The made-up records of the registries' demo (`demo.py`): names, places, trades and kinds to
draw from, the organizations, and a demo population series. Nothing here is official data."""

import datetime as dt

from .choices import IPKind


# code|name|short name|kind|commune code|fields|staff|doctors|masters|R&D FTE in 2020
def _org_row(line: str) -> tuple:
    """One line of the organizations table, typed."""
    code, name, short, kind, commune, fields, staff, phd, masters, fte = line.split("|")
    numbers = (int(commune), fields, int(staff), int(phd), int(masters))
    return (code, name, short, kind, *numbers, float(fte) if fte else None)


ORGANIZATIONS = [
    _org_row(line)
    for line in """
dh-vinh|Trường Đại học Vinh|ĐH Vinh|university|16690|1.1;1.4;2.2;5.3|1050|380|520|650
dh-yk-vinh|Trường Đại học Y khoa Vinh|ĐHYK Vinh|university|16681|3.1;3.2|420|60|210|180
dh-spkt-vinh|Trường Đại học Sư phạm Kỹ thuật Vinh||university|16702|2.2;2.3|380|55|240|150
dh-kt-na|Trường Đại học Kinh tế Nghệ An|ĐHKT Nghệ An|university|16708|5.2|260|30|170|90
cd-yte-na|Trường Cao đẳng Y tế Nghệ An||university|17920|3.3|190|6|90|8
vien-nn-btb|Viện KH Kỹ thuật Nông nghiệp Bắc Trung Bộ||st_organization|16681|4.1;4.4|120|18|45|110
tt-duoc-lieu|Trung tâm Nghiên cứu Dược liệu Nghệ An||st_organization|16939|3.1;4.1|35|4|12|14
tt-ung-dung|Trung tâm Ứng dụng tiến bộ KH&CN Nghệ An||public_st_unit|16702|2.9;4.1|60|5|22|25
tt-tdc|Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng||public_st_unit|16690|2.3;2.4|55|2|15|12
tt-thong-tin|Trung tâm Thông tin và Thống kê KH&CN Nghệ An||public_st_unit|16708|1.2;5.8|30|1|10|6
vuon-uom-dhv|Vườn ươm doanh nghiệp khởi nghiệp Trường Đại học Vinh||incubator|16690|5.2|12|2|5|3
tt-hotro-kn|Trung tâm Hỗ trợ khởi nghiệp ĐMST Nghệ An||innovation_centre|16681|5.2;1.2|18|1|8|4
vinh-hub|Không gian làm việc chung Vinh Startup Hub|Vinh Hub|coworking|16702||8|0|2|
tram-nghia-dan|Trạm Thực nghiệm Nông nghiệp Nghĩa Đàn||st_organization|16939|4.1|25|1|6|9
bv-hndk|Bệnh viện Hữu nghị Đa khoa Nghệ An||other|17920|3.2|1300|40|300|120
""".strip().splitlines()
]


def _split(text: str) -> list[str]:
    """ "a|b" → [a, b]."""
    return text.split("|")


def _pairs(text: str) -> list[list[str]]:
    """ "a:b|c:d" (or a/b) → [[a, b], [c, d]]."""
    return [item.replace("/", ":").split(":") for item in text.split("|")]


FAMILY = _split("Nguyễn|Trần|Lê|Phạm|Hoàng|Phan|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Đinh|Thái|Chu")
MALE = _pairs(
    "Văn/Đức|Hữu/Thắng|Đình/Hùng|Quang/Minh|Xuân/Sơn|Đức/Anh|Minh/Tuấn|Công/Lực|Trọng/Nghĩa|Bá/Long"
)
FEMALE = _pairs("Thị/Hương|Thị/Lan|Thị Thu/Hà|Thị/Yến|Ngọc/Ánh|Thị Minh/Châu|Thanh/Thủy|Thị/Quỳnh")
KEYWORDS = {
    "1": ["toán ứng dụng", "hóa hữu cơ", "vật liệu nano", "khoa học dữ liệu", "thống kê"],
    "2": ["tự động hóa", "điện tử công suất", "IoT", "cơ khí chế tạo", "năng lượng tái tạo"],
    "3": ["dược liệu", "y học cổ truyền", "dịch tễ học", "dinh dưỡng"],
    "4": ["chọn giống lúa", "nuôi trồng thủy sản", "cây ăn quả có múi", "chè", "bò sữa"],
    "5": ["kinh tế số", "quản trị doanh nghiệp", "khởi nghiệp", "chính sách KH&CN"],
}
ELSEWHERE = _split(
    "Viện Hàn lâm KH&CN Việt Nam|Đại học Quốc gia Hà Nội|Đại học Bách khoa Hà Nội|"
    "Đại học Quốc gia TP. Hồ Chí Minh"
)
ABROAD = _pairs(
    "Nhật Bản:Đại học Tohoku|Hàn Quốc:Viện KAIST|Pháp:Đại học Paris-Saclay|"
    "Úc:Đại học Monash|Hoa Kỳ:Đại học Texas A&M|Đức:Đại học Kỹ thuật Munich"
)
POSITIONS = _split(
    "Giảng viên|Giảng viên chính|Trưởng khoa|Nghiên cứu viên|Nghiên cứu viên chính|"
    "Giám đốc trung tâm|Phó Viện trưởng"
)
COMPANY = ["Công ty TNHH", "Công ty cổ phần", "Công ty TNHH MTV", "Hợp tác xã"]
TRADE = _pairs(
    "Công nghệ phần mềm:62|Dược liệu:21|Thực phẩm sạch:10|Nông nghiệp công nghệ cao:01|"
    "Thủy sản:03|Cơ khí chính xác:28|Điện tử:26|Tư vấn kỹ thuật:71|"
    "Nghiên cứu và phát triển:72|Vật liệu xây dựng:23|Thương mại điện tử:47|Giải pháp số:63"
)
PLACE = _split(
    "Sông Lam|Hồng Lĩnh|Phủ Quỳ|Cửa Lò|Nam Đàn|Diễn Châu|Hoàng Mai|Thanh Chương|"
    "Pù Mát|Kim Liên|Xứ Nghệ|Bắc Trung Bộ|Vinh|Đô Lương"
)
IP_KINDS = [
    (IPKind.TRADEMARK, 60, "4", "Nice", ["29;30", "35", "05", "31;32", "42"]),
    (IPKind.INDUSTRIAL_DESIGN, 15, "3", "Locarno", ["09-01", "07-01", "06-01"]),
    (IPKind.UTILITY_SOLUTION, 11, "2", "IPC", ["A01G 9/02", "F24S 10/00", "B01D 29/00"]),
    (IPKind.INVENTION, 10, "1", "IPC", ["A61K 36/00", "A23L 2/38", "C05F 11/00"]),
    (IPKind.GEOGRAPHICAL_INDICATION, 3, "6", "", [""]),
    (IPKind.LAYOUT_DESIGN, 1, "5", "", [""]),
]
IP_TITLES = {
    IPKind.TRADEMARK: "Nhãn hiệu «{place} {word}»",
    IPKind.INDUSTRIAL_DESIGN: "Kiểu dáng {word}",
    IPKind.UTILITY_SOLUTION: "Giải pháp {word}",
    IPKind.INVENTION: "Quy trình {word}",
    IPKind.GEOGRAPHICAL_INDICATION: "Chỉ dẫn địa lý «{place}» cho sản phẩm {word}",
    IPKind.LAYOUT_DESIGN: "Thiết kế bố trí mạch tích hợp {word}",
}
IP_WORDS = _split(
    "cam Vinh|chè xanh|nước mắm|bánh đa vừng|tương Nam Đàn|gạo hữu cơ|chai đựng nước|"
    "máy sấy nông sản|hệ thống tưới nhỏ giọt|chiết xuất tinh dầu|"
    "bảo quản cam sau thu hoạch|xử lý nước thải chăn nuôi|vi mạch cảm biến"
)
# Demo figures, not official statistics: about 3.4 million people (Nghệ An's order of size).
POPULATION = {
    2020: 3_365_000,
    2021: 3_392_000,
    2022: 3_419_000,
    2023: 3_446_000,
    2024: 3_472_000,
    2025: 3_498_000,
}
POPULATION_NOTE = "Số liệu mẫu (demo), không phải số liệu thống kê chính thức"
DEMO_ORCID = "0000-0002-1825-0097"  # ORCID's own example iD, valid
CERT_RULE_2019 = dt.date(2019, 3, 20)  # Nghị định 13/2019/NĐ-CP takes effect
