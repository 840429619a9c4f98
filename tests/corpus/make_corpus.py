#!/usr/bin/env python3
"""Writes the bad-input corpus in this folder. The files are committed; this script documents
how each was made and regenerates them (needs openpyxl). Large inputs (a million empty rows, a
20 MB cell, a 50 MB "PNG", a 21 MB "PDF") are made by the test itself, see cases.tsv."""
import io, json, os, sqlite3, struct, zipfile, zlib

HERE = os.path.dirname(os.path.abspath(__file__))
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
C = "10X98765432"

def idn(birth, seq):
    body = f"370402{birth}{seq:03d}"
    return body + C[sum(int(d) * w for d, w in zip(body, W)) % 11]

# The ledger the test prepares holds these five people (see corpus_cli.rs).
P = [idn("19800101", i) for i in range(1, 6)]
NOT_IN_LEDGER = idn("19900101", 7)

def bad_check(i):
    good = i[-1]
    return i[:-1] + ("1" if good != "1" else "2")

def put(name, data):
    mode = "wb" if isinstance(data, bytes) else "w"
    kw = {} if isinstance(data, bytes) else {"encoding": "utf-8", "newline": ""}
    with open(os.path.join(HERE, name), mode, **kw) as f:
        f.write(data)

RH = "身份证号,类别,科目,项目名称,开始日期,结束日期,学时,月数,情形,证明材料\n"
def rec(id_=None, cat="培训进修", subj="专业", title="心血管新进展", start="2025-03-01", end="2025-03-02",
        hours="16", months="", sit="", ev=""):
    return f"{id_ or P[0]},{cat},{subj},{title},{start},{end},{hours},{months},{sit},{ev}\n"

GOOD = rec()
SH = "姓名,身份证号,部门,职称系列,现职称,手机\n"
def staff(name="赵六", id_=None, dept="内科", phone="13800138000"):
    return f"{name},{id_ or idn('19850505', 9)},{dept},卫生,主治医师,{phone}\n"

