"""The window's side of keeping the database file safe: which USB sticks are plugged in
(and the dialog offering them first), what a backup holds before it is restored, and
when the file was last backed up to a stick.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHeaderView, QTableWidgetItem, QTreeWidgetItem, QWidget

from ..services import audit_log
from .uiload import load_into

# --- removable drives -------------------------------------------------------------------

# Where Linux desktops mount a plugged-in stick (udisks: /media/USER/LABEL or
# /run/media/USER/LABEL; by hand: under /mnt); macOS: /Volumes/LABEL.
LINUX_MOUNT_PARENTS = ("/media/", "/run/media/", "/mnt/")
MAC_MOUNT_PARENT = "/Volumes/"
DRIVE_REMOVABLE = 2  # GetDriveTypeW


@dataclass(frozen=True)
class Volume:
    root: str
    name: str
    bytes_free: int

    @property
    def free_text(self) -> str:
        return f"{self.bytes_free / 1024**3:.1f} GB"


def _windows_drive_type(root: str) -> int:
    import ctypes

    return ctypes.windll.kernel32.GetDriveTypeW(root)


def removable_volumes(
    volumes: Iterable[tuple[str, str, bool, bool, int]],
    platform: str = sys.platform,
    system_drive: str | None = None,
    drive_type: Callable[[str], int] | None = None,
) -> list[Volume]:
    """Which of the mounted volumes `(root, name, read_only, ready, bytes_free)` look like a
    USB stick the backup can go to, in the order given.

    QStorageInfo does not say "removable", so:
    - Linux: mounted under /media, /run/media or /mnt (where desktops and people mount
      sticks; the system's own disks are at /, /boot, /home …); macOS: under /Volumes.
    - Windows: a drive letter other than the system drive that Windows itself calls
      removable (GetDriveTypeW = DRIVE_REMOVABLE: USB sticks and card readers). A USB
      hard disk reports itself as fixed, like a second internal disk, and is reached
      through 选择其他文件夹….
    Never a read-only or not-ready one (a stick with its write-protect switch on, an
    empty card reader).
    """
    found = []
    for root, name, read_only, ready, bytes_free in volumes:
        if read_only or not ready:
            continue
        root_text = str(root).replace("\\", "/")
        if platform == "win32":
            letter = root_text[:2].upper()
            if len(letter) != 2 or letter[1] != ":":
                continue
            if letter == (system_drive or os.environ.get("SystemDrive", "C:")).upper()[:2]:
                continue
            probe = drive_type or _windows_drive_type
            if probe(root_text[:2] + "\\") != DRIVE_REMOVABLE:
                continue
        elif platform == "darwin":
            if not root_text.startswith(MAC_MOUNT_PARENT):
                continue
        else:
            if not any(root_text.startswith(parent) and len(root_text) > len(parent) for parent in LINUX_MOUNT_PARENTS):
                continue
        label = name or Path(root_text).name or root_text
        found.append(Volume(str(root), label, int(bytes_free)))
    return found


def mounted_volumes() -> list[tuple[str, str, bool, bool, int]]:
    """The PC's mounted volumes as plain tuples (may take a moment: call off the GUI thread)."""
    from PySide6.QtCore import QStorageInfo

    return [
        (v.rootPath(), v.name(), v.isReadOnly(), v.isReady(), v.bytesFree())
        for v in QStorageInfo.mountedVolumes()
        if v.isValid()
    ]


def usb_volumes() -> list[Volume]:
    return removable_volumes(mounted_volumes())


class UsbDriveDialog(QDialog):
    """The sticks found, the first one selected; `choice` after it closes:
    ("drive", Volume), ("other", None) or None (cancelled)."""

    def __init__(self, parent: QWidget | None, volumes: list[Volume]):
        super().__init__(parent)
        load_into(self, "usb_drive_dialog.ui")
        self.layout().setContentsMargins(12, 12, 12, 12)
        self.setWindowTitle("备份到U盘")
        self.resize(600, 300)
        self.volumes = list(volumes)
        self.choice: tuple[str, Volume | None] | None = None
        for volume in self.volumes:
            item = QTreeWidgetItem([volume.name, volume.free_text, volume.root])
            item.setTextAlignment(1, Qt.AlignRight | Qt.AlignVCenter)
            self.drivesView.addTopLevelItem(item)
        header = self.drivesView.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        header.setStretchLastSection(True)
        if self.volumes:
            self.drivesView.setCurrentItem(self.drivesView.topLevelItem(0))
        self.drivesView.itemDoubleClicked.connect(lambda *_: self.choose_drive())
        self.backupButton.clicked.connect(self.choose_drive)
        self.otherFolderButton.clicked.connect(self.choose_other)
        self.cancelButton.clicked.connect(self.reject)

    def selected(self) -> Volume | None:
        index = self.drivesView.indexOfTopLevelItem(self.drivesView.currentItem())
        return self.volumes[index] if 0 <= index < len(self.volumes) else None

    def choose_drive(self) -> None:
        volume = self.selected()
        if volume is not None:
            self.choice = ("drive", volume)
            self.accept()

    def choose_other(self) -> None:
        self.choice = ("other", None)
        self.accept()


# --- restoring: what the backup holds ----------------------------------------------------


class RestoreConfirmDialog(QDialog):
    """What the chosen backup holds beside the database in use; 恢复此备份 or 取消
    (the default: Enter never replaces the database by mistake)."""

    def __init__(self, parent: QWidget | None, comparison):
        super().__init__(parent)
        load_into(self, "restore_confirm_dialog.ui")
        self.layout().setContentsMargins(12, 12, 12, 12)
        self.setWindowTitle("从备份恢复")
        self.resize(660, 0)
        self.comparison = comparison
        backup = comparison.backup
        self.questionLabel.setText(f"用备份“{backup.path.name}”替换当前数据库吗？")
        self.pathLabel.setText(f"备份文件：{backup.path}")
        view = self.contentsView
        view.setColumnCount(2)
        view.setHorizontalHeaderLabels(["这份备份", "当前数据库"])
        view.setRowCount(len(comparison.rows))
        view.setVerticalHeaderLabels([label for label, _b, _c in comparison.rows])
        for row, (_label, in_backup, in_current) in enumerate(comparison.rows):
            view.setItem(row, 0, QTableWidgetItem(in_backup))
            view.setItem(row, 1, QTableWidgetItem(in_current))
        view.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        rows = view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.Fixed)
        rows.setDefaultSectionSize(view.fontMetrics().height() + 10)
        # The whole table without a scroll bar: the dialog is as tall as what it shows.
        header = view.horizontalHeader().sizeHint().height()
        view.setFixedHeight(header + rows.length() + 2 * view.frameWidth() + 4)
        self.warningLabel.setText(comparison.warning)
        self.warningLabel.setVisible(bool(comparison.warning))
        self.restoreButton.clicked.connect(self.accept)
        self.cancelButton.clicked.connect(self.reject)
        self.cancelButton.setFocus()

    def shown_rows(self) -> dict[str, tuple[str, str]]:
        """What the table shows: {label: (in the backup, in the database in use)}."""
        view = self.contentsView
        return {
            view.verticalHeaderItem(r).text(): (view.item(r, 0).text(), view.item(r, 1).text())
            for r in range(view.rowCount())
        }


