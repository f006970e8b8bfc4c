"""An activity's results (§2, §4): derived from the sheet rows, never stored, and computed once per
version of the data (a Store remembers the last results, and after a change to a few files' sheets computes
only those files again).

Files' outcomes are decided from the score each write stored beside its sheet (``pingcha check`` verifies that
every stored score is what the sheet's rows score), so a province's results never score 100,000 sheets again.
Results come with the sheets' contents (``contents=True``: what reports, agreement and 复核 need; a view's
per-item detail is scored from them when first asked for) or without (``contents=False``: what the results,
progress and 复核 lists need)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from pingcha.memory import paused_collection, retire
from pingcha.outcome import file_outcome
from pingcha.pacing import paced, pause
from pingcha.results import (
    DrawFacts,
    FINAL, NEEDS_REVIEW, PENDING, ActivityResults, AgencyResult, Evaluator as Person, FileResult, SheetView,
)
from pingcha.scoring import SheetScore, agency_mean, graded
from pingcha.services.activities import find_activity, info_of
from pingcha.services.wordings import standard_wordings
from pingcha.store import Store
from pingcha.store import activities as people
from pingcha.store import objections as stored_objections
from pingcha.store import people as stored_people
from pingcha.store import calibration as stored_calibration
from pingcha.store import register
from pingcha.store import audit as stored_audit
from pingcha.store import sheets as rows
from pingcha.vocabulary import SheetKind, SheetStatus


def confirmation_requests(rubric, asked: list[tuple[str, dict[str, str]]]) -> list[str]:
    """请组长确认 on submitted sheets, in words: who asks about which item, and why (``asked``: each sheet's
    evaluator and its requests, code → reason)."""
    requests = []
    for evaluator, uncertain in asked:
        for code, reason in sorted(uncertain.items()):
            known = rubric.item_by_code.get(code) or rubric.veto_by_code.get(code)
            title = f"“{known.title}”" if known is not None else ""
            requests.append(f"{evaluator}请组长确认 {code}{title}：{reason}")
    return requests


def results_version(store: Store) -> tuple[int, ...]:
    """Changes whenever a change is committed: views derived from the results may be kept until then."""
    with store.read() as session:
        return stored_audit.data_version(session)


# Audit entities whose rows change one file's sheets and nothing else (the row names the file): after such
# changes only those files are computed again. Refusals change nothing. Any other change computes everything.
_ONE_FILE = frozenset({"sheet", "review", "precheck"})
_NOTHING = frozenset({"access"})


def activity_results(store: Store, activity_ref: str, remember: bool = True, contents: bool = True) -> ActivityResults:
    """The activity's files, their outcomes and the agencies' ranks, as of now (``remember=False``: not kept
    for later calls, for a pass over many activities that needs each once). ``contents=False``: each sheet's
    view holds its stored score (a ``SheetScore``) and no ``sheet``, and the results no ``register_parties``.
    Kept results are brought up to date by computing again only the files whose sheets changed since, when that
    is all that changed."""
    with store.read() as session:
        activity = find_activity(session, activity_ref)
        version = stored_audit.data_version(session)
        key = ("results", activity.id, contents)
        remembered = store.memo.get(key)
        if remembered is not None and remembered[0] == version:
            return remembered[1]
        if not contents:  # results with contents of this version say all the lighter ones would
            fuller = store.memo.get(("results", activity.id, True))
            if fuller is not None and fuller[0] == version:
                return fuller[1]
        with paused_collection():
            computed = _brought_up_to_date(session, activity, remembered, contents) if remembered else None
            if computed is None:
                computed = _compute(session, activity, contents)
    if remember:
        store.memo[key] = (version, *computed)
        if remembered is not None:  # replaced: let go of in pieces, not at once in whichever thread drops it last
            _, results, basis = remembered
            del remembered
            if results is not computed[0]:  # (results brought up to date with no file touched are the same)
                retire(results, results.files)
            if basis is not computed[1]:  # (results brought up to date keep their basis)
                retire(basis, basis.drawn.values())
    return computed[0]


def file_result(store: Store, activity_ref: str, case_no: str) -> FileResult | None:
    """One drawn file's result with its sheets' contents, as of now (None for a file outside the draw): for
    the 复核 of that file, without reading every sheet of the activity."""
    results = activity_results(store, activity_ref, contents=False)  # keeps what a file's result is computed from
    kept = store.memo.get(("results", results.activity_id, False)) or store.memo.get(("results", results.activity_id,
                                                                                       True))
    with store.read() as session:
        basis = kept[2] if kept is not None else _compute(session, find_activity(session, activity_ref), False)[1]
        found = basis.drawn.get(case_no)
        if found is None:
            return None
        sheet_rows, contents = rows.case_sheets(session, [found[1].id], decided=False)
    return _file_results(basis, [found[1]], sheet_rows, contents, True)[0]


@dataclass
class _Basis:
    """What an activity's results are computed from besides the sheets: kept beside them, so that a change to a
    few files' sheets is settled by computing those files again."""

    info: object  # the activity's ActivityInfo (rubric, spread, band rule)
    persons: dict[int, object]  # evaluator id → the person
    team: dict[int, tuple[int, ...]]  # case id → evaluator ids, by name
    reopening: dict[int, tuple[str, ...]]  # case id → reasons an upheld 异议 gives for settling it again
    drawn: dict[str, tuple[int, object]]  # 案号 → (position in the results' files, the stored case)


