#!/usr/bin/env python3
"""Writes tests/corpus/messy/: a hospital's 500-person staff roster and its departments' 2025 hour
declarations, pasted together, written the way clerks write them in Excel/WPS: title rows,
footers (合计, 制表人, 注), their own words for categories, hours as 「2天」「12学时」「6h」, dates in
five spellings. A few real errors only a department can answer are planted; manifest.json lists
them and every count a test may assert.

The files are committed and CI does not run this. Regenerate with `python3 make_messy.py`
(standard library + openpyxl). A fixed seed and fixed ZIP timestamps give the same bytes each run.
After writing, the script reads both workbooks back and checks them against the manifest."""

import datetime as dt
import json
import os
import random
import re
import zipfile
from collections import Counter, defaultdict

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "messy")
SEED = 20250418  # the notice's date; any fixed number would do
YEAR = 2025
rng = random.Random(SEED)  # the one source of chance: call order is fixed, so output is too

# ---------------------------------------------------------------------------------------------
# Resident ID numbers (GB 11643: 17 digits + ISO 7064 MOD 11-2 check character)
# ---------------------------------------------------------------------------------------------
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK_CHARS = "10X98765432"
# Zaozhuang's districts, weighted roughly by where a city hospital's staff come from.
AREAS = {"370402": 30, "370403": 15, "370404": 10, "370405": 8, "370406": 7, "370481": 30}
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def check_char(first17):
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def make_id(area, birth, seq):
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + check_char(body)


def normalise_id(raw):
    """What the program does before validating (idcard::normalize_input), so the check below
    judges the files as the program will."""
    s = "".join(c for c in str(raw) if not c.isspace() and c != "\u3000")
    s = s.translate(str.maketrans("０１２３４５６７８９ｘＸx", "0123456789XXX"))
    return s


def id_is_valid(raw):
    s = normalise_id(raw)
    if not re.fullmatch(r"\d{17}[\dX]", s):
        return False
    try:
        dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return False
    return check_char(s[:17]) == s[17]


# ---------------------------------------------------------------------------------------------
# The hospital's people
# ---------------------------------------------------------------------------------------------
HOSPITAL = "XX市人民医院"
# Department sizes; they add up to 500.
DEPTS = {"内科": 70, "外科": 60, "儿科": 35, "妇产科": 40, "急诊科": 35, "放射科": 30,
         "检验科": 30, "药剂科": 30, "护理部": 90, "麻醉科": 25, "口腔科": 20, "康复医学科": 35}
DISCIPLINE = {"内科": "内科学", "外科": "外科学", "儿科": "儿科学", "妇产科": "妇产科学",
              "急诊科": "急诊医学", "放射科": "医学影像学", "检验科": "检验医学", "药剂科": "医院药学",
              "护理部": "护理学", "麻醉科": "麻醉学", "口腔科": "口腔医学", "康复医学科": "康复医学"}
TITLE_LADDERS = {
    "医": ["医师", "医师", "主治医师", "副主任医师", "主任医师"],
    "护": ["护士", "护师", "主管护师", "副主任护师", "主任护师"],
    "药": ["药士", "药师", "主管药师", "副主任药师", "主任药师"],
    "技": ["技士", "技师", "主管技师", "副主任技师", "主任技师"],
}
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
            "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
            "龚邵万钱严武戴孔褚颜")
MALE_CHARS = "伟强磊军洋勇杰涛斌超明刚平辉鹏华飞鑫波宁浩凯健俊帆帅旭宇晨阳龙文博立志建国庆东海峰振兴"
FEMALE_CHARS = "芳娜敏静丽艳娟霞燕玲婷雪琳颖倩慧莹晶丹洁琴萍红梅兰月欣悦瑶雅薇佳蕾露秀英琦璐"
# The clerks who sign the footers; kept out of the roster so a name means one person.
CLERKS = {"roster_maker": "李娜", "roster_checker": "王强",
          "decl_maker": "赵静", "decl_checker": "孙伟"}
REMARKS = ["中共党员", "合同制", "人事代理", "院聘"]


def random_birth():
    first, last = dt.date(1965, 1, 1), dt.date(2000, 12, 31)
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def unique_id(birth, taken):
    while True:
        area = rng.choices(list(AREAS), weights=list(AREAS.values()))[0]
        i = make_id(area, birth, rng.randrange(1, 1000))
        if i not in taken:
            taken.add(i)
            return i


def unique_name(male, taken):
    chars = MALE_CHARS if male else FEMALE_CHARS
    while True:
        given = "".join(rng.choice(chars) for _ in range(rng.choices([1, 2], [25, 75])[0]))
        name = rng.choice(SURNAMES) + given
        if name not in taken:
            taken.add(name)
            return name


def ladder_for(dept):
    if dept == "护理部":
        return "护"
    if dept == "药剂科":
        return "药"
    if dept == "检验科":
        return "技"
    if dept in ("放射科", "康复医学科"):  # doctors and technicians side by side
        return rng.choice(["医", "技"])
    return "医"


