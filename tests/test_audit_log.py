"""操作日志: the query (month, kind, operator, pages), readable Chinese, the operator in every row."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog

from kaoping_desktop import services
from kaoping_desktop.domain.calendar import month_of
from kaoping_desktop.domain.roster import CHIEF, WINDOW_STAFF, Assignment, Person, Window
from kaoping_desktop.gui.app_state import AppState
from kaoping_desktop.gui.audit_log_dialog import AuditLogDialog
from kaoping_desktop.gui.operator_dialog import OperatorDialog, ask_operator
from kaoping_desktop.services import InputError, audit_log
from kaoping_desktop.services import roster as roster_service
from kaoping_desktop.services import settings as settings_service
from kaoping_desktop.services.incidents import IncidentInput, add_incident, update_incident, void_incident
from kaoping_desktop.store import audit_queries
from kaoping_desktop.store.models import AuditLog

from gui_helpers import check, type_text, when_dialog_opens

THIS_MONTH = month_of(date.today())


def arrow_to(combo, text: str) -> None:
    """Pick an item of a drop-down list with the arrow keys, as with the keyboard."""
    combo.setFocus()
    for _ in range(combo.count()):
        if combo.currentText() == text:
            return
        QTest.keyClick(combo, Qt.Key_Down)
    assert combo.currentText() == text


def actions(page) -> list[str]:
    return [e.action for e in page.entries]


@pytest.fixture
def center(db):
    """Two windows; March 2020 entered by 王会计 (an edit, a void, closed and reopened),
    April 2020 by 李出纳. Months long past, so the row's own date (today) never matches them."""
    settings_service.set_value("operator", "王会计")
    roster_service.save_window(Window("W01", "不动产登记窗口", "县自然资源局"), is_new=True)
    roster_service.save_window(Window("W02", "税务综合窗口", "县税务局"), is_new=True)
    roster_service.save_person(Person("1001", "张三"), [Assignment("1001", "W01", CHIEF)], is_new=True)
    roster_service.save_person(Person("1002", "李四"), [Assignment("1002", "W01", WINDOW_STAFF)], is_new=True)
    roster_service.save_person(Person("2001", "赵敏"), [Assignment("2001", "W02", CHIEF)], is_new=True)
    march = add_incident(IncidentInput(date(2020, 3, 3), "W01", "4.4", 1, "E11", variant="红牌", reference="督办单 118"))
    update_incident(march, IncidentInput(date(2020, 3, 3), "W01", "4.4", 2, "E11", variant="黄牌", reference="督办单 118"))
    wrong = add_incident(IncidentInput(date(2020, 3, 9), "W02", "4.4", 1, "E11", variant="黄牌"))
    void_incident(wrong, "录错了窗口")
    services.close_month("2020-03")
    services.reopen_month("2020-03", "考评表印错了，需更正")
    settings_service.set_value("operator", "李出纳")
    add_incident(IncidentInput(date(2020, 4, 2), "W02", "P1.1", 1, "E26", person_id="2001"))
    return {"march": march, "wrong": wrong}


def test_every_row_carries_the_operator_chosen(center):
    by = {(e.action, e.target): e.operator for e in audit_log.entries(limit=1000).entries}
    assert by[("录入扣分", f"扣分记录 #{center['march']}")] == "王会计"
    assert by[("重新开放月份", "月份 2020-03")] == "王会计"
    april = audit_log.entries(month="2020-04", kind="录入扣分").entries
    assert [e.operator for e in april] == ["李出纳"]


def test_filter_by_kind_shows_each_edit_as_before_and_after(center):
    (edit,) = audit_log.entries(kind="修改扣分").entries
    assert edit.target == f"扣分记录 #{center['march']}"
    assert edit.lines[0] == "原记录：2020-03-03 窗口 W01 条款 4.4"
    assert "情形：红牌 → 黄牌" in edit.lines
    assert "次数：1 → 2" in edit.lines
    assert not any("依据说明" in line for line in edit.lines)  # unchanged fields are not listed


def test_reopen_reason_and_void_reason_are_readable(center):
    (reopen,) = audit_log.entries(kind="重新开放月份").entries
    assert reopen.lines[0] == "重新开放理由：考评表印错了，需更正"
    assert "previous_results" not in reopen.summary
    (void,) = audit_log.entries(kind="作废扣分").entries
    assert void.lines[0] == "作废理由：录错了窗口"
    assert "2020-03-09 窗口 W02" in void.lines[1]


def test_month_means_rows_about_the_month_or_written_in_it(center):
    march = audit_log.entries(month="2020-03")
    assert sorted(actions(march)) == sorted(["录入扣分", "修改扣分", "录入扣分", "作废扣分", "锁定月份", "重新开放月份"])
    assert actions(audit_log.entries(month="2020-04")) == ["录入扣分"]
    assert actions(audit_log.entries(month="2020-05")) == []
    # Rows written this month (settings, roster) are found under this month.
    now = actions(audit_log.entries(month=THIS_MONTH, limit=1000))
    assert {"新增窗口", "新增人员", "修改设置", "录入扣分"} <= set(now)


