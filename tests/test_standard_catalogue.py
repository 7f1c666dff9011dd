"""The shipped rule catalogue against the published standards, clause by clause.

The tables below are transcribed by hand from ../shared/spec/standard-window.md
and ../shared/spec/standard-staff.md, NOT from resources/standards/*.json, so a
slip in the JSON (or in seeding it into the database) shows up here. Every
clause and variant is then scored once on a tiny roster and the drop is checked
against scoring.md with exact Fraction arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction as F

import pytest

from kaoping_desktop import services
from kaoping_desktop.domain.scoring import score_month
from kaoping_desktop.domain.consequences import CONSEQUENCE_LABELS
from kaoping_desktop.domain.records import replace
from kaoping_desktop.domain.standards import (
    DISQUALIFY_YEAR,
    OTHER_EVIDENCE,
    STAFF,
    WINDOW,
)
from kaoping_desktop.domain.validation import RosterView, check_incident
from kaoping_desktop.store import catalogue
from kaoping_desktop.store.database import close_database

from domain_builders import BACK_ID, CHIEF_ID, DAY, MONTH, STAFF_IDS, default_standard_set, incident, tiny_roster

# --- the spec, by hand -----------------------------------------------------------

WINDOW_CATEGORIES = {
    "1": ("基础分", 20),
    "2": ("人员选派", 10),
    "3": ("进驻授权", 10),
    "4": ("服务能力", 30),
    "5": ("工作联动", 15),
    "6": ("服务监督", 15),
}
STAFF_CATEGORIES = {
    "P1": ("工作纪律", 30),
    "P2": ("服务规范", 30),
    "P3": ("服务效能", 30),
    "P4": ("廉洁自律", 10),
}

# Category 1: (id, text, points, evidence)
BASE_CLAUSES = [
    ("1.1", "窗口首席代表月度考评基础分", "10", ("E01",)),
    ("1.2", "窗口工作人员月度考评基础分", "10", ("E01",)),
]

CAT3_EVIDENCE = ("E06", "E07", "E08", "E09", "E10")
DISQUALIFY_TEXT = "取消本年度各项评先选优资格"


@dataclass(frozen=True)
class WindowRow:
    code: str
    category: str
    text: str
    unit: str
    variant: str
    win: str
    chief: str
    evidence: tuple[str, ...]
    consequence: str = ""

    def __str__(self) -> str:
        return f"{self.code}{'/' + self.variant if self.variant else ''}"


@dataclass(frozen=True)
class StaffRow:
    code: str
    category: str
    text: str
    unit: str
    variant: str
    pts: str
    evidence: tuple[str, ...]  # names, as the staff standard gives them

    def __str__(self) -> str:
        return f"{self.code}{'/' + self.variant if self.variant else ''}"


W = WindowRow
WINDOW_CLAUSES = [
    # Category 2 — 人员选派 (10)
    W("2.1", "2", "未按省政府办公厅关于进一步加强公共服务平台建设的意见等文件要求选派窗口人员", "每次", "", "3", "1.5", ("E02",)),
    W("2.2", "2", "未事前向县政务服务中心报备同意，擅自撤出或调换窗口工作人员", "每人次", "", "2", "1", ("E03",)),
    W("2.3", "2", "未安排好后台人员值守，导致窗口前台接件后办不成事", "每次", "", "2", "1", ("E04", "E05")),
    # Category 3 — 进驻授权 (10)
    W("3.1", "3", "事项办事指南的名称、数量等与公布的权责清单不一致", "每项", "", "2", "1", CAT3_EVIDENCE),
    W("3.2", "3", "擅自增加或退出进驻事项", "每次", "", "2", "1", CAT3_EVIDENCE),
    W("3.3", "3", "进驻事项未按要求及时编制办事指南", "每项", "", "2", "1", CAT3_EVIDENCE),
    W("3.4", "3", "进驻事项编制办事指南不准确、不完整", "每项", "", "1", "0.5", CAT3_EVIDENCE),
    W("3.5", "3", "进驻事项名称、法律依据、申报材料等发生变动时，未及时更新办事指南", "每项", "", "1", "0.5", CAT3_EVIDENCE),
    W("3.6", "3", "各地推送的通办事项后台未及时、未按要求办理", "每项", "", "1", "0.5", CAT3_EVIDENCE),
    W("3.7", "3", "经论证评估，事项应纳入“一窗”而未纳入", "每个事项", "", "2", "1", CAT3_EVIDENCE),
    W("3.8", "3", "未按“一窗通办”工作规程办理，未签订或未结合事项管理调整更新委托授权书", "每次", "", "2", "1", CAT3_EVIDENCE),
    # Category 4 — 服务能力 (30)
    W("4.1", "4", "办件抽查中，不能提供相应事项办件卷宗", "每件次", "", "2", "1", ("E07",)),
    W("4.2", "4", "办件抽查中，办理流程不规范，未按后台分类审批规定进行审批", "每件次", "", "1", "0.5", ("E07",)),
    W("4.3", "4", "对办件抽查中发现的问题未及时整改或到期未整改完成", "每件次", "", "1", "0.5", ("E07",)),
    W("4.4", "4", "业务办理超出承诺或法定时限未办结", "每次", "黄牌", "2", "1", ("E11",)),
    W("4.4", "4", "业务办理超出承诺或法定时限未办结", "每次", "红牌", "3", "1.5", ("E11",)),
    W("4.5", "4", "“一窗”通办事项办事指南不精准、不完整，要素变动时审查要点未及时更新", "每项", "", "1", "0.5", ("E08",)),
    W("4.6", "4", "按全省“一窗”通办事项办事指南纠错机制，发现问题未及时处理", "每项", "", "1", "0.5", ("E08",)),
    # Category 5 — 工作联动 (15)
    W("5.1", "5", "未按一窗通办、全省通办、跨省通办、一网通办等业务规程要求履职", "每次", "", "2", "1", ("E05", "E12", "E13", "E14")),
    W("5.2", "5", "依法应使用电子印章而不使用电子印章开展审批服务", "每次", "", "2", "1", ("E08",)),
    W("5.3", "5", "中心转（交）办的12345热线等咨询投诉建议，确属窗口业务未按规定时限办结", "每件次", "", "2", "1", ("E15", "E16")),
    W("5.4", "5", "无故不派员参加中心组织的学习、培训等集体活动", "每次", "缺席", "2", "1", ("E17", "E18")),
    W("5.4", "5", "无故不派员参加中心组织的学习、培训等集体活动", "每次", "迟到（早退）", "1", "0.5", ("E17", "E18")),
    W("5.5", "5", "未完成中心交办属于窗口职责的任务", "每件次", "", "2", "1", ("E16",)),
    W("5.6", "5", "进驻部门窗口人员不正确指导并要求“一窗”综合受理人员违规收件受理", "每件次", "", "2", "1", ("E07", "E11")),
    W("5.7", "5", "擅自要求“一窗”综合受理人员承担审查决定等不应由其负责的工作", "每件次", "", "2", "1", ("E07", "E11")),
    W("5.8", "5", "部门班子成员每月至少1次到窗口检查指导工作，缺1次", "每缺1次", "", "1", "0.5", ("E19",)),
    W("5.9", "5", "窗口人为造成“一窗”综合受理前、后台运行不顺畅，经核实确属后台人员责任", "每次", "", "2", "1", ("E13", "E05", "E07")),
    W("5.10", "5", "窗口未开展邮政速递工作，应寄未寄", "每次", "", "1", "0.5", ("E13", "E05", "E07")),
    # Category 6 — 服务监督 (15)
    W("6.1", "6", "引起服务对象投诉举报产生不良影响，经查确系进驻部门窗口责任", "每次", "", "3", "1.5", ("E20",)),
    W("6.2", "6", "国家已明令取消的事项、材料、收费和流程环节，窗口仍在继续实施", "每项", "", "5", "2.5", ("E21", "E22", "E11")),
    W("6.3", "6", "在统计工作中弄虚作假、虚报瞒报", "每次", "", "2", "1", ("E23",)),
    W("6.4", "6", "窗口被有关部门（媒体）明查暗访负面通报（曝光）", "每次", "", "15", "7.5", ("E24",), DISQUALIFY_TEXT),
    W("6.5", "6", "政务服务“好差评”执行不好，且被查实评价结果为“差”而未按期整改", "每次", "", "2", "1", ("E25", "E20")),
]

S = StaffRow
STAFF_CLAUSES = [
    # P1 — 工作纪律 (30)
    S("P1.1", "P1", "迟到、早退", "每次", "", "1", ("考勤记录",)),
    S("P1.2", "P1", "未履行请假手续擅自离岗、脱岗", "每次", "", "2", ("考勤记录", "现场巡查")),
    S("P1.3", "P1", "旷工", "每半天", "", "5", ("考勤记录",)),
    S("P1.4", "P1", "工作时间玩游戏、看视频、网购、炒股等与工作无关的活动", "每次", "", "2", ("现场巡查", "视频监控")),
    S("P1.5", "P1", "工作时间聚堆聊天、大声喧哗、吃零食", "每次", "", "1", ("现场巡查",)),
    S("P1.6", "P1", "无故缺席中心组织的会议、学习、培训", "每次", "缺席", "2", ("会议签到册",)),
    S("P1.6", "P1", "无故缺席中心组织的会议、学习、培训", "每次", "迟到（早退）", "1", ("会议签到册",)),
    # P2 — 服务规范 (30)
    S("P2.1", "P2", "未按规定着装、未佩戴工作牌或未摆放岗位牌", "每次", "", "1", ("现场巡查",)),
    S("P2.2", "P2", "服务用语不文明、态度生硬", "每次", "", "2", ("群众投诉", "现场巡查")),
    S("P2.3", "P2", "与服务对象发生争吵，经查属工作人员责任", "每次", "", "5", ("群众投诉", "视频监控")),
    S("P2.4", "P2", "未落实首问负责、一次性告知制度", "每次", "", "2", ("群众投诉", "办件抽查")),
    S("P2.5", "P2", "窗口台面不整洁、物品摆放杂乱", "每次", "", "0.5", ("现场巡查",)),
    # P3 — 服务效能 (30)
    S("P3.1", "P3", "经办事项超出承诺时限未办结", "每件", "", "2", ("行政审批系统电子监察",)),
    S("P3.2", "P3", "经办事项出现差错", "每件", "", "2", ("办件抽查",)),
    S("P3.3", "P3", "“好差评”差评经查实属本人责任", "每次", "", "3", ("“好差评”系统",)),
    S("P3.4", "P3", "推诿扯皮、刁难服务对象，经查实", "每次", "", "5", ("群众投诉",)),
    S("P3.5", "P3", "有效投诉", "每次", "", "3", ("群众投诉工作台账",)),
    # P4 — 廉洁自律 (10)
    S("P4.1", "P4", "吃拿卡要、收受服务对象财物，经查实", "每次", "", "10", ("群众投诉", "通报文件")),
    S("P4.2", "P4", "擅自收费或提高收费标准", "每次", "", "5", ("群众投诉", "权责清单")),
]

# Evidence types (评定依据) of the window standard, plus the two the staff standard adds.
EVIDENCE_TYPES = {
    "E01": "月度考评得分",
    "E02": "文件规定（选派要求文件）",
    "E03": "部门窗口进驻函及中心签批意见",
    "E04": "现场巡查",
    "E05": "群众投诉",
    "E06": "政务服务网公开的办事指南",
    "E07": "办件抽查",
    "E08": "异常信息提示",
    "E09": "智慧管理平台系统",
    "E10": "授权委托书",
    "E11": "行政审批系统电子监察",
    "E12": "大厅巡查",
    "E13": "窗口办件工作台账",
    "E14": "中心通报台账",
    "E15": "系统处理结果",
    "E16": "中心工作台账",
    "E17": "会议签到册",
    "E18": "请假条",
    "E19": "窗口来中心指导台账",
    "E20": "群众投诉工作台账",
    "E21": "权责清单",
    "E22": "政务服务网",
    "E23": "智慧管理平台系统数据统计",
    "E24": "通报文件",
    "E25": "“好差评”系统",
    "E99": "其他（须填写说明）",
}
STAFF_ONLY_EVIDENCE = ("考勤记录", "视频监控")

WINDOW_IDS = [str(r) for r in WINDOW_CLAUSES]
STAFF_IDS_ = [str(r) for r in STAFF_CLAUSES]

# --- the catalogue as the application loads it ---------------------------------


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """(StandardSet, evidence list) from a fresh database, the way the app loads them."""
    services.open_app_database(tmp_path_factory.mktemp("catalogue") / "k.db")
    try:
        yield catalogue.load_standard_set(), catalogue.load_evidence()
    finally:
        close_database()


@pytest.fixture(scope="module")
def standards(loaded):
    return loaded[0]


@pytest.fixture(scope="module")
def evidence_names(loaded):
    return {e.code: e.name for e in loaded[1]}


def window_std(standards):
    return standards.for_month(WINDOW, MONTH)


def staff_std(standards):
    return standards.for_month(STAFF, MONTH)


def test_one_version_of_each_standard_is_shipped(standards):
    assert sorted((s.kind, s.version) for s in standards.versions) == [(STAFF, 1), (WINDOW, 1)]
    assert all(s.effective_month <= MONTH for s in standards.versions)


def test_database_catalogue_equals_the_json_files(standards):
    """Seeding into SQLite and loading back loses nothing (names, points, order, evidence)."""
    from_json = default_standard_set()
    for kind in (WINDOW, STAFF):
        db_std, json_std = standards.for_month(kind, MONTH), from_json.for_month(kind, MONTH)
        assert db_std.name == json_std.name
        assert db_std.categories == json_std.categories
        assert db_std.clauses == json_std.clauses


@pytest.mark.parametrize("kind, table", [(WINDOW, WINDOW_CATEGORIES), (STAFF, STAFF_CATEGORIES)])
def test_categories(standards, kind, table):
    std = standards.for_month(kind, MONTH)
    got = {c.code: (c.name, c.points) for c in std.categories}
    assert got == {code: (name, F(points)) for code, (name, points) in table.items()}
    assert sum(c.points for c in std.categories) == 100
    computed = {c.code for c in std.categories if c.computed}
    assert computed == ({"1"} if kind == WINDOW else set())


def test_clause_lists_are_complete(standards):
    window_codes = [c.code for c in window_std(standards).incident_clauses()]
    assert sorted(window_codes) == sorted({r.code for r in WINDOW_CLAUSES})
    assert len(set(window_codes)) == 32  # categories 2–6
    assert [c.code for c in window_std(standards).clauses if c.is_computed] == [b[0] for b in BASE_CLAUSES]
    staff_codes = [c.code for c in staff_std(standards).incident_clauses()]
    assert sorted(staff_codes) == sorted({r.code for r in STAFF_CLAUSES})
    assert [c.code for c in staff_std(standards).clauses if c.is_computed] == []


@pytest.mark.parametrize("code, text, points, evidence", BASE_CLAUSES, ids=[b[0] for b in BASE_CLAUSES])
def test_base_clause(standards, code, text, points, evidence):
    clause = window_std(standards).clause(code)
    assert clause is not None
    assert clause.category_code == "1"
    assert clause.text == text
    assert clause.points == F(points)
    assert clause.is_computed and clause.variants == ()
    assert tuple(clause.evidence_codes) == evidence
    assert clause.consequence is None


def _variant_names(rows, code):
    return {r.variant for r in rows if r.code == code}


@pytest.mark.parametrize("row", WINDOW_CLAUSES, ids=WINDOW_IDS)
def test_window_clause_in_catalogue(standards, row: WindowRow):
    assert staff_std(standards).clause(row.code) is None
    clause = window_std(standards).clause(row.code)
    assert clause is not None, f"条款 {row.code} 缺失"
    assert clause.category_code == row.category
    assert clause.text == row.text
    assert clause.unit == row.unit
    assert {v.name for v in clause.variants} == _variant_names(WINDOW_CLAUSES, row.code)
    assert clause.has_variants == bool(row.variant)
    variant = clause.variant(row.variant)
    assert variant is not None
    assert variant.window_points == F(row.win)
    assert variant.chief_points == F(row.chief)
    assert variant.person_points == 0
    # The chief's share is half the window's deduction throughout the published standard.
    assert variant.chief_points * 2 == variant.window_points
    assert set(clause.evidence_codes) == set(row.evidence)
    assert len(clause.evidence_codes) == len(row.evidence)
    if row.consequence:
        assert clause.consequence == DISQUALIFY_YEAR
        assert CONSEQUENCE_LABELS[clause.consequence] == row.consequence
    else:
        assert clause.consequence is None


@pytest.mark.parametrize("row", STAFF_CLAUSES, ids=STAFF_IDS_)
def test_staff_clause_in_catalogue(standards, evidence_names, row: StaffRow):
    assert window_std(standards).clause(row.code) is None
    clause = staff_std(standards).clause(row.code)
    assert clause is not None, f"条款 {row.code} 缺失"
    assert clause.category_code == row.category
    assert clause.text == row.text
    assert clause.unit == row.unit
    assert {v.name for v in clause.variants} == _variant_names(STAFF_CLAUSES, row.code)
    variant = clause.variant(row.variant)
    assert variant is not None
    assert variant.person_points == F(row.pts)
    assert variant.window_points == 0 and variant.chief_points == 0
    assert sorted(evidence_names[c] for c in clause.evidence_codes) == sorted(row.evidence)
    assert clause.consequence is None


def test_evidence_types(evidence_names):
    for code, name in EVIDENCE_TYPES.items():
        assert evidence_names.get(code) == name, code
    names = list(evidence_names.values())
    for name in STAFF_ONLY_EVIDENCE:
        assert names.count(name) == 1
    assert len(names) == len(set(names)), "evidence names must be unique (import matches by name)"
    assert OTHER_EVIDENCE == "E99"


# --- every clause is accepted with each evidence type it allows ---------------------


def _evidence_codes(row, evidence_names) -> tuple[str, ...]:
    if isinstance(row, WindowRow):
        return row.evidence
    by_name = {name: code for code, name in evidence_names.items()}
    return tuple(by_name[n] for n in row.evidence)


@pytest.mark.parametrize("row", WINDOW_CLAUSES + STAFF_CLAUSES, ids=WINDOW_IDS + STAFF_IDS_)
def test_entry_checks_accept_exactly_the_allowed_evidence(loaded, evidence_names, row):
    standards, evidence = loaded
    roster = RosterView.build(*tiny_roster())
    person = STAFF_IDS[0] if isinstance(row, StaffRow) else None
    allowed = _evidence_codes(row, evidence_names)
    for code in allowed:
        assert check_incident(incident(row.code, code, row.variant, person=person), standards, roster, evidence) == []
    # 其他 needs a 依据说明
    other = incident(row.code, OTHER_EVIDENCE, row.variant, person=person)
    assert [c for c, _ in check_incident(other, standards, roster, evidence)] == ["依据说明"]
    other = replace(other, reference="情况说明 2026-01")
    assert check_incident(other, standards, roster, evidence) == []
    for code in sorted(set(evidence_names) - set(allowed) - {OTHER_EVIDENCE}):
        problems = check_incident(incident(row.code, code, row.variant, person=person), standards, roster, evidence)
        assert [c for c, _ in problems] == ["评定依据"], code


@pytest.mark.parametrize("row", [r for r in WINDOW_CLAUSES + STAFF_CLAUSES if r.variant], ids=lambda r: str(r))
def test_variant_clause_needs_its_variant(loaded, row):
    standards, evidence = loaded
    roster = RosterView.build(*tiny_roster())
    person = STAFF_IDS[0] if isinstance(row, StaffRow) else None
    ev = "E11" if row.code == "4.4" else "E17"
    for wrong in ("", "橙牌"):
        problems = check_incident(incident(row.code, ev, wrong, person=person), standards, roster, evidence)
        assert [c for c, _ in problems] == ["情形"]


def test_base_clauses_take_no_incidents(loaded):
    standards, evidence = loaded
    roster = RosterView.build(*tiny_roster())
    for code in ("1.1", "1.2"):
        problems = check_incident(incident(code, "E01"), standards, roster, evidence)
        assert "条款" in [c for c, _ in problems]


# --- scoring one incident of every clause ---------------------------------------------


def _score(standards, incidents, with_back_office=False):
    windows, people, assignments = tiny_roster(with_back_office)
    return score_month(MONTH, windows, people, assignments, incidents, standards)


def _clean_categories():
    return {code: F(points) for code, (_, points) in WINDOW_CATEGORIES.items()}


def test_clean_month_scores_full_marks(standards):
    result = _score(standards, [], with_back_office=True)
    w = result.window("W01")
    assert w.categories == _clean_categories() and w.total == 100
    assert w.chief_component == 10 and w.staff_component == 10
    assert w.warnings == () and not w.disqualified and w.rank == 1
    assert result.person_scores() == {CHIEF_ID: 100, STAFF_IDS[0]: 100, STAFF_IDS[1]: 100, BACK_ID: 100}


@pytest.mark.parametrize("count", [1, 2])
@pytest.mark.parametrize("row", WINDOW_CLAUSES, ids=WINDOW_IDS)
def test_one_window_incident(standards, row: WindowRow, count):
    result = _score(standards, [incident(row.code, row.evidence[0], row.variant, count)])
    w = result.window("W01")
    win, chief = F(row.win) * count, F(row.chief) * count
    cat_points = F(WINDOW_CATEGORIES[row.category][1])

    expected = _clean_categories()
    expected[row.category] = max(F(0), cat_points - win)
    chief_score = 100 - chief
    # scoring.md: base = chief's score × 10/100 + staff mean × 10/100
    expected["1"] = chief_score / 10 + F(100) / 10
    assert w.categories == expected
    assert w.chief_component == chief_score / 10 and w.staff_component == 10
    assert w.total == sum(expected.values())
    if win <= cat_points:
        assert w.total == 100 - win - chief / 10
    assert result.person_scores() == {CHIEF_ID: chief_score, STAFF_IDS[0]: 100, STAFF_IDS[1]: 100}
    chief_row = next(p for p in result.people if p.person_id == CHIEF_ID)
    assert chief_row.chief_share == chief
    assert all(v == 0 for v in chief_row.deductions.values())
    # 6.4: 取消评优 from this month on; never 红旗窗口 although it ranks first.
    assert w.disqualified == bool(row.consequence)
    assert w.rank == 1
    assert w.red_flag == (not row.consequence)


@pytest.mark.parametrize("row", WINDOW_CLAUSES, ids=WINDOW_IDS)
def test_window_clause_with_person_named_still_charges_the_chief(standards, row: WindowRow):
    """README: 工号 on a window clause is information only; the share still goes to the chief."""
    result = _score(standards, [incident(row.code, row.evidence[0], row.variant, person=STAFF_IDS[0])])
    assert result.person_scores() == {CHIEF_ID: 100 - F(row.chief), STAFF_IDS[0]: 100, STAFF_IDS[1]: 100}


@pytest.mark.parametrize("target", ["chief", "staff", "back_office"])
@pytest.mark.parametrize("row", STAFF_CLAUSES, ids=STAFF_IDS_)
def test_one_staff_incident(standards, evidence_names, row: StaffRow, target):
    pid = {"chief": CHIEF_ID, "staff": STAFF_IDS[0], "back_office": BACK_ID}[target]
    ev = _evidence_codes(row, evidence_names)[0]
    result = _score(standards, [incident(row.code, ev, row.variant, person=pid)], with_back_office=True)
    pts = F(row.pts)

    scores = {CHIEF_ID: F(100), STAFF_IDS[0]: F(100), STAFF_IDS[1]: F(100), BACK_ID: F(100)}
    scores[pid] -= pts
    assert result.person_scores() == scores
    person = next(p for p in result.people if p.person_id == pid)
    assert person.deductions == {c: (pts if c == row.category else 0) for c in STAFF_CATEGORIES}
    assert person.chief_share == 0

    w = result.window("W01")
    expected = _clean_categories()
    chief_component = scores[CHIEF_ID] / 10
    staff_component = (scores[STAFF_IDS[0]] + scores[STAFF_IDS[1]]) / 2 / 10  # back office does not count
    expected["1"] = chief_component + staff_component
    assert (w.chief_component, w.staff_component) == (chief_component, staff_component)
    assert w.categories == expected
    drop = {"chief": pts / 10, "staff": pts / 20, "back_office": F(0)}[target]
    assert w.total == 100 - drop
    assert not w.disqualified


# --- floors: 扣完为止 ------------------------------------------------------------------


@pytest.mark.parametrize("row", WINDOW_CLAUSES, ids=WINDOW_IDS)
def test_window_category_never_below_zero(standards, row: WindowRow):
    cat_points = F(WINDOW_CATEGORIES[row.category][1])
    n = int(cat_points / F(row.win)) + 3  # well past the category's points
    days = [DAY + timedelta(days=i % 20) for i in range(n)]
    result = _score(standards, [incident(row.code, row.evidence[0], row.variant, day=d) for d in days])
    w = result.window("W01")
    assert w.categories[row.category] == 0
    chief_score = max(F(0), 100 - n * F(row.chief))  # chief shares are not capped per category
    assert result.person_scores()[CHIEF_ID] == chief_score
    expected = _clean_categories()
    expected[row.category] = F(0)
    expected["1"] = chief_score / 10 + 10
    assert w.categories == expected
    assert w.total == sum(expected.values())
    # A single row with a large count floors the same way.
    big = _score(standards, [incident(row.code, row.evidence[0], row.variant, count=999)])
    assert big.window("W01").categories[row.category] == 0
    assert big.person_scores()[CHIEF_ID] == 0
    assert big.window("W01").total == 100 - cat_points - 10


@pytest.mark.parametrize("row", STAFF_CLAUSES, ids=STAFF_IDS_)
def test_staff_category_never_below_zero(standards, evidence_names, row: StaffRow):
    cat_points = F(STAFF_CATEGORIES[row.category][1])
    n = int(cat_points / F(row.pts)) + 3
    ev = _evidence_codes(row, evidence_names)[0]
    days = [DAY + timedelta(days=i % 20) for i in range(n)]
    result = _score(standards, [incident(row.code, ev, row.variant, person=STAFF_IDS[0], day=d) for d in days])
    person = next(p for p in result.people if p.person_id == STAFF_IDS[0])
    assert person.deductions[row.category] == cat_points
    assert person.score == 100 - cat_points
    assert result.window("W01").staff_component == (200 - cat_points) / 2 / 10


def test_every_staff_category_exhausted_floors_the_person_at_zero(standards, evidence_names):
    by_name = {name: code for code, name in evidence_names.items()}
    incidents = [
        incident(r.code, by_name[r.evidence[0]], r.variant, count=50, person=STAFF_IDS[0]) for r in STAFF_CLAUSES
    ]
    result = _score(standards, incidents)
    assert result.person_scores()[STAFF_IDS[0]] == 0
    assert result.window("W01").staff_component == 5


def test_chief_floored_at_zero_by_window_and_staff_deductions_together(standards):
    incidents = [incident("6.4", "E24", count=13), incident("P4.1", "E05", person=CHIEF_ID)]  # 97.5 + 10
    result = _score(standards, incidents)
    assert result.person_scores()[CHIEF_ID] == 0
    w = result.window("W01")
    assert w.chief_component == 0 and w.categories["6"] == 0


# --- scoring.md's worked example, on the catalogue as loaded ---------------------------


def test_worked_example(standards):
    incidents = [
        incident("4.4", "E11", "红牌"),
        incident("5.4", "E17", "迟到（早退）", count=2),
        incident("2.2", "E03"),
        incident("P1.1", "E26", count=3, person="1002"),
        incident("P2.3", "E05", person="1002"),
        incident("P2.1", "E04", person="1001"),
    ]
    result = _score(standards, incidents)
    w = result.window("W01")
    assert w.categories == {"1": F("19.15"), "2": 8, "3": 10, "4": 27, "5": 13, "6": 15}
    assert w.total == F("92.15")
    assert result.person_scores() == {"1001": F("95.5"), "1002": 92, "1003": 100}


# --- the rule-editing service can be imported next to open_app_database ----------------


def test_importing_the_rule_service_keeps_open_app_database_working(tmp_path):
    """Run in a fresh interpreter so this test's imports cannot disturb the rest of the session."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import kaoping_desktop.services.catalogue as rules\n"
        "from kaoping_desktop import services\n"
        "services.open_app_database(sys.argv[1])\n"
        "assert rules.standard_set().for_month('window', '2026-10').clause('6.4') is not None\n"
        "assert services.catalogue is rules or hasattr(services.catalogue, 'seed_defaults')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "k.db")], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