def title_for(dept, birth):
    """Seniority follows age, with a step of chance either way."""
    age = YEAR - birth.year
    level = 0 if age < 28 else 1 if age < 35 else 2 if age < 45 else 3 if age < 53 else 4
    level = max(0, min(4, level + rng.choice([-1, 0, 0, 0, 1])))
    return TITLE_LADDERS[ladder_for(dept)][level]


def random_mobile(taken):
    while True:
        m = rng.choice(["13", "15", "18"]) + f"{rng.randrange(10**9):09d}"
        if m not in taken:
            taken.add(m)
            return m


def new_person(dept, ids, names, mobiles):
    birth = random_birth()
    id_number = unique_id(birth, ids)
    male = int(id_number[16]) % 2 == 1
    mobile = None if rng.random() < 0.08 else random_mobile(mobiles)
    return {
        "name": unique_name(male, names), "id": id_number, "gender": "男" if male else "女",
        "dept": dept, "series": "卫生系列" if rng.random() < 0.95 else "卫生",
        "title": title_for(dept, birth), "mobile": mobile,
        # Most clerks leave phone numbers as numbers; some columns were set to text first.
        "mobile_as_text": mobile is not None and rng.random() < 0.2,
        "remark": rng.choice(REMARKS) if rng.random() < 0.12 else None,
        "id_text": id_number,
    }


def make_people():
    ids, mobiles = set(), set()
    names = set(CLERKS.values())
    people = []
    for dept, n in DEPTS.items():  # HR keeps its roster grouped by department
        people += [new_person(dept, ids, names, mobiles) for _ in range(n)]
    return people, ids, names, mobiles


def spell_ids_like_people(people):
    """A few IDs typed the way people type them; the program already normalises all of these."""
    with_x = [p for p in people if p["id"].endswith("X")]
    others = [p for p in people if not p["id"].endswith("X")]
    lower = rng.sample(with_x, 15)
    odd = rng.sample(others, 6)
    for p in lower:
        p["id_text"] = p["id"][:17] + "x"
    for p in odd[:3]:  # spaces between area, birth date and sequence
        p["id_text"] = f"{p['id'][:6]} {p['id'][6:14]} {p['id'][14:]}"
    for p in odd[3:]:  # typed with a Chinese input method left in full-width mode
        p["id_text"] = p["id"].translate(FULL_WIDTH)
    return {"lowercase_x": lower, "spaces_inside": odd[:3], "full_width": odd[3:]}


# ---------------------------------------------------------------------------------------------
# The roster workbook
# ---------------------------------------------------------------------------------------------
ROSTER_FILE = "人员名册.xlsx"
ROSTER_TITLE = f"{HOSPITAL}{YEAR}年专业技术人员名册"
ROSTER_HEADER = ["序号", "姓名", "性别", "身份证号码", "科室", "职称系列", "专业技术职务", "联系电话", "备注"]
ROSTER_WIDTHS = [6, 10, 6, 22, 12, 10, 14, 14, 10]


def title_row(ws, text, ncols):
    ws.append([text])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=ncols)
    cell = ws.cell(ws.max_row, 1)
    cell.font = Font(bold=True, size=16)
    cell.alignment = Alignment(horizontal="center")


def header_row(ws, header, widths):
    ws.append(header)
    for i, w in enumerate(widths, start=1):
        ws.cell(ws.max_row, i).font = Font(bold=True)
        ws.column_dimensions[chr(64 + i)].width = w
    ws.freeze_panes = f"A{ws.max_row + 1}"  # a coordinate, not ws.cell(): that would add a row


def text_cell(ws, row, col, value):
    """A cell formatted as text (@), which is how a careful clerk keeps an 18-digit ID whole."""
    c = ws.cell(row, col, value)
    c.number_format = "@"
    return c


def roster_row(ws, n, p):
    ws.append([n, p["name"], p["gender"], None, p["dept"], p["series"], p["title"], None, p["remark"]])
    r = ws.max_row
    text_cell(ws, r, 4, p["id_text"])
    if p["mobile"] is None:
        return
    if p["mobile_as_text"]:
        text_cell(ws, r, 8, p["mobile"])
    else:
        ws.cell(r, 8, int(p["mobile"]))


def write_roster(people, variants):
    wb = Workbook()
    ws = wb.active
    ws.title = "名册"
    title_row(ws, ROSTER_TITLE, len(ROSTER_HEADER))
    ws.append([])  # the blank row clerks leave under a title
    header_row(ws, ROSTER_HEADER, ROSTER_WIDTHS)
    header_at = ws.max_row
    for n, p in enumerate(people, start=1):
        roster_row(ws, n, p)
        p["roster_row"] = ws.max_row
    footers = [f"合计：{len(people)}人", None,
               f"制表人：{CLERKS['roster_maker']}    审核人：{CLERKS['roster_checker']}",
               "注：本表由人事科填报"]
    footer_rows = []
    for text in footers:
        ws.append([text])
        if text:
            footer_rows.append({"row": ws.max_row, "column": "A", "text": text})
    save(wb, ROSTER_FILE)
    return roster_manifest(people, variants, ws.title, header_at, footer_rows)


