"""The resource bounds of a raw file (ingest/bounds.py): the rules on declared sizes, pure and fast."""

import io
import zipfile

import pytest

from kttt_pipeline.ingest import bounds
from kttt_pipeline.ingest.bounds import Limits, TooLarge

MiB = 2**20


class _Declared:
    """A zip's central directory as ``check_zip`` reads it (``infolist``): parts of the declared sizes."""

    def __init__(self, *parts: tuple[str, int, int]):
        self._infos = []
        for name, size, packed in parts:
            info = zipfile.ZipInfo(name)
            info.file_size, info.compress_size = size, packed
            self._infos.append(info)

    def infolist(self):
        return self._infos


def test_a_real_large_return_passes():
    # the demo's 200,000-row return: its list sheet is 178 MB of XML compressed 6.9x, the group sheet 7.7x
    bounds.check_zip(
        _Declared(
            ("xl/worksheets/sheet1.xml", 178_517_498, 25_772_989),
            ("xl/worksheets/sheet2.xml", 29_400_534, 3_825_520),
            ("xl/theme/theme1.xml", 10_140, 1_552),
        ),
        Limits(),
    )


def test_a_small_part_compressing_very_well_passes():
    # shared strings or styles of a few MB may compress far better than 100x: below the size floor they are fine
    bounds.check_zip(_Declared(("xl/styles.xml", 8 * MiB, 20_000)), Limits())


def test_a_part_inflating_past_the_floor_at_a_bomb_ratio_is_refused_by_name():
    with pytest.raises(TooLarge) as exc:
        bounds.check_zip(_Declared(("xl/worksheets/sheet1.xml", 1024 * MiB, 1_050_000)), Limits())
    assert "'xl/worksheets/sheet1.xml'" in exc.value.reason_vi and "1.024 MB" in exc.value.reason_vi
    assert "1.023 lần" in exc.value.reason_vi


def test_a_part_over_the_absolute_bound_is_refused_at_any_ratio():
    bounds.check_zip(_Declared(("xl/worksheets/sheet1.xml", 1000 * MiB, 150 * MiB)), Limits())
    with pytest.raises(TooLarge) as exc:
        bounds.check_zip(_Declared(("xl/worksheets/sheet1.xml", 1100 * MiB, 150 * MiB)), Limits())
    assert "1.100 MB" in exc.value.reason_vi and "vượt giới hạn 1.024 MB" in exc.value.reason_vi


def test_the_parts_together_are_bounded():
    parts = [(f"xl/worksheets/sheet{i}.xml", 400 * MiB, 50 * MiB) for i in range(4)]
    with pytest.raises(TooLarge) as exc:
        bounds.check_zip(_Declared(*parts), Limits())
    assert "tổng cộng 1.600 MB" in exc.value.reason_vi


def test_too_many_parts_are_refused():
    with pytest.raises(TooLarge) as exc:
        bounds.check_zip(_Declared(*[(f"p{i}", 10, 10) for i in range(10_001)]), Limits())
    assert "10.001 thành phần" in exc.value.reason_vi


def test_a_sheet_over_the_row_or_cell_limit_is_refused_by_name():
    bounds.check_extent("Danh sách HTX", 200_003, 23, Limits())
    with pytest.raises(TooLarge) as exc:
        bounds.check_extent("Danh sách HTX", 500_001, 10, Limits())
    assert "sheet 'Danh sách HTX'" in exc.value.reason_vi and "500.000 dòng" in exc.value.reason_vi
    with pytest.raises(TooLarge) as exc:
        bounds.check_extent("Danh sách HTX", 100_000, 16_384, Limits())
    assert "12.000.000 ô" in exc.value.reason_vi


def _xlsx_with_dimension(ref: str | None) -> zipfile.ZipFile:
    buf = io.BytesIO()
    dim = f'<dimension ref="{ref}"/>' if ref else ""
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "xl/workbook.xml",
            '<workbook xmlns:r="urn:r"><sheets><sheet name="Danh s&#225;ch" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships><Relationship Id="rId1" Type="ws" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        z.writestr("xl/worksheets/sheet1.xml", f"<worksheet><sheetPr/>{dim}<sheetData/></worksheet>")
    return zipfile.ZipFile(buf)


def test_the_declared_used_range_is_read_and_checked_with_the_sheet_name():
    assert bounds.declared_extent(_xlsx_with_dimension("A1:W200003"), "xl/worksheets/sheet1.xml") == (
        200_003,
        23,
        "A1:W200003",
    )
    assert bounds.declared_extent(_xlsx_with_dimension("A1"), "xl/worksheets/sheet1.xml") == (1, 1, "A1:A1")
    assert bounds.declared_extent(_xlsx_with_dimension(None), "xl/worksheets/sheet1.xml") is None
    bounds.check_workbook_zip("r.xlsx", _xlsx_with_dimension("A1:W200003"), Limits())
    with pytest.raises(TooLarge) as exc:
        bounds.check_workbook_zip("r.xlsx", _xlsx_with_dimension("A1:XFD1048576"), Limits())
    assert "sheet 'Danh sách'" in exc.value.reason_vi and "A1:XFD1048576" in exc.value.reason_vi


def test_limits_are_overridden_by_the_environment(monkeypatch):
    assert Limits.current() == Limits()
    monkeypatch.setenv("KTTT_MAX_SHEET_ROWS", "1_000")
    monkeypatch.setenv("KTTT_MAX_RATIO", "not a number")  # ignored: the default stays
    assert Limits.current().max_sheet_rows == 1000 and Limits.current().max_ratio == Limits().max_ratio
