"""Find the line of every key and table in a TOML text, so rubric errors can say ``FILE:LINE``.

tomllib gives values but no positions. This scanner runs only on text tomllib has already
accepted, so it can be lenient: it follows tables, arrays of tables, arrays and inline tables and
records the line where each path starts, e.g. ``("category", 1, "item", 0, "points")``.
"""

from __future__ import annotations

Path = tuple  # a path of keys (str) and array indexes (int)

_BARE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class _Scanner:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.line = 1
        self.lines: dict[Path, int] = {}

    def _peek(self, n: int = 1) -> str:
        return self.s[self.i : self.i + n]

    def _advance(self, n: int = 1) -> None:
        self.line += self.s.count("\n", self.i, self.i + n)
        self.i += n

    def _skip(self, newlines: bool) -> None:
        while self.i < len(self.s):
            c = self.s[self.i]
            if c in " \t" or (newlines and c in "\r\n"):
                self._advance()
            elif c == "#":
                end = self.s.find("\n", self.i)
                self._advance((len(self.s) if end < 0 else end) - self.i)
            else:
                return

    def _string(self) -> str:
        quote = self.s[self.i]
        if self._peek(3) == quote * 3:
            end = self.s.find(quote * 3, self.i + 3)
            end = len(self.s) if end < 0 else end
            while self.s[end + 3 : end + 4] == quote:  # up to two quotes may close the content
                end += 1
            text = self.s[self.i + 3 : end]
            self._advance(end + 3 - self.i)
            return text
        j = self.i + 1
        while j < len(self.s) and self.s[j] != quote and self.s[j] != "\n":
            j += 2 if (quote == '"' and self.s[j] == "\\") else 1
        text = self.s[self.i + 1 : j]
        self._advance(j + 1 - self.i)
        return text

    def _key(self) -> list[str]:
        parts: list[str] = []
        while True:
            self._skip(False)
            if self._peek() in ('"', "'"):
                parts.append(self._string())
            else:
                j = self.i
                while j < len(self.s) and self.s[j] in _BARE:
                    j += 1
                parts.append(self.s[self.i : j])
                self._advance(j - self.i)
            self._skip(False)
            if self._peek() != ".":
                return parts
            self._advance()

    def _value(self, path: Path) -> None:
        c = self._peek()
        if c == "[":
            self._advance()
            index = 0
            while True:
                self._skip(True)
                if self._peek() in ("]", ""):
                    self._advance()
                    return
                self.lines.setdefault(path + (index,), self.line)
                self._value(path + (index,))
                index += 1
                self._skip(True)
                if self._peek() == ",":
                    self._advance()
        elif c == "{":
            self._advance()
            while True:
                self._skip(True)
                if self._peek() in ("}", ""):
                    self._advance()
                    return
                key = tuple(self._key())
                self.lines.setdefault(path + key, self.line)
                self._skip(False)
                if self._peek() == "=":
                    self._advance()
                self._skip(False)
                self._value(path + key)
                self._skip(True)
                if self._peek() == ",":
                    self._advance()
        elif c in ('"', "'"):
            self._string()
        else:
            j = self.i
            while j < len(self.s) and self.s[j] not in ",]}\n#":
                j += 1
            self._advance(j - self.i)

    def scan(self) -> dict[Path, int]:
        table: Path = ()
        array_counts: dict[Path, int] = {}
        while True:
            self._skip(True)
            if self.i >= len(self.s):
                return self.lines
            if self._peek() == "[":
                double = self._peek(2) == "[["
                self._advance(2 if double else 1)
                parts = self._key()
                self._advance(2 if double else 1)
                resolved: Path = ()
                for part in parts[:-1]:
                    resolved += (part,)
                    if resolved in array_counts:
                        resolved += (array_counts[resolved] - 1,)
                resolved += (parts[-1],)
                if double:
                    index = array_counts.get(resolved, 0)
                    array_counts[resolved] = index + 1
                    resolved += (index,)
                table = resolved
                self.lines.setdefault(table, self.line)
            else:
                key = tuple(self._key())
                self.lines.setdefault(table + key, self.line)
                self._skip(False)
                if self._peek() == "=":
                    self._advance()
                self._skip(False)
                self._value(table + key)


def key_lines(text: str) -> dict[Path, int]:
    """Map every key path of a valid TOML text to the line it starts on."""
    try:
        return _Scanner(text).scan()
    except (IndexError, ValueError):
        return {}


def line_of(lines: dict[Path, int], path: Path) -> int:
    """The line of ``path``, or of its nearest recorded ancestor."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return 1
