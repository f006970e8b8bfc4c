"""The one exception type a person is meant to read: a Chinese message, exit status 1."""


class UserError(Exception):
    """Bad input or a refused action, explained in Chinese; never shown as a traceback."""


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
