#!/usr/bin/env python3
"""Writes the departments' certificates for the messy corpus, and the hostile archives.

1. messy/证明材料.zip: one scanned certificate (JPG, PNG or PDF, a few KB, with the person, the
   course and the date drawn on it) for almost every declaration in messy/学时申报.xlsx that needs
   one (every row but the city platform's), in department folders, named the way each
   department's secretary names files. The ZIP is written as Chinese Windows writes it: names in
   GBK, the UTF-8 flag (general purpose bit 11) clear. Some files are doubtful (the name fits two
   declarations of the same person), some declarations have no file, some files belong to no
   declaration. messy/certificates.json says which is which, entry by entry.
2. hostile-archives/*.zip: archives that attack an unpacker (bomb, paths, symlink, fake images,
   encryption, truncation, duplicate names). hostile-archives/README.md describes them.

The files are committed and CI does not run this. Regenerate with `python3 make_certificates.py`
(standard library + Pillow + openpyxl; reads the committed workbooks, never writes them). A fixed
seed and fixed timestamps give the same bytes each run. After writing, the script reads
everything back and checks it against certificates.json."""

import datetime as dt
import io
import json
import os
import random
import struct
import sys
import zipfile
import zlib
from collections import Counter, defaultdict

from openpyxl import load_workbook
from PIL import Image, ImageDraw, ImageFont

HERE = os.path.dirname(os.path.abspath(__file__))
MESSY = os.path.join(HERE, "messy")
HOSTILE = os.path.join(HERE, "hostile-archives")
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # importing make_messy should leave no __pycache__ in the corpus
# The declarations' own readers, so this script reads the cells as make_messy.py checked them.
from make_messy import FEMALE_CHARS, MALE_CHARS, SURNAMES, cell_date, id_is_valid, normalise_id  # noqa: E402

SEED = 20250505  # any fixed number; make_messy.py's seed + a few days
rng = random.Random(SEED)  # the one source of chance: call order is fixed, so output is too
ZIP_NAME = "证明材料.zip"
MANIFEST_NAME = "certificates.json"
PLATFORM = "继续教育平台"  # the city platform records these hours itself: no certificate
N_MISSING = 30
N_DOUBTFUL = {"name_only": 5, "shared_evidence": 6, "shared_word": 5, "windows_copy": 2}  # pairs: 4 files

# ---------------------------------------------------------------------------------------------
# Reading the committed workbooks
# ---------------------------------------------------------------------------------------------
def load_messy_manifest():
    with open(os.path.join(MESSY, "manifest.json"), encoding="utf-8") as f:
        return json.load(f)


def read_roster(m):
    """name -> ID number. Names are unique in the roster (make_messy.py makes them so)."""
    r = m["roster"]
    ws = load_workbook(os.path.join(MESSY, r["file"]), read_only=True)[r["sheet"]]
    rows = ws.iter_rows(min_row=r["data_rows"]["first"], max_row=r["data_rows"]["last"], values_only=True)
    return {v[1]: normalise_id(v[3]) for v in rows}


def read_declarations(m, roster):
    """The sheet's rows as the program will see them, plus the ID the secretary really has for
    the person (her own list: the roster, or the row itself for someone HR has not entered)."""
    d = m["declarations"]
    ws = load_workbook(os.path.join(MESSY, d["file"]), read_only=True)[d["sheet"]]
    first, last = d["data_rows"]["first"], d["data_rows"]["last"]
    rows = []
    for n, v in enumerate(ws.iter_rows(min_row=first, max_row=last, values_only=True), start=first):
        cell_id = normalise_id(v[3]) if v[3] is not None else None
        cell_id = cell_id if cell_id and id_is_valid(cell_id) else None  # truncated or blank: none
        rows.append({"row": n, "dept": v[1], "name": v[2], "id": cell_id,
                     "person_id": roster.get(v[2], cell_id), "word": v[4], "title": v[6],
                     "start": cell_date(v[7]), "end": cell_date(v[8]), "evidence": v[10]})
        assert (v[4] == PLATFORM) == (v[10] is None), n  # platform rows name no proof, others do
    return rows


# ---------------------------------------------------------------------------------------------
# What a file name fits
# ---------------------------------------------------------------------------------------------
# A file name is made from a few keys; a declaration row "fits" the name when
#   - its person's name occurs anywhere in the file's stem (so 张伟强.jpg also fits 张伟, and a
#     title word that happens to be a name fits that person), or the name carries the last four
#     characters of an ID number and the row's ID cell ends with them, and
#   - every other key agrees: date = the row's 起始日期, text occurs in its 项目名称,
#     evidence = its 证明材料 cell.
# Only rows needing a certificate (not 继续教育平台) are candidates. A "matched" file fits exactly
# its own row; a "doubtful" one fits two rows of one person; an "extra" one fits none. This is a
# deliberately naive matcher: a name that is unique under it is unique under any sensible one.
def fits(stem, keys, rows):
    out = []
    for r in rows:
        if "id4" in keys:
            if not (r["id"] and r["id"].endswith(keys["id4"])):
                continue
        elif r["name"] not in stem:
            continue
        if "date" in keys and r["start"] != keys["date"]:
            continue
        if "text" in keys and keys["text"] not in r["title"]:
            continue
        if "evidence" in keys and r["evidence"] != keys["evidence"]:
            continue
        out.append(r)
    return out