def roster_manifest(people, variants, sheet, header_at, footer_rows):
    return {
        "file": ROSTER_FILE, "sheet": sheet,
        "title_row": 1, "title": ROSTER_TITLE, "blank_rows": [2, header_at + len(people) + 2],
        "header_row": header_at, "header": ROSTER_HEADER,
        "columns_the_program_does_not_need": ["序号", "性别", "备注"],
        "data_rows": {"first": header_at + 1, "last": header_at + len(people)},
        "data_row_count": len(people),
        "footer_rows": footer_rows,
        "department_counts": dict(Counter(p["dept"] for p in people)),
        "gender_counts": dict(Counter(p["gender"] for p in people)),
        "title_series_counts": dict(Counter(p["series"] for p in people)),
        "mobile": {"blank": sum(p["mobile"] is None for p in people),
                   "number_cell": sum(p["mobile"] is not None and not p["mobile_as_text"] for p in people),
                   "text_cell": sum(p["mobile_as_text"] for p in people)},
        "id_cells": "text (@) cells; every ID valid after the program's normalisation",
        "id_variants": {k: sorted(p["roster_row"] for p in v) for k, v in variants.items()},
    }


# ---------------------------------------------------------------------------------------------
# Declarations: which rows exist
# ---------------------------------------------------------------------------------------------
# 学习形式 as the secretaries wrote it -> (kind of activity, rows). The brief's 1,500 less five:
# 培训 lost three (ten of them are written in the program's own word 培训进修), 学术会议 one, 论文 one.
CATEGORY_ROWS = {"培训": ("train", 590), "培训进修": ("train", 10), "继续教育平台": ("platform", 368),
                 "学术会议": ("meeting", 295), "学历教育": ("degree", 126), "论文": ("paper", 106)}
TOTAL_ROWS = sum(n for _, n in CATEGORY_ROWS.values())  # 1,495
# Rows of people not on the roster (their categories come out of the counts above).
UNKNOWN_ROWS = [("addable", "培训"), ("addable", "学术会议"), ("no_id", "培训")]
# How many of each a person may have: the notice's caps (学历教育 40 h a year, 论文 30 h = 3).
PER_PERSON_LIMIT = {"学历教育": 1, "论文": 2}


def rows_per_person(n_people, n_rows):
    """Everyone declared something; on average three rows, some people many more."""
    counts = [1] * n_people
    while sum(counts) < n_rows:
        i = rng.randrange(n_people)
        if counts[i] < 7:
            counts[i] += 1
    return counts


def category_words_for_roster():
    words = Counter({w: n for w, (_, n) in CATEGORY_ROWS.items()})
    for _, w in UNKNOWN_ROWS:
        words[w] -= 1
    return words


def assign_categories(people):
    """Hands each person's rows a category; the capped ones first, so no one passes a cap."""
    words = category_words_for_roster()
    counts = rows_per_person(len(people), sum(words.values()))
    free = dict(zip(range(len(people)), counts))
    taken = defaultdict(Counter)
    pairs = []
    for word, limit in PER_PERSON_LIMIT.items():
        for _ in range(words.pop(word)):
            i = rng.choice([i for i in free if free[i] and taken[i][word] < limit])
            free[i] -= 1
            taken[i][word] += 1
            pairs.append((i, word))
    rest = [w for w, n in sorted(words.items()) for _ in range(n)]
    slots = [i for i in sorted(free) for _ in range(free[i])]
    rng.shuffle(rest)
    pairs += zip(slots, rest)
    return pairs


# ---------------------------------------------------------------------------------------------
# Declarations: how hours are written
# ---------------------------------------------------------------------------------------------
DAY_FORMS = {"1天": 60, "2天": 45, "半天": 30}  # only on 培训/学术会议 rows
OTHER_FORMS = {"N学时": 139, "N小时": 12, "Nh": 8}  # on any row but 论文
PLAIN_AS_TEXT = 40  # plain numbers in a column formatted as text: 合计 skips them, as SUM does


def assign_hours_forms(rows):
    """Picks which rows carry which spelling of hours; the rest are plain numbers."""
    for r in rows:
        r["form"] = "blank" if r["kind"] == "paper" else "plain"  # 论文: the rule fixes 10
    days_ok = [r for r in rows if r["kind"] in ("train", "meeting")]
    for form, n in DAY_FORMS.items():
        for r in rng.sample([r for r in days_ok if r["form"] == "plain"], n):
            r["form"] = form
    for form, n in OTHER_FORMS.items():
        for r in rng.sample([r for r in rows if r["form"] == "plain"], n):
            r["form"] = form
    for r in rng.sample([r for r in rows if r["form"] == "plain"], PLAIN_AS_TEXT):
        r["plain_as_text"] = True


def hours_cell(r):
    h, form = r["hours"], r["form"]
    if form == "blank":
        return None
    if form in DAY_FORMS:
        return form
    if form == "plain":
        return str(h) if r.get("plain_as_text") else h
    return {"N学时": f"{h}学时", "N小时": f"{h}小时", "Nh": f"{h}h"}[form]


def hours_as_read(r):
    """The hours the program should read from the cell (DOMAIN.md: N天 = 8N, 半天 = 4,
    blank 论文 = 10). Before caps; the planted errors are counted too."""
    return {"1天": 8, "2天": 16, "半天": 4}.get(r["form"], 10 if r["form"] == "blank" else r["hours"])


