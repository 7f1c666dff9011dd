"""Write real roster and ledger workbooks the way the clerk's spreadsheets look."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

ROSTER_WINDOW_HEADER = ["窗口编号", "窗口名称", "进驻部门", "启用日期", "撤出日期"]
ROSTER_PEOPLE_HEADER = ["工号", "姓名", "窗口编号", "身份", "在岗起始", "在岗截止", "联系电话"]
LEDGER_HEADER = ["日期", "窗口编号", "工号", "条款", "情形", "次数", "评定依据", "依据说明", "备注"]


def write_roster(path: Path, windows: list[list], people: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "窗口"
    ws.append(ROSTER_WINDOW_HEADER)
    for row in windows:
        ws.append(row)
    ws = wb.create_sheet("人员")
    ws.append(ROSTER_PEOPLE_HEADER)
    for row in people:
        ws.append(row)
    wb.save(path)
    return path


def write_ledger(path: Path, rows: list[list], header: list[str] = LEDGER_HEADER) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "扣分记录"
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


WORKED_ROSTER_WINDOWS = [["W01", "不动产登记窗口", "县自然资源局", None, None]]
WORKED_ROSTER_PEOPLE = [
    ["1001", "张三", "W01", "首席代表", None, None, "13800000001"],
    ["1002", "李四", "W01", "窗口工作人员", None, None, ""],
    ["1003", "王五", "W01", "窗口工作人员", None, None, ""],
]
WORKED_LEDGER = [
    ["2026-10-08", "W01", None, "4.4", "红牌", 1, "行政审批系统电子监察", "督办单 2026-118", None],
    ["2026/10/9", "W01", None, "5.4", "迟到（早退）", 2, "E17", None, None],
    ["2026年10月10日", "W01", None, "2.2", None, 1, "E03", None, None],
    ["2026-10-12", "W01", "1002", "P1.1", None, 3, "考勤记录", None, None],
    ["2026-10-13", "W01", "1002", "P2.3", None, 1, "群众投诉", "投诉 12345-0001", None],
    ["2026-10-14", "W01", "1001", "P2.1", None, 1, "现场巡查", None, None],
]