def test_a_setting_naming_a_month_is_about_that_month(db):
    settings_service.set_value("first-month", "2020-06")
    (row,) = audit_log.entries(month="2020-06").entries
    assert row.target == "设置 开始考评月份"
    assert row.lines == ("开始考评月份：（未设置，所有月份都考评） → 2020-06",)


def test_filters_combine_with_operator(center):
    assert actions(audit_log.entries(month="2020-03", operator="李出纳")) == []
    # Taking over as operator is itself recorded under the new name.
    assert actions(audit_log.entries(operator="李出纳")) == ["录入扣分", "修改设置"]
    assert actions(audit_log.entries(month="2020-03", kind="锁定月份", operator="王会计")) == ["锁定月份"]


def test_pages_continue_without_overlap(center):
    everything = [e.id for e in audit_log.entries(limit=1000).entries]
    assert everything == sorted(everything, reverse=True)
    seen, page = [], audit_log.entries(limit=4)
    while True:
        seen += [e.id for e in page.entries]
        if not page.has_more:
            break
        page = audit_log.entries(limit=4, before_id=page.last_id)
    assert seen == everything
    assert len(everything) > 8


def test_a_month_that_is_not_a_month_is_refused_not_matched(center):
    with pytest.raises(InputError):
        audit_log.entries(month="2020-03%' OR 1=1 --")
    with pytest.raises(InputError):
        audit_log.entries(month="2020-13")


def test_kinds_and_operators_for_the_filters(center):
    assert audit_log.kinds()[:3] == ["录入扣分", "修改扣分", "作废扣分"]
    assert "重新开放月份" in audit_log.kinds()
    AuditLog.create(actor="某人", action="导出名册", entity="file", entity_id="x.xlsx", detail="")
    assert audit_log.kinds()[-1] == "导出名册"  # one the list does not know yet
    assert audit_log.operators()[0] == "李出纳"  # the current operator first
    assert {"王会计", "某人"} <= set(audit_log.operators())


def test_roster_and_assignment_changes_read_as_chinese(db):
    roster_service.save_window(Window("W01", "不动产登记窗口", "县自然资源局"), is_new=True)
    roster_service.save_window(Window("W01", "不动产登记中心窗口", "县自然资源局"), is_new=False)
    roster_service.save_person(Person("1001", "张三"), [Assignment("1001", "W01", CHIEF, date(2024, 1, 1))], is_new=True)
    (window,) = audit_log.entries(kind="修改窗口").entries
    assert window.lines == ("名称：不动产登记窗口 → 不动产登记中心窗口",)
    (post,) = audit_log.entries(kind="修改岗位").entries
    assert post.target == "人员 1001"
    assert post.lines == ("原岗位：无", "现岗位：W01 首席代表（2024-01-01 至 不限）")


def test_odd_details_never_break_the_log(db):
    AuditLog.create(actor="x", action="修改设置", entity="setting", entity_id="grades", detail="{not json")
    AuditLog.create(actor="x", action="锁定月份", entity="month", entity_id="2020-01", detail='["a", 1]')
    entries = audit_log.entries().entries
    assert entries[0].lines == ("a、1",)
    assert entries[1].lines == ("{not json",)
    init = [e for e in audit_log.entries(limit=1000).entries if e.action == "初始化"]
    assert init[0].lines == ("载入默认评分标准",) and init[0].target == "数据库"


def test_only_recent_rows_feed_the_backup_tick_and_the_operator_list(db, monkeypatch):
    monkeypatch.setattr(audit_queries, "RECENT_ROWS", 5)  # a long log, in small
    settings_service.set_value("operator", "老张")
    audit_log.record_backup("/media/u/b.db")
    assert audit_log.backup_recorded()
    settings_service.set_value("operator", "小李")
    for code in ("W01", "W02", "W03", "W04", "W05"):
        roster_service.save_window(Window(code, "窗口", "县政务办"), is_new=True)
    assert not audit_log.backup_recorded()  # time for another backup
    assert audit_log.operators() == ["小李"]


def test_a_backup_is_recorded(db):
    assert not audit_log.backup_recorded()
    audit_log.record_backup("/media/u/kaoping-backup-20261101-0900.db")
    assert audit_log.backup_recorded()
    (row,) = audit_log.entries(kind=audit_log.BACKUP_ACTION).entries
    assert row.target == "文件 kaoping-backup-20261101-0900.db"


# -- the 操作日志 window ---------------------------------------------------------------


