"""The columns of the registries' import contract, per kind: the key (the contract, never
renamed), the Vietnamese label of the template, how a cell is read, whether it is required, what
the template's guide says of it, and the Vietnamese words accepted for the codes
(`vocabulary.ALIASES`). Plain Python; read by `registry_io`, the
exports and the template. The guide texts are Vietnamese data, like the labels: the template is
the Vietnamese form of the contract.

Extension columns (`extra`) follow the contract's: experts `id` (the record number of an export,
to update that record); organizations `short_name, address, website, staff_masters, year, rd_fte`
(a survey year); enterprises `address, products, st_cert_issuer, st_cert_products, st_cert_rule,
startup_evidence, survey_year, innovation, rd, rd_fte`; ip `accepted_on, published_on,
refused_on, expired_on` (status steps). Infrastructure (an extension kind): `kind, name,
owner_code, owner_tax_code, fields, shared_use, description, conditions, contact`.
"""

from dataclasses import dataclass

from stihub.engines import vocabulary as v

KINDS = ("experts", "organizations", "enterprises", "ip", "infrastructure")

# Words offered in the template's drop-down lists (the codes are accepted as well).
WORDS = {
    v.Gender: "nam;nữ",
    v.Location: "trong tỉnh;trong nước;nước ngoài",
    v.EnterpriseSize: "siêu nhỏ;nhỏ;vừa;lớn",
    v.IPKind: "sáng chế;giải pháp hữu ích;kiểu dáng công nghiệp;nhãn hiệu;chỉ dẫn địa lý;"
    "thiết kế bố trí",
    v.IPStatus: "nộp đơn;hợp lệ;công bố;cấp bằng;từ chối;hết hiệu lực",
    v.AcademicTitle: "GS;PGS",
    v.Degree: "TSKH;TS;ThS;CN/KS;CĐ;khác",
    v.OrganizationKind: "tổ chức khoa học và công nghệ;trường đại học;đơn vị sự nghiệp công lập;"
    "vườn ươm;trung tâm đổi mới sáng tạo;không gian làm việc chung;khác",
    v.InfrastructureKind: "phòng thí nghiệm;thiết bị",
    v.SharedUse: "mở;theo yêu cầu;nội bộ",
    v.ExpertRole: "phản biện;hội đồng;cố vấn khởi nghiệp;tư vấn",
}


@dataclass(frozen=True)
class Column:
    """A column of the contract: its key, its template label, how a cell is read, whether a
    row must fill it, what the guide sheet says of it."""

    key: str
    label: str
    kind: str  # text, int, year, number, date, bool, choice, choices, fields, vsic, commune,...
    required: bool = False
    help: str = ""
    vocabulary: type | None = None
    max_length: int = 300
    extra: bool = False  # an extension column, after the contract's


def _c(key, label, kind="text", **kw) -> Column:
    return Column(key, label, kind, **kw)


