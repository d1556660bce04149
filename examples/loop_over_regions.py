"""Loop over regions and write one short brief each, loading the content once.

    python examples/loop_over_regions.py

Writes ./out/loop_over_regions/<file>.pdf and prints each path.  For many
briefs, in parallel and only when something changed, use `briefgen batch`
(or briefgen.batch) instead; this shows the building blocks.
"""
from pathlib import Path

import briefgen

out = Path("out") / "loop_over_regions"
lib = briefgen.load_library()  # read and validated once, shared by every brief below

# Ids or names; `briefgen list regions` shows them all.
for name in ["suqian", "宁波", "Zhengzhou", "baoding"]:
    rid = lib.region(name).id
    spec = briefgen.BriefSpec(region=rid, audience="industry", length="short", lang="en")
    brief = briefgen.compose(spec, lib)
    path = out / f"{rid}_industry_short_en.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(briefgen.render(brief, "pdf"))
    print(f"{path}  {brief.meta.title}")