# --- encodings and shapes -------------------------------------------------------------------
put("records-utf16le-no-bom.csv", (RH + GOOD).encode("utf-16-le"))
put("records-latin1.csv", "Identité,Catégorie\né,à\n".encode("latin-1"))
put("records-shift-jis.csv", "身分証番号,カテゴリ\n東京,研修\n".encode("shift_jis"))
put("records-binary-garbage.csv", bytes((i * 151 + 7) % 256 for i in range(4096)))
put("records-nul-bytes.csv", (RH + GOOD).encode() .replace(b",", b"\x00", 3))
put("records-only-bom.csv", b"\xef\xbb\xbf")
put("records-empty.csv", b"")
put("records-blank-lines-only.csv", "\n \n\t\n,,,\n")
put("records-no-header.csv", GOOD + rec(P[1]))
put("records-missing-required-column.csv", "身份证号,类别,项目名称\n" + f"{P[0]},培训,课程\n")
put("records-unterminated-quote.csv", RH + GOOD.replace("心血管新进展", '"心血管新进展') )
put("records-ragged-rows.csv", RH + f"{P[0]},培训\n" + GOOD)
put("records-only-title-rows.csv", "2025年度学时登记表\n制表单位：某医院\n")
# --- workbooks --------------------------------------------------------------------------------
from openpyxl import Workbook
def book(rows, merges=(), name=None):
    wb = Workbook(); ws = wb.active
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    b = io.BytesIO(); wb.save(b); return b.getvalue()
HEAD = RH.strip().split(",")
good_book = book([HEAD, GOOD.strip().split(",")])
put("records-truncated.xlsx", good_book[: len(good_book) // 2])
z = io.BytesIO()
with zipfile.ZipFile(z, "w") as zf:
    zf.writestr("readme.txt", "this zip is not a workbook")
put("records-zip-not-workbook.xlsx", z.getvalue())
put("records-xlsx-named-csv.csv", good_book)
put("records-pdf-named-xlsx.xlsx", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
put("records-empty.xlsx", b"")
put("records-formulas.xlsx", book([HEAD, ["=CONCAT(\"3704\",\"02\")", "培训进修", "专业", "课程", "2025-03-01", "2025-03-02", "=8*2"]]))
put("records-merged-header.xlsx", book([["基本信息", None, "学时信息", None], ["身份证号", None, "学时", None], [P[0], None, "8", None]], merges=["A1:B1", "C1:D1", "A2:B2"]))
put("records-bad-in-second-sheet-only.xlsx", book([["说明"], ["本表无数据"]]))
put("staff-id-as-number.xlsx", book([SH.strip().split(","), ["赵六", float(idn("19850505", 9)[:17] + "1"), "内科"]]))
# --- staff rows ------------------------------------------------------------------------------
put("staff-bad-check-char.csv", SH + staff(id_=bad_check(idn("19850505", 9))))
put("staff-impossible-birth-date.csv", SH + staff(id_=idn("19990230", 1)))
put("staff-born-in-the-future.csv", SH + staff(id_=idn("20990101", 1)))
put("staff-id-17-chars.csv", SH + staff(id_=idn("19850505", 9)[:17]))
put("staff-id-with-letters.csv", SH + staff(id_="37040219850505ABCD"))
put("staff-empty-name.csv", SH + staff(name=""))
put("staff-bad-phone.csv", SH + staff(phone="12345"))
put("staff-duplicate-in-file.csv", SH + staff() + staff(name="赵六六"))
put("staff-huge-name-cell.csv", SH + staff(name="张" * 100_000))
put("staff-missing-id-column.csv", "姓名,部门\n赵六,内科\n")
# --- record values ---------------------------------------------------------------------------
put("records-date-feb-30.csv", RH + rec(start="2025-02-30", end="2025-02-30"))
put("records-date-month-13.csv", RH + rec(start="2025-13-01", end="2025-13-02"))
put("records-date-words.csv", RH + rec(start="明天", end="后天"))
put("records-end-before-start.csv", RH + rec(start="2025-03-05", end="2025-03-01"))
put("records-year-9999.csv", RH + rec(start="9999-12-30", end="9999-12-31"))
put("records-hours-1e9.csv", RH + rec(hours="1e9"))
put("records-hours-nan.csv", RH + rec(hours="NaN"))
put("records-hours-infinity.csv", RH + rec(hours="inf"))
put("records-hours-negative.csv", RH + rec(hours="-8"))
put("records-hours-fullwidth-bad.csv", RH + rec(hours="８.５５") + rec(P[1], hours="８小时"))
put("records-hours-two-decimals.csv", RH + rec(hours="1.25"))
put("records-hours-huge-integer.csv", RH + rec(hours="99999999999999999999999"))
put("records-months-negative.csv", RH + rec(cat="援派支教等", subj="", start="2025-01-01", end="2025-12-31", hours="", months="-3"))
put("records-months-13.csv", RH + rec(cat="援派支教等", subj="", start="2025-01-01", end="2025-12-31", hours="", months="13"))
put("records-unknown-category.csv", RH + rec(cat="旅游"))
put("records-bad-subject.csv", RH + rec(subj="体育"))
put("records-bad-situation.csv", RH + rec(cat="援派支教等", subj="", hours="", months="6", sit="度假"))
put("records-unknown-person.csv", RH + rec(NOT_IN_LEDGER))
put("records-bad-check-char.csv", RH + rec(bad_check(P[0])))
put("records-one-bad-row-among-good.csv", RH + "".join(rec(P[i % 5], title=f"课程{i}") for i in range(99)) + rec(P[0], hours="abc"))
put("records-empty-required-fields.csv", RH + ",,,,,,,,,\n" + f"{P[0]},,,,,,,,,\n")
put("records-control-chars.csv", RH + rec(title="课程\x07\x1b[31m红色"))
put("city-missing-course-column.csv", "身份证号,科目,学习日期,学时\n" + f"{P[0]},公需,2025-03-01,2\n")
put("city-bad-hours.csv", "身份证号,课程名称,科目,学习日期,学时\n" + f"{P[0]},政策解读,公需,2025-03-01,两小时\n")
put("city-unknown-person.csv", "身份证号,课程名称,科目,学习日期,学时\n" + f"{NOT_IN_LEDGER},政策解读,公需,2025-03-01,2\n")
# --- plans -----------------------------------------------------------------------------------
plan = {"unit": "枣庄市立医院", "address": "枣庄市市中区", "project": "急救技能培训", "leader": "王五",
        "contact": "李四", "phone": "0632-1234567", "advanced_seminar": False, "trainees": "全院医护人员",
        "trainee_count": 120, "start": "2026-03-02", "end": "2026-03-04", "days": 3, "hours": 24,
        "venue_and_form": "院学术报告厅，面授"}
def plan_file(name, **change):
    p = dict(plan); [p.pop(k) if v is ... else p.__setitem__(k, v) for k, v in change.items()]
    put(name, json.dumps(p, ensure_ascii=False, indent=1))
plan_file("plan-missing-keys.json", project=..., leader=..., hours=...)
plan_file("plan-wrong-types.json", trainee_count="很多", days="三")
plan_file("plan-days-exceed-span.json", days=10)
plan_file("plan-hours-over-8-a-day.json", hours=100)
plan_file("plan-end-before-start.json", start="2026-03-04", end="2026-03-02")
plan_file("plan-impossible-date.json", start="2026-02-30")
plan_file("plan-negative-count.json", trainee_count=-5)
plan_file("plan-character-outside-font.json", project="急救技能培训\U00020000")
put("plan-not-json.json", "unit=枣庄市立医院\nproject=急救\n")
put("plan-array.json", json.dumps([plan], ensure_ascii=False))
put("plan-deeply-nested.json", "[" * 100_000 + "]" * 100_000)
put("plan-good.json", json.dumps(plan, ensure_ascii=False, indent=1))
# --- seals -----------------------------------------------------------------------------------
def png_chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
def png(w, h, raw):
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)) + \
        png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b"")
