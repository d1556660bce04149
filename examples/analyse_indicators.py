"""Analyse the knowledge base's figures with pandas.

    python examples/analyse_indicators.py

Library.frame("indicators") gives one row per figure with its value exactly as
the source prints it, its unit, period, theme, source and the exact locator.
This script counts figures by region and theme, puts the cross-border trade
figures on one scale (yuan) using the unit table, and writes the results as
CSV to ./out/analyse_indicators/.
"""
from decimal import Decimal
from pathlib import Path

import briefgen

lib = briefgen.load_library()
df = lib.frame("indicators")
print(f"{len(df)} figures on {df.region.nunique()} regions from {df.source.nunique()} sources\n")

by_theme = df.pivot_table(index="region", columns="theme", values="id", aggfunc="count", fill_value=0)
by_theme["total"] = by_theme.sum(axis=1)
by_theme = by_theme.sort_values("total", ascending=False)
print("Figures per region (top 8) and theme:")
print(by_theme.head(8)[["total"]].join(by_theme.head(8).drop(columns="total").idxmax(axis=1).rename("main theme")))

# Same measure, different units (亿元, 万亿元 ...): convert with the unit table's factor.
trade = df[df.measure == "cbec-trade-value"].copy()
trade["yuan"] = [float(Decimal(v) * lib.units[u].factor) if lib.units[u].base == "CNY" else None
                 for v, u in zip(trade.value, trade.unit)]
trade["bn_yuan"] = (trade.yuan / 1e9).round(1)
trade["region_en"] = [lib.regions[r].name_en for r in trade.region]
trade = trade.sort_values("yuan", ascending=False)
print("\nCross-border e-commerce trade, billion yuan (as printed, converted):")
print(trade[["region_en", "value", "unit", "period", "qualifier", "bn_yuan"]].to_string(index=False))

out = Path("out") / "analyse_indicators"
out.mkdir(parents=True, exist_ok=True)
by_theme.to_csv(out / "figures_by_region_and_theme.csv")
trade[["id", "region", "value", "unit", "period", "qualifier", "bn_yuan", "source"]].to_csv(
    out / "cbec_trade_value.csv", index=False)
print(f"\nwrote {out / 'figures_by_region_and_theme.csv'} and {out / 'cbec_trade_value.csv'}")