def short_title(r):
    """Papers are named by the article, not by the journal issue in brackets after it."""
    return r["title"].split("（《")[0]


# Each style returns (stem, keys), or None when the row lacks what it needs (an impossible
# 起始日期 has no date to write; the person with no ID number has no last four digits).
def style_dept_name_title(r):
    return f"{r['dept']}_{r['name']}_{short_title(r)}", {"text": short_title(r)}


def style_name_title(r):
    return f"{r['name']}（{short_title(r)}）", {"text": short_title(r)}


def style_name_date(r):
    return r["start"] and (f"{r['name']}-{r['start']:%Y%m%d}", {"date": r["start"]})


def style_id4_date(r):
    if not (r["start"] and r["person_id"]):
        return None
    return f"{r['person_id'][-4:]}-{r['start']:%Y%m%d}", {"id4": r["person_id"][-4:], "date": r["start"]}


def style_name_evidence(r):
    return f"{r['name']} {r['evidence']}", {"evidence": r["evidence"]}


def style_date_name_title(r):
    d = r["start"]
    return d and (f"{d.year}.{d.month}.{d.day}{r['name']}{short_title(r)}",
                  {"date": d, "text": short_title(r)})


def style_name_title_date(r):
    return r["start"] and (f"{r['name']}_{short_title(r)}_{r['start']:%Y%m%d}",
                           {"text": short_title(r), "date": r["start"]})


def style_name_title_evidence(r):
    """For a row whose 起始日期 is impossible and whose title the person declared twice."""
    return f"{r['name']}_{short_title(r)}_{r['evidence']}", {"text": short_title(r), "evidence": r["evidence"]}


STYLES = {"dept_name_title": style_dept_name_title, "name_title": style_name_title,
          "name_date": style_name_date, "id4_date": style_id4_date,
          "name_evidence": style_name_evidence, "date_name_title": style_date_name_title,
          "name_title_date": style_name_title_date, "name_title_evidence": style_name_title_evidence}
# Tried in this order when a department's own styles do not single a row out.
FALLBACKS = ["name_title_date", "dept_name_title", "name_date", "name_title", "name_title_evidence"]

# Each secretary's habits: naming styles and file types (weights). 急诊科 photographs
# certificates with a phone (IMG files keep the camera's upper-case .JPG), 儿科 and 放射科 have
# a scanner that makes PDFs, 护理部 screenshots to PNG, 口腔科's tool writes .jpeg.
HABITS = {
    "内科": ({"dept_name_title": 75, "name_date": 25}, {"jpg": 90, "png": 10}),
    "外科": ({"name_date": 80, "name_title": 20}, {"jpg": 95, "pdf": 5}),
    "儿科": ({"id4_date": 85, "name_date": 15}, {"pdf": 65, "jpg": 35}),
    "妇产科": ({"name_title": 60, "date_name_title": 40}, {"jpg": 85, "png": 15}),
    "急诊科": ({"name_date": 60, "name_evidence": 40}, {"JPG": 90, "png": 10}),
    "放射科": ({"dept_name_title": 100}, {"pdf": 40, "jpg": 60}),
    "检验科": ({"date_name_title": 70, "id4_date": 30}, {"jpg": 80, "pdf": 20}),
    "药剂科": ({"name_title": 100}, {"jpg": 90, "png": 10}),
    "护理部": ({"name_evidence": 70, "name_title": 30}, {"png": 50, "jpg": 50}),
    "麻醉科": ({"name_evidence": 50, "name_date": 50}, {"jpg": 100}),
    "口腔科": ({"dept_name_title": 50, "name_title": 50}, {"jpeg": 85, "png": 15}),
    "康复医学科": ({"name_title_date": 60, "id4_date": 40}, {"jpg": 75, "pdf": 25}),
}


def weighted(choices):
    return rng.choices(list(choices), weights=list(choices.values()))[0]


def unique_name_for(r, rows):
    """The department's usual style if it singles the row out, else the next that does."""
    styles, _ = HABITS[r["dept"]]
    first = weighted(styles)
    order = [first] + [s for s in styles if s != first] + [s for s in FALLBACKS if s not in styles]
    for s in order:
        made = STYLES[s](r)
        if made and fits(made[0], made[1], rows) == [r]:
            return s, made
    raise RuntimeError(f"no unique name for row {r['row']}")


# ---------------------------------------------------------------------------------------------
# Choosing which rows are missing, which files are doubtful, which are extra
# ---------------------------------------------------------------------------------------------
def by_person(rows):
    out = defaultdict(list)
    for r in rows:
        out[r["name"]].append(r)
    return out


def pick_missing(cert_rows, planted):
    """Rows with no file. Not the rows make_messy.py planted an error in: their certificates are
    what lets a test show a truncated ID or an unknown person still has a matching file."""
    pool = [r for r in cert_rows if r["row"] not in planted]
    return sorted(rng.sample(pool, N_MISSING), key=lambda r: r["row"])


