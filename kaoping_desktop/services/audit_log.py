"""The 操作日志: the audit log as the clerk reads it, in Chinese.

Rows come from store/audit_queries.py (filters: month, kind of operation,
operator; see there what "month" means). Each row's JSON detail becomes short
Chinese lines: what was entered, each edited field as before → after, the
reason a month was reopened or an incident voided.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..domain.calendar import parse_month
from ..domain.standards import STANDARD_LABELS
from ..store import audit_queries
from . import settings as settings_service
from .backups import BACKUP_ACTION, record_backup  # noqa: F401 (re-exported: the backup's own row)
from .errors import InputError

PAGE_SIZE = 200

# The stored setting keys (repository.DEFAULT_SETTINGS) as the settings tab names them.
SETTING_LABELS = {
    "center_name": "中心名称",
    "grades": "等次分数线",
    "red_flag_count": "每月红旗窗口数",
    "annual_awards": "年度先进窗口数",
    "signature_titles": "签字栏职务",
    "first_month": "开始考评月份",
    "operator": "操作员",
    "issuer": "落款单位",
    "previous_month_until_day": "上月截止日",
}

INCIDENT_FIELDS = (
    ("date", "日期"),
    ("window", "窗口"),
    ("person", "人员"),
    ("clause", "条款"),
    ("variant", "情形"),
    ("count", "次数"),
    ("evidence", "评定依据"),
    ("reference", "依据说明"),
    ("note", "备注"),
)
WINDOW_FIELDS = (("code", "代码"), ("name", "名称"), ("department", "单位"), ("start", "起始日"), ("end", "撤出日"))
PERSON_FIELDS = (("name", "姓名"), ("phone", "电话"))
ROSTER_IMPORT_FIELDS = (
    ("windows_added", "窗口新增"),
    ("windows_updated", "窗口更新"),
    ("people_added", "人员新增"),
    ("people_updated", "人员更新"),
)
NOTHING = "（空）"


@dataclass(frozen=True)
class AuditEntry:
    """One row of the 操作日志 as shown."""

    id: int
    at: str  # "2026-10-03 14:22:05"
    operator: str
    action: str
    target: str  # what it was done to: 扣分记录 #12, 月份 2026-10, 设置 开始考评月份 …
    lines: tuple[str, ...]  # the detail in readable Chinese, one fact a line

    @property
    def summary(self) -> str:
        return "；".join(self.lines)


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    has_more: bool  # older rows match too: ask again with before_id=last_id

    @property
    def last_id(self) -> int | None:
        return self.entries[-1].id if self.entries else None


def entries(
    month: str | None = None,
    kind: str | None = None,
    operator: str | None = None,
    limit: int = PAGE_SIZE,
    before_id: int | None = None,
) -> AuditPage:
    """The log filtered by month (rows written in it or about it), kind (the action, e.g.
    修改扣分) and operator, newest first, `limit` rows at a time; pass the page's `last_id`
    as `before_id` for the next page."""
    if month:
        try:
            month = parse_month(month)
        except ValueError as exc:
            raise InputError(str(exc)) from None
    rows, more = audit_queries.query_audit(month or None, kind or None, operator, limit, before_id)
    return AuditPage([to_entry(r) for r in rows], more)


# The operations the program writes, in the order the filter lists them.
KNOWN_KINDS = (
    "录入扣分",
    "修改扣分",
    "作废扣分",
    "导入扣分台账",
    "锁定月份",
    "重新开放月份",
    "新增窗口",
    "修改窗口",
    "新增人员",
    "修改人员",
    "修改岗位",
    "导入人员名册",
    "新版本评分标准",
    "修改设置",
    BACKUP_ACTION,
    "初始化",
)


def kinds() -> list[str]:
    """The kinds of operation for the filter: the known ones, then any other the log holds."""
    seen = audit_queries.distinct_actions()
    return list(KNOWN_KINDS) + [k for k in seen if k not in KNOWN_KINDS]


def operators() -> list[str]:
    """Names that wrote the log, the current operator first, then the most recent."""
    names = audit_queries.distinct_actors()
    current = settings_service.operator()
    if current:
        names = [current] + [n for n in names if n != current]
    return names


def backup_recorded() -> bool:
    """A backup among the recent operations (store.audit_queries.RECENT_ROWS): an old one
    alone no longer counts, the data has moved on since."""
    return audit_queries.has_recent_action(BACKUP_ACTION)


from .months import CLOSE_ACTION  # noqa: E402 (beside the rule that uses it)
# A month closed with no backup to a USB stick since the close before it, or in this many
# days, brings up the reminder.
BACKUP_REMINDER_DAYS = 7


def last_backup() -> dict | None:
    """The newest backup the log knows of: {"at": ISO date-time text, "folder": its folder}."""
    rows, _more = audit_queries.query_audit(action=BACKUP_ACTION, limit=1)
    if not rows:
        return None
    row = rows[0]
    try:
        data = json.loads(row.detail) if row.detail else {}
    except ValueError:
        data = {}
    path = data.get("path") if isinstance(data, dict) else None
    return {"at": _time(row.at), "folder": str(Path(path).parent) if path else ""}


def close_times(limit: int = 2) -> list[datetime]:
    """When months were closed, newest first (the last `limit` closes)."""
    rows, _more = audit_queries.query_audit(action=CLOSE_ACTION, limit=limit)
    return [row.at for row in rows if isinstance(row.at, datetime)]


def backup_reminder_due(
    last_backup_at: datetime | None, previous_close_at: datetime | None, now: datetime
) -> bool:
    """After closing a month: remind to back up when there has been no backup ever, none
    since the close before this one, or none in BACKUP_REMINDER_DAYS days."""
    if last_backup_at is None:
        return True
    if previous_close_at is not None and last_backup_at < previous_close_at:
        return True
    return (now - last_backup_at).days >= BACKUP_REMINDER_DAYS


# --- turning a row into Chinese -----------------------------------------------------------


def to_entry(row: audit_queries.AuditRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=_time(row.at),
        operator=row.actor,
        action=row.action,
        target=target_label(row.entity, row.entity_id),
        lines=tuple(describe(row.action, row.entity, row.entity_id, row.detail)),
    )


def _time(at) -> str:
    if isinstance(at, datetime):
        return at.isoformat(sep=" ", timespec="seconds")
    return str(at or "")


_TARGETS = {
    "incident": "扣分记录 #{}",
    "month": "月份 {}",
    "window": "窗口 {}",
    "person": "人员 {}",
    "file": "文件 {}",
}


def target_label(entity: str, entity_id: str) -> str:
    if entity == "setting":
        return f"设置 {SETTING_LABELS.get(entity_id, entity_id)}"
    if entity == "standard":
        return f"{STANDARD_LABELS.get(entity_id, entity_id)}评分标准"
    if entity == "database":
        return "数据库"
    if entity in _TARGETS:
        return _TARGETS[entity].format(entity_id)
    return f"{entity} {entity_id}".strip()


def describe(action: str, entity: str, entity_id: str, detail: str) -> list[str]:
    """The detail of one row as readable lines (never raises: an odd row shows as written)."""
    try:
        data = json.loads(detail) if detail else None
    except ValueError:
        return [detail]  # plain text, e.g. 初始化
    try:
        return _describe(action, entity, entity_id, data)
    except (AttributeError, KeyError, TypeError, ValueError, IndexError):
        return [_value(data)]


def _describe(action: str, entity: str, entity_id: str, data) -> list[str]:
    if data is None:
        return []
    if not isinstance(data, dict):
        return [_value(data)]
    if entity == "incident":
        if "before" in data and "after" in data:
            changes = _changes(data["before"], data["after"], INCIDENT_FIELDS)
            return [_incident_short(data["before"])] + (changes or ["（内容未变）"])
        if "reason" in data:
            return [f"作废理由：{data['reason']}", "原记录：" + _incident(data.get("incident") or {})]
        return [_incident(data)]
    if entity == "month":
        lines = []
        if "reason" in data:
            lines.append(f"重新开放理由：{data['reason']}")
            if data.get("previous_results"):
                lines.append("锁定时的结果已原样存入此条日志")
        if "windows" in data:
            lines.append(f"锁定时 {data['windows']} 个窗口、{data.get('people', 0)} 名人员")
        return lines or _generic(data)
    if entity == "setting" and "before" in data:
        label = SETTING_LABELS.get(entity_id, entity_id)
        return [f"{label}：{_setting_value(entity_id, data['before'])} → {_setting_value(entity_id, data['after'])}"]
    if entity == "window":
        if "before" in data:
            return _changes(data["before"], data["after"], WINDOW_FIELDS) or ["（内容未变）"]
        return [f"名称：{data.get('name', '')}", f"单位：{data.get('department', '')}"]
    if entity == "person":
        if action == "修改岗位" or (isinstance(data.get("before"), list) and _is_assignments(data["before"])):
            return [
                "原岗位：" + _assignments(data.get("before") or []),
                "现岗位：" + _assignments(data.get("after") or []),
            ]
        if "before" in data:
            before, after = data["before"], data["after"]
            if isinstance(before, list):  # [name, phone]
                before = dict(zip(("name", "phone"), before))
                after = dict(zip(("name", "phone"), after))
            return _changes(before, after, PERSON_FIELDS) or ["（内容未变）"]
        return [f"姓名：{data.get('name', '')}"]
    if entity == "file":
        if "windows_added" in data:
            return ["，".join(f"{label} {data.get(key, 0)}" for key, label in ROSTER_IMPORT_FIELDS)]
        if "added" in data:
            lines = [f"新增扣分记录 {data['added']} 条，已存在而跳过 {data.get('already_present', 0)} 条"]
            if data.get("months"):
                lines.append("涉及月份：" + "、".join(data["months"]))
            return lines
        if "path" in data:
            return [f"备份文件：{data['path']}"]
    if entity == "standard" and "version" in data:
        lines = [f"第 {data['version']} 版，{data.get('effective_month', '')} 起施行"]
        if data.get("note"):
            lines.append(f"说明：{data['note']}")
        return lines
    if "before" in data and "after" in data:
        return [f"{_value(data['before'])} → {_value(data['after'])}"]
    return _generic(data)


def _generic(data: dict) -> list[str]:
    return [f"{key}：{_value(value)}" for key, value in data.items()]


def _value(value) -> str:
    if value is None or value == "":
        return NOTHING
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "、".join(_value(v) for v in value) or NOTHING
    if isinstance(value, dict):
        return "，".join(f"{k}：{_value(v)}" for k, v in value.items())
    return str(value)


def _setting_value(key: str, value) -> str:
    if key == "first_month" and not value:
        return "（未设置，所有月份都考评）"
    if key == "operator" and not value:
        return "（未设置，记系统登录名）"
    if key == "grades" and isinstance(value, list):
        return "、".join(f"{name} {minimum} 分" for name, minimum in value)
    if key == "previous_month_until_day":
        return f"每月 {value} 日前默认显示上月"
    return _value(value)


def _incident(d: dict) -> str:
    """One incident in a line: 2026-10-03 窗口 W01 人员 1001 条款 4.4（红牌）× 1 …"""
    parts = [str(d.get("date", "")), f"窗口 {d.get('window', '')}"]
    if d.get("person"):
        parts.append(f"人员 {d['person']}")
    clause = f"条款 {d.get('clause', '')}"
    if d.get("variant"):
        clause += f"（{d['variant']}）"
    parts.append(f"{clause} × {d.get('count', '')}")
    parts.append(f"评定依据 {d.get('evidence', '')}")
    if d.get("reference"):
        parts.append(f"依据说明 {d['reference']}")
    if d.get("note"):
        parts.append(f"备注 {d['note']}")
    return " ".join(parts)


def _incident_short(d: dict) -> str:
    return f"原记录：{d.get('date', '')} 窗口 {d.get('window', '')} 条款 {d.get('clause', '')}"


def _changes(before: dict, after: dict, fields) -> list[str]:
    """Each field that changed, as "label：before → after", in the fields' order."""
    lines = []
    for key, label in fields:
        old, new = before.get(key), after.get(key)
        if _value(old) != _value(new):
            lines.append(f"{label}：{_value(old)} → {_value(new)}")
    return lines


def _is_assignments(value: list) -> bool:
    return all(isinstance(a, list) and len(a) == 4 for a in value)


def _assignments(rows: list) -> str:
    """[[window, role, start, end], …] as 'W01 首席代表（2024-01-01 至 不限）、…'."""

    def day(text) -> str:
        return "不限" if text in (None, "", "None") else str(text)

    return "、".join(f"{w} {role}（{day(start)} 至 {day(end)}）" for w, role, start, end in rows) or "无"


__all__ = [
    "BACKUP_ACTION",
    "BACKUP_REMINDER_DAYS",
    "CLOSE_ACTION",
    "AuditEntry",
    "AuditPage",
    "backup_recorded",
    "backup_reminder_due",
    "close_times",
    "describe",
    "entries",
    "kinds",
    "last_backup",
    "operators",
    "record_backup",
    "target_label",
    "to_entry",
]
