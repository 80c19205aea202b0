"""Administrative units from `vietnam-provinces` (2025 codes), each commune with its committee."""

from vietnam_provinces import Province, ProvinceCode, Ward

from .choices import AgencyKind
from .models import AdministrativeUnit, Agency
from .upsert import upsert

# The package's division types, mapped onto ours (defined once in choices.DivisionType).
DIVISION_TYPES = {
    "tỉnh": "tinh",
    "thành phố trung ương": "thanh_pho",
    "xã": "xa",
    "phường": "phuong",
    "đặc khu": "dac_khu",
}


def load_province(code: int) -> tuple[AdministrativeUnit, int]:
    """Upsert a province, its commune-level units from `vietnam-provinces`, and for each unit
    its People's Committee (UBND xã/phường) as a reporting agency."""
    province = Province.from_code(ProvinceCode(code))
    parent, _change = upsert(
        AdministrativeUnit,
        {"code": int(province.code)},
        {
            "name": province.name,
            "division_type": DIVISION_TYPES[province.division_type.value],
            "codename": province.codename,
            "parent": None,
        },
    )
    count = 0
    for ward in Ward.iter_by_province(province.code):
        unit, _change = upsert(
            AdministrativeUnit,
            {"code": int(ward.code)},
            {
                "name": ward.name,
                "division_type": DIVISION_TYPES[ward.division_type.value],
                "codename": ward.codename,
                "parent": parent,
            },
        )
        upsert(
            Agency,
            {"code": f"UBND-{unit.code}"},
            {
                "name": f"Ủy ban nhân dân {unit.name[:1].lower()}{unit.name[1:]}",
                "kind": AgencyKind.COMMUNE,
                "admin_unit": unit,
            },
        )
        count += 1
    return parent, count
