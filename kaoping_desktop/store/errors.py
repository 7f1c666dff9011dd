"""The store's errors that the services and the command line catch (no peewee here, so a
reading command can name them without loading the model layer)."""

from __future__ import annotations


class MonthClosedError(Exception):
    """Raised when anything tries to change a closed month."""

    def __init__(self, month: str):
        super().__init__(f"{month} 已锁定，不能修改。如确需修改，请先重新开放该月（需填写理由）。")
        self.month = month


class DatabaseBusy(Exception):
    """Another program holds the database file's write lock longer than the busy timeout."""

    def __init__(self):
        super().__init__("数据库正被另一个程序（或另一个窗口）使用，请稍候再试；本次操作没有写入任何数据。")


class DatabaseReplaced(DatabaseBusy):
    """Another program replaced the database file (a restore) since this one opened it."""

    def __init__(self):
        Exception.__init__(
            self, "数据库文件已被另一个程序替换（例如从备份恢复），本次操作没有写入。请重新打开程序，核对数据后再操作。"
        )
