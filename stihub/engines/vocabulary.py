"""The codes of the monitoring vocabulary, defined once (plain Python, no Django).

The resolution loader and the progress engine check against these; `stihub.monitoring.choices`
builds its Django choices from them, adding labels and colours, and a test keeps the two equal.
"""

from enum import StrEnum


class Direction(StrEnum):
    """Which way a target's indicator should move (chiều)."""

    INCREASE = "increase"
    DECREASE = "decrease"


class TargetKind(StrEnum):
    """How a target (chỉ tiêu) is stated."""

    LEVEL = "level"
    MULTIPLE_OF_BASELINE = "multiple_of_baseline"
    CUMULATIVE = "cumulative"
    RANK = "rank"


class Method(StrEnum):
    """How the progress of a level target is judged."""

    UNSD2023 = "unsd2023"
    CAGR_RATIO = "cagr_ratio"


class Status(StrEnum):
    """The progress status of a target."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    ACCELERATION_NEEDED = "acceleration_needed"
    STAGNATING = "stagnating"
    REGRESSING = "regressing"
    INSUFFICIENT_DATA = "insufficient_data"


# The direction a kind implies when the resolution file leaves it out: a rank is lower-is-better
# (rank 1 is best); a cumulative count only grows.
IMPLIED_DIRECTION = {
    TargetKind.RANK.value: Direction.DECREASE.value,
    TargetKind.CUMULATIVE.value: Direction.INCREASE.value,
}


class RevisionStatus(StrEnum):
    """Where a reported value (a revision of an observation) stands in review."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"  # the value in force: at most one per indicator, year, period, area
    RETURNED = "returned"
    SUPERSEDED = "superseded"  # was approved; a newer approved revision replaced it


class Frequency(StrEnum):
    """How often an indicator is reported (kỳ báo cáo)."""

    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"


class Breakdown(StrEnum):
    """What an indicator's values may be broken down by, besides the headline (tổng)."""

    NONE = "none"
    AREA = "area"  # the commune-level units (xã, phường)
    SECTOR = "sector"  # the sectors the indicator declares


class Headline(StrEnum):
    """How the headline of a broken-down value is obtained."""

    ENTERED = "entered"  # typed; the parts must then add up to it
    SUM = "sum"  # computed as the sum of the parts


class Channel(StrEnum):
    """How a submission reached the platform."""

    FORM = "form"
    EXCEL = "excel"
    API = "api"
    IMPORT = "import"  # DOST's file import
    PUBLISH = "publish"  # the innovation analyser's "publish to the resolution"
    REGISTRY = "registry"  # counted from the STI resources registries


# The STI resources registries (stihub.registry): the codes of the import contract
# (`stihub import_registry`), which also accepts the Vietnamese words in `ALIASES`.


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


class AcademicTitle(StrEnum):
    """Chức danh giáo sư, phó giáo sư."""

    GS = "GS"
    PGS = "PGS"


class Degree(StrEnum):
    """Highest degree (học vị), highest first."""

    TSKH = "TSKH"
    TS = "TS"
    THS = "ThS"
    CN_KS = "CN/KS"  # cử nhân, kỹ sư, bác sĩ, dược sĩ...
    CD = "CĐ"
    OTHER = "other"


class Location(StrEnum):
    """Where an expert lives and works."""

    PROVINCE = "province"
    VIETNAM = "vietnam"
    ABROAD = "abroad"


class ExpertRole(StrEnum):
    REVIEWER = "reviewer"
    COUNCIL = "council"
    MENTOR = "mentor"
    ADVISER = "adviser"


class OrganizationKind(StrEnum):
    ST_ORGANIZATION = "st_organization"  # tổ chức khoa học và công nghệ
    UNIVERSITY = "university"  # trường đại học, cao đẳng
    PUBLIC_ST_UNIT = "public_st_unit"  # đơn vị sự nghiệp công lập KH&CN
    INCUBATOR = "incubator"  # vườn ươm
    INNOVATION_CENTRE = "innovation_centre"  # trung tâm đổi mới sáng tạo
    COWORKING = "coworking"  # không gian làm việc chung
    OTHER = "other"


class EnterpriseSize(StrEnum):
    """Size class (Nghị định 80/2021/NĐ-CP)."""

    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class IPKind(StrEnum):
    """Industrial property objects (Luật Sở hữu trí tuệ)."""

    INVENTION = "invention"
    UTILITY_SOLUTION = "utility_solution"
    INDUSTRIAL_DESIGN = "industrial_design"
    TRADEMARK = "trademark"
    GEOGRAPHICAL_INDICATION = "geographical_indication"
    LAYOUT_DESIGN = "layout_design"


