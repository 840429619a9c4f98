//! Appendix 1 of the notice as pure functions: records of one person-year in, recognised hours
//! with a Chinese reason for each record out. No database here.

use crate::domain::codes::codes;
use crate::domain::hours::Hours;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

codes! {
    /// One kind of activity of appendix 1 (a record category).
    #[derive(Serialize, Deserialize, ts_rs::TS)]
    #[serde(rename_all = "snake_case")]
    pub enum Category ("类别") {
        CityPlatform = "city_platform", "市平台学习";
        Training = "training", "培训进修";
        Study = "study", "学习";
        QualificationExam = "qualification_exam", "资格考试";
        Achievement = "achievement", "代表性成果";
        Expert = "expert", "受邀专家";
        Posting = "posting", "援派支教等";
        Competition = "competition", "比赛";
        ExamService = "exam_service", "考务";
        Special = "special", "特殊情况";
        DigitalEngineer = "digital_engineer", "数字技术工程师";
        FiledTraining = "filed_training", "备案培训";
        TransferIn = "transfer_in", "外地调入";
    }
}

impl Category {
    /// Posting and special carry both a public and a professional part, from months.
    pub fn uses_months(self) -> bool {
        matches!(self, Category::Posting | Category::Special)
    }

    /// Categories whose hours the rule fixes, so the claim may be left empty.
    pub fn fixed_hours(self) -> bool {
        matches!(
            self,
            Category::QualificationExam | Category::Achievement | Category::Competition
        ) || self.uses_months()
    }

    /// The hours the rule gives each record, whatever was claimed: a blank claim takes it.
    pub fn fixed_figure(self) -> Option<Hours> {
        match self {
            Category::QualificationExam => Some(QUALIFICATION_EACH),
            Category::Achievement => Some(ACHIEVEMENT_EACH),
            Category::Competition => Some(COMPETITION_EACH),
            _ => None,
        }
    }

    /// Capped at 8 hours per calendar day of the activity.
    pub fn daily_capped(self) -> bool {
        matches!(
            self,
            Category::Training | Category::Expert | Category::FiledTraining
        )
    }

    /// Issue 13 item 2: public (公需) hours come only from the city platform, postings and special
    /// circumstances (their fixed split), transfer-in (as the certificate states), and training or
    /// study naming one of the year's public topics. Every other category is professional only.
    pub fn professional_only(self) -> bool {
        !matches!(
            self,
            Category::CityPlatform | Category::Training | Category::Study | Category::TransferIn
        ) && !self.uses_months()
    }

    /// Training and study count as public only when they name one of the year's public topics.
    pub fn public_needs_topic(self) -> bool {
        matches!(self, Category::Training | Category::Study)
    }
}

/// Where 公需 hours may come from, said once for every message that refuses them.
pub const PUBLIC_SOURCES: &str =
    "公需学时只来自市平台学习、援派和特殊情况、外地调入，以及注明年度公需专题的培训进修和学习";

/// Issue 13 item 2: a 公需 subject on training or study needs one of the year's public topics
/// (`topics`, from the year's policy); a topic on anything else, or on a professional subject, is
/// refused. `subject` is as stated; a topic with no subject stated makes the record public
/// (`record::validate` does that). Errors are (column, message).
pub fn check_topic(
    category: Category,
    subject: Option<Subject>,
    topic: Option<&str>,
    year: i32,
    topics: &[String],
) -> Result<(), (&'static str, String)> {
    match (topic, subject) {
        (Some(_), _) if !category.public_needs_topic() => Err((
            "公需专题",
            format!(
                "只有培训进修和学习需要填写公需专题，{}请留空",
                category.label()
            ),
        )),
        (Some(_), Some(Subject::Professional)) => Err((
            "公需专题",
            "填写了公需专题的记录计公需科目，科目不能为专业".into(),
        )),
        (Some(t), _) if !topics.iter().any(|known| known == t) => Err((
            "公需专题",
            format!("“{t}”不是{year}年度的公需专题（年度政策中列出的专题才可计公需）"),
        )),
        (None, Some(Subject::Public)) if category.public_needs_topic() => Err((
            "公需专题",
            format!(
                "{}计公需科目须注明{year}年度的公需专题（{PUBLIC_SOURCES}）",
                category.label()
            ),
        )),
        _ => Ok(()),
    }
}

impl Category {
    /// What the unit checks among a record's evidence before approving it (附件1第8条), item by item.
    pub fn evidence_checklist(self) -> &'static [&'static str] {
        match self {
            Category::CityPlatform => &[],
            Category::Achievement => &["封面", "目录页", "正文页（论文）或索引（著作）"],
            Category::QualificationExam => &["职业资格证书"],
            Category::Competition => &["获奖证书（奖章、奖牌）"],
            Category::DigitalEngineer => &["培训证书"],
            Category::FiledTraining => &["电子证书"],
            Category::ExamService => &["学时登记卡"],
            Category::TransferIn => &["调出地学时证明"],
            Category::Posting | Category::Special => &["单位批准及证明"],
            // 附件1第1条 and 七: training counts only when it was filed.
            Category::Training => &[
                "培训合格证书或盖章证明",
                "经人社部门备案（合格证书或备案编号）",
            ],
            Category::Study | Category::Expert => &["培训合格证书或盖章证明"],
        }
    }
}

/// What the entry form needs to know of a category, so the UI holds no rule knowledge of its own.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct CategoryInfo {
    pub code: &'static str,
    pub label: &'static str,
    pub uses_months: bool,
    pub fixed_hours: bool,
    pub daily_capped: bool,
    pub professional_only: bool,
    /// Counts as 公需 only when it names one of the year's public topics.
    pub public_needs_topic: bool,
    pub needs_audit: bool,
    /// What the months field means for this category (援派月数 / 离岗月数), where it has one.
    pub months_label: Option<&'static str>,
    /// The evidence items the reviewer ticks before approving (附件1第8条).
    #[ts(type = "string[]")]
    pub evidence_checklist: &'static [&'static str],
}

