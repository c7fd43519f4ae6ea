//! What each recorded step says (the `detail` JSON of `case_events`), typed, and in words for the
//! filer and for staff. The JSON is in the hash-chained record: the field names and their order
//! are what is already stored and hashed (`chain.rs`), so they must never be renamed or reordered.
use super::{CaseKind, Decision};
use crate::clock::long_iso;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How a case was sent to its unit (also the `cases.routing` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Routing {
    /// 转送: the unit handles it within the ordinary periods.
    #[default]
    Transfer,
    /// 交办: with the officer's own deadline, and a completion report back.
    Assign,
}

impl Routing {
    pub fn as_str(self) -> &'static str {
        match self {
            Routing::Transfer => "transfer",
            Routing::Assign => "assign",
        }
    }

    pub fn parse(s: &str) -> Option<Routing> {
        [Routing::Transfer, Routing::Assign].into_iter().find(|r| r.as_str() == s)
    }
}

/// A note only (sent to discipline, supervised).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Note {
    pub note: String,
}

/// A reason only (terminated, identity revealed).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Reason {
    pub reason: String,
}

/// A stored attachment, by id and content hash.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FileRef {
    pub id: String,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Filed {
    pub kind: CaseKind,
    /// The files stored with the filing. The first release recorded only their count: such an
    /// entry reads back with none listed (its hash covers the text as stored, so it still verifies).
    #[serde(default, deserialize_with = "files_or_count")]
    pub attachments: Vec<FileRef>,
    /// The number of the earlier case in progress this one repeats.
    #[serde(default)]
    pub repeats: Option<String>,
}

