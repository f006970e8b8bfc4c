"""Reports (通报, 评查表, 整改通知书, 汇总表) rendered from an activity's results.

The .docx documents come from templates in ``templates/`` (docxtpl: Jinja2 tags inside Word
files a clerk can edit); ``templates`` points at a folder of the user's own copies, and any file
missing there falls back to the shipped one. Every document meant for circulation masks the
individual parties' names and any ID-card or phone number (see ``masking``).

Document settings (发文字号, 主送, 抄送, dates, deadline…) are merged as: district defaults <
``ActivityResults.settings`` < ``overrides``; ``settings.LABELS`` gives each key's Chinese name.
"""

from pingcha.reports.bulletin import pending_message, render_bulletin
from pingcha.reports.notices import render_notices
from pingcha.reports.settings import DEFAULTS, LABELS, check_settings, default_text
from pingcha.reports.sheets import render_sheets
from pingcha.reports.summary import write_summary

__all__ = [
    "DEFAULTS",
    "LABELS",
    "check_settings",
    "default_text",
    "pending_message",
    "render_bulletin",
    "render_notices",
    "render_sheets",
    "write_summary",
]
