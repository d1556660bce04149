"""Write examples/example-city.xlsx, the sample spreadsheet of the README's walk-through.

    python examples/example_city_sheet.py [OUT.xlsx]     # default: examples/example-city.xlsx

示例市 / Example City is made up, and so is every figure in the sheet: it shows
the shape of an analyst's spreadsheet (Chinese headers, one figure a row, a
source and a page for each), not facts about any place.  The sheet says so in
its source title and in every note.
"""
import sys
from pathlib import Path

import openpyxl

HEADER = ["指标", "数值", "单位", "时期", "主题", "来源", "页码", "备注"]
SOURCE = "示例市商务局《2024年跨境电商发展统计公报》（示例数据）"
NOTE = "示例数据，非真实统计"
ROWS = [
    ["跨境电商进出口额", 12.5, "亿元", "2024年", "贸易规模与增长", SOURCE, 3, NOTE],
    ["跨境电商进出口额同比增长", 8.3, "%", "2024年", "贸易规模与增长", SOURCE, 3, NOTE],
    ["跨境电商经营主体", 260, "家", "2024年", "贸易规模与增长", SOURCE, 4, NOTE],
    ["本地企业使用的海外仓", 6, "个", "截至2024年底", "物流与供应链", SOURCE, 5, NOTE],
    ["跨境电商进出口额", 7.1, "亿元", "2025年上半年", "贸易规模与增长", SOURCE, 6, NOTE],
]


def write(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    book.save(path)
    return path


if __name__ == "__main__":
    print(write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("example-city.xlsx")))