small = png(2, 2, b"\x00" + b"\xff\x00\x00\xff" * 2 + b"\x00" + b"\xff\x00\x00\xff" * 2)
put("seal-jpeg-named-png.png", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64)
put("seal-truncated.png", small[: len(small) - 20])
# A decompression bomb: 60000 x 60000 RGBA claimed, a few KB on disk.
bomb_rows = zlib.compressobj(9)
data = b"".join(bomb_rows.compress(b"\x00" * (1 + 60000 * 4)) for _ in range(200)) + bomb_rows.flush()
put("seal-decompression-bomb.png", b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 60000, 60000, 8, 6, 0, 0, 0)) + png_chunk(b"IDAT", data) + png_chunk(b"IEND", b""))
put("seal-text.png", "这不是图片")
# --- evidence --------------------------------------------------------------------------------
put("evidence-text-named-pdf.pdf", "这只是一段文字，不是PDF")
put("evidence-html-named-png.png", "<html><script>alert(1)</script></html>")
put("evidence-empty.pdf", b"")
# --- policy, unit, calendar ------------------------------------------------------------------
put("policy-negative-requirement.json", json.dumps({"year": 2025, "public_required": -30.0, "professional_required": 60.0, "total_required": 90.0, "topics": [], "study_deadline": "2025-13-31", "plan_deadline": "2025-05-20"}))
put("policy-not-object.json", "[1,2,3]")
put("unit-unknown-hr-office.json", json.dumps({"name": "某医院", "address": "", "leader": "", "officer": "", "phone": "", "hr_office": "火星人社局"}, ensure_ascii=False))
put("calendar-bad-dates.json", json.dumps({"year": 2026, "off": ["2026-02-30"], "work": ["someday"]}))
# --- backups ---------------------------------------------------------------------------------
put("backup-text.sqlite3", "not a database at all")
con = sqlite3.connect(os.path.join(HERE, "backup-not-a-ledger.sqlite3")); con.execute("DROP TABLE IF EXISTS t"); con.execute("CREATE TABLE t(x)"); con.commit(); con.close()
put("policy-negative-hours.json", json.dumps({"year": 2025, "public_required": -30.0, "professional_required": 60.0, "total_required": 90.0, "topics": [], "study_deadline": "2025-12-31", "plan_deadline": "2025-05-20"}))
put("calendar-day-listed-twice.json", json.dumps({"year": 2026, "off": ["2026-10-01"], "work": ["2026-10-01"]}))
put("unit-not-json.json", "name: 某医院")
# Found by fuzzing (id_number): 18 characters that are not 18 bytes used to panic.
put("staff-id-18-multibyte-chars.csv", SH + staff(id_="一二三四五六七八九十一二三四五六七X"))
put("fuzz/id_number/crash-bb1dfdd4-multibyte-18-chars", b"\x00\x00\x00\x00\x00\x02\xf7\xff\xfd\xff\xff\x00\x00\x00`\x00\x00\x00")
# Fuzzing: the one input per target that the fuzzers start from (seeds), and every crash found.
put("fuzz/record_validator/crash-738c4747-negative-claim", b"\x1f\x1f\x1f\x1f-001")
put("fuzz/id_number/seed-valid", P[0].encode())
put("fuzz/record_validator/seed-training", "\x1f".join(["培训进修", "专业", "2025-03-01", "2025-03-02", "16", "课程", "", "", ""]).encode())
put("fuzz/csv_reader/seed-records.csv", (RH + GOOD + rec(P[1], hours="８")).encode("gb18030"))
put("fuzz/csv_reader/seed-staff.csv", (SH + staff()).encode())
put("fuzz/xlsx_reader/seed-records.xlsx", good_book)
put("fuzz/plan_checks/seed-plan.json", json.dumps(plan, ensure_ascii=False))
put("fuzz/id_number/crash-e362efe4-multibyte-18-chars", bytes.fromhex("ac00e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0dc"))
# A harness false alarm (the input was words of our own message), kept so the check stays right.
put("fuzz/id_number/crash-43c2d96f-message-words-as-input", "证号只能由数字和X\x0b".encode())

