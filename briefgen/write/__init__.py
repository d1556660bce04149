"""write(): one plan, one language, one Brief.

Everything a brief *says* was decided by the plan; writing only words it, through
templates/<lang>/narrative.j2, and places citation marks as each language expects.
Writing is a pure function of the plan and the library: no layout, no PDF.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Sequence

from ..document import (Block, Brief, BriefMeta, BulletList, Callout, Citation, Heading, Inlines,
                        NumberedList, Paragraph, References, Table, TableOfContents, Text)
from ..library import Library
from ..library.model import Case, Indicator, Recommendation
from ..library.units import format_value
from ..plan import Plan, Question, rules
from ..plan.figures import ComparisonRow, FactRow, by_measure
from ..style import DEFAULT_STYLE, HouseStyle
from .cite import Citations, provenance_text
from .figure import figure
from .glossary import other_form, terms_used
from .narrative import Phrases, phrases

__all__ = ["write"]

#: A figure this many years older than the latest one beside it says so where it stands.
OLDER_BY = 3

#: Brief numbers: BG-SUQIAN-HANGZHOU-GOV-STD-EN-202611.
_LENGTH_CODES = {"short": "SHT", "standard": "STD", "full": "FUL"}

# English prose written by curators sometimes keeps a figure in its Chinese unit
# ("720亿元"); English briefs convert those exactly, like the tables do.
_FIGURE_IN_TEXT = re.compile(r"(\d+(?:\.\d+)?)\s*(万亿元|亿元|万元|亿美元|万美元)")


def write(plan: Plan, lang: str, library: Library, *, templates: str | None = None,
          style: HouseStyle = DEFAULT_STYLE) -> Brief:
    """The brief ``plan`` argues, written in ``lang``."""
    return _Writer(plan, lang, library, phrases(lang, templates), style).brief()


class _Writer:
    def __init__(self, plan: Plan, lang: str, lib: Library, words: Phrases, style: HouseStyle):
        self.plan, self.lang, self.lib, self.w, self.style = plan, lang, lib, words, style
        # The plan is shared by both languages and carries the spec of whichever was asked
        # for first; the brief's own metadata (its identifier) must say its own language.
        self.spec = replace(plan.spec, lang=lang)
        self.cites = Citations(lib, lang)
        self.region = lib.regions[plan.spec.region]
        self.bench = lib.regions[plan.benchmark.region] if plan.benchmark.region else None
        #: (record id, field) already said in the key messages, so the body does not repeat them.
        self.said: set[tuple[str, str]] = set()
        #: Figures the brief's statements print (a finding or case quoting its figures), for
        #: the line on the data's span: the table is not the only place a figure stands.
        self.quoted: dict[str, Indicator] = {}

    # -------------------------------------------------------------- helpers

    def name(self, rid: str | None) -> str:
        return self.lib.regions[rid].name(self.lang) if rid else ""

    def theme(self, tid: str) -> str:
        return self.lib.themes[tid].name(self.lang)

    def short(self, tids: Sequence[str]) -> list[str]:
        return [self.lib.themes[t].short(self.lang) for t in tids]

    def prose(self, text: str) -> str:
        if self.lang == "en":
            return _FIGURE_IN_TEXT.sub(lambda m: format_value(m[1], self.lib.units[m[2]], "exact", "en"), text)
        return text

    def cite(self, record) -> Citation:
        return self.cites.cite(record.source, record.section)

    def sentence(self, text: str, record) -> Inlines:
        """A statement and its one citation mark: after the sentence in English,
        before the full stop in Chinese (……短板[1, §3.2]。)."""
        self._note_figures(text, record)
        text = self.prose(text).strip()
        if self.lang == "zh":
            end = text[-1] if text and text[-1] in "。！？" else ""
            return (Text(text[:-1] if end else text), self.cite(record), Text(end or "。"))
        return (Text(text + " "), self.cite(record))

    def sep(self) -> str:
        return " " if self.lang == "en" else ""

    def _note_figures(self, text: str, record) -> None:
        """Record the figures of ``record`` that the quoted field prints.  Read in the
        Chinese field, where each figure stands as its source prints it, so that both
        editions count the same figures."""
        if not getattr(record, "indicators", ()):
            return
        for field in ("text", "what", "result", "transferable"):
            own, zh = getattr(record, f"{field}_{self.lang}", ""), getattr(record, f"{field}_zh", "")
            # Case-blind: a quoted field after a colon starts lower-case ("shows what can be done: a ...").
            if own and zh and own.strip().rstrip("。.").lower() in text.lower():
                for iid in record.indicators:
                    ind = self.lib.indicators.get(iid)
                    if ind is not None and re.search(rf"(?<![\d.]){re.escape(ind.value)}(?![\d])", zh):
                        self.quoted.setdefault(iid, ind)

    def figure_text(self, ind: Indicator) -> str:
        return format_value(ind.value, ind.unit, ind.qualifier, self.lang)

    def paren(self, text: str) -> str:
        return f"（{text}）" if self.lang == "zh" else f" ({text})"

    def elsewhere(self, case: Case, field: str) -> bool:
        """A case's sentence written as advice to another place (checked in both languages)."""
        return rules.addressed_elsewhere(self.lib, (getattr(case, f"{field}_en"), getattr(case, f"{field}_zh")),
                                         case.region, self.spec.region)

    def point_of(self, case: Case) -> str:
        """The sourced field a case is quoted by: what came of it when the source
        reports a result, else what was done.  "What travels" is the editors' reading,
        never quoted as if the source said it."""
        for field in ("result", "what"):
            if (case.id, field) not in self.said and (field == "what" or rules.reports_result(case)):
                return field
        return "what"

    def has_lesson_for_others(self) -> bool:
        """A region's own practice is offered as a lesson only when a source reports what came of it."""
        return any(rules.reports_result(self.lib.cases[c]) for c in self.plan.own_practices)

    # -------------------------------------------------------------- the brief

    def brief(self) -> Brief:
        plan = self.plan
        blocks: list[Block] = self.key_messages()
        if self.spec.length == "full":
            blocks.append(TableOfContents(self.w.heading("contents")))
        blocks += self.introduction()
        blocks += self.shorter()
        if plan.new_items is not None:
            blocks += self.whats_new()
        blocks += self.situation()
        if plan.shape == "thin":
            blocks += self.known()
        else:
            blocks += self.gap_sections()
        blocks += self.lessons()
        blocks += self.own_practices()
        if self.spec.audience == "research":
            blocks += self.questions()
        elif plan.recommendations or plan.shape != "thin":
            # A thin brief with no advice says so among its open questions instead.
            blocks += self.recommendations()
        blocks += self.parent_plans()
        if plan.budget.method:
            blocks += self.method()
        blocks += self.missing_data()
        blocks += self.what_to_watch()
        # End matter, before the sources: a reader meets a term in the text first and looks
        # it up at the back, as in a printed brief; its citations then join the references.
        blocks += self.glossary(blocks)
        blocks.append(References(self.w.heading("sources"), self.cites.references()))
        meta = self.meta()
        blocks += self.about(meta)
        return Brief(meta, tuple(blocks))

    def what_to_watch(self) -> list[Block]:
        """The region's own targets: the indicator, the target, the date, and where it stands."""
        region = self.spec.region
        # The region's own targets on a measured series; one firm's expected exports are not one.
        targets = [i for i in self.lib.indicators_of(region) if i.qualifier == "target" and i.measure]
        if not targets:
            return []
        progress = {d.inputs[1].id: d for d in self.plan.derived if d.kind == "progress"}
        items = []
        for t in sorted(targets, key=lambda i: (i.period.end or self.spec.edition, i.id)):
            latest = progress.get(t.id)
            text = self.w.watch_item(t.label(self.lang), self.figure_text(t), t.period.words(self.lang),
                                     self.figure_text(latest.inputs[0]) if latest else "",
                                     latest.inputs[0].period.words(self.lang) if latest else "")
            items.append(self.sentence(text, t))
        return [Callout(self.w.heading("watch"), tuple(items), kind="watch")]

    def glossary(self, body: list[Block]) -> list[Block]:
        """The codes and coined terms the brief's text uses, each defined and sourced."""
        terms = terms_used(body, self.lang, self.lib, self.plan.budget.glossary)
        if not terms:
            return []
        items = []
        for term in terms:
            head = Text(self.w.glossary_term(term.term(self.lang), other_form(term, self.lang)) + self.sep(),
                        bold=True)
            definition = term.definition(self.lang)
            items.append((head, *(self.sentence(definition, term) if term.source else (Text(definition),))))
        return [Heading(1, self.w.glossary_heading()), BulletList(tuple(items))]

    def about(self, meta: BriefMeta) -> list[Block]:
        """Who publishes the brief, how to cite it, and the disclaimer, as the house style sets them."""
        style, lang = self.style, self.lang
        org = style.organisation_for(lang)
        lines: list[Inlines] = []
        if org:
            contact = style.in_lang("contact", lang)
            lines.append((Text(org + (f" · {contact}" if contact else "")),))
        lines.append((Text(self.w.cite_as(org, meta.title, meta.subtitle, style.in_lang("series", lang),
                                          meta.date, meta.brief_id if style.series_code else "")),))
        if disclaimer := style.in_lang("disclaimer", lang):
            lines.append((Text(disclaimer),))
        return [Paragraph(line, role="note") for line in lines]

    def meta(self) -> BriefMeta:
        plan, spec = self.plan, self.spec
        title = self.w.title(plan.shape, self.name(spec.region), self.name(plan.benchmark.region),
                             self.short(plan.strength_themes[:2]), self.short(plan.gaps[:3]),
                             bool(plan.lessons), self.has_lesson_for_others())
        date = spec.edition
        # Numbered only in a series the organisation configures (SCB-SUQIAN-GOV-STD-EN-202612).
        code = self.style.series_code
        number = "-".join([code, spec.region.upper(), spec.audience[:3].upper(), _LENGTH_CODES[spec.length],
                           self.lang.upper(), date.strftime("%Y%m")]) if code else ""
        keywords = [self.name(spec.region)] + ([self.name(plan.benchmark.region)] if plan.benchmark.region else [])
        keywords += [self.theme(t) for t in plan.gaps[:4]]
        subject = self.w.subtitle(spec.audience, spec.length)
        edition = self.w.edition(date, number, spec.as_of, self.style.in_lang("series", self.lang))
        if vintage := self.vintage():
            edition += " · " + vintage
        return BriefMeta(title=title, subtitle=subject, edition=edition,
                         lang=self.lang, date=date, author=self.style.organisation_for(self.lang),
                         subject=subject, keywords=tuple(keywords),
                         brief_id=number or spec.file_stem(plan.benchmark.region))

    # -------------------------------------------------------------- key messages

    def key_messages(self) -> list[Block]:
        """Where the region stands; the contradiction; what answers it; the first step."""
        plan, lib, rname = self.plan, self.lib, self.name(self.spec.region)
        items: list[Inlines] = []
        if plan.headline:
            f = lib.findings[plan.headline]
            items.append(self.sentence(f.text(self.lang), f))
            self.said.add((f.id, "text"))
        problems = rules.findings_for(lib, self.spec.region, ("problem",))
        if problems:
            text = self.w.km_contradiction(rname, self.short(plan.strength_themes[:2]), self.short(plan.gaps[:3]))
            items.append(self.sentence(text, problems[0]))
        else:
            items.append((Text(self.w.km_no_problems(rname, len(plan.recommendations), **self.others())),))
        if plan.lesson:
            case = lib.cases[plan.lesson]
            field = self.point_of(case)
            place, title = self.name(case.region), case.field("title", self.lang)
            text = self.w.km_lesson(place, title, case.field(field, self.lang).rstrip("。."),
                                    place.split(" (")[0].split("（")[0] in title)
            items.append(self.sentence(text, case))
            self.said.add((case.id, field))
        if plan.recommendations:
            rec = lib.recommendations[plan.first_step]
            items.append(self.sentence(self.w.km_first_step(rec.action(self.lang).rstrip("。."), rec.horizon), rec))
        elif plan.questions:
            items.append((Text(self.w.km_first_question(self.question_text(plan.questions[0]))),))
        elif plan.shape == "thin":
            items.append((Text(self.w.km_thin_next(rname)),))
        return [Callout(self.w.heading("key_messages"), tuple(items[: max(plan.key_messages, 3)]))]

    def introduction(self) -> list[Block]:
        plan, rname = self.plan, self.name(self.spec.region)
        parts: list[Inlines] = []
        if self.region.profile(self.lang) and plan.budget.profile:
            # A profile sums up what every source listed for the region says of it (Ningbo's
            # strengths come from the series' articles, not its editor's note): all are cited.
            cites: list[Citation] = sorted((self.cites.cite(s) for s in dict.fromkeys(self.region.sources)),
                                           key=lambda c: c.number)
            parts.append((Text(self.prose(self.region.profile(self.lang)) + self.sep()), *cites))
        choice = plan.benchmark
        if choice.region:
            parts.append((Text(self.w.why_benchmark(rname, self.name(choice.region), self.short(choice.themes[:3]),
                                                    choice.cases, choice.learned, choice.chosen_by,
                                                    self.lib.regions[choice.region].level)),))
        elif plan.shape == "situation":
            parts.append((Text(self.w.situation_brief(rname, any(g.practice for g in plan.gap_sections))),))
        else:
            parts.append((Text(self.w.thin_brief(rname, len(plan.recommendations), self.has_lesson_for_others(),
                                                 **self.others())),))
        # The research edition's closing questions exist only where the plan has them.
        if plan.recommendations if self.spec.audience != "research" else plan.questions:
            parts.append((Text(self.w.audience_focus(self.spec.audience, rname)),))
        joined: list = []
        for i, p in enumerate(parts):
            if i:
                joined.append(Text(self.sep()))
            joined.extend(p)
        return [Paragraph(tuple(joined), role="lead")]

    def shorter(self) -> list[Block]:
        """One line saying why a brief ends before its length (fitting decides that it does)."""
        if not self.plan.shorter:
            return []
        held = self.plan.ran_out()
        if not held:            # every kind at its cap: the shortfall is in the wording, not the sources
            return []
        # Recommendations are counted for this brief's readers: an industry brief's "only two"
        # are the two firms lead, not all the sources make (passed only then: see others()).
        readers = ({"audience": self.spec.audience} if "recommendations" in held
                   and self.spec.audience != "government" else {})
        text = self.w.shorter(self.spec.length, self.plan.budget.pages, self.name(self.spec.region),
                              [k for k, n in held.items() if n], [held[k] for k, n in held.items() if n],
                              [k for k, n in held.items() if not n], **readers)
        return [Paragraph((Text(text),), role="note")]

    # -------------------------------------------------------------- numbers

    def situation(self) -> list[Block]:
        plan = self.plan
        if not plan.table:
            return []
        rid, bid = self.spec.region, plan.table_benchmark
        rname, bname = self.name(rid), self.name(bid)
        sides = (rid, bid) if bid else (rid,)
        measured = {r: by_measure(self.lib, r) for r in sides}
        header = tuple(self.w.split("table_header", rname, bname))
        table_rows, unlike = [], False
        paired = [row for row in plan.table if row.region and row.benchmark]
        # Figures both regions have, then facts both have, then the rest.
        for row in paired + list(plan.table_facts) + [row for row in plan.table if row not in paired]:
            if isinstance(row, FactRow):
                table_rows.append(((Text(row.label(self.lang)),),
                                   *((Text(fact.value(self.lang) + " "), self.cite(fact))
                                     for fact in (row.region, row.benchmark))))
                continue
            cells = [(Text(row.label(self.lang, self.lib)),)]
            for r, ind, unpublished in zip(sides, (row.region, row.benchmark),
                                           (row.region_unpublished, row.benchmark_unpublished)):
                if ind is None and unpublished is not None:
                    # "Not published" only where a source says so, with that source.
                    cells.append((Text(unpublished.value(self.lang) + " ", italic=True), self.cite(unpublished)))
                elif ind is None and row.measure and row.measure in measured[r]:
                    unlike = True
                    cells.append((Text(self.w.not_comparable(), italic=True),))
                elif ind is None:
                    cells.append((Text(self.w.not_in_sources(), italic=True),))
                else:
                    cells.append((Text(f"{self.figure_text(ind)}{self.paren(self.period_words(ind))} "),
                                  self.cite(ind)))
            table_rows.append(tuple(cells))
        intro = self.w.situation_intro(rname, bname, self.name(plan.benchmark.region))
        if unlike:
            intro += self.sep() + self.w.situation_unlike()
        unpublished = any(r.region_unpublished or r.benchmark_unpublished for r in plan.table)
        if plan.table_facts or unpublished:
            intro += self.sep() + self.w.situation_facts(bool(plan.table_facts), unpublished)
        blocks: list[Block] = [Heading(1, self.w.heading("situation")), Paragraph((Text(intro),))]
        widths = (2.2, 1.6, 1.6) if bid else (2.2, 2.0)
        blocks.append(Table(self.w.table_caption(rname, bname), header, tuple(table_rows), widths,
                            note=(Text(self.w.table_note()),)))
        blocks += self.derived()
        if plan.chart is not None:
            blocks.append(figure(plan.chart, self.lib, rid, plan.benchmark.region, self.lang, self.w, self.cites))
        return blocks

    def derived(self) -> list[Block]:
        """Figures worked out from the table's, each with its working and both sources."""
        if not self.plan.derived:
            return []
        items = []
        for d in self.plan.derived:
            a, b = d.inputs[0], (d.inputs[1] if len(d.inputs) > 1 else None)
            label = ComparisonRow(a.measure, a, b).label(self.lang, self.lib)
            if self.lang == "en" and label[1:2].islower():
                label = label[0].lower() + label[1:]     # mid-sentence, unless it starts with a name
            # An average is an amount in the total's own unit ("RMB 24 billion"), the others a number.
            value = format_value(d.number, a.unit, "exact", self.lang) if d.kind == "average" else d.number
            text = self.w.derived_line(d.kind, self.name(a.region), self.name(b.region) if b else "", value,
                                       d.qualifier, label, self.figure_text(a), a.period.words(self.lang),
                                       self.figure_text(b) if b else "", b.period.words(self.lang) if b else "",
                                       d.working())
            if len({i.source for i in d.inputs}) > 1:
                # Two documents, two compilers: the reader is told the basis may differ.
                text = text.rstrip("。.") + ("。" if self.lang == "zh" else ".") + self.sep() \
                    + self.w.derived_sources_differ()
            marks = list(dict.fromkeys(self.cite(i) for i in d.inputs))
            if self.lang == "zh":
                items.append((Text(text.rstrip("。")), *marks, Text("。")))
            else:
                items.append((Text(text + " "), *[x for m in marks for x in (m, Text(" "))][:-1]))
        return [Paragraph((Text(self.w.derived_intro()),)), BulletList(tuple(items))]

    def shown_figures(self) -> list[Indicator]:
        """The figures of the situation section: table, derived figures and chart."""
        plan = self.plan
        shown = [i for row in plan.table for i in (row.region, row.benchmark) if i]
        shown += [i for d in plan.derived for i in d.inputs]
        if plan.chart:
            shown += [i for pair in plan.chart.figures for i in pair]
        return shown

    def latest_year(self) -> int | None:
        dated = [i.period.end.year for i in self.shown_figures() if i.period.end and i.qualifier != "target"]
        return max(dated, default=None)

    def period_words(self, ind: Indicator) -> str:
        """A figure's period, and where it is years older than the section's latest
        figure, by how many: a 2016 figure beside 2024 ones says so where it stands."""
        words, latest = ind.period.words(self.lang), self.latest_year()
        if ind.period.end and ind.qualifier != "target" and latest is not None \
                and latest - ind.period.end.year >= OLDER_BY:
            return self.w.older(words, latest - ind.period.end.year)
        return words

    def vintage(self) -> str:
        """The span and latest period of the figures the brief shows, wherever they stand."""
        shown = [i for i in self.shown_figures() + list(self.quoted.values()) if i.qualifier != "target"]
        dated = [i for i in shown if i.period.end]
        if not dated:
            # Figures with no period are still figures: the reader is told the sources date none.
            if not shown:
                return ""
            since = [i.period.start.year for i in shown if i.period.start]
            return self.w.vintage_undated(min(since) if since else None)
        first = min((i.period.start or i.period.end).year for i in dated)
        latest = max(dated, key=lambda i: (i.period.end, i.period.kind != "as-of", i.id))
        return self.w.vintage(first, latest.period.end.year, latest.period.words(self.lang))

    # -------------------------------------------------------------- gaps

    def gap_sections(self) -> list[Block]:
        plan, lib = self.plan, self.lib
        blocks: list[Block] = [Heading(1, self.w.heading("gaps"))]
        for gap in plan.gap_sections:
            if not gap.findings:
                continue
            blocks.append(Heading(2, self.theme(gap.theme)))
            for fid in gap.findings:
                f = lib.findings[fid]
                blocks.append(Paragraph(self.sentence(f.text(self.lang), f)))
            for fid in gap.ahead:
                f = lib.findings[fid]
                lead = Text(self.w.gap_lead(self.bench.name(self.lang)) + self.sep(), bold=True)
                blocks.append(Paragraph((lead, *self.sentence(f.text(self.lang), f))))
            if gap.practice:
                case = lib.cases[gap.practice]
                field = self.point_of(case)
                within = case.region in rules.descendants(lib, self.spec.region)
                lead = Text(self.w.practice_lead(self.name(case.region), case.field("title", self.lang), within)
                            + self.sep(), bold=True)
                blocks.append(Paragraph((lead, *self.sentence(case.field(field, self.lang), case))))
        if plan.strengths:
            blocks.append(Heading(2, self.w.heading("strengths", region=self.name(self.spec.region))))
            blocks.append(BulletList(tuple(self.sentence(lib.findings[f].text(self.lang), lib.findings[f])
                                           for f in plan.strengths)))
        return blocks if len(blocks) > 1 else []

    def known(self) -> list[Block]:
        """A thin brief's body: what the sources do record about the region."""
        if not self.plan.known:
            return []
        items = tuple(self.sentence(self.lib.findings[f].text(self.lang), self.lib.findings[f])
                      for f in self.plan.known)
        return [Heading(1, self.w.heading("known", region=self.name(self.spec.region))), BulletList(items)]

    # -------------------------------------------------------------- practices

    def lessons(self) -> list[Block]:
        if not self.plan.lessons:
            return []
        cases = [self.lib.cases[c] for c in self.plan.lessons]
        return [Heading(1, self.w.heading("cases", benchmark=self.name(self.plan.benchmark.region))),
                *self._case_blocks(cases)]

    def own_practices(self) -> list[Block]:
        if not self.plan.own_practices:
            return []
        cases = [self.lib.cases[c] for c in self.plan.own_practices]
        name = "lesson_for_others" if self.plan.shape == "thin" else "own_practices"
        return [Heading(1, self.w.heading(name, region=self.name(self.spec.region))),
                *self._case_blocks(cases, compact=self.plan.shape != "thin" or self.plan.budget.compact_cases)]

    def _case_blocks(self, cases: Sequence[Case], compact: bool | None = None) -> list[Block]:
        labels = self.w.split("case_labels")
        compact = self.plan.budget.compact_cases if compact is None else compact
        blocks: list[Block] = []
        for case in cases:
            blocks.append(Heading(2, case.field("title", self.lang)))
            fields = [f for f in ("what", "result", "transferable")
                      if (case.id, f) not in self.said and not (f == "transferable" and self.elsewhere(case, f))]
            if compact:
                blocks.append(Paragraph(self.sentence(case.field(self.point_of(case), self.lang), case)))
                continue
            # "when" is free text from the source; show it only when it is a date.
            date = re.match(r"^\d{4}(-\d{2}){0,2}", case.when or "")
            blocks.append(Paragraph((Text(self.w.case_line(date.group() if date else "",
                                                           case.field("actor", self.lang))),), role="note"))
            for label, field in zip(labels, ("what", "result", "transferable")):
                if field not in fields:
                    continue
                lead = Text(f"{label}{':' if self.lang == 'en' else '：'}{self.sep()}", bold=True)
                if field == "transferable":
                    # The editors' reading of the case, not the source's words: no source mark.
                    blocks.append(Paragraph((lead, Text(self.prose(case.field(field, self.lang))))))
                else:
                    blocks.append(Paragraph((lead, *self.sentence(case.field(field, self.lang), case))))
        return blocks

    # -------------------------------------------------------------- what to do

    def recommendations(self) -> list[Block]:
        plan, audience = self.plan, self.spec.audience
        heading = {"government": "levers", "industry": "firms", "education": "talent"}[audience]
        blocks: list[Block] = [Heading(1, self.w.heading(heading, region=self.name(self.spec.region)))]
        recs = [self.lib.recommendations[r] for r in plan.recommendations]
        if not recs:
            blocks.append(Paragraph((Text(self.w.no_recommendations(self.name(self.spec.region), audience)),)))
            return blocks
        if audience == "government" and self.spec.length != "short":
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
        sep = self.sep()
        parts: list = [Text(self.prose(rec.action(self.lang)).strip() + sep, bold=True)]
        if rec.rationale(self.lang) and not self.plan.budget.compact_recs:
            parts.append(Text(self.prose(rec.rationale(self.lang)).strip() + sep))
        if rec.benchmark and rec.benchmark != self.spec.region:
            parts.append(Text(self.w.recommendation_learned(self.name(rec.benchmark)) + sep))
        meta = self.w.recommendation_meta([actors.get(a, a) for a in rec.actors], rec.horizon)
        parts += [Text(p.text, italic=True) if isinstance(p, Text) else p for p in self.sentence(meta, rec)]
        return tuple(parts)

    def others(self) -> dict[str, Any]:
        """When the brief holds none of the region's recommendations but the sources make some
        for other readers: how many, and this brief's audience, so the text does not say the
        sources make none (passed only then, so a template written before keeps working)."""
        if self.plan.recommendations or self.spec.audience == "research":
            return {}
        n = len(self.lib.recommendations_of(self.spec.region))
        return {"others": n, "audience": self.spec.audience} if n else {}

    def questions(self) -> list[Block]:
        if not self.plan.questions:
            return []
        items = []
        for q in self.plan.questions:
            parts: list = [Text(self.question_text(q) + self.sep(), bold=True)]
            findings = [self.lib.findings[f] for f in q.evidence]
            kinds = sorted({self.lib.sources[f.source].kind for f in findings})
            inferred = any(self.lib.sources[f.source].date_status == "inferred" for f in findings)
            parts.append(Text(self.w.question_evidence(len(findings), kinds, inferred)))
            marks = list(dict.fromkeys(self.cite(f) for f in findings))
            for n, mark in enumerate(marks):
                parts += [Text(" " if self.lang == "en" else "")] if n or self.lang == "en" else []
                parts.append(mark)
            parts.append(Text(("" if self.lang == "zh" else ". ") if marks else self.sep()))
            labels = [self.lib.indicators[i].label(self.lang) for i in q.figures[:3]]
            parts.append(Text(self.w.question_data(self.name(self.spec.region), self.theme(q.theme), labels,
                                                   len(q.figures))))
            items.append(tuple(parts))
        return [Heading(1, self.w.heading("questions")), NumberedList(tuple(items))]

    def question_text(self, q: Question) -> str:
        problem = any(self.lib.findings[f].kind == "problem" for f in q.evidence)
        return self.w.question(self.name(self.spec.region), self.lib.themes[q.theme].short(self.lang), problem)

    def parent_plans(self) -> list[Block]:
        if not self.plan.parent_plans:
            return []
        recs = [self.lib.recommendations[r] for r in self.plan.parent_plans]
        parents = [self.name(p) for p in dict.fromkeys(r.region for r in recs)]
        items = tuple(self.sentence(self.w.parent_item(self.name(r.region), r.action(self.lang).rstrip("。.")), r)
                      for r in recs)
        return [Heading(1, self.w.heading("context", region=self.w.join(parents))),
                Paragraph((Text(self.w.parent_intro(self.name(self.spec.region), parents)),)),
                BulletList(items)]

    # -------------------------------------------------------------- method, gaps in the data

    def method(self) -> list[Block]:
        plan, lib, rid = self.plan, self.lib, self.spec.region
        # The documents this brief cites so far (the method note comes after every
        # section that cites): one newspaper page with three articles is one document.
        cited = [lib.sources[s] for s in self.cites.order]
        documents = {s.seed_file or s.id: s for s in cited}
        kinds = sorted({s.kind for s in cited})
        inferred = sum(1 for s in documents.values() if s.date_status == "inferred")
        sources = documents
        n_figures = len(lib.indicators_of(rid))
        n_findings = len(lib.findings_of(rid))
        blocks: list[Block] = [Heading(1, self.w.heading("method")),
                               Paragraph((Text(self.w.method(self.name(rid), len(sources), kinds, inferred,
                                                             n_findings, n_figures)),))]
        if self.spec.audience == "research":
            # Provenance belongs here, not in every reference: where each text came from,
            # and what about its date or authorship is inferred.
            notes: dict[str, list[Citation]] = {}
            for sid in self.cites.order:
                if text := provenance_text(lib.sources[sid], self.lang):
                    notes.setdefault(text, []).append(self.cites.cite(sid))   # one line per document
            items = tuple((*[x for m in marks for x in (m, Text(" "))], Text(text)) for text, marks in notes.items())
            if items:
                blocks.append(BulletList(items))
        if plan.evidence:
            rows = []
            for fid in plan.evidence:
                f = lib.findings[fid]
                rows.append(((Text(self.prose(f.text(self.lang))),), (Text(self.theme(f.theme)),),
                             (Text(self.w.finding_kind(f.kind)),), (self.cite(f),)))
            blocks.append(Table(self.w.evidence_caption(self.name(rid)), tuple(self.w.split("evidence_header")),
                                tuple(rows), (5, 1.6, 1, 1.2)))
        return blocks

    def missing_data(self) -> list[Block]:
        plan, rname = self.plan, self.name(self.spec.region)
        if not plan.budget.missing:
            return []
        if plan.shape == "thin":
            n_figures = len(self.lib.indicators_of(self.spec.region))
            questions = self.w.split("office_questions", rname, n_figures, len(plan.recommendations),
                                     **self.others())
            return [Heading(1, self.w.heading("open", region=rname)),
                    NumberedList(tuple((Text(q),) for q in questions if q))]
        if not self.lib.indicators_of(self.spec.region):
            return [Heading(1, self.w.heading("missing")), Paragraph((Text(self.w.no_figures(rname)),))]
        if not plan.missing:
            return []
        return [Heading(1, self.w.heading("missing")),
                Paragraph((Text(self.w.missing_data(rname, [self.theme(t) for t in plan.missing])),))]

    def whats_new(self) -> list[Block]:
        new = self.plan.new_items or ()
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