# ---------------------------------------------------------------------------------------------
# Declarations: dates, hours, titles and evidence of each row
# ---------------------------------------------------------------------------------------------
HOUR_CHOICES = [2, 3, 4, 6, 8, 10, 12, 14, 16, 18, 20, 24, 30, 32]
DEGREE_HOURS = [8, 10, 12, 16, 20, 24, 30, 40]
PUBLIC_TOPICS = ["习近平新时代中国特色社会主义思想", "深入贯彻中央八项规定精神学习教育",
                 "黄河流域生态保护和高质量发展", "专业技术人员职业道德和能力建设", "数字技术", "知识产权",
                 "网络安全", "医疗健康", "人才国际化", "DeepSeek", "枣庄市继续教育特色课程"]
PRO_COURSES = ["{d}临床新进展", "{d}诊疗规范解读", "医疗质量安全核心制度", "临床合理用药", "医院感染防控"]
TRAININGS = ["{d}适宜技术培训班", "心肺复苏技能培训", "院感防控知识培训", "医疗纠纷防范与处理培训",
             "{d}规范化诊疗进修", "{d}新技术新业务培训班", "急危重症救治能力培训"]
MEETINGS = ["山东省医学会{s}学术年会", "枣庄市{s}质量控制中心年会", "鲁南{s}高峰论坛", "{s}学术交流会"]
DEGREES = ["{s}在职研究生课程学习", "{s}专业本科（成人高等教育）", "自学考试{s}本科"]
PAPER_TOPICS = ["老年患者", "儿童患者", "围手术期患者", "基层医院", "慢性病患者", "危重症患者"]
PAPER_WORK = ["综合干预效果分析", "临床特点及处理", "护理质量改进实践", "合理用药调查",
              "早期识别与评估", "多学科协作诊疗体会"]
JOURNALS = ["中国实用医药", "临床医学研究与实践", "中国社区医师", "齐鲁护理杂志", "山东医药"]


def day_of(n):
    return dt.date(YEAR, 1, 1) + dt.timedelta(days=n)


def free_run(pool, days, first=0, last=364):
    """A run of `days` consecutive dates none of which the person already trains on: each day
    then holds at most 8 hours, so the 8-hour day pool never cuts a clean row."""
    for _ in range(1000):
        start = rng.randint(first, last - days + 1)
        run = [day_of(start + k) for k in range(days)]
        if not pool & set(run):
            pool.update(run)
            return run[0], run[-1]
    raise RuntimeError("no free days left")


def fill_training(r, pool):
    form = r["form"]
    days = {"1天": 1, "半天": 1, "2天": 2}.get(form)
    if days is None:
        days = rng.choices([1, 2, 3, 4], [45, 30, 17, 8])[0] if r["kind"] == "train" else \
            rng.choices([1, 2, 3], [40, 40, 20])[0]
    hours = {"1天": 8, "2天": 16, "半天": 4}.get(form) or \
        rng.choice([h for h in HOUR_CHOICES if h <= 8 * days])  # rule 1: at most 8 a day
    r["start"], r["end"] = free_run(pool, days, first=5, last=358)
    r["hours"] = hours
    d, s = r["dept"], DISCIPLINE[r["dept"]]
    if r["kind"] == "train":
        r["title"] = rng.choice(TRAININGS).format(d=d)
        r["evidence"] = rng.choices(["培训证书", "结业证书"], [85, 15])[0]
    else:
        r["title"] = rng.choice(MEETINGS).format(s=s)
        r["evidence"] = rng.choices(["会议证书", "参会证明"], [80, 20])[0]


def fill_platform(r, taken_titles):
    """The platform prints the subject in the course name; the clerk copied the name only."""
    while True:
        if rng.random() < 0.7:
            title = "公需科目：" + rng.choice(PUBLIC_TOPICS)
        else:
            title = "专业科目：" + rng.choice(PRO_COURSES).format(d=r["dept"])
        if title not in taken_titles:
            taken_titles.add(title)
            break
    r["title"] = title
    day = day_of(rng.randint(59, 364))  # the platform's year opens in March
    r["start"] = r["end"] = day
    r["hours"] = rng.randint(1, 12)
    r["evidence"] = None


def fill_degree(r):
    spring = rng.random() < 0.5
    start = dt.date(YEAR, 3, 1) if spring else dt.date(YEAR, 9, 1)
    end = dt.date(YEAR, 7, rng.randint(5, 15)) if spring else dt.date(YEAR, 12, rng.randint(20, 31))
    r["start"], r["end"] = start + dt.timedelta(days=rng.randint(0, 6)), end
    r["hours"] = rng.choice(DEGREE_HOURS)  # one 学历教育 row a person: within the 40-hour cap
    r["title"] = rng.choice(DEGREES).format(s=DISCIPLINE[r["dept"]])
    r["evidence"] = rng.choices(["毕业证", "学籍证明", "成绩单"], [50, 30, 20])[0]


def fill_paper(r):
    day = day_of(rng.randint(0, 364))
    r["start"] = r["end"] = day  # the date
    r["hours"] = None
    r["title"] = (f"{rng.choice(PAPER_TOPICS)}{rng.choice(PAPER_WORK)}"
                  f"（《{rng.choice(JOURNALS)}》{YEAR}年第{rng.randint(1, 24)}期）")
    r["evidence"] = rng.choices(["论文首页", "期刊封面、目录、正文"], [70, 30])[0]


