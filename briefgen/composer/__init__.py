"""compose(): turn a BriefSpec and the library into a Brief.

The brief follows the think-tank shape (../shared/DESIGN.md): a title that
states the point, an edition line, key messages, the situation in numbers (one
table, one chart), the gaps theme by theme, what the benchmark did, numbered
recommendations with who acts and when, and numbered sources.

Audience changes *what* is selected (select.py); length sets a budget of items
that shrinks until the brief fits its pages (budget.py); the words come from
templates/<lang>/narrative.j2 (narrative.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Sequence

from ..document import (Block, Brief, BriefMeta, BulletList, Callout, Citation, Heading, Inlines,
                        NumberedList, Paragraph, References, Table, TableOfContents, Text)
from ..library import Library
from ..library.model import Case, Finding, Indicator, Recommendation
from ..library.units import format_value
from ..spec import BriefSpec
from ..style import DEFAULT_STYLE, HouseStyle
from . import select
from .budget import CERTAIN_PAGES, SAFETY_PAGES, Budget, budget_for, estimate_pages
from .cite import Citations
from .figures import by_measure, comparison_figure, comparison_rows
from .narrative import Phrases, phrases

__all__ = ["compose", "ComposeResult"]


@dataclass(frozen=True)
class ComposeResult:
    brief: Brief
    spec: BriefSpec          # resolved: canonical ids, the benchmark actually used
    benchmark: select.BenchmarkChoice
    #: The PDF rendered to measure the brief against its page budget, if one was needed.
    pdf: bytes | None = None


def compose(spec: BriefSpec, library: Library, *, templates: str | None = None,
            style: HouseStyle = DEFAULT_STYLE) -> Brief:
    """Compose the brief ``spec`` asks for from ``library``."""
    return compose_detailed(spec, library, templates=templates, style=style).brief


def compose_detailed(spec: BriefSpec, library: Library, *, templates: str | None = None,
                     style: HouseStyle = DEFAULT_STYLE, keep_pdf: bool = True) -> ComposeResult:
    """Compose, then fit the brief to its page budget.

    The estimate (budget.py) shrinks the budget quickly; a brief whose estimate
    comes near the budget is then laid out as a PDF with the house style and
    measured, because only the real layout can promise "nothing overflows".
    With ``keep_pdf`` the measured PDF is kept for the caller; without it the
    pages are only laid out, which costs about half as much.  Either way the
    brief is the same."""
    from ..writers.pdf import layout

    spec = spec.resolve(library)
    if spec.as_of:
        library = library.as_of(spec.as_of)
    choice = select.choose_benchmark(library, spec.region, spec.audience, spec.benchmark)
    spec = replace(spec, benchmark=choice.region)
    words = phrases(spec.lang, templates)
    budget = budget_for(spec.length, spec.audience)
    ceiling = budget.pages - SAFETY_PAGES       # the estimate a brief may reach
    while True:
        brief = _Composer(spec, library, words, choice, budget, style).brief()
        estimate = estimate_pages(brief, spec.lang)
        if estimate > ceiling and budget.can_shrink():
            budget = budget.shrink()
            continue
        if estimate <= budget.pages - CERTAIN_PAGES:
            return ComposeResult(brief, spec, choice)
        measured = layout(brief, style, draw=keep_pdf)
        if measured.pages <= budget.pages or not budget.can_shrink():
            return ComposeResult(brief, spec, choice, measured.pdf)
        # The estimate was short by (filled - estimate) for this brief: cut that much
        # more in one go rather than measuring after every step.
        ceiling = min(ceiling, estimate - (measured.filled - budget.pages) - SAFETY_PAGES)
        budget = budget.shrink()


#: Brief numbers: BG-SUQIAN-HANGZHOU-GOV-STD-EN-202611.
_LENGTH_CODES = {"short": "SHT", "standard": "STD", "full": "FUL"}


# English prose written by curators sometimes keeps a figure in its Chinese unit
# ("720亿元"); English briefs convert those exactly, like the tables do.
_FIGURE_IN_TEXT = re.compile(r"(\d+(?:\.\d+)?)\s*(万亿元|亿元|万元|亿美元|万美元)")


class _Composer:
    """One pass of composition under one budget."""

    def __init__(self, spec: BriefSpec, lib: Library, words: Phrases,
                 choice: select.BenchmarkChoice, budget: Budget, style: HouseStyle):
        self.spec, self.lib, self.w, self.choice, self.budget, self.style = spec, lib, words, choice, budget, style
        self.lang = spec.lang
        self.cites = Citations(lib, self.lang, budget.ref_detail)
        self.in_key_messages: set[str] = set()
        self.region = lib.regions[spec.region]
        self.bench = lib.regions[choice.region] if choice.region else None
        self.gaps = select.gap_themes(lib, spec.region, spec.audience)
        if spec.audience == "education" and "talent-education" in self.gaps:
            self.gaps.remove("talent-education")
            self.gaps.insert(0, "talent-education")
        self.recs = select.recommendations_for(lib, spec.region, choice.region, spec.audience, self.gaps)
        self.bench_cases = select.cases_for(lib, choice.region, self.gaps) if choice.region else []

    # -------------------------------------------------------------- helpers

    def name(self, rid: str | None) -> str:
        return self.lib.regions[rid].name(self.lang) if rid else ""

    def theme(self, tid: str) -> str:
        return self.lib.themes[tid].name(self.lang)

    def prose(self, text: str) -> str:
        if self.lang == "en":
            return _FIGURE_IN_TEXT.sub(
                lambda m: format_value(m[1], self.lib.units[m[2]], "exact", "en"), text)
        return text

    def cite(self, record) -> Citation:
        return self.cites.cite(record.source, record.section)

    def sentence(self, text: str, record) -> Inlines:
        return (Text(self.prose(text) + " "), self.cite(record)) if self.lang == "en" else \
               (Text(self.prose(text)), self.cite(record))

    def addressed_elsewhere(self, text: str, *also: str | None) -> bool:
        """True if ``text`` speaks to another city by name ("Suqian firms can ...").

        Curated advice is often written for the region its source studies; a
        Ningbo brief must not hand a reader advice addressed to Suqian."""
        allowed = {self.spec.region, *also}
        for rid in self.lib.regions_named_in(text):
            if rid not in allowed and self.lib.regions[rid].level in ("city", "county", "district", "new-area", "zone"):
                return True
        return False

    def figure_text(self, ind: Indicator) -> str:
        return format_value(ind.value, ind.unit, ind.qualifier, self.lang)

    def paren(self, text: str) -> str:
        return f"（{text}）" if self.lang == "zh" else f" ({text})"

    # -------------------------------------------------------------- the brief

    def brief(self) -> Brief:
        blocks: list[Block] = []
        blocks += self.key_messages()
        if self.spec.length == "full":
            blocks.append(TableOfContents(self.w.heading("contents")))
        blocks += self.introduction()
        if self.spec.new_since is not None:
            blocks += self.whats_new()
        blocks += self.situation()
        blocks += self.gap_sections()
        blocks += self.benchmark_cases()
        blocks += self.recommendations()
        if self.budget.method:
            blocks += self.method()
        if self.budget.missing:
            blocks += self.missing_data()
        blocks.append(References(self.w.heading("sources"), self.cites.references()))
        return Brief(self.meta(), tuple(blocks))

    def meta(self) -> BriefMeta:
        # The title names the gaps in this brief's order (education puts talent first),
        # keeping to those the benchmark can answer when there is one.
        answered = [t for t in self.gaps if t in self.choice.themes] or self.gaps
        top = [self.lib.themes[t].short(self.lang) for t in answered[:3]]
        title = self.w.title(self.name(self.spec.region), self.name(self.choice.region), top)
        date = self.spec.edition
        number = "-".join(["BG", self.spec.region.upper(), (self.choice.region or "SIT").upper(),
                           self.spec.audience[:3].upper(), _LENGTH_CODES[self.spec.length],
                           self.lang.upper(), date.strftime("%Y%m")])
        keywords = [self.name(self.spec.region)] + ([self.name(self.choice.region)] if self.choice.region else [])
        keywords += [self.theme(t) for t in self.gaps[:4]]
        subject = self.w.subtitle(self.spec.audience, self.spec.length)
        return BriefMeta(title=title, subtitle=subject,
                         edition=self.w.edition(date, number, self.spec.as_of),
                         lang=self.lang, date=date, author=self.style.organisation_for(self.lang),
                         subject=subject, keywords=tuple(keywords), brief_id=number)

    def key_messages(self) -> list[Block]:
        items: list[Inlines] = []
        headline = self._headline_finding()
        if headline:
            items.append(self.sentence(headline.text(self.lang), headline))
        problems = select.findings_for(self.lib, self.spec.region, ("problem",))
        if problems:
            items.append(self.sentence(problems[0].text(self.lang), problems[0]))
            self.in_key_messages.add(problems[0].id)
        lesson = next((c for c in self.bench_cases
                       if not self.addressed_elsewhere(c.field("transferable", self.lang), c.region)), None)
        if lesson:
            items.append(self.sentence(self.w.km_lesson(self.name(self.choice.region),
                                                        lesson.field("transferable", self.lang).rstrip("。.")),
                                       lesson))
        for n, rec in enumerate(self.recs[:2]):
            if len(items) >= self.budget.key_messages:
                break
            words = self.w.km_action if n == 0 else self.w.km_second_action
            items.append(self.sentence(words(rec.action(self.lang)), rec))
        if len(problems) > 1 and len(items) < self.budget.key_messages:
            items.insert(2, self.sentence(problems[1].text(self.lang), problems[1]))
            self.in_key_messages.add(problems[1].id)
        if not items:
            items.append((Text(self.w.thin_content(self.name(self.spec.region))),))
        return [Callout(self.w.heading("key_messages"), tuple(items[: self.budget.key_messages]))]

    def _headline_finding(self) -> Finding | None:
        found = select.findings_for(self.lib, self.spec.region, ("strength", "trend", "result", "context"))
        with_figures = [f for f in found if f.indicators]
        return (with_figures or found or [None])[0]

    def introduction(self) -> list[Block]:
        parts: list[Inlines] = []
        region = self.region
        if region.profile(self.lang) and self.budget.profile:
            cites: list[Citation] = [self.cites.cite(s) for s in region.sources[:2]]
            parts.append((Text(self.prose(region.profile(self.lang)) + (" " if self.lang == "en" else "")), *cites))
        if self.choice.region:
            parts.append((Text(self.w.why_benchmark(self.name(self.spec.region), self.name(self.choice.region),
                                                    [self.theme(t) for t in self.choice.themes[:3]],
                                                    self.choice.cases, self.choice.learned,
                                                    self.choice.chosen_by)),))
        else:
            parts.append((Text(self.w.no_benchmark(self.name(self.spec.region))),))
        parts.append((Text(self.w.audience_focus(self.spec.audience, self.name(self.spec.region))),))
        sep = Text(" ") if self.lang == "en" else Text("")
        joined: list = []
        for i, p in enumerate(parts):
            if i:
                joined.append(sep)
            joined.extend(p)
        return [Paragraph(tuple(joined), role="lead")]

    def situation(self) -> list[Block]:
        rows = comparison_rows(self.lib, self.spec.region, self.choice.region, self.budget.table_rows)
        if not rows:
            return []
        rname, bname = self.name(self.spec.region), self.name(self.choice.region)
        # A measure a region publishes only as a running total or a target has no
        # figure comparable to the other's one-year figure: say that, not "not published".
        sides = (self.spec.region, self.choice.region) if self.choice.region else (self.spec.region,)
        measured = {rid: by_measure(self.lib, rid) for rid in sides}
        header = tuple(self.w.split("table_header", rname, bname))
        table_rows, unlike = [], False
        for row in rows:
            cells = [(Text(row.label(self.lang, self.lib)),)]
            for rid, ind in zip(sides, (row.region, row.benchmark)):
                if ind is None and row.measure and row.measure in measured[rid]:
                    unlike = True
                    cells.append((Text(self.w.not_comparable(), italic=True),))
                elif ind is None:
                    cells.append((Text(self.w.not_published(), italic=True),))
                else:
                    cells.append((Text(f"{self.figure_text(ind)}{self.paren(ind.period.words(self.lang))} "),
                                  self.cite(ind)))
            table_rows.append(tuple(cells))
        intro = self.w.situation_intro(rname, bname, len(rows))
        if unlike:
            intro += (" " if self.lang == "en" else "") + self.w.situation_unlike()
        blocks: list[Block] = [Heading(1, self.w.heading("situation")), Paragraph((Text(intro),))]
        widths = (2.2, 1.6, 1.6) if self.choice.region else (2.2, 2.0)
        blocks.append(Table(self.w.table_caption(rname, bname), header, tuple(table_rows), widths,
                            note=(Text(self.w.table_note()),)))
        if self.budget.chart:
            fig = comparison_figure(self.lib, self.spec.region, self.choice.region, self.lang, self.w,
                                    self.cites)
            if fig is not None:
                blocks.append(fig)
            else:
                blocks.append(Paragraph((Text(self.w.no_chart(rname, bname)),), role="note"))
        return blocks

    def gap_sections(self) -> list[Block]:
        blocks: list[Block] = [Heading(1, self.w.heading("gaps"))]
        shown, said_above = 0, []
        # Themes in gap order, skipping those with nothing to say (an education brief
        # puts talent first even where the sources record no talent problem).
        for tid in self.gaps:
            if shown + len(said_above) >= self.budget.gap_themes:
                break
            problems = select.findings_for(self.lib, self.spec.region, ("problem",), tid)
            if self.spec.length == "short":
                # A short brief cannot afford to say the same thing twice.
                if problems and all(f.id in self.in_key_messages for f in problems):
                    said_above.append(self.theme(tid))
                problems = [f for f in problems if f.id not in self.in_key_messages]
            problems = problems[: self.budget.findings_per_theme]
            if not problems:
                continue
            blocks.append(Heading(2, self.theme(tid)))
            for f in problems:
                blocks.append(Paragraph(self.sentence(f.text(self.lang), f)))
            if self.bench:
                ahead = select.findings_for(self.lib, self.bench.id, ("strength", "result"), tid)[: self.budget.ahead]
                for f in ahead:
                    lead = Text(self.w.gap_lead(self.theme(tid), self.name(self.spec.region), self.bench.name(self.lang))
                                + (" " if self.lang == "en" else ""), bold=True)
                    blocks.append(Paragraph((lead, *self.sentence(f.text(self.lang), f))))
            shown += 1
        if not shown and said_above:
            blocks.append(Paragraph((Text(self.w.gaps_in_key_messages(self.name(self.spec.region), said_above)),)))
        elif not shown:
            blocks.append(Paragraph((Text(self.w.no_gaps(self.name(self.spec.region))),)))
        if self.spec.length == "full":
            strengths = select.findings_for(self.lib, self.spec.region, ("strength", "trend", "result"))
            if strengths:
                blocks.append(Heading(2, self.w.heading("strengths", region=self.name(self.spec.region))))
                blocks.append(BulletList(tuple(self.sentence(f.text(self.lang), f)
                                               for f in strengths[: self.budget.strengths])))
        return blocks

    def benchmark_cases(self) -> list[Block]:
        blocks: list[Block] = []
        cases = self.bench_cases[: self.budget.cases]
        if cases:
            blocks.append(Heading(1, self.w.heading("cases", benchmark=self.name(self.choice.region))))
            blocks += self._case_blocks(cases)
        others = self._other_cases()
        if others:
            blocks.append(Heading(1 if not cases else 2, self.w.heading("other_cases")))
            blocks += self._case_blocks(others, with_region=True)
        return blocks

    def _other_cases(self) -> list[Case]:
        """Practices of other regions on the top gap themes (education and full briefs)."""
        n = self.budget.other_cases
        if not n:
            return []
        skip = {self.spec.region, self.choice.region}
        rank = {t: i for i, t in enumerate(self.gaps)}
        # Ranked by (best gap rank among the case's themes, id): walk the top themes in
        # rank order, each theme's cases by id (the library's index), and stop at n.
        pool: list[Case] = []
        for tid in self.gaps[:3]:
            for c in self.lib.cases_on(tid):
                if c.region not in skip and min(rank.get(t, 99) for t in c.themes) == rank[tid]:
                    pool.append(c)
                    if len(pool) == n:
                        return pool
        return pool

    def _case_blocks(self, cases: Sequence[Case], with_region: bool = False) -> list[Block]:
        labels = self.w.split("case_labels")
        blocks: list[Block] = []
        compact = self.budget.compact_cases
        for case in cases:
            title = case.field("title", self.lang)
            if with_region:
                title = f"{self.name(case.region)}: {title}" if self.lang == "en" else f"{self.name(case.region)}：{title}"
            blocks.append(Heading(3, title))
            if compact:
                travels = case.field("transferable", self.lang)
                point = travels if not self.addressed_elsewhere(travels, case.region) else case.field("result", self.lang)
                blocks.append(Paragraph(self.sentence(point, case)))
                continue
            # "when" is free text from the source; show it only when it is a date.
            date = re.match(r"^\d{4}(-\d{2}){0,2}", case.when or "")
            when = date.group() if date else ""
            blocks.append(Paragraph((Text(self.w.case_line(when, case.field("actor", self.lang)), italic=True),)))
            sep = " " if self.lang == "en" else ""
            for label, field in zip(labels, ("what", "result", "transferable")):
                if field == "transferable" and self.addressed_elsewhere(case.field(field, self.lang), case.region):
                    continue
                lead = Text(f"{label}{':' if self.lang == 'en' else '：'}{sep}", bold=True)
                body = self.sentence(case.field(field, self.lang), case) if field != "transferable" else \
                    (Text(self.prose(case.field(field, self.lang))),)
                blocks.append(Paragraph((lead, *body)))
        return blocks

    def recommendations(self) -> list[Block]:
        recs = self.recs[: self.budget.recommendations]
        heading = {"government": "levers", "industry": "firms", "education": "talent"}.get(self.spec.audience,
                                                                                            "recommendations")
        blocks: list[Block] = [Heading(1, self.w.heading("recommendations") if heading == "recommendations"
                                       else self.w.heading(heading))]
        if not recs:
            blocks.append(Paragraph((Text(self.w.no_recommendations(self.name(self.spec.region),
                                                                    self.spec.audience)),)))
            return blocks
        if self.spec.audience == "government" and self.spec.length != "short":
            # Sequencing: first steps, then what follows, then the long haul.
            horizons = self.w.names("horizon_headings")
            start = 1
            for h in ("short", "medium", "long"):
                group = [r for r in recs if r.horizon == h]
                if group:
                    blocks.append(Heading(2, horizons[h]))
                    blocks.append(NumberedList(tuple(self._rec_item(r) for r in group), start=start))
                    start += len(group)
        else:
            blocks.append(NumberedList(tuple(self._rec_item(r) for r in recs)))
        return blocks

    def _rec_item(self, rec: Recommendation) -> Inlines:
        actors = self.w.names("actor_names")
        evidence: list[str] = []
        for eid in rec.evidence[: 0 if self.budget.compact_recs else 3]:
            record = self.lib.findings.get(eid) or self.lib.cases.get(eid)
            if record is not None:
                label = self.cite(record).label
                if label not in evidence:
                    evidence.append(label)
        sep = " " if self.lang == "en" else ""
        parts: list = [Text(self.prose(rec.action(self.lang)) + sep, bold=True)]
        if rec.rationale(self.lang) and not self.budget.compact_recs:
            parts.append(Text(self.prose(rec.rationale(self.lang)) + sep))
        if rec.benchmark and rec.benchmark != self.spec.region:
            parts.append(Text(self.w.recommendation_learned(self.name(rec.benchmark)) + sep))
        parts.append(Text(self.w.recommendation_meta([actors.get(a, a) for a in rec.actors], rec.horizon,
                                                     "; ".join(evidence) if self.lang == "en" else "；".join(evidence)),
                          italic=True))
        parts.append(Text(sep))
        parts.append(self.cite(rec))
        return tuple(parts)

    def method(self) -> list[Block]:
        rid = self.spec.region
        findings = select.findings_for(self.lib, rid, ("strength", "problem", "context", "result", "trend"))
        n_ind = len(self.lib.indicators_of(rid))
        n_sources = len(self.lib.sources_cited())
        blocks: list[Block] = [Heading(1, self.w.heading("method")),
                               Paragraph((Text(self.w.method(self.name(rid), self.name(self.choice.region),
                                                             len(findings), len(self.bench_cases), n_ind,
                                                             n_sources)),))]
        if self.spec.audience == "research" and findings[: self.budget.evidence_rows]:
            rows = []
            for f in findings[: self.budget.evidence_rows]:
                rows.append(((Text(self.prose(f.text(self.lang))),), (Text(self.theme(f.theme)),),
                             (Text(self.w.finding_kind(f.kind)),), (self.cite(f),)))
            blocks.append(Table(self.w.evidence_caption(self.name(rid)), tuple(self.w.split("evidence_header")),
                                tuple(rows), (5, 1.6, 1, 1.2)))
        return blocks

    def missing_data(self) -> list[Block]:
        covered = {i.theme for i in self.lib.indicators_of(self.spec.region)}
        if not covered:
            return [Heading(1, self.w.heading("missing")),
                    Paragraph((Text(self.w.no_figures(self.name(self.spec.region))),))]
        missing = [t for t in self.gaps[: max(self.budget.gap_themes, 3)] if t not in covered]
        if not missing:
            return []
        return [Heading(1, self.w.heading("missing")),
                Paragraph((Text(self.w.missing_data(self.name(self.spec.region),
                                                    [self.theme(t) for t in missing])),))]

    def whats_new(self) -> list[Block]:
        new = [i for i in (self.spec.new_since or ()) if i in self.lib.indicators or i in self.lib.cases]
        blocks: list[Block] = [Heading(1, self.w.heading("whats_new"))]
        if not new:
            blocks.append(Paragraph((Text(self.w.nothing_new()),)))
            return blocks
        items = []
        for rid in new[:12]:
            if rid in self.lib.indicators:
                ind = self.lib.indicators[rid]
                text = (f"{self.name(ind.region)} · {ind.label(self.lang)}{'：' if self.lang == 'zh' else ': '}"
                        f"{self.figure_text(ind)}{self.paren(ind.period.words(self.lang))}")
                items.append((Text(text + " "), self.cite(ind)))
            else:
                case = self.lib.cases[rid]
                items.append((Text(f"{self.name(case.region)} · {case.field('title', self.lang)} "), self.cite(case)))
        blocks.append(Paragraph((Text(self.w.whats_new_intro(len(new))),)))
        blocks.append(BulletList(tuple(items)))
        return blocks
