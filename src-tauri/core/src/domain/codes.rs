//! Every code list of the ledger declared once: the stable code stored in the ledger file, the
//! Chinese label people read, and the other spellings accepted in files and on the command line.
//! The UI gets these lists from the core (`lists()`), never from copies of its own.

use serde::Serialize;

/// What every code list offers; the ledger decodes stored codes through it, refusing unknown ones.
pub trait Code: Sized + Copy + 'static {
    /// What the list is called in a message, e.g. 类别.
    const KIND: &'static str;
    fn all() -> &'static [Self];
    fn code(self) -> &'static str;
    fn label(self) -> &'static str;
    /// The code (any case), the label or another accepted spelling, surrounding spaces ignored.
    fn parse(s: &str) -> Option<Self>;
    /// The labels as a message lists them: 出国/病假/产假/其他.
    fn labels() -> String {
        Self::all()
            .iter()
            .map(|c| c.label())
            .collect::<Vec<_>>()
            .join("/")
    }
    fn options() -> Vec<CodeOption> {
        Self::all()
            .iter()
            .map(|c| CodeOption {
                code: c.code(),
                label: c.label(),
            })
            .collect()
    }
}

/// One entry of a code list, as the UI shows it in a select.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct CodeOption {
    pub code: &'static str,
    pub label: &'static str,
}

/// Declares a code enum: `Variant = "code", "标签" | "别名"...;` per line. Attributes (serde
/// included) pass through unchanged.
macro_rules! codes {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($kind:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $label:literal $(| $alias:literal)* ; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            /// The code (any case), the label or another accepted spelling, surrounding spaces ignored.
            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim();
                $(
                    if s.eq_ignore_ascii_case($code) || s == $label $(|| s == $alias)* {
                        return Some($name::$variant);
                    }
                )+
                None
            }
        }

        impl $crate::domain::codes::Code for $name {
            const KIND: &'static str = $kind;
            fn all() -> &'static [Self] { Self::ALL }
            fn code(self) -> &'static str { $name::code(self) }
            fn label(self) -> &'static str { $name::label(self) }
            fn parse(s: &str) -> Option<Self> { $name::parse(s) }
        }
    };
}
pub(crate) use codes;

codes! {
    /// Where a person stands with the unit (在职状态), stored as its label.
    pub enum Employment ("在职状态") {
        Active = "active", "在职";
        Left = "left", "离职";
        Retired = "retired", "退休";
        TransferredOut = "transferred_out", "调出";
    }
}

codes! {
    /// How the unit told its staff (通知方式), stored as its label.
    pub enum Channel ("通知方式") {
        Notice = "notice", "通知";
        Sms = "sms", "短信";
        Wechat = "wechat", "微信";
        Meeting = "meeting", "会议";
    }
}

codes! {
    /// Where a training plan of the unit stands (appendix 2 filing).
    #[derive(serde::Serialize, serde::Deserialize, ts_rs::TS)]
    #[serde(rename_all = "snake_case")]
    pub enum PlanStatus ("计划状态") {
        Draft = "draft", "草稿";
        Printed = "printed", "已打印";
        Submitted = "submitted", "已报送";
        Filed = "filed", "已备案";
        Returned = "returned", "退回";
    }
}

impl PlanStatus {
    /// The form can still be changed before it is handed in, or after it came back.
    pub fn editable(self) -> bool {
        matches!(
            self,
            PlanStatus::Draft | PlanStatus::Printed | PlanStatus::Returned
        )
    }
}