def fill_subject(r):
    """科目类别 is mostly left blank; a few secretaries wrote it for professional rows."""
    r["subject"] = None
    if r["kind"] in ("train", "meeting", "degree"):
        x = rng.random()
        r["subject"] = "专业科目" if x < 0.10 else "专业" if x < 0.13 else None


def fill_rows(rows):
    pools = defaultdict(set)  # person -> days already used by training or meetings
    platform_titles = defaultdict(set)
    for r in rows:
        if r["kind"] in ("train", "meeting"):
            fill_training(r, pools[r["who"]])
        elif r["kind"] == "platform":
            fill_platform(r, platform_titles[r["who"]])
        elif r["kind"] == "degree":
            fill_degree(r)
        else:
            fill_paper(r)
        fill_subject(r)


# ---------------------------------------------------------------------------------------------
# Declarations: dates as each secretary writes them
# ---------------------------------------------------------------------------------------------
DATE_STYLES = ["date_cell", "iso", "slash", "dot", "chinese"]
DATE_CELL_FORMATS = ["yyyy/m/d", "yyyy-mm-dd", 'yyyy"年"m"月"d"日"']


def secretaries():
    """Each department's secretary has a habit: a date spelling, and for real date cells a
    display format. The officer pasted their sheets together without retyping."""
    depts = list(DEPTS)
    rng.shuffle(depts)
    return {d: {"style": DATE_STYLES[i % len(DATE_STYLES)],
                "cell_format": rng.choice(DATE_CELL_FORMATS)} for i, d in enumerate(depts)}


def date_text(d, style):
    return {"iso": f"{d:%Y-%m-%d}", "slash": f"{d.year}/{d.month}/{d.day}",
            "dot": f"{d.year}.{d.month}.{d.day}", "chinese": f"{d.year}年{d.month}月{d.day}日"}[style]


def pick_date_style(r, habits):
    habit = habits[r["dept"]]
    r["date_style"] = habit["style"] if rng.random() < 0.85 else rng.choice(DATE_STYLES)
    r["date_format"] = habit["cell_format"]


# ---------------------------------------------------------------------------------------------
# Declarations: people not on the roster, and the rows' order on the sheet
# ---------------------------------------------------------------------------------------------
def unknown_people(ids, names, mobiles):
    """Two people a department knows and HR has not entered yet (name, department and a valid ID:
    the officer can add them), and one written with a name only."""
    out = []
    for n, (case, word) in enumerate(UNKNOWN_ROWS):
        p = new_person(rng.choice(list(DEPTS)), ids, names, mobiles)
        p["case"], p["word"], p["key"] = case, word, f"unknown{n}"
        out.append(p)
    return out


def new_row(who, person, word):
    return {"who": who, "person": person, "word": word, "kind": CATEGORY_ROWS[word][0],
            "dept": person["dept"], "name": person["name"]}


def make_rows(people, unknowns):
    rows = [new_row(i, people[i], w) for i, w in assign_categories(people)]
    for u in unknowns:
        rows.append(new_row(u["key"], u, u["word"]))
    assign_hours_forms(rows)
    fill_rows(rows)
    return rows


def sheet_order(rows, people):
    """Blocks by department in the order the officer pasted them; inside a block, person by
    person in the roster's order, then by date. 序号 restarts in every block, as it was in each
    secretary's sheet."""
    block = list(DEPTS)
    rng.shuffle(block)
    span = defaultdict(list)
    for i, p in enumerate(people):
        span[p["dept"]].append(i)
    for r in rows:  # roster people by roster position; an unknown one somewhere inside its block
        r["order"] = r["who"] if isinstance(r["who"], int) else \
            rng.uniform(span[r["dept"]][5], span[r["dept"]][-5])
    rows.sort(key=lambda r: (block.index(r["dept"]), r["order"], r["start"], r["title"]))
    seq = Counter()
    for r in rows:
        seq[r["dept"]] += 1
        r["seq"] = seq[r["dept"]]
    return block


def spell_declared_ids(rows):
    """Secretaries copy IDs from their own lists: sometimes a lower-case x, a stray space, or
    full-width digits. All of these the program normalises; they are not errors."""
    for r in rows:
        r["id_cell"] = r["person"]["id"]
    roster_rows = [r for r in rows if isinstance(r["who"], int)]
    with_x = [r for r in roster_rows if r["id_cell"].endswith("X")]
    variants = {"lowercase_x": rng.sample(with_x, 12)}
    for r in variants["lowercase_x"]:
        r["id_cell"] = r["id_cell"][:17] + "x"
    plain = [r for r in roster_rows if r["id_cell"] == r["person"]["id"]]
    picked = rng.sample(plain, 8)
    variants["spaces"] = picked[:4]
    variants["full_width"] = picked[4:]
    for r in variants["spaces"]:
        r["id_cell"] = " " + r["id_cell"] if rng.random() < 0.5 else r["id_cell"][:6] + " " + r["id_cell"][6:]
    for r in variants["full_width"]:
        r["id_cell"] = r["id_cell"].translate(FULL_WIDTH)
    return variants