pub fn category_infos() -> Vec<CategoryInfo> {
    Category::ALL
        .iter()
        .map(|&c| CategoryInfo {
            code: c.code(),
            label: c.label(),
            uses_months: c.uses_months(),
            fixed_hours: c.fixed_hours(),
            daily_capped: c.daily_capped(),
            professional_only: c.professional_only(),
            public_needs_topic: c.public_needs_topic(),
            needs_audit: c != Category::CityPlatform,
            months_label: match c {
                Category::Posting => Some("援派月数"),
                Category::Special => Some("离岗月数"),
                _ => None,
            },
            evidence_checklist: c.evidence_checklist(),
        })
        .collect()
}

codes! {
    /// 公需科目 or 专业科目.
    #[derive(Serialize, Deserialize, ts_rs::TS)]
    #[serde(rename_all = "snake_case")]
    pub enum Subject ("科目") {
        Public = "public", "公需" | "公需科目";
        Professional = "professional", "专业" | "专业科目";
    }
}

codes! {
    /// Where a record stands in the unit's audit.
    #[derive(Serialize, Deserialize, ts_rs::TS)]
    #[serde(rename_all = "snake_case")]
    pub enum Status ("审核状态") {
        Pending = "pending", "待审核";
        Approved = "approved", "通过";
        Rejected = "rejected", "驳回";
        Synced = "synced", "已同步";
    }
}

impl Status {
    /// Only these count towards a person's hours and caps.
    pub fn counts(self) -> bool {
        matches!(self, Status::Approved | Status::Synced)
    }
}

codes! {
    /// The special circumstance of appendix 1 rule 7, stored and shown as its label.
    #[derive(Serialize, Deserialize, ts_rs::TS)]
    pub enum Situation ("情形") {
        #[serde(rename = "出国")]
        Abroad = "abroad", "出国";
        #[serde(rename = "病假")]
        SickLeave = "sick_leave", "病假";
        #[serde(rename = "产假")]
        Maternity = "maternity", "产假";
        #[serde(rename = "其他")]
        Other = "other", "其他";
    }
}

impl Situation {
    /// Abroad and sick leave count only beyond six months in the year.
    pub fn needs_over_six_months(self) -> bool {
        matches!(self, Situation::Abroad | Situation::SickLeave)
    }
}

