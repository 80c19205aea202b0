"""A sample PII-shaped dataset for demonstrations: 34 provinces as since 2025, labelled sample.

Only year 2025 is generated, so that publishing it can never overwrite the real PII 2023 and
2024 figures the demo loads.
"""

import dataclasses
import io

from stihub.engines.composite_bench import synthetic_pii
from stihub.engines.composite_io import write_input_workbook

from .datasets import store_dataset
from .models import IndexDataset

SAMPLE_YEAR = 2025
PROVINCE = "NAN"
# The PII's own names for its pillars and sub-indices (Bộ KH&CN).
NAMES = {
    "Institutions": "Thể chế",
    "HumanCapital": "Vốn con người và nghiên cứu và phát triển",
    "Infrastructure": "Cơ sở hạ tầng",
    "Market": "Trình độ phát triển của thị trường",
    "Business": "Trình độ phát triển kinh doanh",
    "Knowledge": "Sản phẩm tri thức, sáng tạo và công nghệ",
    "Impact": "Tác động",
    "Input": "Chỉ số đầu vào",
    "Output": "Chỉ số đầu ra",
    "PII": "Chỉ số đổi mới sáng tạo cấp địa phương (PII)",
}


def _name(code: str) -> str:
    """A pillar's or sub-index's PII name; a group is named «nhóm k» of its pillar."""
    if code in NAMES:
        return NAMES[code]
    pillar, number = code.rstrip("0123456789"), code[len(code.rstrip("0123456789")) :]
    return f"{NAMES[pillar]} — nhóm {number}" if pillar in NAMES and number else code


def build_sample_index(seed: int = 2030):
    """Store the sample dataset once; later runs leave it (and its history) as it is."""
    stored = IndexDataset.objects.filter(code="PII", year=SAMPLE_YEAR, is_sample=True).first()
    if stored:
        return stored
    data = synthetic_pii(34, seed=seed)
    codes = {old: f"T{i + 1:02d}" for i, old in enumerate(data.units.index)}
    codes[data.units.index[19]] = PROVINCE
    data = dataclasses.replace(
        data,
        units=data.units.rename(index=codes),
        values=data.values.rename(index=codes),
        denominators=data.denominators.rename(index=codes),
    )
    data.aggregates["Name"] = [_name(code) for code in data.aggregates.index]
    # Sample indicators have no published names: they say they are samples, and of which group.
    data.indicators["Name"] = [
        f"Chỉ số mẫu {code[1:]} ({_name(group)})" for code, group in data.indicators["Agg1"].items()
    ]
    data.units["UnitName"] = [
        "Nghệ An (mẫu)" if code == PROVINCE else f"Tỉnh mẫu {code[1:]}" for code in data.units.index
    ]
    buffer = io.BytesIO()
    write_input_workbook(data, buffer)
    return store_dataset(
        buffer.getvalue(),
        "pii-2025-mau.xlsx",
        code="PII",
        year=SAMPLE_YEAR,
        title="PII 2025 — dữ liệu mẫu (34 tỉnh, thành phố)",
        chosen={"group": "Group_Region"},
        province_unit=PROVINCE,
        user=None,
        is_sample=True,
    )


def load(*, scale: int, seed: int) -> list[str]:
    """Innovation's part of `stihub demo`."""
    dataset = build_sample_index(seed=seed)
    return [f"Sample index dataset {dataset}: {len(dataset.results['units'])} units."]
