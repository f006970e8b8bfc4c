"""The 组长's dashboard draws the grade distribution (plotext) and the agencies' means (block bars), and the 结果
page pins a file for the typical cases with p."""

from __future__ import annotations

from pingcha.results import FINAL
from pingcha.services.results import activity_results
from pingcha.services.typical_cases import pinned
from pingcha.tui.app import PingchaApp
from pingcha.tui.widgets.result_charts import GradePlot, ResultCharts, mean_bars
from test_tui_fixtures import ACTIVITY, EVALUATOR, LEADER, db, store, sync, template_db  # noqa: F401


def _lines(widget) -> list[str]:
    return [strip.text for strip in (widget.render_line(y) for y in range(widget.size.height))]


def test_mean_bars_follow_the_ranking_and_say_when_an_agency_has_no_result(store):
    results = activity_results(store, ACTIVITY)
    text = mean_bars(results).plain.splitlines()
    ranked = [a for a in results.agencies if a.mean is not None]
    best = ranked[0]
    assert text[1].startswith(best.agency) and text[1].endswith(str(best.mean))
    assert "█" * 10 in text[1]  # a mean above 50 fills more than half the 20 cells
    waiting = [a for a in results.agencies if a.mean is None]
    assert waiting and any(line.startswith(waiting[0].agency) and "尚无评查完成的案卷" in line for line in text)


@sync
async def test_the_dashboard_draws_both_charts_at_120_and_80_columns(store):
    results = activity_results(store, ACTIVITY)
    counts = results.grade_counts()
    for size in ((120, 40), (80, 24)):
        app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
        async with app.run_test(size=size) as pilot:
            await pilot.press("2")
            await app.workers.wait_for_complete()
            await pilot.pause()
            charts = app.screen.query_one(ResultCharts)
            plot = charts.query_one(GradePlot)
            lines = _lines(plot)
            assert f"等次分布（{sum(counts.values())} 件）" in lines[0]
            # every grade labelled with its count, on one line
            assert any(all(f"{grade} {count}" in line for grade, count in counts.items()) for line in lines)
            assert all(len(line) <= plot.size.width for line in lines)  # Chinese labels fit the frame
            assert sum("█" in line for line in lines) >= max(counts.values())
            means = str(charts.query_one("#mean-bars").render())
            best = next(a for a in results.agencies if a.mean is not None)
            assert best.agency in means and str(best.mean) in means
            assert max(len(line) for line in means.splitlines()) <= charts.query_one("#mean-bars").size.width


@sync
async def test_the_leader_pins_and_unpins_a_file_on_the_results_page(store):
    final = next(f for f in activity_results(store, ACTIVITY).files if f.status == FINAL)
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#results-files")
        table.focus()
        table.move_cursor(row=table.get_row_index(final.case.case_no))
        await pilot.press("p")
        await pilot.pause()
        assert pinned(store, ACTIVITY) == [final.case.case_no]
        await pilot.press("p")
        await pilot.pause()
        assert pinned(store, ACTIVITY) == []