def doubtful_options(name, own, cert_rows):
    """Every way this person's file could be named so it fits exactly two of their rows:
    (kind, stem, keys, the two rows)."""
    opts = []
    if len(own) == 2:
        opts.append(("name_only", name, {}, own))
    for ev, n in Counter(r["evidence"] for r in own).items():
        if n == 2:
            opts.append(("shared_evidence", f"{name} {ev}", {"evidence": ev},
                         [r for r in own if r["evidence"] == ev]))
    for word in ["培训", "年会", "论坛", "进修", "本科", "学术"]:
        two = [r for r in own if word in r["title"]]
        if len(two) == 2:
            opts.append(("shared_word", f"{name}_{word}", {"text": word}, two))
    # A name fits only when nobody else's name hides inside it, and no other row of theirs fits.
    return [o for o in opts if fits(o[1], o[2], cert_rows) == o[3]]


def pick_doubtful(cert_rows, missing):
    """Doubtful files, each of a different person, none of whom has a missing row. For a pair
    saved under one name twice, Windows made the second name: 「 (1)」 from a browser download,
    「 - 副本」 from copy and paste in Explorer. Both files are doubtful."""
    lost = {r["name"] for r in missing}
    people = by_person(cert_rows)
    options = defaultdict(list)
    for name in sorted(people):
        if name in lost or not people[name][0]["person_id"]:
            continue
        for o in doubtful_options(name, people[name], cert_rows):
            options[o[0]].append(o)
    files, used = [], set()
    for kind, n in N_DOUBTFUL.items():
        pool = list(options["shared_evidence" if kind == "windows_copy" else kind])
        rng.shuffle(pool)
        picked = []
        for o in pool:
            if len(picked) < n and o[3][0]["name"] not in used:
                used.add(o[3][0]["name"])
                picked.append(o)
        for k, (_, stem, keys, two) in enumerate(picked):
            if kind == "windows_copy":
                copy = " - 副本" if k % 2 == 0 else " (1)"
                files += [(kind, stem, keys, two[0], two), (kind, stem + copy, keys, two[1], two)]
            else:
                files.append((kind, stem, keys, rng.choice(two), two))
    return files


def undeclared_title(r):
    """A course in the person's department they did not declare."""
    d = r["dept"]
    return rng.choice([f"{d}专科能力提升培训班", f"{d}临床思维培训", "医疗安全（不良）事件管理培训",
                       "病历书写规范培训", "抗菌药物临床应用培训"])


def stranger_name(listed):
    """A person on no list (not even one with platform rows only), whose name hides no listed
    person's name."""
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(MALE_CHARS + FEMALE_CHARS) for _ in range(2))
        if not any(n in name for n in listed):
            return name


def pick_extras(cert_rows, listed):
    """Files that belong to no declaration: (folder, stem, keys, why, what to draw)."""
    depts = sorted({r["dept"] for r in cert_rows})
    people = [rs for _, rs in sorted(by_person(cert_rows).items()) if rs[0]["person_id"]]
    extras = []
    for r in [rng.choice(rng.choice(people)) for _ in range(4)]:  # last year's certificate
        last_year = r["start"] or dt.date(2025, 6, 1)
        last_year = last_year.replace(year=2024, day=min(last_year.day, 28))
        if len(extras) % 2:
            stem, keys = f"{r['name']}_{short_title(r)}_{last_year:%Y%m%d}", {"text": short_title(r), "date": last_year}
        else:
            stem, keys = f"{r['name']}-{last_year:%Y%m%d}", {"date": last_year}
        extras.append((r["dept"], stem, keys, "a 2024 certificate (another year)",
                       {"kind": "cert", "row": r, "start": last_year}))
    for stem, dept in [("身份证", rng.choice(depts)), ("身份证正反面", rng.choice(depts)),
                       ("身份证复印件", rng.choice(depts))]:
        holder = rng.choice([rs for rs in people if rs[0]["dept"] == dept])[0]
        extras.append((dept, stem, {}, "a scan of an ID card, named without a name",
                       {"kind": "id_card", "row": holder}))
    for _ in range(4):  # a person on neither the roster nor the sheet
        r = dict(rng.choice(cert_rows), person_id=None)  # the course and dates of a real row
        r["name"] = stranger_name(listed)
        extras.append((r["dept"], f"{r['name']}_{r['evidence']}", {"evidence": r["evidence"]},
                       "a person on neither the roster nor the declarations", {"kind": "cert", "row": r}))
    for rs in rng.sample(people, 2):  # a course the person went to and did not declare
        r = dict(rs[0], title=undeclared_title(rs[0]))
        extras.append((r["dept"], f"{r['dept']}_{r['name']}_{r['title']}", {"text": r["title"]},
                       "a course the person did not declare", {"kind": "cert", "row": r}))
    extras.append((rng.choice(depts), "Thumbs", {},
                   "Windows' thumbnail cache (hidden), zipped along with the folder", {"kind": "thumbs"}))
    extras.append((rng.choice(depts), "新建文本文档", {},
                   "an empty text file (Explorer's 'New > Text Document')", {"kind": "empty_txt"}))
    for dept, stem, keys, _, _ in extras:
        assert not fits(stem, keys, cert_rows), stem
    return extras


# ---------------------------------------------------------------------------------------------
# Drawing the certificates
# ---------------------------------------------------------------------------------------------
FONT_FILES = [("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),  # index 2: SC
              ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2)]
CJK = any(os.path.exists(path) for path, _ in FONT_FILES)
_fonts = {}


