"""近三年统计分析 (§12) as a use case: each chosen activity's results, from the one outcome rule, reduced to the
facts statistics count (``pingcha.stats``), one activity at a time so a pass over large activities holds one
activity's sheets at once."""

from __future__ import annotations

from collections.abc import Sequence

from pingcha.results import FINAL, ActivityResults
from pingcha.services.activities import find_activity, info_of
from pingcha.services.results import activity_results
from pingcha.stats import ActivityFacts, FileFacts, Statistics, compute_statistics
from pingcha.store import Store
from pingcha.store import activities as rows


def facts_of(results: ActivityResults, year: int) -> ActivityFacts:
    """One activity's results as statistics count them: a final file's deductions are those its final sheet(s)
    record (the 复核 sheet, else the submitted ones), as the 通报's tallies count them."""
    files = []
    for file in results.files:
        if file.status != FINAL:
            files.append(FileFacts(file.case.agency, False))
            continue
        codes = frozenset(code for view in file.counted_sheets for code, count in view.sheet.deductions.items()
                          if count)
        files.append(FileFacts(file.case.agency, True, file.score, file.grade, codes))
    return ActivityFacts(results.activity, year, results.rubric, tuple(files), results.activity_id)


def chosen_activities(store: Store, refs: Sequence[str] = ()) -> list[tuple[int, str, int]]:
    """(number, name, year) of the activities named (each once, in the order given), or of every activity."""
    with store.read() as session:
        found = [find_activity(session, ref) for ref in refs] if refs else rows.all_activities(session)
        chosen = {a.id: (a.id, a.name, info_of(session, a).year) for a in found}
    return list(chosen.values())


def statistics(store: Store, refs: Sequence[str] = ()) -> Statistics:
    """§12 over the activities named (default: every activity in the database)."""
    facts = []
    for number, _name, year in chosen_activities(store, refs):
        results = activity_results(store, f"#{number}", remember=False)
        facts.append(facts_of(results, year))
        del results
    return compute_statistics(facts)


def statistics_report(store: Store, refs: Sequence[str], actor: str) -> Statistics:
    """The statistics for a report: issuing one is for a 组长 of each activity counted (§10)."""
    from pingcha.policy import LeaderAction
    from pingcha.services.access import check_leader

    for number, _name, _year in chosen_activities(store, refs):
        check_leader(store, f"#{number}", actor, LeaderAction.REPORT)
    return statistics(store, refs)