# ---------------------------------------------------------------------------------------------
# Declarations: the real errors only a department can answer
# ---------------------------------------------------------------------------------------------
def pick(rows, used, keep=lambda r: True):
    """A clean row of a roster person, in a department no other planted error is in: each
    error is a question for a different secretary, as it would be."""
    r = rng.choice([r for r in rows if isinstance(r["who"], int) and "error" not in r
                    and r["id_cell"] == r["person"]["id"] and r["dept"] not in used and keep(r)])
    used.add(r["dept"])
    return r


def plant_bad_dates(rows, used):
    """Two impossible dates, typed as text by secretaries who write ISO dates anyway."""
    r = pick(rows, used, lambda r: r["date_style"] == "iso" and r["start"].month == 2
             and r["kind"] in ("train", "meeting"))
    r["bad_end"] = "2025-02-30"  # a training from Feb 27 running into March
    r["error"] = {"kind": "impossible_date", "column": "结束日期", "text": "2025-02-30"}
    r = pick(rows, used, lambda r: r["date_style"] == "iso" and r["start"].month == 12)
    r["bad_start"] = "2025-13-01"  # the 12 typed as 13
    r["error"] = {"kind": "impossible_date", "column": "起始日期", "text": "2025-13-01"}


def plant_truncated_ids(rows, used):
    """Excel keeps 15 significant digits: twice a number cell (shown as 3.70402E+17), once
    pasted back as text ending in 000. That 000 must not happen to make a valid ID."""
    for _ in range(2):
        r = pick(rows, used)
        r["id_cell"] = float(r["id_cell"][:15] + "000")
        r["error"] = {"kind": "id_truncated_number_cell", "column": "身份证号码"}
    r = pick(rows, used, lambda r: not id_is_valid(r["id_cell"][:15] + "000"))
    r["id_cell"] = r["id_cell"][:15] + "000"
    r["error"] = {"kind": "id_truncated_text_000", "column": "身份证号码"}


def mark_unknown_rows(rows):
    for r in rows:
        if isinstance(r["who"], int):
            continue
        if r["person"]["case"] == "no_id":
            r["id_cell"] = None
            r["error"] = {"kind": "unknown_person_no_id", "column": "身份证号码"}
        else:
            r["error"] = {"kind": "unknown_person_addable", "column": "身份证号码"}


# ---------------------------------------------------------------------------------------------
# The declarations workbook
# ---------------------------------------------------------------------------------------------
DECL_FILE = "学时申报.xlsx"
DECL_TITLE = f"{YEAR}年度继续教育学时申报汇总表"
DECL_HEADER = ["序号", "科室", "姓名", "身份证号码", "学习形式", "科目类别", "项目名称",
               "起始日期", "结束日期", "学时数", "证明材料"]
DECL_WIDTHS = [6, 12, 10, 22, 14, 10, 40, 16, 16, 8, 12]
COL = {h: i for i, h in enumerate(DECL_HEADER, start=1)}


def date_cell(ws, row, col, d, r, bad):
    if bad:
        text_cell(ws, row, col, bad)
    elif r["date_style"] == "date_cell":
        ws.cell(row, col, d).number_format = r["date_format"]
    else:
        text_cell(ws, row, col, date_text(d, r["date_style"]))


def decl_row(ws, r):
    ws.append([r["seq"], r["dept"], r["name"], None, r["word"], r["subject"], r["title"],
               None, None, None, r["evidence"]])
    row = ws.max_row
    if isinstance(r["id_cell"], float):
        ws.cell(row, COL["身份证号码"], r["id_cell"])  # a General cell: Excel shows 3.70402E+17
    elif r["id_cell"] is not None:
        text_cell(ws, row, COL["身份证号码"], r["id_cell"])
    date_cell(ws, row, COL["起始日期"], r["start"], r, r.get("bad_start"))
    date_cell(ws, row, COL["结束日期"], r["end"], r, r.get("bad_end"))
    h = hours_cell(r)
    if isinstance(h, str):
        text_cell(ws, row, COL["学时数"], h)
    elif h is not None:
        ws.cell(row, COL["学时数"], h)
    r["row"] = row


def decl_footers(ws, rows):
    total = sum(r["hours"] for r in rows if isinstance(hours_cell(r), int))
    ws.append(["合计"] + [None] * 8 + [total])
    out = [{"row": ws.max_row, "column": "A", "text": "合计", "J": total}]
    ws.append([])
    ws.append([f"制表人：{CLERKS['decl_maker']}"] + [None] * 5 + [f"审核人：{CLERKS['decl_checker']}"])
    out.append({"row": ws.max_row, "column": "A", "text": f"制表人：{CLERKS['decl_maker']}",
                "G": f"审核人：{CLERKS['decl_checker']}"})
    ws.append(["注：学时按实际填写"])
    out.append({"row": ws.max_row, "column": "A", "text": "注：学时按实际填写"})
    return out, total


def write_declarations(rows):
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    title_row(ws, DECL_TITLE, len(DECL_HEADER))
    header_row(ws, DECL_HEADER, DECL_WIDTHS)
    for r in rows:
        decl_row(ws, r)
    footers, total = decl_footers(ws, rows)
    save(wb, DECL_FILE)
    return footers, total


