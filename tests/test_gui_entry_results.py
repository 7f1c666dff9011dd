"""扣分录入 and 月度结果 driven through real widgets on a real database (offscreen).

The results tab computes off the GUI thread and only while shown: `results()`
switches to it and waits until it shows the shared month at the current data
version, as a clerk would look at it.
"""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt

from kaoping_desktop import services
from kaoping_desktop.domain.roster import CHIEF, WINDOW_STAFF, Assignment, Person, Window
from kaoping_desktop.gui.app_state import INCIDENTS, ROSTER
from kaoping_desktop.gui.main_window import MainWindow
from kaoping_desktop.gui.results_worker import PARTS
from kaoping_desktop.services import roster as roster_service

MONTH = "2026-10"


@pytest.fixture
def window(qtbot, tmp_path):
    services.open_app_database(tmp_path / "k.db")
    roster_service.save_window(Window("W01", "不动产登记窗口", "县自然资源局"), is_new=True)
    roster_service.save_person(Person("1001", "张三"), [Assignment("1001", "W01", CHIEF)], is_new=True)
    roster_service.save_person(Person("1002", "李四"), [Assignment("1002", "W01", WINDOW_STAFF)], is_new=True)
    roster_service.save_person(Person("1003", "王五"), [Assignment("1003", "W01", WINDOW_STAFF)], is_new=True)
    main = MainWindow()
    qtbot.addWidget(main)
    main.month_picker.set_month(MONTH)  # the one month of the window
    main.tabs.setCurrentWidget(main.entry_tab)
    main.show()
    main.qtbot = qtbot
    yield main
    main.stop_workers()  # no worker reads the file after the test


def results(main):
    """Look at 月度结果: it shows the shared month as of the latest change."""
    main.tabs.setCurrentWidget(main.results_tab)
    main.qtbot.waitUntil(lambda: main.results_tab.is_current(PARTS), timeout=20000)
    return main.results_tab


def fill(entry, day, clause, *, standard="window", variant=None, count=1, evidence=None, person=None, reference=""):
    entry.window().tabs.setCurrentWidget(entry)
    entry.clear_form()
    entry.standardCombo.setCurrentIndex(entry.standardCombo.findData(standard))
    entry.dateEdit.setDate(QDate(day.year, day.month, day.day))
    entry.flush_form()
    assert entry.windows.select_data("W01")
    entry.flush_form()
    if person:
        assert entry.people.select_data(person)
    assert entry.clauses.select_data(clause), clause
    entry.flush_form()
    if variant:
        assert not entry.variantCombo.isHidden()
        assert entry.variants.select_data(variant)
    else:
        assert entry.variantCombo.isHidden()
    entry.countSpin.setValue(count)
    entry.flush_form()
    if evidence:
        assert entry.evidence.select_data(evidence)
    entry.referenceEdit.setText(reference)
    entry.flush_form()


def total(main) -> str:
    return results(main).ranking.total_of("W01")


def test_worked_example_entered_through_the_form(window, qtbot):
    entry = window.entry_tab
    assert total(window) == "100.00"
    d = date(2026, 10, 8)
    fill(entry, d, "4.4", variant="红牌", evidence="E11")
    assert entry.previewLabel.text().startswith("窗口扣 3 分，首席代表扣 1.5 分")
    assert "剩余 30 分，录入后剩余 27 分" in entry.previewLabel.text()
    qtbot.keyClick(entry.countSpin, Qt.Key_Return)  # Enter saves
    assert entry.model.rowCount() == 1
    fill(entry, d, "5.4", variant="迟到（早退）", count=2, evidence="E17")
    assert entry.save()
    fill(entry, d, "2.2", evidence="E03")
    assert entry.save()
    fill(entry, d, "P1.1", standard="staff", count=3, person="1002", evidence="E26")
    assert entry.previewLabel.text().startswith("人员扣 3 分")
    assert entry.save()
    fill(entry, d, "P2.3", standard="staff", person="1002", evidence="E05")
    assert entry.save()
    fill(entry, d, "P2.1", standard="staff", person="1001", evidence="E04")
    assert entry.save()
    assert total(window) == "92.15"
    res = results(window)
    people = {res.people.object_at(r).person_id: res.people.data(res.people.index(r, 4)) for r in range(res.people.rowCount())}
    assert people == {"1001": "95.50", "1002": "92.00", "1003": "100.00"}


