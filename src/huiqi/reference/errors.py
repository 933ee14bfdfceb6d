"""The error class of bad user input found by the reference tables."""


class InputError(ValueError):
    """A user-facing input error: ``str(exc)`` is one Chinese sentence naming
    the value and what is accepted (未知地区：…, 日期无效：…)."""
