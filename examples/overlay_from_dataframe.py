"""Add your own figures from a pandas DataFrame, then make a brief that uses them.

    python examples/overlay_from_dataframe.py

An *overlay* is a folder of content files laid over the built-in content
(content/SCHEMA.md describes them).  Here a county bureau's own statistics for
Shuyang, a county of Suqian not in the built-in content, become:

    overlay/regions.yaml    the new region
    overlay/sources.yaml    the bureau's own document, so every figure has a source
    overlay/indicators.csv  the figures, one row each, in the columns SCHEMA.md lists

The overlay goes to a temporary folder; the brief to ./out/overlay_from_dataframe/.
"""
import tempfile
from pathlib import Path

import pandas as pd

import briefgen
from briefgen.units import unbound

COLUMNS = ["id", "region", "indicator_en", "indicator_zh", "value", "unit", "period", "qualifier",
           "theme", "source", "locator", "section", "note_en", "note_zh", "measure"]

figures = pd.DataFrame([
    # value exactly as the source prints it; unit from content/units.yaml
    {"id": "shuyang-cbec-trade-2025", "region": "shuyang",
     "indicator_en": "Cross-border e-commerce imports and exports", "indicator_zh": "跨境电商进出口额",
     "value": "18.6", "unit": "亿元", "period": "2025", "qualifier": "exact", "theme": "trade-scale",
     "locator": "跨境电商进出口额18.6亿元", "section": "Table 1", "measure": "cbec-trade-value"},
    {"id": "shuyang-cbec-firms-2025", "region": "shuyang",
     "indicator_en": "Firms selling abroad through cross-border platforms", "indicator_zh": "跨境电商经营主体",
     "value": "2300", "unit": "家", "period": "2025", "qualifier": "over", "theme": "trade-scale",
     "locator": "跨境电商经营主体超2300家", "section": "Table 1", "measure": "cbec-firms"},
    {"id": "shuyang-overseas-warehouses-2025", "region": "shuyang",
     "indicator_en": "Overseas warehouses used by local sellers", "indicator_zh": "本地卖家使用的海外仓",
     "value": "12", "unit": "个", "period": "2025 H1", "qualifier": "exact",
     "theme": "logistics-supply-chain", "locator": "使用海外仓12个", "section": "Table 3", "measure": ""},
])
figures["source"] = "shuyang-bureau-2025"
figures["note_en"] = figures["note_zh"] = ""

tmp = tempfile.TemporaryDirectory(prefix="briefgen-overlay-")
overlay = Path(tmp.name)
figures[COLUMNS].to_csv(overlay / "indicators.csv", index=False, encoding="utf-8")
(overlay / "regions.yaml").write_text("""\
- id: shuyang
  name_en: Shuyang
  name_zh: 沭阳
  aliases: [沭阳县, Shuyang County]
  level: county
  parent: suqian
  profile_en: "A county of Suqian whose flower and seedling trade moved online early."
  profile_zh: "宿迁市下辖县，花木产业较早转向线上销售。"
  sources: [shuyang-bureau-2025]
""", encoding="utf-8")
(overlay / "sources.yaml").write_text("""\
- id: shuyang-bureau-2025
  title_en: "Shuyang County Bureau of Commerce: cross-border e-commerce statistics, 2025"
  title_zh: 沭阳县商务局：2025年跨境电商统计
  kind: dataset
  date: 2026-01-15
  date_status: printed
  language: zh
""", encoding="utf-8")

lib = briefgen.load_library(overlays=[overlay])  # validates the overlay; errors name file and line
print(lib.frame("indicators", region="shuyang")[["id", "value", "unit", "period"]].to_string(index=False))

out = Path("out") / "overlay_from_dataframe" / "shuyang_situation_en.md"
briefgen.make("沭阳", format="md", length="short", overlays=[overlay], output=out)
# Figures are tied to their units ("1.86\u00a0billion"); unbound() gives the text as typed.
text = unbound(out.read_text(encoding="utf-8"))
assert "Shuyang" in text and "1.86 billion" in text, "the brief should quote the bureau's figure"
print(f"wrote {out}")
tmp.cleanup()