def test_staff_clause_needs_a_person_and_other_needs_an_explanation(window):
    entry = window.entry_tab
    fill(entry, date(2026, 10, 9), "P1.1", standard="staff", evidence="E26")
    assert not entry.save()
    assert "须填写工号" in entry.errorLabel.text()
    fill(entry, date(2026, 10, 9), "3.1", evidence="E99")
    assert not entry.save()
    assert "依据说明" in entry.errorLabel.text()
    assert entry.model.rowCount() == 0 and total(window) == "100.00"
    fill(entry, date(2026, 10, 9), "3.1", evidence="E99", reference="县长热线转办单 88 号")
    assert entry.save()
    assert entry.model.rowCount() == 1 and total(window) == "97.90"


def test_evidence_list_is_the_clauses_own_plus_other(window):
    entry = window.entry_tab
    fill(entry, date(2026, 10, 9), "4.4", variant="黄牌")
    codes = [entry.evidenceCombo.itemData(i) for i in range(entry.evidenceCombo.count())]
    assert codes == ["E11", "E99"]


def test_edit_and_void_change_the_results(window, qtbot, monkeypatch):
    entry = window.entry_tab
    fill(entry, date(2026, 10, 9), "3.1", evidence="E07")
    assert entry.save()
    assert total(window) == "97.90"
    entry.incidentTable.selectRow(0)
    assert entry.edit_selected()
    entry.countSpin.setValue(2)
    assert entry.save()
    assert entry.model.rowCount() == 1 and total(window) == "95.80"
    entry.incidentTable.selectRow(0)
    assert not entry.void_selected("  ")  # a reason is required
    assert "理由" in entry.errorLabel.text() and total(window) == "95.80"
    assert entry.void_selected("录入错误")
    assert total(window) == "100.00"
    assert entry.proxy.rowCount() == 0
    entry.showVoidedCheck.setChecked(True)
    assert entry.proxy.rowCount() == 1
    assert "已作废：录入错误" in entry.proxy.data(entry.proxy.index(0, 13))


def show(main, tab):
    main.tabs.setCurrentWidget(tab)
    if tab is main.entry_tab:
        tab.wait_for_table()  # the month's incidents are read in a worker
    return tab


def test_closed_month_disables_the_form_and_reopen_needs_a_reason(window):
    entry = window.entry_tab
    fill(entry, date(2026, 10, 9), "3.1", evidence="E07")
    assert entry.save()
    assert results(window).close_month(confirm=False)
    assert results(window).statusLabel.text().startswith("已锁定")
    assert not results(window).closeButton.isEnabled() and results(window).reopenButton.isEnabled()
    show(window, entry)  # the entry tab learns of the closing when shown
    assert not entry.formBox.isEnabled() and not entry.voidButton.isEnabled()
    assert "已锁定" in entry.closedBanner.text() and "重新开放" in entry.closedBanner.text()
    assert not entry.save()  # even if called directly
    assert entry.model.rowCount() == 1
    assert not results(window).reopen_month("")
    assert show(window, entry).formBox.isEnabled() is False
    assert results(window).reopen_month("补录一条投诉")
    assert results(window).statusLabel.text() == "未锁定（草稿）"
    assert show(window, entry).formBox.isEnabled()


def test_closing_is_refused_while_a_window_lacks_a_chief(window):
    roster_service.save_window(Window("W02", "社保窗口", "县人社局"), is_new=True)
    window.state.notify(ROSTER)  # what the roster tab does after a save
    assert "缺少首席代表" in results(window).warningLabel.text()
    assert not window.results_tab.close_month(confirm=False)
    assert "不能锁定" in window.results_tab.warningLabel.text()
    assert not services.month_status(MONTH)["closed"]