class IPStatus(StrEnum):
    """Steps of an application, in the order they happen."""

    FILED = "filed"
    ACCEPTED = "accepted"  # formally accepted (chấp nhận đơn hợp lệ)
    PUBLISHED = "published"
    GRANTED = "granted"
    REFUSED = "refused"
    EXPIRED = "expired"


class InfrastructureKind(StrEnum):
    LABORATORY = "laboratory"
    EQUIPMENT = "equipment"


class SharedUse(StrEnum):
    """Whether others may use a laboratory or piece of equipment."""

    OPEN = "open"
    ON_REQUEST = "on_request"
    INTERNAL = "internal"


# Vietnamese words (folded, as `engines.text.fold` gives them) accepted for the codes above.
ALIASES = {
    Gender: {"nam": Gender.MALE, "nu": Gender.FEMALE},
    Location: {
        "trong tinh": Location.PROVINCE,
        "trong nuoc": Location.VIETNAM,
        "ngoai tinh": Location.VIETNAM,
        "nuoc ngoai": Location.ABROAD,
    },
    ExpertRole: {
        "phan bien": ExpertRole.REVIEWER,
        "hoi dong": ExpertRole.COUNCIL,
        "thanh vien hoi dong": ExpertRole.COUNCIL,
        "co van khoi nghiep": ExpertRole.MENTOR,
        "co van": ExpertRole.ADVISER,
        "tu van": ExpertRole.ADVISER,
    },
    EnterpriseSize: {
        "sieu nho": EnterpriseSize.MICRO,
        "nho": EnterpriseSize.SMALL,
        "vua": EnterpriseSize.MEDIUM,
        "lon": EnterpriseSize.LARGE,
    },
    IPKind: {
        "sang che": IPKind.INVENTION,
        "giai phap huu ich": IPKind.UTILITY_SOLUTION,
        "kieu dang cong nghiep": IPKind.INDUSTRIAL_DESIGN,
        "nhan hieu": IPKind.TRADEMARK,
        "chi dan dia ly": IPKind.GEOGRAPHICAL_INDICATION,
        "thiet ke bo tri": IPKind.LAYOUT_DESIGN,
    },
    IPStatus: {
        "nop don": IPStatus.FILED,
        "da nop": IPStatus.FILED,
        "hop le": IPStatus.ACCEPTED,
        "chap nhan hop le": IPStatus.ACCEPTED,
        "cong bo": IPStatus.PUBLISHED,
        "cap bang": IPStatus.GRANTED,
        "da cap": IPStatus.GRANTED,
        "tu choi": IPStatus.REFUSED,
        "het hieu luc": IPStatus.EXPIRED,
    },
    AcademicTitle: {"giao su": AcademicTitle.GS, "pho giao su": AcademicTitle.PGS},
    Degree: {
        "tien si khoa hoc": Degree.TSKH,
        "tien si": Degree.TS,
        "thac si": Degree.THS,
        "cu nhan": Degree.CN_KS,
        "ky su": Degree.CN_KS,
        "cn": Degree.CN_KS,
        "ks": Degree.CN_KS,
        "cao dang": Degree.CD,
        "khac": Degree.OTHER,
    },
    OrganizationKind: {
        "to chuc khoa hoc va cong nghe": OrganizationKind.ST_ORGANIZATION,
        "to chuc kh cn": OrganizationKind.ST_ORGANIZATION,
        "truong dai hoc": OrganizationKind.UNIVERSITY,
        "dai hoc": OrganizationKind.UNIVERSITY,
        "cao dang": OrganizationKind.UNIVERSITY,
        "don vi su nghiep cong lap": OrganizationKind.PUBLIC_ST_UNIT,
        "vuon uom": OrganizationKind.INCUBATOR,
        "trung tam doi moi sang tao": OrganizationKind.INNOVATION_CENTRE,
        "khong gian lam viec chung": OrganizationKind.COWORKING,
        "khac": OrganizationKind.OTHER,
    },
    InfrastructureKind: {
        "phong thi nghiem": InfrastructureKind.LABORATORY,
        "thiet bi": InfrastructureKind.EQUIPMENT,
    },
    SharedUse: {
        "mo": SharedUse.OPEN,
        "dung chung": SharedUse.OPEN,
        "theo yeu cau": SharedUse.ON_REQUEST,
        "noi bo": SharedUse.INTERNAL,
    },
}
YES = {"yes", "y", "co", "true", "1", "x"}
NO = {"no", "n", "khong", "false", "0", ""}
