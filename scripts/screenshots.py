"""Screenshots of every tab of the real window, and the pictures of the user manual.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py   # or: xvfb-run .venv/bin/python …

Writes docs/screenshots/<tab>.png, and resources/manual/images/*.png for
resources/manual/index.html (the tabs again, plus the first-start dialog, the
开始使用 guide, the operator dialog and the 操作日志). The demo databases live in
a temporary folder and are built through the same services the window uses.
Run it again whenever the window changes, so the manual shows what the clerk sees.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from kaoping_desktop import services  # noqa: E402
from kaoping_desktop.domain.roster import BACK_OFFICE, CHIEF, WINDOW_STAFF, Assignment, Person, Window  # noqa: E402
from kaoping_desktop.services import desktop, roster  # noqa: E402
from kaoping_desktop.services.incidents import IncidentInput, add_incident, update_incident, void_incident  # noqa: E402
from kaoping_desktop.services.settings import load_settings, save_settings, set_value  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
MANUAL_IMAGES = ROOT / "resources" / "manual" / "images"
MANUAL_WIDTH = 1100  # wider pictures are scaled down: the manual shows them at 720 px
MONTH = "2026-10"  # a fixed month, so the pictures do not depend on today
TABS = {"人员名册": "roster", "扣分录入": "entry", "月度结果": "results", "评分标准": "standards", "设置": "settings"}

WINDOWS = [
    ("W01", "不动产登记窗口", "县自然资源局"),
    ("W02", "税务综合窗口", "县税务局"),
    ("W03", "社保医保窗口", "县人社局"),
    ("W04", "市场准入窗口", "县市场监管局"),
]
PEOPLE = [
    ("1001", "张三", "W01", CHIEF, "13800000001"),
    ("1002", "李四", "W01", WINDOW_STAFF, "13800000002"),
    ("1003", "王五", "W01", BACK_OFFICE, ""),
    ("2001", "赵敏", "W02", CHIEF, "13800000011"),
    ("2002", "钱程", "W02", WINDOW_STAFF, ""),
    ("3001", "孙悦", "W03", CHIEF, "13800000021"),
    ("3002", "周航", "W03", WINDOW_STAFF, ""),
    ("4001", "吴凡", "W04", CHIEF, "13800000031"),
    ("4002", "郑洁", "W04", WINDOW_STAFF, ""),
]


def build_demo(path: Path, month: str, last_day: int) -> None:
    services.open_app_database(path)
    set_value("operator", "王会计")  # the 操作日志 picture shows names, not the build machine's login
    set_value("first-month", "2026-07")
    current = load_settings()
    save_settings(type(current)(**{**current.__dict__, "center_name": "平安县政务服务中心"}))
    year, mon = int(month[:4]), int(month[5:7])
    for code, name, department in WINDOWS:
        roster.save_window(Window(code, name, department, date(2024, 1, 1)), is_new=True)
    for pid, name, code, role, phone in PEOPLE:
        roster.save_person(Person(pid, name, phone), [Assignment(pid, code, role, date(2024, 1, 1))], is_new=True)

    def day(n: int) -> date:
        return date(year, mon, min(n, last_day))

    ids = []
    for data in (
        IncidentInput(day(3), "W01", "4.4", 1, "E11", variant="红牌", reference="督办单 118"),
        IncidentInput(day(5), "W01", "5.4", 2, "E17", variant="迟到（早退）"),
        IncidentInput(day(6), "W02", "4.4", 1, "E11", variant="黄牌"),
        IncidentInput(day(8), "W02", "P1.1", 3, "E26", person_id="2002"),
        IncidentInput(day(9), "W03", "2.2", 1, "E03"),
        IncidentInput(day(10), "W03", "P2.3", 1, "E05", person_id="3002", reference="投诉 12345-0001"),
        IncidentInput(day(12), "W04", "P2.1", 1, "E04", person_id="4001"),
    ):
        ids.append(add_incident(data))
    # A day's corrections, for the 操作日志 picture: an edit, a void, a month closed and reopened.
    update_incident(ids[1], IncidentInput(day(5), "W01", "5.4", 1, "E17", variant="迟到（早退）"))
    wrong = add_incident(IncidentInput(day(13), "W02", "2.2", 1, "E03"))
    void_incident(wrong, "录错了窗口，应为 W03")
    set_value("operator", "李出纳")
    previous = f"{year - 1 if mon == 1 else year:04d}-{12 if mon == 1 else mon - 1:02d}"
    services.close_month(previous)
    services.reopen_month(previous, "W02 的一条投诉经复核不成立，需更正")
    services.close_month(previous)
    set_value("operator", "王会计")


def save_picture(widget, target: Path, width: int | None = None) -> bool:
    """Grab `widget` as PNG, scaled down to `width` when wider."""
    from PySide6.QtCore import Qt

    picture = widget.grab()
    if width and picture.width() > width:
        picture = picture.scaledToWidth(width, Qt.SmoothTransformation)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not picture.save(str(target)):
        print(f"无法保存 {target}", file=sys.stderr)
        return False
    print(target.relative_to(ROOT))
    return True


def settle(app, seconds: float = 0.4) -> None:
    """Let pending work finish (results are computed off the GUI thread) and repaint."""
    import time

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def set_window_month(window, month: str) -> None:
    """The window's shared month (older windows had one per tab)."""
    state = getattr(window, "state", None)
    if state is not None:
        state.set_month(month)
        return
    for tab in (window.entry_tab, window.results_tab):
        if hasattr(tab, "set_month"):
            tab.set_month(month)


