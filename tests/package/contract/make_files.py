#!/usr/bin/env python3
"""Writes the files the packages' CLI contract imports, as Chinese offices write them: the roster
as a GBK CSV saved by Excel (roster-gbk.csv), the declarations as an .xlsx (declarations.xlsx);
the contract copies them under the Chinese names a department gives them.
Run once; the outputs are committed. Needs openpyxl."""
from pathlib import Path
import openpyxl

here = Path(__file__).parent


def id_number(birth, seq):
    body = f"370402{birth}{seq:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


people = [("王敏", id_number("19800101", 1), "内科"), ("李强", id_number("19850505", 2), "外科"),
          ("张丽", id_number("19900909", 3), "护理部")]
roster = "姓名,身份证号,部门,职称系列,现职称\r\n" + "".join(
    f"{n},{i},{d},卫生,主治医师\r\n" for n, i, d in people)
(here / "roster-gbk.csv").write_bytes(roster.encode("gbk"))

book = openpyxl.Workbook()
sheet = book.active
sheet.title = "学时申报"
sheet.append(["身份证号", "类别", "科目", "项目名称", "开始日期", "结束日期", "学时", "月数", "情形", "证明材料"])
for n, (_, i, _) in enumerate(people):
    sheet.append([i, "培训进修", "专业", f"急危重症救治培训第{n + 1}期", "2025-03-01", "2025-03-02", 16, None, None, "结业证书"])
    sheet.append([i, "培训进修", "专业", "临床护理质量管理培训", "2025-04-10", "2025-04-10", 8, None, None, "结业证书"])
book.save(here / "declarations.xlsx")
