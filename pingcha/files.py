"""Writing a finished file so that a failure never leaves a truncated one where a good one was."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from pingcha.errors import UserError


def temporary_sibling(path: Path) -> Path:
    """A temporary name in the same folder (so the final rename stays on one file system)."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def replace_synced(temporary: Path, path: Path) -> None:
    """Put ``temporary`` in place of ``path`` in one step, and make the new name survive a power cut."""
    os.replace(temporary, path)
    try:
        folder = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return  # some systems cannot open a folder; the rename itself has happened
    try:
        os.fsync(folder)
    except OSError:
        pass
    finally:
        os.close(folder)


def write_atomically(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, sync it, then rename it over ``path``."""
    path = Path(path)
    temporary = temporary_sibling(path)
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        replace_synced(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def os_problem(error: OSError) -> str:
    """Why a file could not be written, in Chinese."""
    if error.errno == errno.ENOSPC:
        return "磁盘空间已满（原有文件未被改动）"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "没有写入权限"
    if error.errno == errno.EROFS:
        return "所在磁盘为只读"
    if error.errno == errno.ENOENT:
        return "所在文件夹不存在"
    if error.errno == errno.EISDIR:
        return "这是一个文件夹"
    return error.strerror or str(error)


def write_file(path: str | Path, data: bytes) -> Path:
    """``write_atomically``, with the usual reasons for failing explained as a UserError."""
    path = Path(path)
    if path.is_dir():
        raise UserError(f"输出路径 {path} 是一个文件夹，请给出文件名")
    try:
        return write_atomically(path, data)
    except OSError as error:
        raise UserError(f"无法写入 {path}：{os_problem(error)}") from None