/// What the rules need of one record.
#[derive(Debug, Clone)]
pub struct RuleInput {
    pub category: Category,
    pub subject: Option<Subject>,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub claimed: Option<Hours>,
    pub months: Option<u32>,
    pub situation: Option<Situation>,
    pub status: Status,
    /// For `filed_training` naming one of the unit's own plans: whether that plan is 已备案.
    pub own_plan_filed: Option<bool>,
    /// The claim was written as days (「2天」) and read at rule 1's 8 hours a day.
    pub claimed_in_days: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Recognition {
    pub public: Hours,
    pub professional: Hours,
    pub reason: String,
}

impl Recognition {
    pub fn total(&self) -> Hours {
        self.public + self.professional
    }
}

pub const DAILY_CAP: Hours = Hours(80);
pub const STUDY_CAP: Hours = Hours(400);
pub const ACHIEVEMENT_EACH: Hours = Hours(100);
pub const ACHIEVEMENT_CAP: Hours = Hours(300);
pub const COMPETITION_EACH: Hours = Hours(100);
pub const COMPETITION_CAP: Hours = Hours(300);
pub const QUALIFICATION_EACH: Hours = Hours(160);
pub const YEAR_PUBLIC: Hours = Hours(300);
pub const YEAR_PROFESSIONAL: Hours = Hours(600);

/// Refuses what cannot be a real record. Messages are Chinese and name the field.
pub fn check(r: &RuleInput) -> Result<(), (&'static str, String)> {
    if r.end < r.start {
        return Err(("结束日期", "结束日期早于开始日期".into()));
    }
    // Hours are earned and checked per calendar year (notice 二): a record spanning two years
    // would put all its hours in the first.
    if r.end.year() != r.start.year() {
        return Err(("结束日期", "记录不能跨年度，请按年度拆成两条".into()));
    }
    // The platform carries both kinds of course; its export states which (issue 13 item 3).
    if r.category == Category::CityPlatform && r.subject.is_none() {
        return Err((
            "科目",
            "市平台学习须注明科目（公需或专业）：见市平台导出文件的“科目类别”列".into(),
        ));
    }
    if let Some(h) = r.claimed {
        if h < Hours::ZERO {
            return Err(("学时", "学时不能为负数".into()));
        }
        if h.tenths() > crate::domain::hours::ABSURD_TENTHS {
            return Err(("学时", format!("学时{h}明显不合理（一条记录最多2000学时）")));
        }
    }
    if r.category.uses_months() {
        match r.months {
            None => return Err(("月数", format!("{}须填写月数（1–12）", r.category.label()))),
            Some(m) if !(1..=12).contains(&m) => {
                return Err(("月数", format!("月数{m}无效，应为1–12")))
            }
            _ => {}
        }
        if r.subject.is_some() {
            return Err((
                "科目",
                format!("{}同时计公需和专业学时，科目请留空", r.category.label()),
            ));
        }
        let spanned = whole_months(r.start, r.end);
        if r.months.unwrap_or(0) > spanned {
            return Err((
                "月数",
                format!(
                    "月数{}超过起止日期所跨的整月数（{}至{}为{spanned}个整月）",
                    r.months.unwrap_or(0),
                    r.start,
                    r.end
                ),
            ));
        }
    } else if r.months.is_some() {
        return Err((
            "月数",
            format!("{}不按月数计算，月数请留空", r.category.label()),
        ));
    }
    if r.category == Category::Special {
        match r.situation {
            None => return Err(("情形", "特殊情况须注明情形：出国/病假/产假/其他".into())),
            Some(s) if s.needs_over_six_months() && r.months.unwrap_or(0) <= 6 => {
                return Err((
                    "月数",
                    format!(
                        "附件1第7条：因{}须全年超过6个月方可认定，当前为{}个月",
                        s.label(),
                        r.months.unwrap_or(0)
                    ),
                ))
            }
            _ => {}
        }
    } else if r.situation.is_some() {
        return Err(("情形", "只有特殊情况需要填写情形".into()));
    }
    if !r.category.fixed_hours() && r.claimed.is_none() {
        return Err(("学时", format!("{}须填写学时", r.category.label())));
    }
    check_subject(r.category, r.subject)
}

/// A 公需 subject on a category that can only be professional is refused (issue 13 item 2).
pub fn check_subject(
    category: Category,
    subject: Option<Subject>,
) -> Result<(), (&'static str, String)> {
    if category.professional_only() && subject == Some(Subject::Public) {
        return Err((
            "科目",
            format!("{}只能计入专业科目（{PUBLIC_SOURCES}）", category.label()),
        ));
    }
    Ok(())
}

/// How many whole months `start..=end` covers: 2025-01-01..2025-12-31 is 12, 2025-03-15..2025-06-14 is 3.
pub fn whole_months(start: NaiveDate, end: NaiveDate) -> u32 {
    let mut n = 0;
    while n < 12 {
        let next = start
            .checked_add_months(chrono::Months::new(n + 1))
            .and_then(|d| d.pred_opt());
        match next {
            Some(last_day) if last_day <= end => n += 1,
            _ => break,
        }
    }
    n
}

fn days(r: &RuleInput) -> i64 {
    (r.end - r.start).num_days() + 1
}

fn subject_of(r: &RuleInput) -> Subject {
    // Decision (README, 认定规则): converted hours are professional unless stated; the city platform
    // is where public subjects are studied, so its records default to public.
    r.subject
        .unwrap_or(if r.category == Category::CityPlatform {
            Subject::Public
        } else {
            Subject::Professional
        })
}

/// One record's hours before any yearly cap: (public, professional, reason).
pub fn base(r: &RuleInput) -> Recognition {
    let claimed = r.claimed.unwrap_or(Hours::ZERO);
    let one = |h: Hours, reason: String| match subject_of(r) {
        Subject::Public => Recognition {
            public: h,
            professional: Hours::ZERO,
            reason,
        },
        Subject::Professional => Recognition {
            public: Hours::ZERO,
            professional: h,
            reason,
        },
    };
    let daily = |rule: &str| {
        let cap = Hours(DAILY_CAP.tenths() * days(r));
        if claimed > cap {
            one(
                cap,
                format!(
                    "{rule}：每天最多8学时，共{}天，申报{claimed}学时，计{cap}学时",
                    days(r)
                ),
            )
        } else {
            one(
                claimed,
                format!("{rule}：按实际学时计{claimed}学时（每天最多8学时）"),
            )
        }
    };
    // A claim written as days says how it became hours, whatever the rule then made of it.
    let daily = |rule: &str| {
        let mut rec = daily(rule);
        if r.claimed_in_days {
            rec.reason.push_str("；申报按天填写，按每天8学时折算");
        }
        rec
    };
    match r.category {
        Category::CityPlatform => one(
            claimed,
            format!("市平台学习自动同步，无需单位审核，计{claimed}学时"),
        ),
        Category::Training => daily("附件1第1条 培训进修"),
        Category::Expert => daily("附件1第4条 受邀专家"),
        Category::FiledTraining => {
            if r.own_plan_filed == Some(false) {
                one(
                    Hours::ZERO,
                    "本单位培训计划未在市人社局备案，不予认定学时，本条计0".into(),
                )
            } else {
                daily("备案培训 凭电子证书认定专业科目学时，附件1第1条")
            }
        }
        Category::Study => one(
            claimed,
            format!(
                "附件1第2条 学习：计{claimed}学时（与自学考试、学历教育等每年合计不超过40学时）"
            ),
        ),
        Category::QualificationExam => one(
            QUALIFICATION_EACH,
            "附件1第2条：取得全国专业技术类职业资格证书，每证计16学时".into(),
        ),
        Category::Achievement => one(
            ACHIEVEMENT_EACH,
            "附件1第3条：代表性成果每项计10学时".into(),
        ),
        Category::Competition => one(COMPETITION_EACH, "附件1第5条：比赛每项计10学时".into()),
        Category::ExamService => one(
            claimed,
            format!("附件1第6条：考务工作按学时登记卡所载计{claimed}学时"),
        ),
        Category::DigitalEngineer => one(
            claimed,
            format!("数字技术工程师培育项目：凭培训证书计入当年专业科目{claimed}学时"),
        ),
        Category::TransferIn => one(
            claimed,
            format!("外地调入：按原地继续教育主管部门认定计{claimed}学时"),
        ),
        Category::Posting | Category::Special => {
            let m = r.months.unwrap_or(0).min(12) as i64;
            let public = YEAR_PUBLIC.scale(m, 12);
            let professional = YEAR_PROFESSIONAL.scale(m, 12);
            let rule = if r.category == Category::Posting {
                "附件1第4条 援派、支教支农支医扶贫".to_string()
            } else {
                format!(
                    "附件1第7条 特殊情况（{}）",
                    r.situation.map(Situation::label).unwrap_or("其他")
                )
            };
            let reason = if m == 12 {
                format!("{rule}：全年计公需30、专业60学时")
            } else {
                format!("{rule}：按{m}个月折算（{m}/12），计公需{public}、专业{professional}学时")
            };
            Recognition {
                public,
                professional,
                reason,
            }
        }
    }
}

/// The yearly pool a category's hours share, if any: (cap, rule text).
fn pool(c: Category) -> Option<(Hours, &'static str)> {
    match c {
        Category::Study => Some((
            STUDY_CAP,
            "附件1第2条：单位组织学习、自学考试、在职学历教育每年累计不超过40学时",
        )),
        Category::Achievement => Some((
            ACHIEVEMENT_CAP,
            "附件1第3条：代表性成果每年累计不超过30学时",
        )),
        Category::Competition => Some((COMPETITION_CAP, "附件1第5条：比赛每年累计不超过30学时")),
        _ => None,
    }
}

/// Recognises every record of one person-year. `records` are given in entry order;
/// caps are applied to counting records in order of start date, then entry order.
/// Records that do not count (pending, rejected) get 0 with a reason that previews their hours.
/// Per calendar day: the hours already counted, and the first record that counted some.
type DaysUsed = std::collections::HashMap<NaiveDate, (Hours, usize)>;

/// Issue 13 item 5: training, invited-expert and filed-training hours of one person share one
/// 8-hour pool per calendar day. A record takes its hours from its own days in date order, as
/// much as each day has left; what finds no room is not counted, and the reason names the record
/// that used the day.
fn take_from_days(
    days_used: &mut DaysUsed,
    records: &[RuleInput],
    i: usize,
    rec: &mut Recognition,
) {
    let r = &records[i];
    let want = rec.total();
    let mut left = want;
    let mut blocker: Option<(NaiveDate, usize)> = None;
    let mut day = r.start;
    while day <= r.end && left > Hours::ZERO {
        let (spent, first) = days_used.entry(day).or_insert((Hours::ZERO, i));
        let room = DAILY_CAP.saturating_sub(*spent);
        let take = room.min(left);
        if take < left && *first != i && blocker.is_none() {
            blocker = Some((day, *first));
        }
        *spent += take;
        left = left.saturating_sub(take);
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    if left == Hours::ZERO {
        return;
    }
    let granted = want.saturating_sub(left);
    let (date, other) = blocker.unwrap_or((r.start, i));
    let other = &records[other];
    rec.reason = format!(
        "附件1第1条：每人每天的培训进修、受邀专家、备案培训合计最多8学时，{date}已由{}（{}）计入，本条由{want}学时核减为{granted}学时",
        other.category.label(),
        other.start
    );
    if rec.public > Hours::ZERO {
        rec.public = granted;
    } else {
        rec.professional = granted;
    }
}

pub fn recognize(records: &[RuleInput]) -> Vec<Recognition> {
    assess(records).into_iter().map(|a| a.recognition).collect()
}

/// One record's recognition and, while it awaits audit, its share of what approving every pending
/// record of the person-year now would add (issue 13 item 12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessed {
    pub recognition: Recognition,
    pub pending_gain: Option<Hours>,
}

/// Recognises a person-year's records (see `recognize`) and works out what approving all its
/// pending records would add, net of caps and of the hours their approval would take from records
/// already counted. Each pending record is credited what the rules would give it once approved;
/// those losses come off the earliest-dated pending records first, since an earlier record is the
/// one that takes a cap first.
pub fn assess(records: &[RuleInput]) -> Vec<Assessed> {
    let now = cut(records, |r| r.status.counts());
    if !records.iter().any(|r| r.status == Status::Pending) {
        return now
            .into_iter()
            .zip(records)
            .map(|(rec, r)| Assessed {
                recognition: rec.unwrap_or_else(|| not_counted(r, &base(r))),
                pending_gain: None,
            })
            .collect();
    }
    let then = cut(records, |r| {
        r.status.counts() || r.status == Status::Pending
    });
    let mut loss: Hours = now
        .iter()
        .zip(&then)
        .filter_map(|(n, t)| Some(n.as_ref()?.total().saturating_sub(t.as_ref()?.total())))
        .sum();
    let mut order: Vec<usize> = (0..records.len()).collect();
    order.sort_by_key(|&i| (records[i].start, i));
    let mut gains: Vec<Option<Hours>> = vec![None; records.len()];
    for i in order
        .into_iter()
        .filter(|&i| records[i].status == Status::Pending)
    {
        let would = then[i].as_ref().map_or(Hours::ZERO, Recognition::total);
        let lost = would.min(loss);
        loss = loss.saturating_sub(lost);
        gains[i] = Some(would.saturating_sub(lost));
    }
    now.into_iter()
        .zip(then)
        .zip(records)
        .zip(gains)
        .map(|(((now, then), r), gain)| Assessed {
            recognition: match (now, then) {
                (Some(rec), _) => rec,
                (None, Some(preview)) if r.status == Status::Pending => not_counted(r, &preview),
                (None, _) => not_counted(r, &base(r)),
            },
            pending_gain: gain,
        })
        .collect()
}

/// A record that does not count (pending, rejected): 0, with a reason that previews its hours.
fn not_counted(r: &RuleInput, preview: &Recognition) -> Recognition {
    let what = if r.status == Status::Rejected {
        "已驳回，不计学时"
    } else {
        "待审核，尚未认定"
    };
    Recognition {
        public: Hours::ZERO,
        professional: Hours::ZERO,
        reason: format!(
            "{what}（按规则预计{}学时：{}）",
            preview.total(),
            preview.reason
        ),
    }
}

/// Applies the daily pool and the yearly caps to the records `counts` admits, in order of start
/// date, then entry order; `None` for the others.
fn cut(records: &[RuleInput], counts: impl Fn(&RuleInput) -> bool) -> Vec<Option<Recognition>> {
    let mut order: Vec<usize> = (0..records.len()).collect();
    order.sort_by_key(|&i| (records[i].start, i));
    let mut used: std::collections::HashMap<Category, Hours> = std::collections::HashMap::new();
    let mut days_used: DaysUsed = std::collections::HashMap::new();
    let mut out: Vec<Option<Recognition>> = vec![None; records.len()];
    for i in order {
        let r = &records[i];
        if !counts(r) {
            continue;
        }
        let mut rec = base(r);
        if r.category.daily_capped() {
            take_from_days(&mut days_used, records, i, &mut rec);
        }
        if let Some((cap, rule)) = pool(r.category) {
            let spent = used.entry(r.category).or_default();
            let left = cap.saturating_sub(*spent);
            let want = rec.total();
            if want > left {
                let granted = left;
                rec.reason = if granted == Hours::ZERO {
                    format!("{rule}，本条计0")
                } else {
                    format!(
                        "{rule}，已累计{}学时，本条由{want}学时核减为{granted}学时",
                        *spent
                    )
                };
                if rec.public > Hours::ZERO {
                    rec.public = granted;
                } else {
                    rec.professional = granted;
                }
            }
            *spent += rec.total();
        }
        out[i] = Some(rec);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Category::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn rec(category: Category, start: &str, end: &str, claimed: Option<f64>) -> RuleInput {
        RuleInput {
            category,
            subject: None,
            start: d(start),
            end: d(end),
            claimed: claimed.map(|h| Hours::from_f64(h).unwrap()),
            months: None,
            situation: None,
            status: Status::Approved,
            own_plan_filed: None,
            claimed_in_days: false,
        }
    }

    fn months(category: Category, m: u32, situation: Option<Situation>) -> RuleInput {
        RuleInput {
            months: Some(m),
            situation,
            ..rec(category, "2025-01-01", "2025-12-31", None)
        }
    }

    fn h(v: f64) -> Hours {
        Hours::from_f64(v).unwrap()
    }

    /// (record, expected public, expected professional, fragment of the reason)
    #[test]
    fn each_line_of_appendix_1_on_a_single_record() {
        let table: Vec<(RuleInput, f64, f64, &str)> = vec![
            // rule 1: training, 8 h per calendar day
            (
                rec(Training, "2025-03-01", "2025-03-01", Some(6.5)),
                0.0,
                6.5,
                "按实际学时",
            ),
            (
                rec(Training, "2025-03-01", "2025-03-02", Some(20.0)),
                0.0,
                16.0,
                "共2天",
            ),
            (
                rec(Training, "2025-03-01", "2025-03-03", Some(24.0)),
                0.0,
                24.0,
                "附件1第1条",
            ),
            // rule 2: study as claimed (cap tested below), qualification 16 whatever was claimed
            (
                rec(Study, "2025-03-01", "2025-06-30", Some(25.0)),
                0.0,
                25.0,
                "40学时",
            ),
            (
                rec(QualificationExam, "2025-05-01", "2025-05-01", None),
                0.0,
                16.0,
                "每证计16学时",
            ),
            (
                rec(QualificationExam, "2025-05-01", "2025-05-01", Some(40.0)),
                0.0,
                16.0,
                "16",
            ),
            // rule 3 and 5: 10 each
            (
                rec(Achievement, "2025-05-01", "2025-05-01", None),
                0.0,
                10.0,
                "附件1第3条",
            ),
            (
                rec(Competition, "2025-05-01", "2025-05-01", None),
                0.0,
                10.0,
                "附件1第5条",
            ),
            // rule 4: expert 8 per day; posting by months
            (
                rec(Expert, "2025-04-01", "2025-04-01", Some(10.0)),
                0.0,
                8.0,
                "附件1第4条 受邀专家",
            ),
            (
                months(Posting, 12, None),
                30.0,
                60.0,
                "全年计公需30、专业60",
            ),
            (months(Posting, 7, None), 17.5, 35.0, "7/12"),
            (months(Posting, 1, None), 2.5, 5.0, "1/12"),
            // rule 6: exam service as on the card, no cap
            (
                rec(ExamService, "2025-06-01", "2025-06-02", Some(100.0)),
                0.0,
                100.0,
                "登记卡",
            ),
            // rule 7: special circumstances by months
            (
                months(Special, 7, Some(Situation::Abroad)),
                17.5,
                35.0,
                "出国",
            ),
            (
                months(Special, 4, Some(Situation::Maternity)),
                10.0,
                20.0,
                "产假",
            ),
            (
                months(Special, 12, Some(Situation::SickLeave)),
                30.0,
                60.0,
                "病假",
            ),
            // other sources
            (
                rec(DigitalEngineer, "2025-07-01", "2025-09-30", Some(56.0)),
                0.0,
                56.0,
                "数字技术工程师",
            ),
            (
                rec(FiledTraining, "2025-08-01", "2025-08-02", Some(12.0)),
                0.0,
                12.0,
                "备案培训",
            ),
            (
                rec(FiledTraining, "2025-08-01", "2025-08-01", Some(12.0)),
                0.0,
                8.0,
                "每天最多8学时",
            ),
            (
                rec(TransferIn, "2025-01-01", "2025-03-31", Some(45.5)),
                0.0,
                45.5,
                "外地调入",
            ),
            (
                rec(CityPlatform, "2025-02-01", "2025-02-01", Some(30.0)),
                30.0,
                0.0,
                "无需单位审核",
            ),
        ];
        for (i, (r, public, professional, reason)) in table.into_iter().enumerate() {
            let got = recognize(std::slice::from_ref(&r)).remove(0);
            assert_eq!(
                (got.public, got.professional),
                (h(public), h(professional)),
                "row {i}: {r:?} → {got:?}"
            );
            assert!(
                got.reason.contains(reason),
                "row {i}: reason {:?} lacks {reason:?}",
                got.reason
            );
        }
    }

    #[test]
    fn subject_is_respected_and_defaults_to_professional() {
        let mut r = rec(Training, "2025-03-01", "2025-03-01", Some(8.0));
        r.subject = Some(Subject::Public);
        assert_eq!(base(&r).public, h(8.0));
        r.subject = None;
        assert_eq!(base(&r).professional, h(8.0));
    }

    #[test]
    fn study_pool_cuts_the_crossing_record_and_zeroes_later_ones_in_date_order() {
        // Entered out of date order: the June record is entered first but dated later.
        let records = vec![
            rec(Study, "2025-06-01", "2025-06-30", Some(15.0)),
            rec(Study, "2025-01-01", "2025-03-31", Some(30.0)),
            rec(Study, "2025-09-01", "2025-09-30", Some(5.0)),
        ];
        let got = recognize(&records);
        assert_eq!(got[1].professional, h(30.0), "earliest counts in full");
        assert_eq!(
            got[0].professional,
            h(10.0),
            "crossing record cut to what is left"
        );
        assert!(got[0].reason.contains("核减为10学时"), "{}", got[0].reason);
        assert_eq!(got[2].professional, Hours::ZERO);
        assert!(
            got[2].reason.contains("每年累计不超过40学时，本条计0"),
            "{}",
            got[2].reason
        );
    }

    #[test]
    fn same_start_date_falls_back_to_entry_order() {
        let records: Vec<_> = (0..4)
            .map(|_| rec(Achievement, "2025-05-01", "2025-05-01", None))
            .collect();
        let got = recognize(&records);
        let hours: Vec<Hours> = got.iter().map(|r| r.professional).collect();
        assert_eq!(hours, vec![h(10.0), h(10.0), h(10.0), Hours::ZERO]);
        assert_eq!(
            got[3].reason,
            "附件1第3条：代表性成果每年累计不超过30学时，本条计0"
        );
    }

    #[test]
    fn competition_cap_is_thirty_and_separate_from_achievements() {
        let mut records: Vec<_> = (0..4)
            .map(|_| rec(Competition, "2025-05-01", "2025-05-01", None))
            .collect();
        records.push(rec(Achievement, "2025-01-01", "2025-01-01", None));
        let got = recognize(&records);
        assert_eq!(got.iter().map(|r| r.total()).sum::<Hours>(), h(40.0));
        assert!(got[3]
            .reason
            .contains("附件1第5条：比赛每年累计不超过30学时"));
    }

    #[test]
    fn qualification_certificates_are_outside_the_study_cap() {
        let records = vec![
            rec(Study, "2025-01-01", "2025-01-31", Some(40.0)),
            rec(QualificationExam, "2025-02-01", "2025-02-01", None),
            rec(QualificationExam, "2025-03-01", "2025-03-01", None),
        ];
        let total: Hours = recognize(&records).iter().map(|r| r.total()).sum();
        assert_eq!(total, h(72.0));
    }

    #[test]
    fn pending_and_rejected_do_not_count_or_consume_caps() {
        let mut pending = rec(Achievement, "2025-01-01", "2025-01-01", None);
        pending.status = Status::Pending;
        let mut rejected = rec(Achievement, "2025-01-02", "2025-01-02", None);
        rejected.status = Status::Rejected;
        let mut records = vec![pending, rejected];
        records.extend((0..3).map(|_| rec(Achievement, "2025-02-01", "2025-02-01", None)));
        let got = recognize(&records);
        assert_eq!(got[0].total(), Hours::ZERO);
        assert!(
            got[0].reason.starts_with("待审核") && got[0].reason.contains("预计10学时"),
            "{}",
            got[0].reason
        );
        assert!(got[1].reason.starts_with("已驳回"));
        assert_eq!(got[2..].iter().map(|r| r.total()).sum::<Hours>(), h(30.0));
    }

    #[test]
    fn unfiled_own_plan_earns_nothing() {
        let mut r = rec(FiledTraining, "2025-08-01", "2025-08-02", Some(12.0));
        r.own_plan_filed = Some(false);
        let got = base(&r);
        assert_eq!(got.total(), Hours::ZERO);
        assert!(got.reason.contains("未在市人社局备案"));
        r.own_plan_filed = Some(true);
        assert_eq!(base(&r).total(), h(12.0));
    }

    #[test]
    fn preconditions_are_refused_with_the_field_named() {
        let cases: Vec<(RuleInput, &str, &str)> = vec![
            (
                rec(Training, "2025-03-02", "2025-03-01", Some(8.0)),
                "结束日期",
                "早于",
            ),
            (
                rec(Training, "2025-03-01", "2025-03-01", Some(-1.0)),
                "学时",
                "负数",
            ),
            (
                rec(Training, "2025-03-01", "2025-03-01", Some(5000.0)),
                "学时",
                "不合理",
            ),
            (
                rec(Training, "2025-03-01", "2025-03-01", None),
                "学时",
                "须填写学时",
            ),
            (months(Posting, 0, None), "月数", "1–12"),
            (months(Posting, 13, None), "月数", "1–12"),
            (
                RuleInput {
                    months: None,
                    ..months(Posting, 1, None)
                },
                "月数",
                "须填写月数",
            ),
            (
                months(Special, 6, Some(Situation::Abroad)),
                "月数",
                "超过6个月",
            ),
            (
                months(Special, 6, Some(Situation::SickLeave)),
                "月数",
                "超过6个月",
            ),
            (months(Special, 6, None), "情形", "须注明情形"),
            (
                RuleInput {
                    subject: Some(Subject::Public),
                    ..rec(DigitalEngineer, "2025-03-01", "2025-03-01", Some(8.0))
                },
                "科目",
                "只能计入专业",
            ),
            (
                RuleInput {
                    subject: Some(Subject::Public),
                    ..months(Posting, 3, None)
                },
                "科目",
                "留空",
            ),
            // Issue 13 item 4: months no more than the dates span.
            (
                RuleInput {
                    end: d("2025-03-31"),
                    ..months(Posting, 4, None)
                },
                "月数",
                "3个整月",
            ),
            // Issue 13 item 6: one calendar year per record.
            (
                rec(Training, "2025-12-29", "2026-01-02", Some(8.0)),
                "结束日期",
                "不能跨年度",
            ),
            // Issue 13 item 3: a city-platform row states its subject.
            (
                RuleInput {
                    subject: None,
                    ..rec(CityPlatform, "2025-03-01", "2025-03-01", Some(8.0))
                },
                "科目",
                "科目类别",
            ),
        ];
        for (r, field, fragment) in cases {
            let (f, msg) = check(&r).expect_err(&format!("{r:?} should be refused"));
            assert_eq!(f, field, "{msg}");
            assert!(msg.contains(fragment), "{msg:?} lacks {fragment:?}");
        }
        assert!(
            check(&months(Special, 6, Some(Situation::Maternity))).is_ok(),
            "maternity has no 6-month bar"
        );
        assert!(check(&months(Special, 7, Some(Situation::Abroad))).is_ok());
    }

    #[test]
    fn whole_months_count_complete_months_only() {
        for (start, end, n) in [
            ("2025-01-01", "2025-12-31", 12),
            ("2025-03-15", "2025-06-14", 3),
            ("2025-03-15", "2025-06-13", 2),
            ("2025-02-01", "2025-02-28", 1),
            ("2025-06-01", "2025-06-01", 0),
        ] {
            assert_eq!(whole_months(d(start), d(end)), n, "{start}..{end}");
        }
    }

    #[test]
    fn training_expert_and_filed_training_share_eight_hours_a_day() {
        // A training day and an expert-panel day on the same date: 8 in all, not 16.
        let got = recognize(&[
            rec(Training, "2025-03-01", "2025-03-01", Some(8.0)),
            rec(Expert, "2025-03-01", "2025-03-01", Some(8.0)),
        ]);
        assert_eq!((got[0].total(), got[1].total()), (h(8.0), h(0.0)));
        assert!(
            got[1]
                .reason
                .contains("2025-03-01已由培训进修（2025-03-01）计入"),
            "{}",
            got[1].reason
        );
        assert!(
            got[1].reason.contains("由8学时核减为0学时"),
            "{}",
            got[1].reason
        );
        // Two days of training claiming 10 fill day 1 and take 2 of day 2; the expert gets 6.
        let got = recognize(&[
            rec(Training, "2025-03-01", "2025-03-02", Some(10.0)),
            rec(Expert, "2025-03-02", "2025-03-02", Some(8.0)),
        ]);
        assert_eq!((got[0].total(), got[1].total()), (h(10.0), h(6.0)));
        // Date order decides, not entry order; pending records take nothing.
        let mut pending = rec(FiledTraining, "2025-03-01", "2025-03-01", Some(8.0));
        pending.status = Status::Pending;
        let got = recognize(&[
            rec(Expert, "2025-03-02", "2025-03-02", Some(5.0)),
            rec(Training, "2025-03-01", "2025-03-02", Some(12.0)),
            pending,
        ]);
        assert_eq!((got[0].total(), got[1].total()), (h(4.0), h(12.0)));
        // Other categories have no daily pool.
        let got = recognize(&[
            rec(Training, "2025-03-01", "2025-03-01", Some(8.0)),
            rec(ExamService, "2025-03-01", "2025-03-01", Some(8.0)),
        ]);
        assert_eq!(got[1].total(), h(8.0));
    }

    #[test]
    fn the_months_field_is_labelled_for_what_it_means() {
        let label = |c: Category| {
            category_infos()
                .into_iter()
                .find(|i| i.code == c.code())
                .and_then(|i| i.months_label)
        };
        assert_eq!(label(Posting), Some("援派月数"));
        assert_eq!(label(Special), Some("离岗月数"));
        assert_eq!(label(Training), None);
    }

    #[test]
    fn categories_parse_from_code_and_label() {
        for &c in Category::ALL {
            assert_eq!(Category::parse(c.code()), Some(c));
            assert_eq!(Category::parse(c.label()), Some(c));
        }
        assert_eq!(Category::parse("无此类别"), None);
    }

    /// Issue 13 item 2, a line per category: where a 公需 subject may stand, and what a training or
    /// study record needs to be public.
    #[test]
    fn public_hours_come_only_from_the_sources_the_notice_allows() {
        let public = |c: Category| RuleInput {
            subject: Some(Subject::Public),
            ..rec(c, "2025-03-01", "2025-03-01", Some(4.0))
        };
        for &c in Category::ALL {
            let allowed =
                !c.uses_months() && matches!(c, CityPlatform | Training | Study | TransferIn);
            let got = check(&public(c));
            if allowed {
                assert_eq!(got, Ok(()), "{c:?} may carry 公需");
            } else if !c.uses_months() {
                let (column, message) = got.expect_err("only professional");
                assert_eq!(column, "科目", "{c:?}");
                assert!(message.contains("只能计入专业科目"), "{message}");
            }
        }
        let topics = vec!["习近平新时代中国特色社会主义思想".to_string()];
        let topic = Some(topics[0].as_str());
        type Case<'a> = (
            Category,
            Option<Subject>,
            Option<&'a str>,
            Result<(), &'a str>,
        );
        let cases: Vec<Case<'_>> = vec![
            (Training, Some(Subject::Public), topic, Ok(())),
            (Study, None, topic, Ok(())),
            (Training, None, None, Ok(())),
            (Training, Some(Subject::Professional), None, Ok(())),
            (
                Training,
                Some(Subject::Public),
                None,
                Err("须注明2025年度的公需专题"),
            ),
            (
                Study,
                Some(Subject::Public),
                Some("消防安全"),
                Err("不是2025年度的公需专题"),
            ),
            (
                Training,
                Some(Subject::Professional),
                topic,
                Err("科目不能为专业"),
            ),
            (
                Expert,
                None,
                topic,
                Err("只有培训进修和学习需要填写公需专题"),
            ),
            (CityPlatform, Some(Subject::Public), None, Ok(())),
            (TransferIn, Some(Subject::Public), None, Ok(())),
        ];
        for (i, (c, subject, topic, want)) in cases.into_iter().enumerate() {
            let got = check_topic(c, subject, topic, 2025, &topics);
            match want {
                Ok(()) => assert_eq!(got, Ok(()), "case {i}"),
                Err(fragment) => {
                    let (column, message) = got.expect_err("refused");
                    assert_eq!(column, "公需专题", "case {i}");
                    assert!(message.contains(fragment), "case {i}: {message}");
                }
            }
        }
    }

