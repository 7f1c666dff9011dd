"""评分标准 and 设置 tabs: browsing, a clause edit saved as a new version, settings saved."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from kaoping_desktop import services
from kaoping_desktop.domain.roster import CHIEF, Assignment, Person, Window
from kaoping_desktop.domain.settings import Grade
from kaoping_desktop.gui.app_state import SETTINGS
from kaoping_desktop.gui.settings_tab import SettingsTab
from kaoping_desktop.gui.standards_tab import ClauseDialog, StandardsTab, next_month
from kaoping_desktop.services import roster as roster_service
from kaoping_desktop.services import catalogue as rules
from kaoping_desktop.services.settings import load_settings

from gui_helpers import check, when_dialog_opens


@pytest.fixture
def standards(db, qtbot):
    widget = StandardsTab()
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def settings(db, qtbot):
    widget = SettingsTab()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def rows(view, columns=range(10)) -> list[list[str]]:
    model = view.model()
    return [[model.index(r, c).data() for c in columns] for r in range(model.rowCount())]


def ok(dialog) -> None:
    dialog.buttonBox.button(QDialogButtonBox.Ok).click()


def versions(kind: str) -> list[tuple[int, str]]:
    return sorted((s.version, s.effective_month) for s in rules.standard_set().versions if s.kind == kind)


def test_window_standard_shows_clause_4_4_with_both_cards(standards):
    assert standards.kindCombo.currentText() == "窗口标准"
    assert "窗口标准 第1版（2000-01 起施行）" in standards.versionCombo.currentText()
    table = rows(standards.clausesView, range(9))
    i = next(n for n, r in enumerate(table) if r[1] == "4.4")
    assert table[i][2] == "业务办理超出承诺或法定时限未办结"
    assert (table[i][3], table[i][4], table[i][5], table[i][7]) == ("黄牌", "2", "1", "每次")
    assert table[i][8] == "行政审批系统电子监察"
    assert (table[i + 1][1], table[i + 1][3], table[i + 1][4], table[i + 1][5]) == ("", "红牌", "3", "1.5")
    assert standards.clausesView.isColumnHidden(6)  # window clauses have no personal points


def test_staff_standard_and_filter(standards, qtbot):
    standards.kindCombo.setCurrentIndex(1)
    assert "人员标准" in standards.versionCombo.currentText()
    table = rows(standards.clausesView, range(9))
    assert table[0][:3] == ["P1 工作纪律（30 分）", "P1.1", "迟到、早退"]
    assert table[0][6] == "1"
    assert standards.clausesView.isColumnHidden(4) and not standards.clausesView.isColumnHidden(6)
    qtbot.keyClicks(standards.filterEdit, "E26")  # evidence code
    assert {r[1] for r in rows(standards.clausesView, range(2))} >= {"P1.1", "P1.2"}
    assert all("考勤记录" in r[8] for r in rows(standards.clausesView, range(9)))


def test_computed_base_clause_cannot_be_edited(standards):
    standards.select_clause("1.1")
    assert standards.selected_clause().code == "1.1"
    assert not standards.editButton.isEnabled()
    standards.select_clause("4.4")
    assert standards.editButton.isEnabled()


def test_editing_a_variant_and_the_text_makes_a_new_version_from_the_chosen_month(standards, qtbot):
    standards.select_clause("4.4")

    def edit(dialog):
        assert isinstance(dialog, ClauseDialog)
        assert dialog.effectiveMonthEdit.text() == next_month()
        assert [r[0] for r in dialog.variants.rows] == ["黄牌", "红牌"]
        dialog.set_variant_points(1, 1, "4")
        dialog.set_variant_points(1, 2, "2")
        dialog.textEdit.setPlainText("业务办理超出承诺时限或法定时限未办结")
        dialog.effectiveMonthEdit.setText("2099-01")
        dialog.noteEdit.setText("红牌加重")
        ok(dialog)

    errors = when_dialog_opens(edit)
    with qtbot.waitSignal(standards.state.data_changed, timeout=3000):
        standards.editButton.click()
    check(errors)
    assert versions("window") == [(1, "2000-01"), (2, "2099-01")]
    new = rules.standard_set().for_month("window", "2099-01").clause("4.4")
    assert new.text == "业务办理超出承诺时限或法定时限未办结"
    assert new.variant("红牌").window_points == 4 and new.variant("红牌").chief_points == 2
    assert new.variant("黄牌").window_points == 2
    # Months before keep version 1.
    assert rules.standard_set().for_month("window", "2098-12").clause("4.4").variant("红牌").window_points == 3
    # The tab now shows the new version with the new figures.
    assert "第2版（2099-01 起施行）" in standards.versionCombo.currentText()
    assert standards.selected_clause().code == "4.4"
    table = rows(standards.clausesView, range(6))
    i = next(n for n, r in enumerate(table) if r[1] == "4.4")
    assert table[i + 1][3:6] == ["红牌", "4", "2"]
    # The old version is still browsable.
    standards.versionCombo.setCurrentIndex(0)
    assert "第1版" in standards.versionCombo.currentText()


def test_bad_points_bad_month_and_no_evidence_are_refused_in_the_dialog(standards, qtbot):
    standards.select_clause("4.4")
    dialog = standards.clause_dialog()
    qtbot.addWidget(dialog)
    dialog.set_variant_points(0, 1, "0.3")
    ok(dialog)
    assert dialog.result() != QDialog.Accepted
    assert "0.5 的非负整数倍" in dialog.errorLabel.text()
    dialog.set_variant_points(0, 1, "2.5")
    dialog.effectiveMonthEdit.setText("2027-13")
    ok(dialog)
    assert "月份" in dialog.errorLabel.text()
    dialog.effectiveMonthEdit.setText("2027-01")
    for r in range(dialog.evidence.rowCount()):
        dialog.evidence.item(r).setCheckState(Qt.Unchecked)
    ok(dialog)
    assert "评定依据" in dialog.errorLabel.text()
    dialog.textEdit.setPlainText("  ")
    dialog.evidence.item(0).setCheckState(Qt.Checked)
    ok(dialog)
    assert "内容不能为空" in dialog.errorLabel.text()
    assert versions("window") == [(1, "2000-01")]


def test_a_version_effective_in_a_closed_month_is_refused(standards, qtbot):
    roster_service.save_window(Window("W01", "不动产登记窗口", "县自然资源局"), is_new=True)
    roster_service.save_person(Person("1001", "张三"), [Assignment("1001", "W01", CHIEF)], is_new=True)
    services.close_month("2026-10")
    standards.kindCombo.setCurrentIndex(1)
    standards.select_clause("P1.1")
    dialog = standards.clause_dialog()
    qtbot.addWidget(dialog)
    dialog.set_variant_points(0, 3, "2")
    dialog.effectiveMonthEdit.setText("2026-10")
    ok(dialog)
    assert dialog.result() != QDialog.Accepted
    assert "2026-10 已锁定" in dialog.errorLabel.text()
    assert versions("staff") == [(1, "2000-01")]
    dialog.effectiveMonthEdit.setText("2026-11")
    ok(dialog)
    assert dialog.result() == QDialog.Accepted
    assert versions("staff") == [(1, "2000-01"), (2, "2026-11")]


def test_new_variant_row_and_consequence(standards, qtbot):
    standards.select_clause("2.1")
    dialog = standards.clause_dialog()
    qtbot.addWidget(dialog)
    dialog.variants.setData(dialog.variants.index(0, 0), "一般")
    row = dialog.variants.add_row()
    dialog.variants.setData(dialog.variants.index(row, 0), "严重")
    dialog.set_variant_points(row, 1, "5")
    dialog.consequenceCheck.setChecked(True)
    dialog.effectiveMonthEdit.setText("2099-02")
    ok(dialog)
    assert dialog.result() == QDialog.Accepted, dialog.errorLabel.text()
    clause = rules.standard_set().for_month("window", "2099-02").clause("2.1")
    assert [v.name for v in clause.variants] == ["一般", "严重"]
    assert clause.variant("严重").window_points == 5 and clause.consequence == "disqualify_year"


# -- 设置 ---------------------------------------------------------------------


def test_settings_show_the_stored_values(settings):
    assert settings.centerNameEdit.text() == "XX县政务服务中心"
    assert settings.redFlagSpin.value() == 3
    assert rows(settings.gradesView, range(2)) == [["优秀", "95"], ["良好", "85"], ["合格", "70"], ["不合格", "0"]]
    assert settings.titles.stringList() == ["考评人", "审核人", "中心负责人", "窗口首席代表确认"]


def test_saving_settings_stores_them_and_tells_the_window(settings, qtbot):
    settings.centerNameEdit.setText("平安县政务服务中心")
    settings.redFlagSpin.setValue(2)
    settings.grades.setData(settings.grades.index(1, 1), "86.5")
    settings.titles.setStringList(["考评人", "中心主任"])
    assert settings.has_unsaved_changes()
    with qtbot.waitSignal(settings.state.data_changed, timeout=3000) as changed:
        settings.saveButton.click()
    assert changed.args[0] == frozenset({SETTINGS})
    assert not settings.has_unsaved_changes()
    stored = load_settings()
    assert stored.center_name == "平安县政务服务中心"
    assert stored.red_flag_count == 2
    assert stored.grades[1] == Grade("良好", Fraction("86.5"))
    assert stored.signature_titles["window"] == ("考评人", "中心主任")
    assert settings.statusLabel.text() == "设置已保存"
    assert not settings.errorLabel.isVisible()


def test_enter_in_the_center_name_saves(settings, qtbot):
    settings.centerNameEdit.setText("")
    qtbot.keyClicks(settings.centerNameEdit, "ABC")
    qtbot.keyClick(settings.centerNameEdit, Qt.Key_Return)
    assert load_settings().center_name == "ABC"


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda s: s.centerNameEdit.setText("  "), "中心名称不能为空"),
        (lambda s: s.grades.setData(s.grades.index(0, 1), "九十五"), "不是数字"),
        (lambda s: s.grades.setData(s.grades.index(0, 1), "120"), "0 到 100"),
        (lambda s: s.grades.setData(s.grades.index(1, 0), "优秀"), "重复"),
        (lambda s: s.titles.setStringList([" "]), "签字栏"),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_written(settings, change, message):
    before = load_settings()
    change(settings)
    assert not settings.save()
    assert message in settings.errorLabel.text()
    assert settings.errorLabel.isVisible()
    assert load_settings() == before


def test_add_and_remove_grade_and_title_rows(settings):
    settings.addGradeButton.click()
    row = settings.grades.rowCount() - 1
    settings.grades.setData(settings.grades.index(row, 0), "较差")
    settings.grades.setData(settings.grades.index(row, 1), "50")
    settings.addTitleButton.click()
    settings.titles.setData(settings.titles.index(settings.titles.rowCount() - 1), "分管领导")
    assert settings.save()
    assert [g.name for g in load_settings().grades] == ["优秀", "良好", "合格", "较差", "不合格"]
    assert load_settings().signature_titles["window"][-1] == "分管领导"
    settings.gradesView.setCurrentIndex(settings.grades.index(3, 0))
    settings.removeGradeButton.click()
    settings.revertButton.click()  # unsaved removal is undone
    assert settings.grades.rowCount() == 5


def test_today_next_month_helper():
    assert next_month(date(2026, 12, 5)) == "2027-01"
