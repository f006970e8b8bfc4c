"""The one exception type a person is meant to read: a Chinese message, exit status 1."""


class UserError(Exception):
    """Bad input or a refused action, explained in Chinese; never shown as a traceback."""