_EXPERTS = [
    _c("full_name", "Họ và tên", required=True, max_length=150, help="Họ và tên đầy đủ, có dấu."),
    _c("birth_year", "Năm sinh", "year", help="Bốn chữ số, ví dụ 1975 (thông tin hạn chế)."),
    _c("gender", "Giới tính", "choice", vocabulary=v.Gender),
    _c("academic_title", "Chức danh", "choice", vocabulary=v.AcademicTitle),
    _c("degree", "Học vị", "choice", vocabulary=v.Degree),
    _c(
        "fields",
        "Lĩnh vực KH&CN",
        "fields",
        help="Mã lĩnh vực KH&CN, ví dụ 2.2; nhiều mã cách nhau bởi ;.",
    ),
    _c("keywords", "Từ khóa", "list", max_length=2000, help="Cách nhau bởi ;."),
    _c(
        "organization",
        "Cơ quan công tác",
        help="Mã hoặc tên tổ chức trong cơ sở dữ liệu; nếu không có, ghi tên cơ quan.",
    ),
    _c("location", "Nơi sinh sống và làm việc", "choice", required=True, vocabulary=v.Location),
    _c("country", "Quốc gia", max_length=80, help="Khi ở nước ngoài."),
    _c("hometown", "Quê quán", max_length=200, help="Thông tin hạn chế."),
    _c("email", "Thư điện tử", "email", max_length=254, help="Thông tin hạn chế."),
    _c("phone", "Điện thoại", max_length=40, help="Thông tin hạn chế."),
    _c(
        "orcid",
        "ORCID",
        "orcid",
        help="16 ký tự, ví dụ 0000-0002-1825-0097 (có kiểm tra ký tự cuối).",
    ),
    _c("roles", "Vai trò", "choices", vocabulary=v.ExpertRole, help="Cách nhau bởi ;."),
    _c(
        "public_consent",
        "Đồng ý công khai",
        "bool",
        help="có: người này đã đồng ý hiện trong danh bạ công khai (ghi nhận kèm tên tệp).",
    ),
    _c(
        "id",
        "Số hồ sơ",
        "int",
        extra=True,
        help="Số hồ sơ trong hệ thống (có trong tệp xuất); để trống khi thêm mới.",
    ),
]
_ORGANIZATIONS = [
    _c(
        "code",
        "Mã tổ chức",
        "slug",
        required=True,
        max_length=40,
        help="Mã không dấu, duy nhất; trùng mã thì cập nhật.",
    ),
    _c("name", "Tên tổ chức", required=True),
    _c("kind", "Loại hình", "choice", required=True, vocabulary=v.OrganizationKind),
    _c("commune_code", "Mã xã/phường", "commune", help="Mã đơn vị hành chính cấp xã chính thức."),
    _c("fields", "Lĩnh vực KH&CN", "fields", help="Mã lĩnh vực, cách nhau bởi ;."),
    _c("staff_total", "Tổng số cán bộ", "int"),
    _c("staff_phd", "Số tiến sĩ", "int"),
    _c("short_name", "Tên viết tắt", max_length=80, extra=True),
    _c("address", "Địa chỉ", extra=True),
    _c("website", "Trang thông tin", "url", max_length=200, extra=True),
    _c("staff_masters", "Số thạc sĩ", "int", extra=True),
    _c("year", "Năm điều tra", "year", extra=True, help="Năm của số liệu nhân lực R&D."),
    _c(
        "rd_fte",
        "Nhân lực R&D (FTE)",
        "number",
        extra=True,
        help="Quy đổi toàn thời gian, năm điều tra.",
    ),
]
_ENTERPRISES = [
    _c(
        "tax_code",
        "Mã số thuế",
        "tax_code",
        required=True,
        help="10 chữ số (chi nhánh: thêm - và 3 chữ số); trùng mã thì cập nhật.",
    ),
    _c("name", "Tên doanh nghiệp", required=True),
    _c("vsic", "Mã ngành VSIC", "vsic", help="Mã ngành VSIC 2018, 2 đến 5 chữ số."),
    _c("size", "Quy mô", "choice", vocabulary=v.EnterpriseSize),
    _c("commune_code", "Mã xã/phường", "commune", help="Mã đơn vị hành chính cấp xã chính thức."),
    _c("st_cert_no", "Số GCN doanh nghiệp KH&CN", max_length=40),
    _c("st_cert_date", "Ngày cấp GCN doanh nghiệp KH&CN", "date"),
    _c("startup_recognised_on", "Ngày công nhận khởi nghiệp ĐMST", "date"),
    _c("address", "Địa chỉ", extra=True),
    _c("products", "Sản phẩm chính", max_length=5000, extra=True),
    _c("st_cert_issuer", "Cơ quan cấp GCN", max_length=200, extra=True),
    _c("st_cert_products", "Sản phẩm được chứng nhận", max_length=5000, extra=True),
    _c(
        "st_cert_rule",
        "Căn cứ cấp GCN",
        max_length=80,
        extra=True,
        help="Ví dụ Nghị định 13/2019/NĐ-CP.",
    ),
    _c("startup_evidence", "Căn cứ công nhận khởi nghiệp", max_length=5000, extra=True),
    _c("survey_year", "Năm điều tra", "year", extra=True),
    _c("innovation", "Có hoạt động ĐMST", "bool", extra=True),
    _c("rd", "Có hoạt động R&D", "bool", extra=True),
    _c("rd_fte", "Nhân lực R&D (FTE)", "number", extra=True),
]
_IP = [
    _c("kind", "Loại đối tượng", "choice", required=True, vocabulary=v.IPKind),
    _c("application_no", "Số đơn", required=True, max_length=40, help="Trùng số đơn thì cập nhật."),
    _c("filed_on", "Ngày nộp đơn", "date", required=True),
    _c(
        "applicant_tax_code",
        "Mã số thuế người nộp đơn",
        "tax_code",
        help="Nếu người nộp đơn là doanh nghiệp trong cơ sở dữ liệu.",
    ),
    _c(
        "applicant_name",
        "Tên người nộp đơn",
        help="Bắt buộc nếu không có mã số thuế của doanh nghiệp đã có.",
    ),
    _c("title", "Tên đối tượng", required=True, max_length=500),
    _c("classes", "Phân loại IPC/Locarno/Nice", "list", help="Cách nhau bởi ;."),
    _c("status", "Tình trạng", "choice", required=True, vocabulary=v.IPStatus),
    _c("granted_on", "Ngày cấp bằng", "date"),
    _c("grant_no", "Số bằng", max_length=40),
    _c("accepted_on", "Ngày chấp nhận đơn hợp lệ", "date", extra=True),
    _c("published_on", "Ngày công bố", "date", extra=True),
    _c("refused_on", "Ngày từ chối", "date", extra=True),
    _c("expired_on", "Ngày hết hiệu lực", "date", extra=True),
]
_INFRASTRUCTURE = [
    _c("kind", "Loại", "choice", required=True, vocabulary=v.InfrastructureKind),
    _c(
        "name",
        "Tên phòng thí nghiệm/thiết bị",
        required=True,
        help="Trùng tên và chủ sở hữu thì cập nhật.",
    ),
    _c("owner_code", "Mã tổ chức sở hữu", "slug", max_length=40),
    _c("owner_tax_code", "Mã số thuế doanh nghiệp sở hữu", "tax_code"),
    _c("fields", "Lĩnh vực KH&CN", "fields"),
    _c("shared_use", "Dùng chung", "choice", vocabulary=v.SharedUse),
    _c("description", "Mô tả", max_length=5000),
    _c("conditions", "Điều kiện sử dụng", max_length=5000),
    _c("contact", "Liên hệ (đơn vị)"),
]
CONTRACT = {
    "experts": _EXPERTS,
    "organizations": _ORGANIZATIONS,
    "enterprises": _ENTERPRISES,
    "ip": _IP,
    "infrastructure": _INFRASTRUCTURE,
}
# The natural key of each kind: repeated in a file, it is a problem (the import upserts by it).
NATURAL_KEY = {
    "experts": "orcid",
    "organizations": "code",
    "enterprises": "tax_code",
    "ip": "application_no",
}


def columns(kind: str) -> list[Column]:
    return CONTRACT[kind]


def keys(kind: str, extra: bool = True) -> list[str]:
    """The column keys of `kind`: the contract's, then (with `extra`) the extension columns."""
    return [c.key for c in CONTRACT[kind] if extra or not c.extra]


def accepted_words(column: "Column") -> str:
    """What a choice cell accepts, for messages and the guide: codes and Vietnamese words."""
    if column.kind == "bool":
        return "yes/no, có/không"
    if column.vocabulary is None:
        return ""
    codes = ", ".join(m.value for m in column.vocabulary)
    words = WORDS.get(column.vocabulary, "").replace(";", ", ")
    return f"{codes}; {words}" if words else codes