def _compute(session, activity, contents: bool) -> tuple[ActivityResults, _Basis]:
    info = info_of(session, activity)
    rubric = info.rubric
    persons = {p.id: p for p in people.people(session, activity.id)}
    drawn = sorted(register.cases(session, activity.id, drawn=True), key=lambda c: (c.facts.agency, c.facts.case_no))
    # 样卷 are set aside from the register the draw is made from (the 通报 states its size).
    register_files, register_agencies = register.register_size(
        session, activity.id, excluding=stored_calibration.calibration_case_ids(session, activity.id))
    assigned: dict[int, list[int]] = defaultdict(list)
    for case_id, person_id in paced(register.assignments(session, activity.id), 4096):
        assigned[case_id].append(person_id)
    by_name = {pid: rank for rank, pid in enumerate(sorted(persons, key=lambda pid: persons[pid].name))}.__getitem__
    team = {case_id: tuple(sorted(members, key=by_name)) for case_id, members in paced(assigned.items(), 4096)}
    # What a sheet confirmed as nothing to deduct changes no score: results never read it (most of the rows).
    sheet_rows, said = (rows.activity_sheets(session, activity.id, decided=False) if contents
                        else rows.activity_scores(session, activity.id))
    basis = _Basis(info, persons, team, objection_reasons(rubric, stored_objections.reopening(session, activity.id)),
                   {case.facts.case_no: (position, case) for position, case in enumerate(paced(drawn, 4096))})
    files = _file_results(basis, drawn, sheet_rows, said, contents)
    results = ActivityResults(
        activity=activity.name, activity_id=activity.id, rubric=rubric, created_at=activity.created_at,
        per_file=activity.per_file, spread=info.spread,
        evaluators=tuple(Person(p.name, p.unit, p.role) for p in sorted(persons.values(), key=lambda p: p.name)),
        files=tuple(files), agencies=_agencies(rubric, files), settings=info.settings,
        register_size=register_files, register_agencies=register_agencies,
        # Who to mask is what documents need, and documents are made from results with contents.
        register_parties=tuple(register.parties(session, activity.id)) if contents else (),
        draw=_draw_facts(session, activity.id),
        objections=stored_objections.counts(session, activity.id),
        wordings={code: tuple(texts) for code, texts in standard_wordings(session, rubric.id).items()},
    )
    return results, basis


