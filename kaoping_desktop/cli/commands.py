"""Headless subcommands (formats.md). Exit 0 success, 2 bad input, 1 anything else."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .. import __version__

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


class _Formatter(argparse.HelpFormatter):
    """argparse's, told the terminal's width: left to itself it imports shutil (with bz2,
    lzma and zlib) on every start just to ask."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None):
        if width is None:
            try:
                width = int(os.environ.get("COLUMNS", "")) or os.get_terminal_size(sys.__stdout__.fileno()).columns
            except (ValueError, OSError, AttributeError):  # no terminal (a pipe) or no stdout at all
                width = 80
            width -= 2
        super().__init__(prog, indent_increment, max_help_position, width)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # argparse's own errors are bad input too
        self.print_usage(sys.stderr)
        print(f"参数错误：{message}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def _results_arguments(p: argparse.ArgumentParser) -> None:
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--month", help="月份 YYYY-MM")
    which.add_argument("--year", help="年份 YYYY（只计已锁定的月份）")
    p.add_argument("--json", action="store_true", help="输出 JSON")


def _reopen_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--month", required=True)
    p.add_argument("--reason", required=True)


def _settings_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("key", nargs="?", help="设置项，如 first-month、red-flags、operator")
    p.add_argument("value", nargs="?", help="新的值（省略则显示当前值）")


def _export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--month", required=True)
    p.add_argument("--pdf", type=Path)
    p.add_argument("--xlsx", type=Path)
    p.add_argument("--docx", type=Path, help="月度考评情况通报（草稿，.docx）")


# name -> (help, what adds its arguments)
_SUBCOMMANDS = {
    "import-roster": ("导入人员名册（.xlsx）", lambda p: p.add_argument("file", type=Path)),
    "import-incidents": ("导入扣分台账（.xlsx）", lambda p: p.add_argument("file", type=Path)),
    "results": ("月度结果或年度结果", _results_arguments),
    "close-month": ("锁定月份", lambda p: p.add_argument("--month", required=True)),
    "reopen-month": ("重新开放月份（须填写理由）", _reopen_arguments),
    "settings": ("列出、查看或修改设置", _settings_arguments),
    "template": (
        "写出空白模板（人员名册、扣分台账）",
        lambda p: p.add_argument("dest", type=Path, nargs="?", default=Path(".")),
    ),
    "export": ("导出月度评分表 PDF、Excel 与通报（Word）", _export_arguments),
    "export-roster": ("导出人员名册（.xlsx，可再次导入）", lambda p: p.add_argument("file", type=Path)),
    "backup": ("备份数据库到目录（例如U盘）", lambda p: p.add_argument("dest", type=Path)),
    "restore": ("从备份文件恢复数据库", lambda p: p.add_argument("backup_file", type=Path)),
    "check": ("完整性检查与防篡改检查", lambda p: None),
    "verify": ("查验评分表上的校验码", lambda p: p.add_argument("code", help="校验码，例如 7KQ3-M9XH-2PRT")),
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; `only`: the subcommand being run, the only one whose
    arguments are added (argparse spends ~0.2 ms on each, every start)."""
    db_option = _Parser(add_help=False)
    db_option.add_argument("--db", default=argparse.SUPPRESS, help="数据库文件（默认：本机的正常数据库）")

    parser = _Parser(prog="kaoping-desktop", description="县政务服务中心窗口月度考评", parents=[db_option])
    parser.add_argument("--version", action="version", version=f"kaoping-desktop {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    for name, (text, add_arguments) in _SUBCOMMANDS.items():
        p = sub.add_parser(name, parents=[db_option], help=text)
        if only is None or only == name:
            add_arguments(p)
    return parser


def _subcommand(argv: list[str]) -> str | None:
    """The subcommand named in argv (the first word that is not --db's value), if any."""
    words = iter(argv)
    for word in words:
        if word == "--db":
            next(words, None)
        elif word in _SUBCOMMANDS:
            return word
        elif not word.startswith("-"):
            return None
    return None


def run(argv: list[str]) -> int:
    parser = build_parser(only=_subcommand(argv))
    args = parser.parse_args(argv)
    if not args.command:
        try:
            from ..gui.app import run_gui  # Qt is only loaded when a window is wanted
        except ImportError as exc:
            print(f"无法启动窗口（缺少 Qt 组件）：{exc}", file=sys.stderr)
            return EXIT_FAILURE
        return run_gui(getattr(args, "db", None))

    from .. import services
    from ..paths import default_database_path
    from ..store.database import BackupFailed, DatabaseError, UnusableFile

    db_path = Path(getattr(args, "db", None) or default_database_path())
    try:
        if args.command == "restore":
            from ..services import custody

            kept = custody.restore_database(args.backup_file, db_path)
            print(f"已从 {args.backup_file} 恢复到 {db_path}")
            if kept:
                print(f"恢复前的数据库已另存为 {kept}")
            return EXIT_OK
        if args.command == "check":
            try:
                services.open_app_database(db_path)
            except DatabaseError as exc:  # a file that cannot even be opened fails the check
                print(f"检查发现问题：{exc}", file=sys.stderr)
                return EXIT_BAD_INPUT
        else:
            # A month's results and a backup need no model layer (peewee): a third of their start-up.
            plain = args.command == "backup" or (args.command == "results" and args.month is not None)
            services.open_app_database(db_path, plain=plain)
        if args.command in _WRITES or (args.command == "settings" and args.value is not None):
            from ..services import custody

            custody.daily_backup()  # the day's rolling copy, before the first change of the day
        return _COMMANDS[args.command](args)
    except (ValueError, services.ClosingRefused, services.MonthClosedError, FileNotFoundError) as exc:
        _report_bad_input(exc)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # output piped into `head` and closed early
        return EXIT_OK
    except (services.DatabaseBusy, BackupFailed) as exc:  # nothing was written; the message says what to do
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_FAILURE
    except UnusableFile as exc:  # a restore from a file that is not a usable backup: bad input
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except DatabaseError as exc:
        print(f"数据库错误：{exc}", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as exc:  # last resort: say something a person can report
        print(f"程序错误：{type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILURE


def _report_bad_input(exc: Exception) -> None:
    from ..domain.validation import ImportRejected  # (loaded here: only imports raise it)

    if isinstance(exc, ImportRejected):
        print(f"导入失败，未写入任何数据。共 {len(exc.errors)} 处错误：", file=sys.stderr)
        for line in exc.lines():  # the first 200, then how many more
            print(f"  {line}", file=sys.stderr)
    else:
        print(f"错误：{exc}", file=sys.stderr)


def _import_roster(args) -> int:
    from .. import services

    report = services.import_roster(args.file)
    print(
        f"人员名册已导入：窗口新增 {report.windows_added}、更新 {report.windows_updated}；"
        f"人员新增 {report.people_added}、更新 {report.people_updated}。"
    )
    for line in report.messages:
        print(line)
    return EXIT_OK


def _import_incidents(args) -> int:
    from .. import services

    report = services.import_incidents(args.file)
    print(f"扣分台账已导入：{report.summary()}。")
    return EXIT_OK


def _print_json(data: dict) -> None:
    """One key a line and one window or person a line: readable, and written by json's C
    encoder (indent= falls back to the pure-Python one: 30 ms for 800 people)."""

    text = json.JSONEncoder(ensure_ascii=False).encode  # one encoder for the thousand items

    parts = []
    for key, value in data.items():
        if isinstance(value, list) and value:
            items = ",\n    ".join(text(item) for item in value)
            parts.append(f"  {text(key)}: [\n    {items}\n  ]")
        else:
            parts.append(f"  {text(key)}: {text(value)}")
    sys.stdout.write("{\n" + ",\n".join(parts) + "\n}\n")


def _results(args) -> int:
    from .. import services
    from ..domain.numbers import display
    from ..domain.results_io import results_json, year_json

    if args.year is not None:
        year = services.year_results(args.year)
        if args.json:
            _print_json(year_json(year))
            return EXIT_OK
        print(f"{year.year} 年度结果（已锁定月份：{'、'.join(year.months) or '无'}）")
        for w in year.windows:
            rank = f"{w.rank:>3}" if w.rank is not None else "  -"
            marks = [m for m, on in (("年度先进", w.award), ("取消评优", w.disqualified)) if on]
            print(f"{rank}  {w.code:<8} {w.name:<16} {display(w.mean):>7}  {w.months} 个月  {' '.join(marks)}")
        return EXIT_OK
    result = services.month_results(args.month)
    if args.json:
        _print_json(results_json(result))
        return EXIT_OK
    if not result.evaluated:
        print(f"{result.month} 未纳入考评（早于开始考评月份）")
        return EXIT_OK
    print(f"{result.month} 月度结果{'（已锁定）' if result.closed else '（未锁定）'}")
    for w in result.windows:
        marks = [m for m, on in (("红旗窗口", w.red_flag), ("取消评优", w.disqualified)) if on] + list(w.warnings)
        print(f"{w.rank:>3}  {w.code:<8} {w.name:<16} {display(w.total):>7}  {w.grade}  {' '.join(marks)}")
    return EXIT_OK


def _close_month(args) -> int:
    from .. import services

    result = services.close_month(args.month)
    print(f"{result.month} 已锁定，共 {len(result.windows)} 个窗口、{len(result.people)} 人。")
    return EXIT_OK


def _reopen_month(args) -> int:
    from .. import services

    services.reopen_month(args.month, args.reason)
    print(f"{args.month} 已重新开放。")
    return EXIT_OK


def _settings(args) -> int:
    from ..services import settings

    if args.key is None:
        for key, value in settings.all_values():
            print(f"{key} = {value}")
    elif args.value is None:
        print(settings.get_value(args.key))
    else:
        settings.set_value(args.key, args.value)
        print(f"{args.key} = {settings.get_value(args.key)}")
    return EXIT_OK


def _template(args) -> int:
    from .. import services

    for path in services.write_templates(args.dest):
        print(path)
    return EXIT_OK


def _export(args) -> int:
    from .. import services

    if not args.pdf and not args.xlsx and not args.docx:
        raise ValueError("请至少指定 --pdf 目录、--xlsx 文件或 --docx 文件")
    if args.docx:  # first: it also refuses a month without windows, before anything is written
        from ..services.notice import export_notice

        print(export_notice(args.month, args.docx))
    if args.pdf or args.xlsx:
        for path in services.export_month(args.month, pdf_dir=args.pdf, xlsx_file=args.xlsx):
            print(path)
    return EXIT_OK


def _export_roster(args) -> int:
    from ..services import roster

    done = roster.export_roster(args.file)
    print(f"人员名册已导出到 {done.path}：窗口 {done.windows} 个，人员 {done.people} 人（岗位 {done.rows} 行）。")
    if done.without_assignment:
        listed = "、".join(f"{p.name}（{p.id}）" for p in done.without_assignment)
        print(f"以下人员没有岗位，未写入：{listed}", file=sys.stderr)
    return EXIT_OK


def _backup(args) -> int:
    from ..services.backups import backup_database  # (not custody: no model layer needed)

    path = backup_database(args.dest)
    print(f"已备份到 {path}")
    return EXIT_OK


def _check(args) -> int:
    from ..services import custody

    report = custody.check()
    if report.ok:
        print(f"检查通过：文件完整，审计日志 {report.audit_rows} 条首尾相接，已锁定月份 {report.months_checked} 个与锁定时一致。")
        return EXIT_OK
    print(f"检查发现 {len(report.findings)} 处问题：", file=sys.stderr)
    for finding in report.findings:
        print(f"  {finding}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _verify(args) -> int:
    from ..services import custody

    found = custody.verify(args.code)
    stream = sys.stdout if found.unchanged else sys.stderr
    for line in found.lines:
        print(line, file=stream)
    return EXIT_OK if found.unchanged else EXIT_BAD_INPUT


# Commands that change the database: the day's automatic backup is made before them.
_WRITES = {"import-roster", "import-incidents", "close-month", "reopen-month"}

_COMMANDS = {
    "import-roster": _import_roster,
    "import-incidents": _import_incidents,
    "results": _results,
    "close-month": _close_month,
    "reopen-month": _reopen_month,
    "settings": _settings,
    "template": _template,
    "export": _export,
    "backup": _backup,
    "check": _check,
    "verify": _verify,
    "export-roster": _export_roster,
}