def manual_dialogs(app) -> bool:
    """Operator dialog and 操作日志 on the demo database (open)."""
    from kaoping_desktop.gui.app_state import AppState
    from kaoping_desktop.gui.audit_log_dialog import AuditLogDialog
    from kaoping_desktop.gui.operator_dialog import OperatorDialog

    ok = True
    operator = OperatorDialog(None)
    operator.show()
    settle(app)
    ok &= save_picture(operator, MANUAL_IMAGES / "operator.png")
    operator.close()

    log = AuditLogDialog(None, AppState(MONTH))
    log.resize(1100, 640)
    log.show()
    edit = next((r for r, e in enumerate(log.model.entries) if e.action == "修改扣分"), 0)
    log.auditView.selectRow(edit)
    settle(app)
    ok &= save_picture(log, MANUAL_IMAGES / "audit_log.png", MANUAL_WIDTH)
    log.close()
    return ok


def first_day_pictures(app, folder: Path) -> bool:
    """The first-start dialog and the 开始使用 guide, on a new, empty database."""
    from kaoping_desktop.gui.app_state import AppState
    from kaoping_desktop.gui.first_start import FirstStartDialog
    from kaoping_desktop.gui.guide_panel import GuidePanel
    from kaoping_desktop.services import first_day

    services.open_app_database(folder / "new.db")
    ok = True
    dialog = FirstStartDialog(None)
    dialog.centerNameEdit.setText("平安县政务服务中心")
    dialog.monthPicker.set_month("2026-10")
    dialog.operatorCombo.setCurrentText("王会计")
    dialog.show()
    settle(app)
    ok &= save_picture(dialog, MANUAL_IMAGES / "first_start.png")
    dialog.close()

    first_day.save_first_start("平安县政务服务中心", "2026-10", "王会计")
    panel = GuidePanel(AppState(MONTH))
    panel.resize(820, 600)
    panel.show()
    settle(app)
    ok &= save_picture(panel, MANUAL_IMAGES / "guide.png")
    panel.close()
    desktop.close()
    return ok


def main() -> int:
    from kaoping_desktop.gui.app import setup_application
    from kaoping_desktop.gui.main_window import MainWindow

    app = setup_application()
    OUT.mkdir(parents=True, exist_ok=True)
    MANUAL_IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        build_demo(Path(tmp) / "demo.db", MONTH, 31)
        window = MainWindow()
        window.resize(1280, 800)
        window.show()
        set_window_month(window, MONTH)
        settle(app)
        if window.guideDock is not None:
            window.hide_guide()  # the tabs at full width; the guide has its own picture
        window.dbLabel.setText("数据库：demo.db（演示数据）")  # not the temporary folder's path
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            settle(app)
            tab = window.tabs.currentWidget()
            if tab is window.results_tab:
                tab.wait_until_current()
                tab.rankingTable.selectRow(0)
                settle(app)
            elif tab is window.roster_tab:
                tab.select_person("1001")
            elif tab is window.standards_tab:
                tab.select_clause("4.4")
            settle(app)
            name = TABS.get(window.tabs.tabText(index))
            if name is None:
                continue
            if not save_picture(window, OUT / f"{name}.png"):
                return 1
            if name != "standards" and not save_picture(window, MANUAL_IMAGES / f"{name}.png", MANUAL_WIDTH):
                return 1
        window.close()
        if not manual_dialogs(app):
            return 1
        desktop.close()  # the demo file is closed before its folder is removed
        if not first_day_pictures(app, Path(tmp)):
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