def test_selecting_a_window_shows_its_incidents_people_and_chart(window):
    fill(window.entry_tab, date(2026, 10, 9), "3.1", evidence="E07")
    window.entry_tab.save()
    results_tab = results(window)
    results_tab.select_window("W01")
    assert results_tab.incident_filter.rowCount() == 1
    assert results_tab.people.rowCount() == 3
    assert tuple(results_tab.chart.points[-1]) == (10, results_tab.result.windows[0].total, True)  # open: a draft
    assert results_tab.codeLabel.text().startswith("校验码：")


@pytest.mark.parametrize("kind", ["window", "summary", "staff", "year"])
def test_print_preview_paints_the_pages(window, qtbot, kind):
    fill(window.entry_tab, date(2026, 10, 9), "3.1", evidence="E07")
    assert window.entry_tab.save()
    import subprocess

    text = subprocess.run(["pdftotext", str(window.results_tab.document_pdf(kind)), "-"], capture_output=True, text=True).stdout
    assert {"window": "窗口月度考评评分表", "summary": "W01", "staff": "李四", "year": "2026"}[kind] in text
    dialog = window.results_tab.preview_dialog(kind)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.painted_pages >= 1, timeout=10000)
    dialog.close()


def test_batch_export_reports_progress_and_cancels_without_leftovers(window, tmp_path, qtbot):
    from kaoping_desktop.gui.tasks import run_task
    from kaoping_desktop.services import exports

    seen = []

    def work(progress, cancelled):
        def spy(done, total):
            seen.append((done, total))
            progress(done, total)

        return exports.export_month(MONTH, tmp_path / "out", None, spy, lambda: len(seen) >= 2)

    with pytest.raises(exports.ExportCancelled):
        run_task(window, "导出", "正在导出", work, cancellable=True)
    assert seen[0] == (0, 3)
    assert not [p for p in (tmp_path / "out").iterdir()]
    paths = window.results_tab.export_to(tmp_path / "all")
    assert len(paths) == 4 and all(p.exists() for p in paths)


def test_ten_thousand_incidents_fill_and_filter(window, qtbot):
    from kaoping_desktop.domain.incidents import Incident
    from kaoping_desktop.store import repository
    from kaoping_desktop.store.models import database

    many = [
        Incident(date(2026, 10, 1 + i % 28), "W01", "3.1" if i % 2 else "P1.1", 1, "E07" if i % 2 else "E26",
                 person_id=None if i % 2 else "1002", reference=f"R{i}")
        for i in range(10_000)
    ]
    with database.atomic():  # one commit, as an import does
        repository.insert_incidents(many, {"3.1": "window", "P1.1": "staff"})
    entry = window.entry_tab
    entry.refresh()
    assert entry.model.rowCount() == 10_000
    entry.filterEdit.setText("R9999")
    assert entry.proxy.rowCount() == 1
    entry.filterEdit.setText("P1.1")
    assert entry.proxy.rowCount() == 5_000
    window.state.notify(INCIDENTS)  # written behind the window's back: say so
    assert results(window).result.windows[0].categories["3"] == 0  # 扣完为止


def test_a_save_in_the_entry_tab_shows_in_the_results_tab(window, qtbot):
    assert total(window) == "100.00"
    qtbot.waitUntil(lambda: not window.results_tab.loader.busy())
    entry = show(window, window.entry_tab)
    fill(entry, date(2026, 10, 9), "3.1", evidence="E07")
    qtbot.keyClick(entry.countSpin, Qt.Key_Return)  # Enter saves
    assert entry.model.rowCount() == 1
    # Hidden, the results tab computed nothing: it waits until it is looked at.
    assert not window.results_tab.is_current() and not window.results_tab.loader.busy()
    window.tabs.setCurrentWidget(window.results_tab)
    qtbot.waitUntil(lambda: window.results_tab.ranking.total_of("W01") == "97.90", timeout=20000)
    res = results(window)
    res.select_window("W01")
    assert res.incident_filter.rowCount() == 1