def _brought_up_to_date(session, activity, remembered: tuple, contents: bool) -> tuple[ActivityResults, _Basis] | None:
    """The remembered results with the files whose sheets changed since computed again; None when something
    else changed (or so many files that computing everything costs less)."""
    then, results, basis = remembered
    changes = stored_audit.changes_since(session, then[0], limit=max(200, len(results.files) // 4))
    if changes is None:
        return None  # so many changes that computing everything costs less
    touched: dict[int, object] = {}
    for activity_id, entity, case_no in changes:
        if entity in _NOTHING or (entity in _ONE_FILE and case_no is not None and activity_id != activity.id):
            continue
        if entity not in _ONE_FILE or case_no is None:
            return None
        if case_no in basis.drawn:  # else a file outside the draw (a 样卷): in no result
            position, case = basis.drawn[case_no]
            touched[position] = case
    if not touched:
        return results, basis
    ids = [case.id for case in touched.values()]
    sheet_rows, said = rows.case_sheets(session, ids, decided=False) if contents else rows.case_scores(session, ids)
    files = list(results.files)
    positions = sorted(touched)
    for position, result in zip(positions, _file_results(basis, [touched[p] for p in positions], sheet_rows, said,
                                                           contents)):
        files[position] = result
    return replace(results, files=tuple(files), agencies=_agencies(basis.info.rubric, files)), basis


def _file_results(basis: _Basis, cases, sheet_rows, said: dict, contents: bool) -> list[FileResult]:
    """The results of ``cases`` (drawn files) from their sheets (``sheet_rows`` may hold others' too), decided
    from the scores stored on the rows. ``said``, by sheet id: with ``contents`` each sheet's Sheet, else only
    its 请组长确认 (code → reason), as ``rows.activity_sheets`` and ``rows.activity_scores`` read them."""
    info = basis.info
    rubric, persons = info.rubric, basis.persons
    evaluations, reviews = {}, {}  # (file, evaluator) → evaluation; file → its confirmed 复核
    for r in paced(sheet_rows, 4096):
        if r.kind == SheetKind.EVALUATION:
            evaluations[(r.case_file_id, r.evaluator_id)] = r
        elif r.kind == SheetKind.REVIEW and r.status == SheetStatus.RECONCILED:
            reviews[r.case_file_id] = r
    names = {pid: person.name for pid, person in persons.items()}
    # (score, vetoes) → its SheetScore: a province's sheets share a few hundred, each graded once.
    stored: dict[tuple, SheetScore] = {}
    draft = SheetStatus.DRAFT

    def view(row, reconciled: bool = False) -> SheetView:
        result = None
        if row.score is not None:
            key = (row.score, row.vetoes)
            result = stored.get(key)
            if result is None:
                result = stored[key] = SheetScore(row.score, graded(rubric, row.score, row.vetoes), row.vetoes)
        return SheetView(names[row.evaluator_id], row.status, said[row.id] if contents else None,
                         result, row.submitted_at, reconciled, rubric)

    # file_outcome is pure: files whose sheets score alike (most of a province's) share one outcome, decided once.
    decided: dict[tuple, object] = {}
    crews: dict[tuple, tuple[str, ...]] = {}  # a team's evaluator ids → their names (teams repeat)
    team, reopening = basis.team, basis.reopening
    files = []
    for case in paced(cases, 256):  # a person pressing a key in the UI meanwhile has the interpreter to themselves
        case_id = case.id
        members = team.get(case_id, ())
        views, submitted, requests_made = [], [], []
        for pid in members:
            row = evaluations.get((case_id, pid))
            if row is None:
                continue
            shown = view(row)
            views.append(shown)
            if row.status != draft and shown.result is not None:
                submitted.append(shown.result)
                unsure = said[row.id].uncertain if contents else said.get(row.id)
                if unsure:
                    requests_made.append((shown.evaluator, unsure))
        review = view(reviews[case_id], reconciled=True) if case_id in reviews else None
        reviewed = review.result if review is not None else None
        reopened = reopening.get(case_id, ())
        key = None if requests_made else (len(members), tuple(submitted), reviewed, reopened)
        outcome = decided.get(key) if key is not None else None
        if outcome is None:
            outcome = file_outcome(rubric, len(members), submitted, reviewed, info.spread, info.band_review,
                                   confirmation_requests(rubric, requests_made) if requests_made else (), reopened)
            if key is not None:
                decided[key] = outcome
        crew = crews.get(members)
        if crew is None:
            crew = crews[members] = tuple([names[pid] for pid in members])
        files.append(FileResult(case.facts, outcome.status, outcome.score, outcome.grade, crew, tuple(views),
                                review if reviewed is not None else None, outcome.reasons))
    return files


def _agencies(rubric, files) -> tuple[AgencyResult, ...]:
    by_agency: dict[str, list[FileResult]] = defaultdict(list)
    for f in paced(files, 4096):
        by_agency[f.case.agency].append(f)
    agencies = []
    for name, group in by_agency.items():
        pause()
        finals = [f.score for f in group if f.status == FINAL]
        mean, grade = agency_mean(rubric, finals)
        agencies.append(AgencyResult(
            name, len(group), len(finals), sum(f.status == PENDING for f in group),
            sum(f.status == NEEDS_REVIEW for f in group), mean, grade,
        ))
    return tuple(agencies)


def objection_reasons(rubric, upheld) -> dict[int, tuple[str, ...]]:
    """The 复核 reasons of upheld 异议 not yet settled by a 复核, by case file id."""
    from pingcha.rectification import objection_reason

    def title(code: str) -> str:
        known = rubric.item_by_code.get(code) or rubric.veto_by_code.get(code)
        return known.title if known is not None else ""

    return {case_id: tuple(objection_reason(o.number, o.item_code, title(o.item_code), o.text) for o in found)
            for case_id, found in upheld.items()}


def _draw_facts(session, activity_id: int) -> DrawFacts | None:
    latest = register.latest_draw(session, activity_id)
    if latest is None:
        return None
    fixed, fixed_at = stored_people.fixed_seed(session, activity_id)
    return DrawFacts(latest.seed, latest.mode, latest.quota, latest.drawn_at,
                     fixed_at if fixed == latest.seed else None, register.draw_count(session, activity_id))


def colleagues_sheets(store: Store, activity_ref: str, case_no: str, evaluator: str) -> tuple[SheetView, ...]:
    """Once a file is final, what its other evaluators (and the 组长's 复核) found, for learning side by side;
    nothing before that (§10: until then an evaluator sees neither the others' sheets nor their names)."""
    file = file_result(store, activity_ref, case_no)
    if file is None or file.status != FINAL or evaluator not in file.evaluators:
        return ()
    others = tuple(v for v in file.sheets if v.evaluator != evaluator and v.status != SheetStatus.DRAFT)
    return others + ((file.review,) if file.review is not None else ())
