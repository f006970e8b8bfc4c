"""Reports (通报, 评查表, 整改通知书, 汇总表) rendered from an activity's results.

The .docx documents come from templates in ``templates/`` (docxtpl: Jinja2 tags inside Word
files a clerk can edit); ``templates`` points at a folder of the user's own copies, and any file
missing there falls back to the shipped one. Every document meant for circulation masks the
individual parties' names and any ID-card or phone number (see ``masking``).

Document settings (发文字号, 主送, 抄送, dates, deadline…) are merged as: district defaults <
``ActivityResults.settings`` < ``overrides``; ``settings.LABELS`` gives each key's Chinese name.
"""

from importlib import import_module

# Each name is imported from its module when first asked for (PEP 562), so that whoever needs only the light
# modules (``settings``, ``facts``: the UI's 报告 page shows the document settings) does not load python-docx,
# docxtpl, lxml and openpyxl with them, on the event loop.
_WHERE = {
    "DEFAULTS": "settings", "LABELS": "settings", "check_settings": "settings", "default_text": "settings",
    "pending_message": "bulletin", "render_bulletin": "bulletin", "render_notices": "notices",
    "render_sheets": "sheets", "write_summary": "summary",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
