"""``briefgen new region NAME``: a commented overlay skeleton for a region briefgen does not know.

Every value the user must supply is a ``<<fill in: ...>>`` placeholder; the
loader refuses content that still holds one, so a skeleton cannot slip into a
brief half-filled.  With the placeholders replaced the folder passes
``briefgen check`` as it stands: the ids already point at each other.
"""
from __future__ import annotations

from pathlib import Path

from .errors import UsageError
from .library.loader import INDICATOR_COLUMNS, PLACEHOLDER
from .names import is_id


def fill(what: str) -> str:
    return f'"{PLACEHOLDER}: {what}>>"'


def skeleton(rid: str, parent: str | None = None) -> dict[str, str]:
    """The skeleton's files for region ``rid``: file name -> text."""
    src, finding, case, rec = f"{rid}-source-1", f"{rid}-main-problem", f"{rid}-example-case", f"{rid}-first-step"
    figure = f"{rid}-figure-1"
    one_language = ("# One language is enough: write the _zh line, the _en line or both, and delete a line\n"
                    "# you do not write.  An English brief says which records lack English.\n")
    regions = f"""# The region.  Replace every <<fill in: ...>>; briefgen check refuses them until you do.
{one_language}- id: {rid}
  name_zh: {fill("中文名, e.g. 徐州")}
  name_en: {fill("English name, e.g. Xuzhou")}
  aliases: []                  # other names people type: [徐州市, Xuzhou City]
  level: city                  # country | province | city | county | district | new-area | zone | bloc
  parent: {parent or "null"}            # id of the region it belongs to, e.g. jiangsu (briefgen list regions)
  profile_zh: {fill("两三句话，用你自己的话介绍本地跨境电商")}
  profile_en: {fill("two or three sentences in your own words")}
  sources: [{src}]
"""
    sources = f"""# Your own document: a statistical bulletin, a survey, an internal report.
# Figures, findings and cases cite it by id, with a page or table number as the locator.
- id: {src}
  title_zh: {fill("文件标题, e.g. 2024年国民经济和社会发展统计公报")}
  title_en: {fill("the document's title in English")}
  kind: bulletin               # bulletin | survey | internal-report | report | dataset | paper | other
  date: {fill("its date: YYYY, YYYY-MM or YYYY-MM-DD")}
  date_status: printed         # printed (on the document) | inferred (then say how in date_note_en)
  language: zh
"""
    placeholder_row = {c: "" for c in INDICATOR_COLUMNS}
    placeholder_row.update(
        id=figure, region=rid, indicator_zh=f"{PLACEHOLDER}: 指标名称>>",
        indicator_en=f"{PLACEHOLDER}: what the figure measures>>", value=f"{PLACEHOLDER}: the number as printed>>",
        unit=f"{PLACEHOLDER}: a unit from content/units.yaml such as 亿元>>",
        period=f"{PLACEHOLDER}: 2024 or 2024 H1 or as of 2024 end>>", qualifier="exact",
        theme="trade-scale", source=src, locator=f"{PLACEHOLDER}: p. 12 or Table 3>>")
    indicators = (",".join(INDICATOR_COLUMNS) + "\n"
                  + ",".join(f'"{placeholder_row[c]}"' if placeholder_row[c] else "" for c in INDICATOR_COLUMNS)
                  + "\n")
    findings = f"""# What the sources say about the region.  A brief needs at least one `kind: problem`
# to say what the region should fix.
{one_language}- id: {finding}
  region: {rid}
  theme: trade-scale           # briefgen list themes
  kind: problem                # strength | problem | context | result | trend
  text_zh: {fill("一两句话：问题是什么")}
  text_en: {fill("one or two sentences: what the problem is")}
  indicators: [{figure}]       # the figures the text quotes (may be [])
  source: {src}
  locator: {fill("p. 12 or Table 3")}
  priority: 1                  # 1 headline, 2 supporting, 3 detail
"""
    cases = f"""# Something the region (or an office in it) did, and what came of it.
{one_language}- id: {case}
  region: {rid}
  themes: [trade-scale]
  title_zh: {fill("做法名称")}
  title_en: {fill("name of the practice")}
  actor_zh: {fill("谁做的")}
  actor_en: {fill("who did it")}
  when: unspecified            # as the source says, e.g. "2023"
  what_zh: {fill("做了什么")}
  what_en: {fill("what they did")}
  result_zh: {fill("结果如何（资料未说明则写：未见报道）")}
  result_en: {fill("what came of it (or: not reported)")}
  transferable_zh: {fill("其他地区可借鉴之处")}
  transferable_en: {fill("what another region could take from it")}
  indicators: []
  source: {src}
  locator: {fill("p. 12 or Table 3")}
"""
    recommendations = f"""# What the region should do, for whom, on what evidence.
{one_language}- id: {rec}
  region: {rid}
  action_zh: {fill("一两句话，祈使句")}
  action_en: {fill("one or two sentences, imperative")}
  actors: [government]         # government | enterprises | colleges | associations | platforms | research
  audiences: [government]      # government | industry | education | research
  themes: [trade-scale]
  horizon: short               # short | medium | long
  priority: 1
  evidence: [{finding}, {case}]
  source: {src}
  locator: {fill("p. 12 or Table 3")}
"""
    return {"regions.yaml": regions, "sources.yaml": sources, "indicators.csv": indicators,
            "findings.yaml": findings, "cases.yaml": cases, "recommendations.yaml": recommendations}


def new_region(rid: str, folder: str | Path | None = None, parent: str | None = None) -> Path:
    """Write the skeleton for ``rid`` into ``folder`` (default ./<rid>/); refuses to overwrite."""
    if not is_id(rid):
        raise UsageError(f"'{rid}' is not a region id; use lower-case letters, digits and '-' "
                         "(e.g. xuzhou; the Chinese name goes in the file)")
    folder = Path(folder or rid)
    files = skeleton(rid, parent)
    clash = [n for n in files if (folder / n).exists()]
    if clash:
        raise UsageError(f"{folder} already has {', '.join(clash)}; give another folder with -o")
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