def hours_form_counts(rows):
    c = Counter(r["form"] for r in rows)
    return {"plain": c["plain"], "N学时": c["N学时"], "N天": c["1天"] + c["2天"], "半天": c["半天"],
            "N小时": c["N小时"], "Nh": c["Nh"], "blank": c["blank"],
            "detail": {"1天": c["1天"], "2天": c["2天"],
                       "plain_as_text": sum(1 for r in rows if r.get("plain_as_text"))}}


def error_entry(r):
    e = dict(r["error"], row=r["row"], name=r["name"], department=r["dept"], category=r["word"])
    if e["kind"].startswith("id_truncated"):
        e["cell_value"] = r["id_cell"]
        e["cell_type"] = "number" if isinstance(r["id_cell"], float) else "text"
        e["roster_row"] = r["person"]["roster_row"]  # the person it was, by name and department
    if e["kind"] == "unknown_person_addable":
        e["id_number"] = r["person"]["id"]
        e["gender"] = r["person"]["gender"]
    return e


def declarations_manifest(rows, block, variants, footers, total, habits):
    first, last = rows[0]["row"], rows[-1]["row"]
    errors = [error_entry(r) for r in rows if "error" in r]
    by_person = Counter(r["who"] for r in rows if isinstance(r["who"], int))
    return {
        "file": DECL_FILE, "sheet": "汇总", "title_row": 1, "title": DECL_TITLE,
        "header_row": 2, "header": DECL_HEADER,
        "data_rows": {"first": first, "last": last}, "data_row_count": len(rows),
        "footer_rows": footers, "total_in_footer": total,
        "total_in_footer_is": "sum of 学时数 number cells (plain hours); text cells skipped, as SUM does",
        "department_block_order": block, "seq_restarts_per_department": True,
        "category_counts": dict(Counter(r["word"] for r in rows)),
        "hours_forms": hours_form_counts(rows),
        "subject_counts": {k or "": v for k, v in Counter(r["subject"] for r in rows).items()},
        "platform_titles": dict(Counter(r["title"].split("：")[0] for r in rows if r["kind"] == "platform")),
        "date_styles": dict(Counter(r["date_style"] for r in rows)),
        "secretary_habits": habits,
        "claimed_hours_by_category": {w: sum(hours_as_read(r) for r in rows if r["word"] == w)
                                      for w in CATEGORY_ROWS},
        "rows_per_roster_person": {"people": len(by_person), "min": min(by_person.values()),
                                   "max": max(by_person.values())},
        "id_variants": {k: sorted(r["row"] for r in v) for k, v in variants.items()},
        "planted_errors": sorted(errors, key=lambda e: e["row"]),
        "unknown_people": {
            "addable": [e for e in errors if e["kind"] == "unknown_person_addable"],
            "no_id": [e for e in errors if e["kind"] == "unknown_person_no_id"],
        },
    }


# ---------------------------------------------------------------------------------------------
# Saving the same bytes every run
# ---------------------------------------------------------------------------------------------
FIXED_TIME = (2025, 1, 10, 8, 0, 0)


def save(wb, name):
    """openpyxl stamps the save time into docProps/core.xml and every ZIP entry; both are fixed
    afterwards so a rerun changes nothing in git."""
    path = os.path.join(OUT, name)
    wb.properties.creator = "人事科"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        parts = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w") as z:
        for part, data in parts:
            if part == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2025-01-10T08:00:00Z", data)
            info = zipfile.ZipInfo(part, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


# ---------------------------------------------------------------------------------------------
# Reading the files back: the manifest must describe what is really in them
# ---------------------------------------------------------------------------------------------
def cell_date(v):
    """A date from a cell as the clerks wrote it; None for an impossible one."""
    if isinstance(v, dt.datetime):
        return v.date()
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", str(v))
    try:
        return dt.date(*map(int, m.groups())) if m else None
    except ValueError:
        return None


def read_form(v):
    if v is None:
        return "blank", None
    if isinstance(v, (int, float)):
        return "plain", v
    for form, pattern, per in [("plain", r"(\d+)", 1), ("N学时", r"(\d+)学时", 1), ("N天", r"(\d+)天", 8),
                               ("N小时", r"(\d+)小时", 1), ("Nh", r"(\d+)h", 1)]:
        m = re.fullmatch(pattern, v)
        if m:
            return form, int(m.group(1)) * per
    assert v == "半天", v
    return "半天", 4


def check_roster(m):
    ws = load_workbook(os.path.join(OUT, m["file"]))[m["sheet"]]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[m["header_row"] - 1]) == m["header"]
    data = rows[m["data_rows"]["first"] - 1:m["data_rows"]["last"]]
    assert len(data) == m["data_row_count"] == 500
    for f in m["footer_rows"]:
        assert rows[f["row"] - 1][0] == f["text"]
    assert len(rows) == m["footer_rows"][-1]["row"]
    ids = [normalise_id(r[3]) for r in data]
    assert all(id_is_valid(i) for i in ids) and len(set(ids)) == 500
    assert all((int(i[16]) % 2 == 1) == (r[2] == "男") for i, r in zip(ids, data))
    assert len({r[1] for r in data}) == 500
    assert Counter(r[4] for r in data) == Counter(m["department_counts"])
    assert sum(str(r[3]).endswith("x") for r in data) == 15
    for r in data:
        assert r[7] is None or re.fullmatch(r"1[358]\d{9}", str(r[7]))
    return {normalise_id(r[3]): (r[1], r[4]) for r in data}