# --- the last backup to a stick ----------------------------------------------------------

ORANGE = "color: #d35400;"


def last_usb_backup() -> dict | None:
    """{"at": ISO text, "folder": str} of the last backup made by hand (the window's 备份 or
    the command line's `backup`), or None."""
    from ..services import custody

    return custody.last_manual_backup()


def _at(last: dict | None) -> datetime | None:
    if not last or not last.get("at"):
        return None
    try:
        return datetime.fromisoformat(str(last["at"]))
    except ValueError:
        return None


def backup_status(last: dict | None, now: datetime | None = None) -> tuple[str, bool]:
    """The status bar's text and whether it warns (orange): none yet, or too long ago."""
    at = _at(last)
    if at is None:
        return "尚未备份到U盘", True
    now = now or datetime.now()
    days = (now.date() - at.date()).days
    ago = "今天" if days <= 0 else f"{days} 天前"
    return f"上次备份到U盘：{at:%Y-%m-%d %H:%M}（{ago}）", days >= audit_log.BACKUP_REMINDER_DAYS


def backup_reminder(now: datetime | None = None) -> str:
    """After a month was closed: why to back up now, or "" when a backup is recent enough."""
    last = last_usb_backup()
    closes = audit_log.close_times(2)
    previous_close = closes[1] if len(closes) > 1 else None
    now = now or datetime.now()
    if not audit_log.backup_reminder_due(_at(last), previous_close, now):
        return ""
    text, _warn = backup_status(last, now)
    if _at(last) is None:
        why = "这个数据库还没有备份到U盘过。"
    elif previous_close is not None and _at(last) < previous_close:
        why = f"上次锁定月份以来还没有备份到U盘（{text}）。"
    else:
        why = f"已有 {audit_log.BACKUP_REMINDER_DAYS} 天以上没有备份到U盘（{text}）。"
    return (
        why + "\n\n锁定的结果是正式结果。建议现在备份到U盘，并把U盘另外保管："
        "这台电脑损坏或丢失时，数据才不会丢。"
    )


__all__ = [
    "RestoreConfirmDialog",
    "UsbDriveDialog",
    "Volume",
    "backup_reminder",
    "backup_status",
    "last_usb_backup",
    "mounted_volumes",
    "removable_volumes",
    "usb_volumes",
]
