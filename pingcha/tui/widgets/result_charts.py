"""Charts on the 组长's dashboard: the grade distribution (a plotext bar chart, through textual-plotext) and the
agencies' means (block bars).

The means are drawn as block bars, not with plotext: plotext measures a Chinese character as one cell, so long
agency names on its axis would push its frame out of line, while a block bar measures names as the screen does.
Without textual-plotext installed, the grade distribution is drawn as block bars too. The figures are the
results the dashboard has read (the one outcome rule and ranking); nothing is computed here but bar lengths.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from pingcha.results import ActivityResults

try:
    from textual_plotext import PlotextPlot
except ImportError:  # pragma: no cover - the dependency is declared; a stripped install still shows bars
    PlotextPlot = None

MEAN_BAR = 20  # cells for a mean of 100
NAME_CELLS = 22
GRADE_COLOURS = ("green", "blue", "orange", "red", "magenta")


def fit(name: str, cells: int) -> str:
    """``name`` padded or shortened (with …) to exactly ``cells`` screen cells."""
    if cell_len(name) > cells:
        name = set_cell_size(name, cells - 1) + "…"
    return name + " " * (cells - cell_len(name))


def mean_bars(results: ActivityResults, name_cells: int = NAME_CELLS, bar_cells: int = MEAN_BAR) -> Text:
    """Each agency's mean as a bar out of 100, ranked as everywhere else; agencies with no final file say so."""
    text = Text.assemble(("各执法部门平均分", "bold"), "（按排名，满格 100 分）\n")
    lowest = results.rubric.grades[-1].name
    best = results.rubric.grades[0].name
    for agency in results.agencies:
        text.append(fit(agency.agency, name_cells) + " ")
        if agency.mean is None:
            text.append("尚无评查完成的案卷\n", style="dim")
            continue
        halves = round(float(agency.mean) / 100 * bar_cells * 2)
        whole, half = divmod(halves, 2)
        style = "red" if agency.grade == lowest else ("green" if agency.grade == best else "cyan")
        text.append(("█" * whole + ("▌" if half else "")).ljust(bar_cells), style=style)
        text.append(f" {agency.mean:>5}\n")
    if not results.agencies:
        text.append("还没有抽取案卷。\n", style="dim")
    return text


def grade_bars(results: ActivityResults, bar_cells: int = 16) -> Text:
    """The grade distribution as block bars (without plotext)."""
    counts = results.grade_counts()
    largest = max(counts.values(), default=0) or 1
    text = Text.assemble(("等次分布", "bold"), "（评查完成的案卷）\n")
    for n, (grade, count) in enumerate(counts.items()):
        text.append(fit(grade, 8))
        text.append("█" * round(count / largest * bar_cells), style=GRADE_COLOURS[n % len(GRADE_COLOURS)])
        text.append(f" {count} 件\n")
    return text


if PlotextPlot is not None:
    class GradePlot(PlotextPlot):
        """A plotext chart whose Chinese labels fit: plotext counts a Chinese character as one cell, so a line
        holding them comes out wider than the widget; the spaces after its last label make up the difference."""

        def render(self):
            text = super().render()
            width = self.size.width
            lines = text.split("\n", allow_blank=True)
            for line in lines:
                over = line.cell_len - width
                trailing = len(line.plain) - len(line.plain.rstrip(" "))
                if over > 0 and trailing:
                    line.right_crop(min(over, trailing))
            return Text("\n").join(lines)


class ResultCharts(Horizontal):
    """The grade distribution beside the agencies' means, redrawn whenever the dashboard's results change."""

    DEFAULT_CSS = """
    ResultCharts { height: auto; margin: 1 0; }
    ResultCharts > #grade-plot { width: 40; height: 14; }
    ResultCharts > #grade-bars { width: 40; height: auto; }
    ResultCharts > #mean-bars { width: 1fr; height: auto; padding: 0 0 0 2; }
    """

    def compose(self) -> ComposeResult:
        if PlotextPlot is not None:
            yield GradePlot(id="grade-plot")
        else:
            yield Static(id="grade-bars")
        yield Static(id="mean-bars")

    results: ActivityResults | None = None

    def on_resize(self) -> None:
        if self.results is not None:
            self.show(self.results)

    def _mean_cells(self) -> tuple[int, int]:
        """(name cells, bar cells) that fit beside the grade chart at the present width."""
        chart = 40 if self.size.width >= 110 or not self.size.width else 32
        self.query_one(f"#{'grade-plot' if PlotextPlot is not None else 'grade-bars'}").styles.width = chart
        room = (self.size.width or 120) - chart - 2 - 7  # padding, a space and the mean
        names = max(8, min(NAME_CELLS, room - 12))
        return names, max(6, min(MEAN_BAR, room - names))

    def show(self, results: ActivityResults) -> None:
        self.results = results
        self.query_one("#mean-bars", Static).update(mean_bars(results, *self._mean_cells()))
        counts = results.grade_counts()
        if PlotextPlot is None:
            self.query_one("#grade-bars", Static).update(grade_bars(results))
            return
        plot = self.query_one("#grade-plot", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(f"等次分布（{sum(counts.values())} 件）")  # short: plotext counts a Chinese character as one cell
        positions = list(range(1, len(counts) + 1))
        plt.bar(positions, list(counts.values()), width=0.5)
        # Room on the right for the last label's extra cells (see GradePlot), whole numbers on the count axis.
        plt.xticks(positions, [f"{name} {count}" for name, count in counts.items()])
        plt.xlim(0.4, len(counts) + 1.2)
        top = max(counts.values(), default=0)
        step = max(1, -(-top // 5))
        plt.yticks(list(range(0, top + 1, step)))
        plt.ylim(0, max(1, top))
        plot.refresh()