codes! {
    /// What the unit did, as the audit trail names it.
    pub enum Action ("操作") {
        Create = "create", "录入";
        Edit = "edit", "修改";
        Delete = "delete", "删除";
        Import = "import", "导入";
        Approve = "approve", "审核通过";
        Reject = "reject", "驳回";
        Resubmit = "resubmit", "修改后重新提交";
        Reopen = "reopen", "撤销通过";
        UndoReject = "undo_reject", "撤销驳回";
        Attach = "attach", "添加证明材料";
        Notice = "notice", "通知";
        Export = "export", "导出";
        Restore = "restore", "从备份恢复";
        Recut = "recut", "重新认定";
        Baseline = "baseline", "建立审计基线";
        Seal = "seal", "启用密钥签名";
        Encrypt = "encrypt", "加密台账";
        Adopt = "adopt", "改用台账文件";
        Recover = "recover", "用恢复码恢复密钥";
    }
}

codes! {
    /// A day the State Council moved: a weekday off (放假) or a weekend worked (调休上班).
    #[derive(serde::Serialize, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum DayKind ("调休类型") {
        Off = "off", "放假";
        Work = "work", "调休上班";
    }
}

/// Every list the UI offers, served by the core so no screen keeps a copy.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(rename = "CodeLists")]
pub struct Lists {
    pub categories: Vec<crate::domain::rules::CategoryInfo>,
    pub subjects: Vec<CodeOption>,
    pub statuses: Vec<CodeOption>,
    pub situations: Vec<CodeOption>,
    pub genders: Vec<CodeOption>,
    pub employment: Vec<CodeOption>,
    pub channels: Vec<CodeOption>,
    pub plan_statuses: Vec<CodeOption>,
}

pub fn lists() -> Lists {
    use crate::domain::idcard::Gender;
    use crate::domain::rules::{category_infos, Situation, Status, Subject};
    Lists {
        categories: category_infos(),
        subjects: Subject::options(),
        statuses: Status::options(),
        situations: Situation::options(),
        genders: Gender::options(),
        employment: Employment::options(),
        channels: Channel::options(),
        plan_statuses: PlanStatus::options(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rules::{Category, Situation, Status, Subject};

    #[test]
    fn every_code_and_label_parses_back_to_itself() {
        fn round_trip<T: Code + PartialEq + std::fmt::Debug>() {
            let mut seen = std::collections::HashSet::new();
            for &c in T::all() {
                assert_eq!(T::parse(c.code()), Some(c), "{}", T::KIND);
                assert_eq!(T::parse(c.label()), Some(c), "{}", T::KIND);
                assert_eq!(T::parse(&format!(" {} ", c.code().to_uppercase())), Some(c));
                assert!(seen.insert(c.code()), "duplicate code {}", c.code());
                assert!(seen.insert(c.label()), "duplicate label {}", c.label());
            }
            assert_eq!(T::parse("no_such_code"), None);
            assert_eq!(T::parse(""), None);
        }
        round_trip::<Category>();
        round_trip::<Subject>();
        round_trip::<Status>();
        round_trip::<Situation>();
        round_trip::<crate::domain::idcard::Gender>();
        round_trip::<Employment>();
        round_trip::<Channel>();
        round_trip::<PlanStatus>();
    }

    #[test]
    fn accepted_spellings_of_the_notice() {
        assert_eq!(Subject::parse("公需科目"), Some(Subject::Public));
        assert_eq!(Subject::parse("专业科目"), Some(Subject::Professional));
        assert_eq!(Category::parse("市平台学习"), Some(Category::CityPlatform));
        assert_eq!(Situation::parse("产假"), Some(Situation::Maternity));
    }

    #[test]
    fn the_ui_lists_cover_every_code() {
        let l = lists();
        assert_eq!(l.categories.len(), Category::ALL.len());
        assert_eq!(
            l.statuses.iter().map(|o| o.label).collect::<Vec<_>>(),
            ["待审核", "通过", "驳回", "已同步"]
        );
        assert_eq!(
            l.channels.iter().map(|o| o.label).collect::<Vec<_>>(),
            ["通知", "短信", "微信", "会议"]
        );
        assert_eq!(
            l.employment.iter().map(|o| o.label).collect::<Vec<_>>(),
            ["在职", "离职", "退休", "调出"]
        );
    }
}