def font(size):
    """A CJK font if one is installed; else Pillow's default, and text() keeps only ASCII."""
    if size not in _fonts:
        found = [(p, i) for p, i in FONT_FILES if os.path.exists(p)]
        _fonts[size] = ImageFont.truetype(found[0][0], size, index=found[0][1]) if found \
            else ImageFont.load_default(size)
    return _fonts[size]


def text(s):
    """Without a CJK font the names would be boxes: keep the digits (IDs, dates) instead."""
    return s if CJK else "".join(c for c in s if c.isascii())


def wrap(s, f, width):
    lines, line = [], ""
    for c in s:
        if line and f.getlength(line + c) > width:
            lines.append(line)
            line = ""
        line += c
    return lines + [line] if line else lines


def zh_date(d):
    return f"{d.year}年{d.month}月{d.day}日" if d else "    年  月  日"


ISSUERS = {"培训证书": "枣庄市卫生健康委员会", "结业证书": "枣庄市卫生健康委员会",
           "会议证书": "山东省医学会", "参会证明": "会议组委会", "毕业证": "山东第一医科大学",
           "学籍证明": "山东第一医科大学继续教育学院", "成绩单": "山东第一医科大学继续教育学院"}


def certificate_lines(r):
    """(heading, body lines, footer) as the certificate itself would print them."""
    ev = r["evidence"]
    if ev in ("论文首页", "期刊封面、目录、正文"):
        journal = r["title"].split("《")[-1].split("》")[0] if "《" in r["title"] else "中国实用医药"
        return (f"《{journal}》", [short_title(r), f"{r['name']}（XX市人民医院{r['dept']}，山东 枣庄 277000）",
                                  "【摘要】目的 探讨……方法 回顾性分析……"], zh_date(r["start"]))
    when = zh_date(r["start"]) if r["start"] == r["end"] else f"{zh_date(r['start'])}至{zh_date(r['end'])}"
    body = [f"{r['name']} 同志：", f"于{when}参加", f"「{r['title']}」", "特发此证。"]
    if ev in ("毕业证", "学籍证明", "成绩单"):
        body = [f"学生 {r['name']}，身份证号 {r['person_id'] or ''}", f"{r['title']}", f"{when}", "特此证明。"]
    return ev, body, f"{ISSUERS.get(ev, '')}  {zh_date(r['end'] or r['start'])}"


def id_card_lines(r):
    pid = r["person_id"]
    return "居民身份证", [f"姓名 {r['name']}", f"性别 {'男' if int(pid[16]) % 2 else '女'}",
                          f"出生 {pid[6:10]}年{int(pid[10:12])}月{int(pid[12:14])}日",
                          "住址 山东省枣庄市市中区", f"公民身份号码 {pid}"], ""


PAPER_COLOURS = [(255, 253, 240), (250, 250, 250), (245, 249, 255), (255, 248, 235)]


def draw(heading, body, footer, portrait=False, seal=True):
    """A small certificate: border, heading, lines, a red seal. Small so each file is a few KB."""
    w, h = (280, 400) if portrait else (400, 280)
    img = Image.new("RGB", (w, h), rng.choice(PAPER_COLOURS))
    d = ImageDraw.Draw(img)
    d.rectangle([5, 5, w - 6, h - 6], outline=(170, 30, 30), width=3)
    big, small = font(28), font(15)
    d.text((w / 2, 38), text(heading), fill=(160, 20, 20), font=big, anchor="mm")
    y = 72
    for line in body:
        for part in wrap(text(line), small, w - 50):
            d.text((25, y), part, fill=(20, 20, 20), font=small)
            y += 22
    d.text((w - 25, h - 28), text(footer), fill=(40, 40, 40), font=small, anchor="rm")
    if seal:
        d.ellipse([w - 110, h - 100, w - 40, h - 30], outline=(210, 40, 40), width=3)
    return img


def jpeg_bytes(img):
    out = io.BytesIO()
    img.save(out, "JPEG", quality=40, optimize=True)
    return out.getvalue()


def png_bytes(img):
    out = io.BytesIO()
    img.convert("P", palette=Image.Palette.ADAPTIVE, colors=16).save(out, "PNG", optimize=True)
    return out.getvalue()


def pdf_bytes(img):
    """A one-page PDF around a JPEG, the way a scanner's 'scan to PDF' makes one. Written by
    hand: five objects, a cross-reference table with the real offsets, no dates."""
    jpg = jpeg_bytes(img)
    w, h = img.size
    content = f"q {w} 0 0 {h} 0 0 cm /Im0 Do Q".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w} {h}] "
        f"/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>".encode(),
        f"<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceRGB "
        f"/BitsPerComponent 8 /Filter /DCTDecode /Length {len(jpg)} >>\nstream\n".encode() + jpg + b"\nendstream",
        f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def encode_image(img, fmt):
    if fmt == "png":
        return png_bytes(img)
    if fmt == "pdf":
        return pdf_bytes(img)
    return jpeg_bytes(img)  # jpg, JPG, jpeg


def certificate_file(r, fmt):
    heading, body, footer = certificate_lines(r)
    return encode_image(draw(heading, body, footer, portrait=heading.startswith("《")), fmt)


# A Thumbs.db starts with the OLE compound-file signature; the rest does not matter here.
THUMBS_DB = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(16) + struct.pack("<HH", 0x3E, 3) + bytes(488)