@pytest.fixture
def dialog(center, qtbot):
    widget = AuditLogDialog(None, AppState("2020-03"))
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_dialog_lists_newest_first_with_readable_content(dialog):
    rows = dialog.rows()
    assert rows[0][1:4] == ("李出纳", "录入扣分", "扣分记录 #3")
    assert "2020-04-02 窗口 W02 人员 2001 条款 P1.1 × 1" in rows[0][4]
    edit = next(r for r in rows if r[2] == "修改扣分")
    assert "次数：1 → 2" in edit[4]
    assert "没有" not in dialog.countLabel.text() and "已全部显示" in dialog.countLabel.text()


def test_dialog_filters_by_month_kind_and_operator_as_typed(dialog, qtbot):
    dialog.monthCheck.setFocus()
    QTest.keyClick(dialog.monthCheck, Qt.Key_Space)  # month filter on: the picker shows 2020-03
    assert dialog.monthPicker.isEnabled()
    assert {r[2] for r in dialog.rows()} == {"录入扣分", "修改扣分", "作废扣分", "锁定月份", "重新开放月份"}
    arrow_to(dialog.kindCombo, "重新开放月份")
    assert [r[2] for r in dialog.rows()] == ["重新开放月份"]
    # The detail pane shows the reason.
    assert "重新开放理由：考评表印错了，需更正" in dialog.detailText.toPlainText()
    arrow_to(dialog.operatorCombo, "李出纳")
    assert dialog.rows() == []
    assert dialog.countLabel.text() == "没有符合条件的记录"
    dialog.resetButton.click()
    assert len(dialog.rows()) == len(audit_log.entries(limit=1000).entries)


def test_dialog_loads_older_pages(dialog):
    total = len(audit_log.entries(limit=1000).entries)
    dialog.page_size = 5
    dialog.reload()
    assert len(dialog.rows()) == 5 and dialog.moreButton.isEnabled()
    while dialog.moreButton.isEnabled():
        dialog.moreButton.click()
    assert len(dialog.rows()) == total
    assert "已全部显示" in dialog.countLabel.text()


def test_dialog_follows_new_rows(dialog):
    before = len(dialog.rows())
    add_incident(IncidentInput(date(2020, 4, 5), "W01", "4.4", 1, "E11", variant="黄牌"))
    dialog.state.notify("incidents")
    assert len(dialog.rows()) == before + 1


# -- 操作员 ----------------------------------------------------------------------------


def test_choosing_an_earlier_operator_puts_the_name_in_the_next_audit_row(center, qtbot):
    def choose(d):
        assert isinstance(d, OperatorDialog)
        items = [d.operatorCombo.itemText(i) for i in range(d.operatorCombo.count())]
        assert items[:2] == ["李出纳", "王会计"]
        assert d.operatorCombo.currentText() == "李出纳"
        QTest.keyClick(d.operatorCombo, Qt.Key_Down)  # the next name in the list
        assert d.operatorCombo.currentText() == "王会计"
        QTest.keyClick(d.operatorCombo.lineEdit(), Qt.Key_Return)

    errors = when_dialog_opens(choose)
    assert ask_operator(None) == "王会计"
    check(errors)
    new = add_incident(IncidentInput(date(2020, 4, 6), "W01", "4.4", 1, "E11", variant="黄牌"))
    row = AuditLog.select().where((AuditLog.entity == "incident") & (AuditLog.entity_id == str(new))).get()
    assert row.actor == "王会计"


def test_typing_a_new_operator(db, qtbot):
    def type_new(d):
        type_text(d.operatorCombo.lineEdit(), "周  新  ")
        QTest.keyClick(d.operatorCombo.lineEdit(), Qt.Key_Return)

    errors = when_dialog_opens(type_new)
    assert ask_operator(None) == "周  新"
    check(errors)
    roster_service.save_window(Window("W09", "公积金窗口", "县住建局"), is_new=True)
    (row,) = audit_log.entries(kind="新增窗口").entries
    assert row.operator == "周  新"


def test_an_empty_operator_is_refused_in_the_dialog_and_cancel_changes_nothing(db, qtbot):
    d = OperatorDialog(None)
    qtbot.addWidget(d)
    d.open()
    QTest.keyClick(d.operatorCombo.lineEdit(), Qt.Key_Return)
    assert d.isVisible() and d.result() != QDialog.Accepted
    assert d.errorLabel.text() == "请选择或输入操作员姓名"
    type_text(d.operatorCombo.lineEdit(), "甲" * 51)
    d.buttonBox.button(d.buttonBox.StandardButton.Ok).click()
    assert "最多 50 个字" in d.errorLabel.text()
    d.reject()
    assert settings_service.operator() == ""

    errors = when_dialog_opens(lambda dlg: QTest.keyClick(dlg, Qt.Key_Escape))
    assert ask_operator(None) is None
    check(errors)
