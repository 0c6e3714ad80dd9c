"""§7.1 names with a common Vietnamese spelling confusion (tr/ch, s/x, d/gi/r, l/n, tone marks) match the
register's only such record of the unit; two real cooperatives never merge (issue 13)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kttt_pipeline.reconcile import entity_resolution as er

from .test_reconcile import coop, tax


@pytest.mark.parametrize(
    "written, register",
    [
        ("HTX chăn nuôi Chung Thành", "HỢP TÁC XÃ CHĂN NUÔI TRUNG THÀNH"),
        ("HTX chăn nuôi Trung Thành", "Hợp tác xã chăn nuôi Chung Thành"),
        ("HTX nông nghiệp Xơn Hà", "HỢP TÁC XÃ NÔNG NGHIỆP SƠN HÀ"),
        ("HTX vận tải Giũng Tiến", "Hợp tác xã vận tải Dũng Tiến"),
        ("HTX vận tải Rũng Tiến", "Hợp tác xã vận tải Dũng Tiến"),
        ("HTX vận tải Rũng Tiến", "Hợp tác xã vận tải Giũng Tiến"),
        ("HTX thủy sản Nâm Hải", "HỢP TÁC XÃ THỦY SẢN LÂM HẢI"),
        ("HTX dịch vụ Đông Tiền", "Hợp tác xã dịch vụ Đông Tiến"),  # a wrong tone mark
        ("HTX dich vu Dong Tien", "Hợp tác xã dịch vụ Đông Tiến"),  # no tone marks at all
    ],
)
def test_a_common_misspelling_matches_the_only_such_record(written, register):
    candidates = er.prepare_register(
        pd.DataFrame(
            [
                tax(name=register),
                tax(name="HTX dịch vụ nông nghiệp Hồng Quang", tax_code="5768341963", tax_code_parent="5768341963"),
            ]
        )
    )
    match, reason = er.best_name_match(written, candidates)
    assert match is not None and reason is None
    assert candidates.at[match.index, "name"] == register


@pytest.mark.parametrize(
    "written, register",
    [
        ("HTX nông nghiệp Thịnh Anh", "HỢP TÁC XÃ NÔNG NGHIỆP THỊNH QUANG"),  # another syllable: another cooperative
        ("HTX dịch vụ Đông Tiến", "Hợp tác xã dịch vụ Đông Tâm"),
        ("HTX vận tải Bình Phong", "HTX vận tải Vình Phong"),  # b/v is not a confusion of the list
        ("HTX nông nghiệp Nhân Hòa", "HTX nông nghiệp Lhân Hòa"),  # "nh" is its own initial, not "n" + h
        ("HTX chăn nuôi Chung Xơn", "HTX chăn nuôi Trung Sơn"),  # two syllables changed: not one slip
    ],
)
def test_different_syllables_do_not_match(written, register):
    match, _ = er.best_name_match(written, er.prepare_register(pd.DataFrame([tax(name=register)])))
    assert match is None


def test_two_candidates_in_the_unit_match_neither():
    register = er.prepare_register(
        pd.DataFrame(
            [
                tax(name="HTX nông nghiệp Nam Sơn"),
                tax(name="HTX nông nghiệp Lam Xơn", tax_code="5768341963", tax_code_parent="5768341963"),
            ]
        )
    )
    match, reason = er.best_name_match("HTX nông nghiệp Lam Sơn", register)
    assert match is None and reason == "ambiguous"


def test_resolution_by_confusion_records_both_names_and_stays_in_the_unit():
    register = pd.DataFrame(
        [
            tax(
                name="HỢP TÁC XÃ CHĂN NUÔI TRUNG THÀNH",
                tax_code="5768341963",
                tax_code_parent="5768341963",
                unit_code="193",
            )
        ]
    )
    rows = pd.DataFrame(
        [
            coop(name="HTX chăn nuôi Chung Thành"),  # no code
            coop(name="HTX chăn nuôi Chung Thành", tax_code_raw="576834196", row_number=11),  # invalid code
            coop(name="HTX chăn nuôi Chung Thành", unit_code="194", row_number=12),  # another unit's cooperative
            coop(name="HTX chăn nuôi Chung Thành", tax_code="5770125871", row_number=13),  # valid, unknown code
        ]
    )
    out, findings = er.resolve_identities(rows, register)
    assert list(out["match_method"]) == ["name", "name", "none", "name"]
    assert list(out["coop_key"][:2]) == ["5768341963", "5768341963"] and out["coop_key"][3] == "5768341963"
    matches = [f for f in findings if f.kind == "NAME_MATCH"]
    assert [f.row_number for f in matches] == [10, 11, 13]
    assert all(
        f.value_reported == "HTX chăn nuôi Chung Thành" and f.value_computed == "HỢP TÁC XÃ CHĂN NUÔI TRUNG THÀNH"
        for f in matches
    )
    assert "'chung' / 'trung'" in matches[0].detail
    assert [(f.kind, f.unit_code) for f in findings if f.row_number == 12] == [("NO_TAX_RECORD", "194")]


def test_a_register_that_tells_the_sector_offers_only_that_sector():
    register = pd.DataFrame([tax(name="HỢP TÁC XÃ TRUNG THÀNH", sector="TRANSPORT")])
    rows = pd.DataFrame(
        [coop(name="HTX Chung Thành", sector="AGRI"), coop(name="HTX Chung Thành", sector="TRANSPORT", row_number=11)]
    )
    out, _ = er.resolve_identities(rows, register)
    assert list(out["match_method"]) == ["none", "name"]


def test_the_confusions_are_vocabulary_data():
    classes = er.spelling_classes()
    assert classes["tr"] == classes["ch"] and classes["s"] == classes["x"]
    assert classes["d"] == classes["gi"] == classes["r"] and classes["l"] == classes["n"]
    assert classes["tr"] != classes["s"]


# ---------------------------------------------------------------- a confusion inside a generic word (issue 24)


@pytest.mark.parametrize(
    "written, register",
    [
        ("HTX xản xuất nấm Hải Tiến", "HỢP TÁC XÃ SẢN XUẤT NẤM HẢI TIẾN"),  # s/x in "sản xuất"
        ("HTX trăn nuôi Hồng Hà", "Hợp tác xã chăn nuôi Hồng Hà"),  # tr/ch in "chăn nuôi"
        ("HTX chăn luôi Hồng Hà", "Hợp tác xã chăn nuôi Hồng Hà"),  # l/n in "nuôi"
        ("HTX rịch vụ Hồng Hà", "Hợp tác xã dịch vụ Hồng Hà"),  # d/r in "dịch vụ"
        ("HTX xản xuất nấm Suân Lâm", "HỢP TÁC XÃ SẢN XUẤT NẤM XUÂN LÂM"),  # and one in the proper name too
    ],
)
def test_a_confusion_in_a_generic_word_matches_the_only_close_record(written, register):
    candidates = er.prepare_register(
        pd.DataFrame(
            [
                tax(name=register),
                tax(name="HTX dịch vụ nông nghiệp Quang Trung", tax_code="5768341963", tax_code_parent="5768341963"),
            ]
        )
    )
    match, reason = er.best_name_match(written, candidates)
    assert match is not None and reason is None
    assert candidates.at[match.index, "name"] == register


def test_a_generic_word_spelt_with_a_confusion_is_no_part_of_the_proper_name():
    assert er.distinctive_part("hop tac xa xan xuat nam hai tien") == "nam hai tien"
    assert er.distinctive_part("hop tac xa tran luoi hong ha") == "hong ha"
    # a proper name that merely shares an initial is kept: "sao" is no confusion of a generic word
    assert er.distinctive_part("hop tac xa dich vu sao mai") == "sao mai"


def test_two_cooperatives_differing_by_a_confusable_proper_name_stay_apart_with_a_misspelt_generic_word():
    register = pd.DataFrame(
        [
            tax(name="HỢP TÁC XÃ SẢN XUẤT NẤM TRUNG THÀNH"),
            tax(name="HỢP TÁC XÃ SẢN XUẤT NẤM CHUNG THÀNH", tax_code="5768341963", tax_code_parent="5768341963"),
        ]
    )
    rows = pd.DataFrame(
        [coop(name="HTX xản xuất nấm Trung Thành"), coop(name="HTX xản xuất nấm Chung Thành", row_number=11)]
    )
    out, findings = er.resolve_identities(rows, register)
    assert list(out["match_method"]) == ["name", "name"]
    assert list(out["coop_key"]) == ["5770125871", "5768341963"]  # each its own record: never merged
    kept, duplicates = er.drop_duplicates(out, register)
    assert len(kept) == 2 and duplicates == []


def test_a_misspelt_generic_word_with_two_confusable_records_matches_neither():
    register = er.prepare_register(
        pd.DataFrame(
            [
                tax(name="HTX sản xuất nấm Nam Sơn"),
                tax(name="HTX sản xuất nấm Lam Xơn", tax_code="5768341963", tax_code_parent="5768341963"),
            ]
        )
    )
    match, reason = er.best_name_match("HTX xản xuất nấm Lam Sơn", register)
    assert match is None and reason == "ambiguous"


def test_resolution_through_a_misspelt_generic_word_is_a_name_match_not_a_missing_record():
    register = pd.DataFrame(
        [tax(name="HỢP TÁC XÃ SẢN XUẤT NẤM HẢI TIẾN", tax_code="5768341963", tax_code_parent="5768341963")]
    )
    out, findings = er.resolve_identities(pd.DataFrame([coop(name="HTX xản xuất nấm Hải Tiến")]), register)
    assert list(out["coop_key"]) == ["5768341963"] and list(out["match_method"]) == ["name"]
    assert [f.kind for f in findings] == ["NAME_MATCH"]


def _distinctive_part_by_replacement(folded: str) -> str:
    """The distinctive part as the generic phrases removed by string replacement, longest first, twice each:
    what a name spelt right has always given."""
    text = f" {folded} "
    for phrase in er.generic_phrases():
        text = text.replace(f" {phrase} ", " ").replace(f" {phrase} ", " ")
    return " ".join(text.split())


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(
    st.lists(
        st.sampled_from(
            [*er.generic_phrases(), "hai", "tien", "xuan", "lam", "trung", "thanh", "sao", "mai", "quang", "dong"]
        ),
        min_size=1,
        max_size=9,
        unique=True,
    )
)
def test_a_name_spelt_right_keeps_its_distinctive_part(parts):
    # (each part once: of a phrase repeated four times over, the replacement kept one by a quirk of its scan)
    folded = " ".join(parts)
    assert er.distinctive_part(folded) == _distinctive_part_by_replacement(folded)