def extra_file(what, fmt):
    if what["kind"] == "thumbs":
        return THUMBS_DB
    if what["kind"] == "empty_txt":
        return b""
    if what["kind"] == "id_card":
        return encode_image(draw(*id_card_lines(what["row"]), seal=False), fmt)
    r = dict(what["row"])
    if "start" in what:  # last year's: the same course, dated 2024
        r["start"] = r["end"] = what["start"]
    return certificate_file(r, fmt)


# ---------------------------------------------------------------------------------------------
# Writing a ZIP by hand
# ---------------------------------------------------------------------------------------------
# Python's zipfile sets the UTF-8 flag on every non-ASCII name and cannot write GBK names; it
# cannot write an encrypted entry either, and the bomb would have to pass 1 GiB through it. A ZIP
# is simple enough to lay out here, every field in view: local header + data for each entry, then
# the central directory, then the end record (APPNOTE.TXT 4.3). No data descriptors, no extra
# fields, no ZIP64: nothing here is near 4 GB.
UTF8_FLAG = 0x800
ENCRYPTED_FLAG = 0x1
MSDOS_MADE_BY = 20  # version 2.0 on host 0 (MS-DOS / Windows): what Windows' zipfldr writes
UNIX_MADE_BY = (3 << 8) | 20  # host 3 (Unix): the only host whose external attributes carry a mode
ATTR_ARCHIVE, ATTR_DIRECTORY = 0x20, 0x10  # MS-DOS attribute bits


def dos_datetime(t):
    y, mo, d, h, mi, s = t
    return (h << 11) | (mi << 5) | (s // 2), ((y - 1980) << 9) | (mo << 5) | d


def deflate(data):
    c = zlib.compressobj(6, zlib.DEFLATED, -15)  # raw deflate: ZIP stores no zlib header
    return c.compress(data) + c.flush()


def entry(name, data=b"", *, encoding="gbk", when=(2025, 12, 20, 9, 0, 0), method=8, flags=0,
          made_by=MSDOS_MADE_BY, attr=ATTR_ARCHIVE, packed=None, crc=None, size=None):
    """One entry. `packed`, `crc`, `size` let a caller hand over data it compressed itself (the
    bomb, the encrypted one); otherwise `data` is deflated (method 8) or stored (method 0)."""
    raw = name.encode(encoding)
    if encoding == "utf-8" and not name.isascii():
        flags |= UTF8_FLAG  # the standard way; the certificates' GBK names never get it
    if packed is None:
        packed = deflate(data) if method == 8 else data
        crc, size = zlib.crc32(data), len(data)
    return {"name": raw, "packed": packed, "crc": crc, "size": size, "method": method,
            "flags": flags, "made_by": made_by, "attr": attr, "when": dos_datetime(when)}


def zip_bytes(entries):
    out, central = bytearray(), bytearray()
    for e in entries:
        offset = len(out)
        needed = 20 if e["method"] == 8 or e["flags"] & ENCRYPTED_FLAG else 10
        t, d = e["when"]
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, needed, e["flags"], e["method"], t, d,
                           e["crc"], len(e["packed"]), e["size"], len(e["name"]), 0)
        out += e["name"] + e["packed"]
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, e["made_by"], needed, e["flags"],
                               e["method"], t, d, e["crc"], len(e["packed"]), e["size"],
                               len(e["name"]), 0, 0, 0, 0, e["attr"], offset)
        central += e["name"]
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(out), 0)
    return bytes(out + central + end)


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


# ---------------------------------------------------------------------------------------------
# The certificates archive
# ---------------------------------------------------------------------------------------------
def scan_time(r):
    """When the secretary scanned it: some day after the course ended, in office hours. Fixed by
    the seed, so the bytes are the same each run."""
    after = r.get("end") or r.get("start") or dt.date(2025, 6, 1)
    day = min(after + dt.timedelta(days=rng.randint(1, 40)), dt.date(2025, 12, 30))
    return (day.year, day.month, day.day, rng.randint(8, 17), rng.randint(0, 59), 2 * rng.randint(0, 29))


def plan_files(rows, planted):
    """Every file to write, as a dict: folder, stem, format, kind, row (None for an extra),
    candidates (doubtful), style or why, and make() for its bytes (drawn only when written)."""
    cert_rows = [r for r in rows if r["word"] != PLATFORM]
    missing = pick_missing(cert_rows, planted)
    doubtful = pick_doubtful(cert_rows, missing)
    taken = {id(d[3]) for d in doubtful} | {id(r) for r in missing}
    files = []
    for kind, stem, keys, r, two in doubtful:
        fmt = weighted(HABITS[r["dept"]][1])
        files.append({"folder": r["dept"], "stem": stem, "format": fmt, "kind": "doubtful", "row": r,
                      "candidates": sorted(x["row"] for x in two), "style": kind,
                      "why": doubtful_why(kind, r, keys), "make": lambda r=r, fmt=fmt: certificate_file(r, fmt)})
    for r in cert_rows:
        if id(r) in taken:
            continue
        style, (stem, _) = unique_name_for(r, cert_rows)
        fmt = weighted(HABITS[r["dept"]][1])
        files.append({"folder": r["dept"], "stem": stem, "format": fmt, "kind": "matched", "row": r,
                      "style": style, "make": lambda r=r, fmt=fmt: certificate_file(r, fmt)})
    for dept, stem, keys, why, what in pick_extras(cert_rows, {r["name"] for r in rows}):
        fmt = {"thumbs": "db", "empty_txt": "txt"}.get(what["kind"]) or weighted(HABITS[dept][1])
        files.append({"folder": dept, "stem": stem, "format": fmt, "kind": "extra", "row": None,
                      "why": why, "make": lambda what=what, fmt=fmt: extra_file(what, fmt)})
    return cert_rows, missing, files