def check_row_rules(c, start, end, form, hours, per):
    """The rules a clean row keeps (the brief's constraints), per row and per person."""
    assert start.year == end.year == YEAR and start <= end
    assert form not in ("N天", "半天") or c in ("培训", "培训进修", "学术会议"), (c, form)
    days = (end - start).days + 1
    if c in ("培训", "培训进修", "学术会议"):
        assert hours <= 8 * days, (c, hours, days)
        if form in ("N天", "半天"):
            assert days == (hours // 8 or 1)
        per["days"].extend(start + dt.timedelta(k) for k in range(days))
    elif c == "继续教育平台":
        assert start == end and 1 <= hours <= 12 and form != "blank"
    elif c == "学历教育":
        per["degree"] += hours
    elif c == "论文":
        assert form == "blank"
        per["papers"] += 1


def check_declarations(m, roster):
    ws = load_workbook(os.path.join(OUT, m["file"]))[m["sheet"]]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[m["header_row"] - 1]) == m["header"]
    first, last = m["data_rows"]["first"], m["data_rows"]["last"]
    data = rows[first - 1:last]
    assert len(data) == m["data_row_count"] == TOTAL_ROWS == 1495
    assert Counter(r[4] for r in data) == Counter(m["category_counts"])
    errors = {e["row"]: e for e in m["planted_errors"]}
    forms, per_person, numeric = Counter(), defaultdict(lambda: {"days": [], "degree": 0, "papers": 0}), 0
    for n, r in enumerate(data, start=first):
        form, hours = read_form(r[9])
        forms[form] += 1
        numeric += r[9] if isinstance(r[9], int) else 0
        if n in errors:
            check_planted(errors[n], r, roster)
            continue
        idn = normalise_id(r[3])
        assert id_is_valid(idn) and roster[idn] == (r[2], r[1]), n
        check_row_rules(r[4], cell_date(r[7]), cell_date(r[8]), form, hours, per_person[idn])
    for p in per_person.values():
        assert len(p["days"]) == len(set(p["days"])) and p["degree"] <= 40 and p["papers"] <= 3
    expect = dict(m["hours_forms"])
    expect.pop("detail")
    assert dict(forms) == {k: v for k, v in expect.items() if v}, (forms, expect)
    total_row = rows[m["footer_rows"][0]["row"] - 1]
    assert total_row[0] == "合计" and total_row[9] == numeric == m["total_in_footer"]
    assert len(rows) == m["footer_rows"][-1]["row"]
    kinds = Counter(e["kind"] for e in m["planted_errors"])
    assert kinds == {"id_truncated_number_cell": 2, "id_truncated_text_000": 1, "impossible_date": 2,
                     "unknown_person_addable": 2, "unknown_person_no_id": 1}, kinds


def check_planted(e, r, roster):
    kind = e["kind"]
    if kind.startswith("id_truncated"):
        assert not id_is_valid(str(r[3])) and isinstance(r[3], float) == kind.endswith("cell")
        if isinstance(r[3], float):  # no more than the 15 significant digits Excel keeps
            assert float(f"{r[3]:.14e}") == r[3] == e["cell_value"]
        else:
            assert r[3].endswith("000") and r[3] == e["cell_value"]
    elif kind == "impossible_date":
        cell = r[7] if e["column"] == "起始日期" else r[8]
        assert cell == e["text"] and cell_date(cell) is None
    elif kind == "unknown_person_addable":
        assert id_is_valid(r[3]) and normalise_id(r[3]) not in roster and r[1] and r[2]
        assert r[2] not in {name for name, _ in roster.values()}
    else:
        assert r[3] is None and r[2] not in {name for name, _ in roster.values()} and r[1]


# ---------------------------------------------------------------------------------------------
def main():
    os.makedirs(OUT, exist_ok=True)
    people, ids, names, mobiles = make_people()
    roster_variants = spell_ids_like_people(people)
    roster = write_roster(people, roster_variants)
    unknowns = unknown_people(ids, names, mobiles)
    habits = secretaries()
    rows = make_rows(people, unknowns)
    for r in rows:
        pick_date_style(r, habits)
    block = sheet_order(rows, people)
    variants = spell_declared_ids(rows)
    used = set()
    plant_bad_dates(rows, used)
    plant_truncated_ids(rows, used)
    mark_unknown_rows(rows)
    footers, total = write_declarations(rows)
    manifest = {
        "generator": "tests/corpus/make_messy.py", "seed": SEED, "year": YEAR,
        "roster": roster,
        "declarations": declarations_manifest(rows, block, variants, footers, total, habits),
    }
    with open(os.path.join(OUT, "manifest.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
        f.write("\n")
    check_declarations(manifest["declarations"], check_roster(roster))
    print("wrote and checked", OUT)


if __name__ == "__main__":
    main()