/// The files of a filed entry: a list, or (first release) only how many there were.
fn files_or_count<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<FileRef>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Files {
        Listed(Vec<FileRef>),
        Counted(#[allow(dead_code, reason = "only told apart from a list")] u64),
    }
    Ok(match Files::deserialize(d)? {
        Files::Listed(files) => files,
        Files::Counted(_) => Vec::new(),
    })
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NotAccepted {
    pub reason: String,
    /// The proper channel, told to the filer.
    pub channel: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Legal {
    pub body: String,
    pub body_label: String,
    pub note: String,
}

/// A unit named (the unit a report concerns).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UnitNamed {
    pub unit: String,
    pub unit_id: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Routed {
    pub unit: String,
    pub unit_id: i64,
    pub routing: Routing,
    pub note: String,
    pub due_on: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UnitAccepted {
    pub unit: String,
    pub due_on: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Objected {
    pub unit: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Extended {
    pub days: u32,
    pub reason: String,
    pub due_on: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decided {
    pub decision: Decision,
    #[serde(default)]
    pub decision_label: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub basis: String,
    #[serde(default)]
    pub stage_label: String,
    /// Whether the step's deadline was met (for the statistics; absent in old records: on time).
    #[serde(default = "on_time")]
    pub on_time: bool,
}

fn on_time() -> bool {
    true
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CompletionReport {
    pub unit: String,
    pub report: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReviewRequested {
    pub reason: String,
    pub stage_label: String,
    pub due_on: String,
    /// The unit above that decides it (its name and id); none: the petition office.
    pub reviewer: Option<String>,
    pub reviewer_id: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Rated {
    pub score: i64,
    pub label: String,
    pub comment: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SupervisionAnswered {
    pub note: String,
    pub unit: String,
}

/// A running deadline counted again because the holiday calendar changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeadlineRecounted {
    pub from: String,
    pub to: String,
    pub reason: String,
}

/// Each kind of step with the action name it is recorded under.
macro_rules! details {
    ($($variant:ident($ty:ty) = $action:literal,)*) => {
        /// A recorded step's detail, by its action.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Detail {
            $($variant($ty),)*
        }

        impl Detail {
            /// The action it is recorded under.
            pub fn action(&self) -> &'static str {
                match self {
                    $(Detail::$variant(_) => $action,)*
                }
            }

            /// The JSON recorded (and hashed) for it.
            pub fn to_json(&self) -> Value {
                match self {
                    $(Detail::$variant(d) => serde_json::to_value(d),)*
                }
                .unwrap_or_default()
            }

            /// A recorded detail read back; an unreadable one reads as empty, as it always has.
            /// `None` for an action this version does not know, or a detail without its kind.
            pub fn read(action: &str, json: &str) -> Option<Detail> {
                match action {
                    $($action => serde_json::from_str(json)
                        .or_else(|_| serde_json::from_str("{}"))
                        .ok()
                        .map(Detail::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

details! {
    Filed(Filed) = "filed",
    NotAccepted(NotAccepted) = "not_accepted",
    Legal(Legal) = "legal",
    Discipline(Note) = "discipline",
    ConcernedSet(UnitNamed) = "concerned_set",
    Routed(Routed) = "routed",
    UnitAccepted(UnitAccepted) = "unit_accepted",
    Objected(Objected) = "objected",
    Extended(Extended) = "extended",
    Decided(Decided) = "decided",
    CompletionReport(CompletionReport) = "completion_report",
    ReviewRequested(ReviewRequested) = "review_requested",
    Rated(Rated) = "rated",
    Terminated(Reason) = "terminated",
    IdentityRevealed(Reason) = "identity_revealed",
    Supervised(Note) = "supervised",
    SupervisionAnswered(SupervisionAnswered) = "supervision_answered",
    DeadlineRecounted(DeadlineRecounted) = "deadline_recounted",
}

/// A recorded step in words, for the filer.
pub fn describe(action: &str, detail: &str) -> String {
    match Detail::read(action, detail) {
        Some(d) => in_words(&d).unwrap_or_else(|| action.to_string()),
        None => action.to_string(),
    }
}

pub(super) fn in_words(d: &Detail) -> Option<String> {
    Some(match d {
        Detail::Filed(_) => "已收到，等待登记".into(),
        Detail::NotAccepted(d) => {
            // The officer's reason often ends with its own full stop: one is enough.
            let reason = d.reason.trim_end().trim_end_matches(['。', '.']);
            format!("不予受理。理由：{reason}。请通过以下途径反映：{}", d.channel)
        }
        Detail::Legal(d) => format!("属于涉法涉诉事项，已导入法律程序处理（{}）", d.body_label),
        Detail::Discipline(_) => "已转纪检监察机关处理".into(),
        Detail::ConcernedSet(d) => format!("确定被举报单位：{}", d.unit),
        Detail::Routed(d) => {
            format!("已{}至{}", if d.routing == Routing::Assign { "交办" } else { "转送" }, d.unit)
        }
        Detail::UnitAccepted(d) => format!("{}已受理，将于{}前出具处理意见", d.unit, long_iso(&d.due_on)),
        Detail::Extended(d) => format!("办理期限延长{}日至{}。理由：{}", d.days, long_iso(&d.due_on), d.reason),
        Detail::Decided(d) => {
            format!("出具{}：{}。{}（依据：{}）", d.stage_label, d.decision_label, d.text, d.basis)
        }
        Detail::ReviewRequested(d) => match &d.reviewer {
            Some(by) => format!("申请{}：{}（由{by}{}）", d.stage_label, d.reason, d.stage_label),
            None => format!("申请{}：{}", d.stage_label, d.reason),
        },
        Detail::Rated(d) => format!("满意度评价：{}", d.label),
        Detail::Terminated(d) => format!("依法终结：{}", d.reason),
        Detail::DeadlineRecounted(d) => {
            format!("因{}，期限由{}改为{}", d.reason, long_iso(&d.from), long_iso(&d.to))
        }
        _ => return None,
    })
}

/// A recorded step in words for staff (internal steps too).
pub fn describe_for_staff(action: &str, detail: &str) -> String {
    let Some(d) = Detail::read(action, detail) else { return action.to_string() };
    match &d {
        Detail::Filed(f) => match &f.repeats {
            Some(n) => format!("收到（与在办的{n}为同一人同一事项）"),
            None => "收到".into(),
        },
        Detail::Objected(o) => format!("{}提出异议：{}", o.unit, o.reason),
        Detail::Supervised(n) => format!("督办：{}", n.note),
        Detail::SupervisionAnswered(a) => format!("{}回复督办：{}", a.unit, a.note),
        Detail::CompletionReport(r) => format!("{}报送办结报告：{}", r.unit, r.report),
        Detail::IdentityRevealed(r) => format!("查看了提出人身份信息，理由：{}", r.reason),
        Detail::Routed(r) if !r.note.is_empty() => {
            format!("{}（{}）", in_words(&d).unwrap_or_default(), r.note)
        }
        _ => in_words(&d).unwrap_or_else(|| action.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Filings the first release recorded (attachments as a count) keep their wording and the
    /// link to the case they repeat.
    #[test]
    fn a_filing_recorded_by_the_first_release_still_reads_with_its_repeat_link() {
        let old = r#"{"attachments":2,"kind":"petition","repeats":"XF-2026-000007"}"#;
        let Some(Detail::Filed(f)) = Detail::read("filed", old) else { panic!("the old filed entry did not read") };
        assert_eq!(
            (f.kind, f.repeats.as_deref(), f.attachments.len()),
            (CaseKind::Petition, Some("XF-2026-000007"), 0)
        );
    }

    /// The JSON the typed details record is the JSON recorded before they were typed (same
    /// keys, values and order), so records already hashed still verify and read the same.
    #[test]
    fn typed_details_record_exactly_the_json_recorded_before() {
        let pairs = [
            (
                Detail::Filed(Filed {
                    kind: CaseKind::Petition,
                    attachments: vec![FileRef { id: "ab".into(), sha256: "cd".into() }],
                    repeats: None,
                }),
                json!({"kind": "petition", "attachments": [json!({"id": "ab", "sha256": "cd"})], "repeats": null}),
            ),
            (
                Detail::Routed(Routed {
                    unit: "市城管局".into(),
                    unit_id: 7,
                    routing: Routing::Assign,
                    note: "n".into(),
                    due_on: "2027-01-05".into(),
                }),
                json!({"unit": "市城管局", "unit_id": 7, "routing": "assign", "note": "n", "due_on": "2027-01-05"}),
            ),
            (
                Detail::Extended(Extended { days: 30, reason: "r".into(), due_on: "2027-02-01".into() }),
                json!({"days": 30u32, "reason": "r", "due_on": "2027-02-01"}),
            ),
            (
                Detail::Decided(Decided {
                    decision: Decision::NotSupport,
                    decision_label: "不予支持".into(),
                    text: "t".into(),
                    basis: "b".into(),
                    stage_label: "处理意见".into(),
                    on_time: false,
                }),
                json!({"decision": "not_support", "decision_label": "不予支持", "text": "t", "basis": "b",
                       "stage_label": "处理意见", "on_time": false}),
            ),
            (
                Detail::ReviewRequested(ReviewRequested {
                    reason: "r".into(),
                    stage_label: "复查".into(),
                    due_on: "2027-03-01".into(),
                    reviewer: Some("省厅".into()),
                    reviewer_id: Some(3),
                }),
                json!({"reason": "r", "stage_label": "复查", "due_on": "2027-03-01", "reviewer": "省厅", "reviewer_id": 3}),
            ),
            (
                Detail::Rated(Rated { score: 2, label: "不满意".into(), comment: String::new() }),
                json!({"score": 2i64, "label": "不满意", "comment": ""}),
            ),
            (
                Detail::SupervisionAnswered(SupervisionAnswered { note: "n".into(), unit: "u".into() }),
                json!({"note": "n", "unit": "u"}),
            ),
        ];
        for (typed, before) in pairs {
            assert_eq!(typed.to_json().to_string(), before.to_string(), "{}", typed.action());
            assert_eq!(Detail::read(typed.action(), &before.to_string()), Some(typed));
        }
    }

    #[test]
    fn the_filer_reads_each_step_in_words() {
        let routed = r#"{"unit":"区住建局","unit_id":2,"routing":"transfer","note":"","due_on":"2027-01-05"}"#;
        assert_eq!(describe("routed", routed), "已转送至区住建局");
        let review =
            r#"{"reason":"不服","stage_label":"复查","due_on":"2027-03-01","reviewer":null,"reviewer_id":null}"#;
        assert_eq!(describe("review_requested", review), "申请复查：不服");
        // Internal steps are named by their action only, for the filer never sees them.
        assert_eq!(describe("supervised", r#"{"note":"快办"}"#), "supervised");
        assert_eq!(describe_for_staff("supervised", r#"{"note":"快办"}"#), "督办：快办");
        assert_eq!(describe("not_accepted", "not json"), "不予受理。理由：。请通过以下途径反映：");
        let ended = r#"{"reason":"不属于本机关职权范围。","channel":"向市场监管部门反映"}"#;
        assert_eq!(
            describe("not_accepted", ended),
            "不予受理。理由：不属于本机关职权范围。请通过以下途径反映：向市场监管部门反映"
        );
    }
}