def doubtful_why(kind, r, keys):
    return {"name_only": f"the name only, and {r['name']} has two declarations needing a certificate",
            "shared_evidence": f"{r['name']} has two declarations whose 证明材料 is {keys.get('evidence')}",
            "shared_word": f"{r['name']} has two declarations whose 项目名称 contains {keys.get('text')}",
            "windows_copy": f"saved twice under one name (Windows added the copy's suffix); "
                            f"{r['name']} has two declarations whose 证明材料 is {keys.get('evidence')}",
            }[kind]


def gbk_sort_key(path):
    """Explorer lists a folder by pinyin; GBK byte order is close to it for common characters."""
    return path.encode("gbk")


def build_certificates(rows, block_order, planted):
    cert_rows, missing, files = plan_files(rows, planted)
    for f in files:
        f["path"] = f"{f['folder']}/{f['stem']}.{f['format']}"
    assert len({f["path"] for f in files}) == len(files), "two files under one name"
    files.sort(key=lambda f: (block_order.index(f["folder"]), gbk_sort_key(f["path"])))
    entries, folders = [], []
    for f in files:
        if f["folder"] not in folders:  # Explorer writes each folder as an entry of its own
            folders.append(f["folder"])
            entries.append(entry(f["folder"] + "/", method=0, attr=ATTR_DIRECTORY))
        f["data"] = f["make"]()
        entries.append(entry(f["path"], f["data"], when=scan_time(f["row"] or {})))
    write(os.path.join(MESSY, ZIP_NAME), zip_bytes(entries))
    return cert_rows, missing, files, [d + "/" for d in folders]


# ---------------------------------------------------------------------------------------------
# certificates.json
# ---------------------------------------------------------------------------------------------
MATCHING_RULE = (
    "A declaration row fits a file name when (a) its 姓名 occurs anywhere in the file's name "
    "(so a name hidden in a longer name or in a title counts), or, for names made of the last four "
    "characters of an ID number and a date, its 身份证号码 cell (normalised) ends with those four; "
    "and (b) every other part of the name agrees: a date (yyyymmdd or y.m.d) equals 起始日期, a "
    "title or title word occurs in 项目名称, a proof word equals 证明材料. Suffixes ' (1)' and "
    "' - 副本' are Windows' copy names and say nothing. Only rows whose 学习形式 is not "
    "继续教育平台 are candidates. matched: fits exactly its own row. doubtful: fits two rows of one "
    "person (candidates); row is the one it was drawn for (the image shows that row's title and "
    "date). extra: fits no row. The folder is the department but is not needed to match.")


def entry_json(f):
    e = {"path": f["path"], "kind": f["kind"], "row": f["row"]["row"] if f["row"] else None}
    if f["kind"] == "doubtful":
        e["candidates"] = f["candidates"]
    e["format"] = f["format"].lower().replace("jpeg", "jpg")
    e["bytes"] = len(f["data"])
    e["style"] = f.get("style")
    if "why" in f:
        e["why"] = f["why"]
    return {k: v for k, v in e.items() if v is not None or k == "row"}


def evidence_column_note(files):
    """The 证明材料 cells hold the kind of proof (培训证书, 论文首页 …), never a file name, and the
    committed workbook is not rewritten to change that. What the column can do: together with
    姓名 it names the matched files of the name_evidence style ('王芳 论文首页.png')."""
    by_cell = [{"path": f["path"], "row": f["row"]["row"]} for f in files
               if f["kind"] == "matched" and f["row"]["evidence"] in f["stem"]]
    return {"cells_naming_a_file_exactly": 0,
            "cells_hold_a_kind_of_proof": sorted(ISSUERS) + ["论文首页", "期刊封面、目录、正文"],
            "files_matched_by_name_and_evidence_cell": by_cell,
            "count": len(by_cell)}


def write_manifest(cert_rows, missing, files, folders, platform_rows):
    kinds = Counter(f["kind"] for f in files)
    manifest = {
        "generator": "tests/corpus/make_certificates.py", "seed": SEED,
        "declarations": {"file": "学时申报.xlsx", "rows": len(cert_rows) + platform_rows,
                         "platform_rows_needing_no_certificate": platform_rows,
                         "rows_needing_a_certificate": len(cert_rows)},
        "archive": {"file": ZIP_NAME, "bytes": os.path.getsize(os.path.join(MESSY, ZIP_NAME)),
                    "name_encoding": "GBK (code page 936), as Chinese Windows writes it",
                    "utf8_flag_bit_11": False, "version_made_by": "2.0 on MS-DOS/Windows (host 0)",
                    "compression": "deflate (method 8) for files; folder entries stored, empty",
                    "folder_entries": folders,
                    "entries_including_folders": len(files) + len(folders)},
        "matching_rule": MATCHING_RULE,
        "counts": {"files": len(files), "matched": kinds["matched"], "doubtful": kinds["doubtful"],
                   "extra": kinds["extra"], "missing": len(missing),
                   "rows_with_a_certificate": len({f["row"]["row"] for f in files if f["row"]}),
                   "doubtful_by_reason": dict(Counter(f["style"] for f in files if f["kind"] == "doubtful")),
                   "formats": dict(Counter(entry_json(f)["format"] for f in files)),
                   "styles_of_matched": dict(Counter(f["style"] for f in files if f["kind"] == "matched"))},
        "missing": [r["row"] for r in missing],
        "evidence_column": evidence_column_note(files),
        "entries": [entry_json(f) for f in files],
    }
    with open(os.path.join(MESSY, MANIFEST_NAME), "w", encoding="utf-8", newline="\n") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
        f.write("\n")
    return manifest