# --- workbooks that would exhaust memory (issue 12) -------------------------------------------
def raw_xlsx(sheet_xml, extra=(), sheet_name="Sheet1"):
    """A minimal .xlsx written by hand, so its parts can lie."""
    z = io.BytesIO()
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as f:
        f.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        f.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        f.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="' + sheet_name + '" sheetId="1" r:id="rId1"/></sheets></workbook>')
        f.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        f.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for name, data in extra:
            f.writestr(name, data)
    return z.getvalue()

def sheet(dimension, cells):
    rows = {}
    for ref, text in cells:
        r = int("".join(c for c in ref if c.isdigit()))
        rows.setdefault(r, []).append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
    body = "".join(f'<row r="{r}">{"".join(cs)}</row>' for r, cs in sorted(rows.items()))
    return f'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>'

# Declares the whole grid, holds one cell in its last column: the reader must not size by either.
put("records-sparse-far-corner.xlsx", raw_xlsx(sheet("A1:XFD1048576", [("A1", "身份证号"), ("XFD1048576", "x")])))
# An export an inspector "holds" whose anchor sheet declares the whole grid and fills its far corner.
put("anchor-sparse-sheet.xlsx", raw_xlsx(sheet("A1:XFD1048576", [("A1", "审计锚点"), ("XFD1048576", "x")]), sheet_name="审计锚点"))
# 60 MB of blanks inside one sheet, a few dozen KB packed.
put("records-zip-bomb.xlsx", raw_xlsx(sheet("A1:A1", [("A1", "身份证号")]).replace("<sheetData>", "<sheetData>" + " " * (60 * 1024 * 1024))))
# An old binary workbook (only its signature matters: it is refused before reading).
put("records-old-format.xls", bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + bytes(504))
# A good table that declares the whole grid: read as the two rows it holds (core io::table tests).
put("good-declared-whole-grid.xlsx", raw_xlsx(sheet("A1:XFD1048576", [("A1", "身份证号"), ("B1", "学时"), ("A2", P[0]), ("B2", "8")])))
for name in ["records-sparse-far-corner.xlsx", "good-declared-whole-grid.xlsx", "records-zip-bomb.xlsx"]:
    with open(os.path.join(HERE, name), "rb") as f:
        put("fuzz/xlsx_reader/seed-" + name.replace("records-", "").replace("good-", ""), f.read())
