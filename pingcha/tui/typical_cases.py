"""十大典型案例 in the UI: on the 结果 page the 组长 pins or unpins the highlighted file with p (it is then always
in the typical cases `pingcha report cases` writes); the rule and the refusal (组长 only) live in the service."""

from __future__ import annotations

from textual.widgets import DataTable

from pingcha.services.typical_cases import pinned, toggle_pinned


def toggle_highlighted(pane, table: DataTable) -> bool | None:
    """Pin or unpin the file on the table's highlighted row (keyed by 案号); whether it is pinned now."""
    if not table.row_count:
        return None
    case_no = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    app, who = pane.app, pane.who
    now_pinned = app.call(toggle_pinned, app.store, str(who.activity.id), case_no, who.name)
    if now_pinned is None:
        return None
    count = len(app.call(pinned, app.store, str(who.activity.id)) or [])
    pane.notify(f"{case_no}：" + ("已选定为典型案例，生成时总会列入" if now_pinned else "已取消选定")
                + f"（共选定 {count} 件）", title="典型案例", timeout=4)
    return now_pinned