# ---------------------------------------------------------------------------------------------
# Hostile archives
# ---------------------------------------------------------------------------------------------
# The hostile archives look made on Linux (Info-ZIP, Python): UTF-8 names with the flag set,
# host Unix, a regular file's mode in the external attributes. Only the attack is unusual.
LINUX = {"encoding": "utf-8", "made_by": UNIX_MADE_BY, "attr": 0o100644 << 16}


def small_jpeg(colour=(200, 200, 200)):
    return jpeg_bytes(Image.new("RGB", (64, 48), colour))


def bomb_entry(name, size=1 << 30, chunk=1 << 20):
    """1 GiB of zeros, deflated a megabyte at a time: never held in memory. Deflate cannot beat
    1032:1 (a 258-byte match costs at least two bits), so 1 GiB packs into about 1 MB."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros, parts, crc = bytes(chunk), [], 0
    for _ in range(size // chunk):
        parts.append(c.compress(zeros))
        crc = zlib.crc32(zeros, crc)
    parts.append(c.flush())
    return entry(name, packed=b"".join(parts), crc=crc, size=size, **LINUX)


def zipcrypto_entry(name, data, password=b"1234"):
    """Traditional PKWARE encryption (APPNOTE 6.1), so the flag is backed by real ciphertext
    (zipfile can open it with the password)."""
    table = []  # the bare CRC-32 register step (zlib.crc32 adds the pre- and post-inversion)
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
        table.append(c)
    keys = [0x12345678, 0x23456789, 0x34567890]

    def update(b):
        keys[0] = (keys[0] >> 8) ^ table[(keys[0] ^ b) & 0xFF]
        keys[1] = ((keys[1] + (keys[0] & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        keys[2] = (keys[2] >> 8) ^ table[(keys[2] ^ (keys[1] >> 24)) & 0xFF]

    for b in password:
        update(b)
    crc = zlib.crc32(data)
    plain = bytes(rng.randrange(256) for _ in range(11)) + bytes([crc >> 24]) + deflate(data)
    out = bytearray()
    for b in plain:
        k = keys[2] | 2
        out.append(b ^ (((k * (k ^ 1)) >> 8) & 0xFF))
        update(b)
    return entry(name, flags=ENCRYPTED_FLAG, packed=bytes(out), crc=crc, size=len(data), **LINUX)


# A DOS/PE stub: what every Windows .exe starts with.
EXE = (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8" + bytes(43) + struct.pack("<I", 0x80)
       + b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21"
       + b"This program cannot be run in DOS mode.\r\r\n$")
EXE = EXE + bytes(0x80 - len(EXE)) + b"PE\x00\x00" + bytes(20)
HTML = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>培训证书</title></head>'
        '<body><script>alert(document.cookie)</script></body></html>\n').encode()
SHELL = b"#!/bin/sh\n# harmless marker: if this runs, an unpacker executed a certificate\n" \
        b"echo ce-ledger > /tmp/ce-ledger-certificate-ran\n"


def hostile_archives():
    """name -> list of entries (or, for the truncated one, bytes)."""
    u = LINUX  # every entry but the symlink, which sets its own mode
    valid = zip_bytes([entry("内科/张伟_培训证书.jpg", small_jpeg(), **u),
                       entry("外科/李娜-20250305.jpg", small_jpeg((180, 200, 220)), **u)])
    return {
        "zip-bomb.zip": [bomb_entry("内科/张伟_培训.jpg")],
        "dotdot.zip": [entry("../../evil.jpg", small_jpeg(), **u),
                       entry("内科/../../../etc/x.jpg", small_jpeg(), **u)],
        "absolute.zip": [entry("/tmp/evil.jpg", small_jpeg(), **u),
                         entry("C:\\evil.jpg", small_jpeg(), **u),
                         entry("C:/evil.jpg", small_jpeg(), **u)],
        "symlink.zip": [entry("内科/张伟.jpg", b"/etc/passwd", method=0, encoding="utf-8",
                              made_by=UNIX_MADE_BY, attr=0o120777 << 16)],  # S_IFLNK | 0777
        "not-an-image.zip": [entry("内科/张伟_培训.jpg", EXE, **u), entry("外科/李娜.pdf", HTML, **u),
                             entry("儿科/王芳.png", SHELL, **u)],
        "encrypted.zip": [zipcrypto_entry("内科/张伟_培训证书.jpg", small_jpeg())],
        "duplicate-names.zip": [entry("内科/张伟_培训证书.jpg", small_jpeg((230, 60, 60)), **u),
                                entry("内科/张伟_培训证书.jpg", small_jpeg((60, 60, 230)), **u)],
        "truncated.zip": valid[:len(valid) // 2],
    }


def write_hostile():
    os.makedirs(HOSTILE, exist_ok=True)
    for name, content in hostile_archives().items():
        write(os.path.join(HOSTILE, name), content if isinstance(content, bytes) else zip_bytes(content))


# ---------------------------------------------------------------------------------------------
# Reading it all back
# ---------------------------------------------------------------------------------------------
def raw_flags(data, info):
    """The flags of the local header (zipfile reports only the central directory's)."""
    assert data[info.header_offset:info.header_offset + 4] == b"PK\x03\x04"
    return struct.unpack_from("<H", data, info.header_offset + 6)[0]


def check_format(path, fmt, data):
    if fmt == "pdf":
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), path
        data = data[data.index(b"\xff\xd8"):data.rindex(b"\xff\xd9") + 2]  # the page's JPEG
        fmt = "jpg"
    if fmt in ("jpg", "png"):
        img = Image.open(io.BytesIO(data))
        assert img.format == {"jpg": "JPEG", "png": "PNG"}[fmt], path
        img.load()