    /// Issue 13 item 12: 待审核 is what approving the pending records now would add.
    #[test]
    fn pending_is_what_approval_would_add_net_of_caps_and_recuts() {
        let pending = |mut r: RuleInput| {
            r.status = Status::Pending;
            r
        };
        type Case = (Vec<RuleInput>, Vec<Option<f64>>, &'static str);
        let cases: Vec<Case> = vec![
            (
                vec![pending(rec(
                    QualificationExam,
                    "2025-05-01",
                    "2025-05-01",
                    Some(40.0),
                ))],
                vec![Some(16.0)],
                "a qualification exam claimed at 40 can only give 16",
            ),
            (
                vec![
                    rec(Study, "2025-02-01", "2025-02-28", Some(40.0)),
                    pending(rec(Study, "2025-06-01", "2025-06-30", Some(10.0))),
                ],
                vec![None, Some(0.0)],
                "the study cap is already full",
            ),
            (
                vec![
                    rec(Study, "2025-06-01", "2025-06-30", Some(30.0)),
                    pending(rec(Study, "2025-03-01", "2025-03-31", Some(20.0))),
                ],
                vec![None, Some(10.0)],
                "the earlier pending record would re-cut the approved one: 40 − 30",
            ),
            (
                vec![
                    rec(Training, "2025-04-01", "2025-04-01", Some(6.0)),
                    pending(rec(Expert, "2025-04-01", "2025-04-01", Some(8.0))),
                    pending(rec(Training, "2025-04-02", "2025-04-02", Some(8.0))),
                ],
                vec![None, Some(2.0), Some(8.0)],
                "the day already holds 6 of its 8 hours",
            ),
            (
                vec![rec(Training, "2025-04-01", "2025-04-01", Some(6.0))],
                vec![None],
                "nothing pending",
            ),
        ];
        for (records, want, why) in cases {
            let got: Vec<Option<Hours>> = assess(&records)
                .into_iter()
                .map(|a| a.pending_gain)
                .collect();
            let want: Vec<Option<Hours>> = want.into_iter().map(|w| w.map(h)).collect();
            assert_eq!(got, want, "{why}");
            let counted: Hours = recognize(&records).iter().map(Recognition::total).sum();
            let approved: Vec<RuleInput> = records
                .iter()
                .cloned()
                .map(|mut r| {
                    r.status = Status::Approved;
                    r
                })
                .collect();
            let after: Hours = recognize(&approved).iter().map(Recognition::total).sum();
            let gain: Hours = got.into_iter().flatten().sum();
            assert_eq!(
                counted + gain,
                after,
                "{why}: the gains add up to approval's effect"
            );
        }
    }

    /// Issue 13 item 8: each category's evidence checklist, as 附件1第8条 lists it.
    #[test]
    fn each_category_has_the_evidence_checklist_of_rule_8() {
        let cases: Vec<(Category, &[&str])> = vec![
            (
                Achievement,
                &["封面", "目录页", "正文页（论文）或索引（著作）"],
            ),
            (QualificationExam, &["职业资格证书"]),
            (Competition, &["获奖证书（奖章、奖牌）"]),
            (ExamService, &["学时登记卡"]),
            (TransferIn, &["调出地学时证明"]),
            (Posting, &["单位批准及证明"]),
            (Special, &["单位批准及证明"]),
            (
                Training,
                &[
                    "培训合格证书或盖章证明",
                    "经人社部门备案（合格证书或备案编号）",
                ],
            ),
            (Study, &["培训合格证书或盖章证明"]),
            (CityPlatform, &[]),
        ];
        for (c, items) in cases {
            assert_eq!(c.evidence_checklist(), items, "{c:?}");
        }
        for c in Category::ALL {
            assert_eq!(
                c.evidence_checklist().is_empty(),
                *c == CityPlatform,
                "everything the unit audits has a checklist: {c:?}"
            );
        }
    }
}
