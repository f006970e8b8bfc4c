"""The one exception type a person is meant to read (a Chinese message, exit status 1), and database failures
put in words a person can act on (shared by the command line and the UI)."""

import sqlite3

from sqlalchemy.exc import SQLAlchemyError

# What a face catches to explain a failure of the database (the driver's own errors included).
DATABASE_ERRORS = (SQLAlchemyError, sqlite3.Error)


class UserError(Exception):
    """Bad input or a refused action, explained in Chinese; never shown as a traceback."""


# What the database says (lower case, found in its message) → what the user can do about it.
_SQLITE_CAUSES = (
    ("attempt to write a readonly database", "数据库文件只读：可以查看，但不能修改。请检查文件的权限"
     "（或它所在的文件夹是否可写），或把它复制为可写的文件后用 --db 指定。本次操作未写入任何内容。"),
    ("database or disk is full", "磁盘已满，数据库无法写入。请腾出磁盘空间后重做本次操作；本次操作未写入任何内容，"
     "此前保存的数据不受影响。"),
    ("unable to open database file", "无法打开数据库文件：请检查 --db 给出的路径、所在文件夹是否存在，以及是否有读写权限。"),
    ("database is locked", "数据库正被其他程序长时间占用（等待 30 秒后仍未释放），请稍后重试。本次操作未写入任何内容。"),
    ("disk i/o error", "读写数据库文件时发生磁盘错误：请检查磁盘或网络盘是否可用。本次操作未写入任何内容。"),
    ("file is not a database", "--db 指定的文件不是 pingcha 的数据库（也不是 SQLite 数据库）。"),
    ("database disk image is malformed", "数据库文件已损坏。请从备份恢复（pingcha backup 生成的副本），"
     "或运行 pingcha check 查看损坏情况。"),
    ("password authentication failed", "无法连接数据库：用户名或密码不正确。"),
    ("connection refused", "无法连接数据库：数据库服务没有启动，或地址、端口不对。"),
    ("could not translate host name", "无法连接数据库：找不到数据库服务器（主机名不对）。"),
    ("connection failed", "无法连接数据库，请检查 --db / PINGCHA_DB 的地址和数据库服务是否已启动。"),
    ("check constraint failed", "数据库拒绝了这次写入：数据不符合数据库的约束。本次操作未写入任何内容。"),
)


def database_problem(exc: Exception) -> str:
    """A database failure in words a user can act on, with what the database said as a detail line."""
    from sqlalchemy.exc import OperationalError

    said = str(getattr(exc, "orig", None) or exc).strip()
    detail = said.splitlines()[0] if said else type(exc).__name__
    lowered = detail.lower()
    for cause, message in _SQLITE_CAUSES:
        if lowered.startswith(cause) or cause in lowered:
            return f"{message}\n（数据库报告：{detail}）"
    if isinstance(exc, OperationalError) and "connect" in str(exc).lower():
        return f"无法连接数据库，请检查 --db / PINGCHA_DB 的地址和数据库服务是否已启动\n（数据库报告：{detail}）"
    return f"数据库操作失败。\n（数据库报告：{detail}）"


_OS_ERRORS = {
    "ENOENT": "文件或文件夹不存在",
    "EACCES": "没有访问权限",
    "EPERM": "操作不被允许（没有权限）",
    "EISDIR": "这是一个文件夹，不是文件",
    "ENOTDIR": "路径中有一段不是文件夹",
    "ENOSPC": "磁盘空间不足",
    "EROFS": "只读的文件系统，不能写入",
    "EEXIST": "已存在同名的文件",
    "ENAMETOOLONG": "文件名过长",
    "EBUSY": "文件正被占用",
    "EMFILE": "打开的文件过多",
    "EINVAL": "文件名或参数无效",
    "ETXTBSY": "文件正被占用",
    "EXDEV": "不能跨磁盘移动",
}


def os_error_text(exc: OSError) -> str:
    """An operating-system error in Chinese ("No such file or directory" → 文件或文件夹不存在)."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    if name in _OS_ERRORS:
        return _OS_ERRORS[name]
    if isinstance(exc, PermissionError):
        return _OS_ERRORS["EACCES"]
    if isinstance(exc, FileNotFoundError):
        return _OS_ERRORS["ENOENT"]
    return f"系统错误（{name or exc.errno or type(exc).__name__}）"


class Refused(UserError):
    """An action §10 forbids: nothing of it is written, but the refusal itself is audited (by the store, in a
    transaction of its own after the refused one has been rolled back)."""

    def __init__(self, message: str, actor: str, action: str, activity_id: int | None = None) -> None:
        super().__init__(message)
        self.actor = actor
        self.action = action
        self.activity_id = activity_id