def check_certificates(m, rows):
    path = os.path.join(MESSY, ZIP_NAME)
    with open(path, "rb") as f:
        data = f.read()
    entries = m["entries"]
    with zipfile.ZipFile(path, metadata_encoding="gbk") as z:
        infos = z.infolist()
        files = [i for i in infos if not i.is_dir()]
        assert [i.filename for i in files] == [e["path"] for e in entries]
        assert [i.filename for i in infos if i.is_dir()] == m["archive"]["folder_entries"]
        for i in infos:  # bit 11 clear in both the central directory and the local header
            assert not i.flag_bits & UTF8_FLAG and not raw_flags(data, i) & UTF8_FLAG, i.filename
            assert i.create_system == 0
        assert z.testzip() is None
        for e in entries:
            got = z.read(e["path"])
            assert len(got) == e["bytes"]
            check_format(e["path"], e["format"], got)
    with zipfile.ZipFile(path) as z:  # not told the encoding, no flag: read as cp437, mojibake
        names = [i.filename for i in z.infolist() if not i.is_dir()]
        assert all(n != e["path"] for n, e in zip(names, entries))
    cert = {r["row"] for r in rows if r["word"] != PLATFORM}
    owned = Counter(e["row"] for e in entries if e["row"] is not None)
    assert set(owned) | set(m["missing"]) == cert and not set(owned) & set(m["missing"])
    assert all(n == 1 for n in owned.values())  # one file per row that has one
    for e in entries:
        if e["kind"] == "doubtful":
            assert e["row"] in e["candidates"] and len(e["candidates"]) == 2
        assert (e["row"] is None) == (e["kind"] == "extra")


def check_hostile():
    def open_(name, **kw):
        return zipfile.ZipFile(os.path.join(HOSTILE, name), **kw)

    with open_("zip-bomb.zip") as z:
        (i,) = z.infolist()
        assert i.file_size >= 1 << 30 and i.compress_size < 2 << 20
        n = 0
        with z.open(i) as s:  # inflates all of it a megabyte at a time; zipfile checks the CRC
            while chunk := s.read(1 << 20):
                n += len(chunk)
        assert n == 1 << 30
    with open_("dotdot.zip") as z:
        assert z.namelist() == ["../../evil.jpg", "内科/../../../etc/x.jpg"]
    with open_("absolute.zip") as z:
        assert z.namelist() == ["/tmp/evil.jpg", "C:\\evil.jpg", "C:/evil.jpg"]
    with open_("symlink.zip") as z:
        (i,) = z.infolist()
        assert i.create_system == 3 and i.external_attr >> 16 == 0o120777 and z.read(i) == b"/etc/passwd"
    with open_("not-an-image.zip") as z:
        assert z.read("内科/张伟_培训.jpg").startswith(b"MZ") and z.read("外科/李娜.pdf").startswith(b"<!DOCTYPE")
    with open_("encrypted.zip") as z:
        (i,) = z.infolist()
        assert i.flag_bits & ENCRYPTED_FLAG
        Image.open(io.BytesIO(z.read(i, pwd=b"1234"))).load()
    with open_("duplicate-names.zip") as z:
        a, b = z.infolist()
        assert a.filename == b.filename and z.open(a).read() != z.open(b).read()
    try:
        open_("truncated.zip").testzip()
        raise AssertionError("truncated.zip opened")
    except zipfile.BadZipFile:
        pass


# ---------------------------------------------------------------------------------------------
def main():
    messy = load_messy_manifest()
    roster = read_roster(messy)
    rows = read_declarations(messy, roster)
    platform_rows = sum(r["word"] == PLATFORM for r in rows)
    d = messy["declarations"]
    planted = {e["row"] for e in d["planted_errors"]}
    cert_rows, missing, files, folders = build_certificates(rows, d["department_block_order"], planted)
    manifest = write_manifest(cert_rows, missing, files, folders, platform_rows)
    write_hostile()
    check_certificates(manifest, rows)
    check_hostile()
    print("wrote and checked", os.path.join(MESSY, ZIP_NAME), manifest["counts"], "and", HOSTILE)


if __name__ == "__main__":
    main()
