"""Screenshots of every tab of the real window, on a small demo database built here.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py   # or: xvfb-run .venv/bin/python …

Writes docs/screenshots/<tab>.png. The demo database lives in a temporary folder
and is built through the same services the window uses.
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
from kaoping_desktop.services.incidents import IncidentInput, add_incident  # noqa: E402
from kaoping_desktop.services.settings import load_settings, save_settings  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
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
    current = load_settings()
    save_settings(type(current)(**{**current.__dict__, "center_name": "平安县政务服务中心"}))
    year, mon = int(month[:4]), int(month[5:7])
    for code, name, department in WINDOWS:
        roster.save_window(Window(code, name, department, date(2024, 1, 1)), is_new=True)
    for pid, name, code, role, phone in PEOPLE:
        roster.save_person(Person(pid, name, phone), [Assignment(pid, code, role, date(2024, 1, 1))], is_new=True)

    def day(n: int) -> date:
        return date(year, mon, min(n, last_day))

    for data in (
        IncidentInput(day(3), "W01", "4.4", 1, "E11", variant="红牌", reference="督办单 118"),
        IncidentInput(day(5), "W01", "5.4", 2, "E17", variant="迟到（早退）"),
        IncidentInput(day(6), "W02", "4.4", 1, "E11", variant="黄牌"),
        IncidentInput(day(8), "W02", "P1.1", 3, "E26", person_id="2002"),
        IncidentInput(day(9), "W03", "2.2", 1, "E03"),
        IncidentInput(day(10), "W03", "P2.3", 1, "E05", person_id="3002", reference="投诉 12345-0001"),
        IncidentInput(day(12), "W04", "P2.1", 1, "E04", person_id="4001"),
    ):
        add_incident(data)


def main() -> int:
    from kaoping_desktop.gui.app import setup_application
    from kaoping_desktop.gui.main_window import MainWindow

    app = setup_application()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        build_demo(Path(tmp) / "demo.db", MONTH, 31)
        window = MainWindow()
        window.resize(1280, 800)
        window.show()
        window.roster_tab.select_person("1001")
        window.standards_tab.select_clause("4.4")
        window.entry_tab.set_month(MONTH)
        window.results_tab.set_month(MONTH)
        window.results_tab.rankingTable.selectRow(0)
        window.dbLabel.setText("数据库：demo.db（演示数据）")  # not the temporary folder's path
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            for _ in range(5):
                app.processEvents()
            target = OUT / f"{TABS[window.tabs.tabText(index)]}.png"
            if not window.grab().save(str(target)):
                print(f"无法保存 {target}", file=sys.stderr)
                return 1
            print(target.relative_to(ROOT))
        window.close()
        desktop.close()  # the demo file is closed before its folder is removed
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
