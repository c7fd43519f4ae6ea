//! Who hears of a case's steps, told in the step's own transaction (so a message goes out if and
//! only if the step happened). The filer is told of each step the regulations say they must be
//! told of — in 消息 when they filed under an account, by e-mail when they left an address (and
//! mail is on); the progress page shows every public step anyway. The staff who now owe the next
//! step hear of the new work (`handlers.rs`). Messages name the case by its number and say what
//! happened and where to look; they never carry the query code, and the filer's identity is opened
//! here only to reach them: it is never shown to staff, logged, or put in a link.
use super::config::CaseConfig;
use super::details::{in_words, Detail, Routing};
use super::handlers::{self, Work};
use super::party::Identity;
use super::rows::Case;
use super::{CaseKind, Stage};
use crate::clock::{self, Date};
use crate::error::AppResult;
use sqlx::AnyConnection;

/// Where a signed-in filer finds their own cases.
const MY_CASES: &str = "/me/cases";
/// Where anyone looks a case up by its number and query code.
const TRACK: &str = "/cases/track";

/// What the filer is told of a step: a short headline (the message's title) and the step in words.
struct Notice {
    headline: String,
    text: String,
}

/// After a step moved a case (`case` as it was before the step; `due` the deadline the step set):
/// tell the filer if they must be told, and the staff who owe the next step if it is new work.
pub(super) async fn after_step(
    conn: &mut AnyConnection,
    cfg: &CaseConfig,
    case: &Case,
    detail: &Detail,
    due: Option<Date>,
) -> AppResult<()> {
    if let Some(notice) = for_filer(cfg, case, detail, due) {
        tell_filer(conn, cfg, case, &notice).await?;
    }
    let work = match detail {
        Detail::Routed(r) if r.routing == Routing::Assign => Some(Work::Assigned),
        Detail::Routed(_) => Some(Work::Transferred),
        Detail::Objected(_) => Some(Work::Objected),
        Detail::ReviewRequested(_) => Some(Work::Review),
        Detail::Legal(_) | Detail::Discipline(_) => Some(Work::Channel),
        _ => None,
    };
    match work {
        Some(work) => handlers::tell(conn, case.id, work, due).await.map(drop),
        None => Ok(()),
    }
}

/// A new filing: the staff in whose queue it lands hear of it (by number and kind only).
pub(super) async fn filed(conn: &mut AnyConnection, case: i64, due: Date) -> AppResult<()> {
    handlers::tell(conn, case, Work::Filed, Some(due)).await.map(drop)
}

/// The notice of a step the filer must be told of; None for the steps they need not be.
fn for_filer(cfg: &CaseConfig, case: &Case, detail: &Detail, due: Option<Date>) -> Option<Notice> {
    let words = in_words(detail)?;
    let (headline, text) = match detail {
        Detail::NotAccepted(_) => ("不予受理".to_string(), words),
        Detail::Legal(_) => ("已导入法律程序".into(), words),
        Detail::Discipline(_) => ("已转纪检监察机关".into(), words),
        Detail::Routed(r) => {
            (format!("已{}办理单位", if r.routing == Routing::Assign { "交办" } else { "转送" }), words)
        }
        Detail::UnitAccepted(_) => ("已受理".into(), words),
        Detail::Extended(_) => ("办理期限延长".into(), words),
        Detail::Decided(d) => {
            let next = next_round(cfg, case, due).map(|n| format!("\n\n{n}")).unwrap_or_default();
            (format!("已出具{}", d.stage_label), format!("{words}{next}"))
        }
        Detail::ReviewRequested(r) => (
            format!("已收到{}申请", r.stage_label),
            format!("{words}。将于{}前出具{}意见", crate::clock::long_iso(&r.due_on), r.stage_label),
        ),
        Detail::Terminated(_) => ("依法终结".into(), words),
        _ => return None,
    };
    Some(Notice { headline, text })
}

/// What a petition's filer may do after a decision, and until when: review (复查) after the first
/// decision, re-review (复核) after the review; the re-review is final. None for the other kinds,
/// which have no such round here.
fn next_round(cfg: &CaseConfig, case: &Case, due: Option<Date>) -> Option<String> {
    if case.kind != CaseKind::Petition {
        return None;
    }
    let (period, next) = match case.stage {
        Stage::First => (cfg.periods.review_request, Stage::Review),
        Stage::Review => (cfg.periods.rereview_request, Stage::Rereview),
        Stage::Rereview => return Some("复核意见为最终意见，同一事项不再受理。".into()),
    };
    let until = due.map(|d| format!("，即{}前", crate::clock::long_date(d))).unwrap_or_default();
    Some(format!(
        "不服的，可以自收到之日起{}日内{until}申请{}（凭编号和查询码在“办理进度查询”中提出）。",
        period.days,
        next.label()
    ))
}

/// Tell the filer: a message to their account, an e-mail to the address they left.
async fn tell_filer(conn: &mut AnyConnection, cfg: &CaseConfig, case: &Case, notice: &Notice) -> AppResult<()> {
    let Some(filer) = contact(conn, cfg, case.id).await? else { return Ok(()) };
    let now = clock::now();
    let title = format!("{}：{}", case.number, notice.headline);
    if let Some(user) = filer.user_id {
        // Through `users`: an account removed since is simply not told.
        sqlx::query(
            "INSERT INTO notifications (user_id, title, link, created_at) SELECT id, $1, $2, $3 FROM users WHERE id = $4",
        )
        .bind(&title)
        .bind(MY_CASES)
        .bind(now)
        .bind(user)
        .execute(&mut *conn)
        .await?;
    }
    let (Some(base), true) = (cfg.mail_url.as_deref(), mailable(&filer.email)) else { return Ok(()) };
    let look = match filer.user_id {
        Some(_) => format!("请登录后在“我的信访投诉”中查看：{base}{MY_CASES}"),
        None => format!("请凭编号和查询码在“办理进度查询”中查看：{base}{TRACK}"),
    };
    let body = format!(
        "您好：\n\n您提出的事项（编号{}）有新的办理进度：\n\n{}\n\n{look}\n\n\
         为保护您的信息，本邮件不含查询码；查询码请以提交时记下的为准。\n\
         本邮件由公众参与平台自动发送，请勿直接回复。\n",
        case.number, notice.text
    );
    sqlx::query(
        "INSERT INTO mail_outbox (recipient, subject, body, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(filer.email.trim())
    .bind(format!("办理进度通知：{title}"))
    .bind(body)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// How the filer can be reached: their account and the e-mail address they left, opened from the
/// sealed identity for this purpose only. None when it does not open (logged, without any of it):
/// the progress page still tells them.
async fn contact(conn: &mut AnyConnection, cfg: &CaseConfig, case: i64) -> AppResult<Option<Identity>> {
    let sealed: Option<String> = sqlx::query_scalar("SELECT sealed FROM case_parties WHERE case_id = $1")
        .bind(case)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(sealed) = sealed else { return Ok(None) };
    let opened = cfg.key.open_for(case, &sealed).ok().and_then(|b| serde_json::from_slice::<Identity>(&b).ok());
    if opened.is_none() {
        tracing::error!(
            case,
            "the sealed identity does not open for this case; the filer is told on the progress page only"
        );
    }
    Ok(opened)
}

/// An address a mail can go to: one `@` with something either side, a dot in the domain, and no
/// space, control character or character that would make it more than one address.
fn mailable(address: &str) -> bool {
    let a = address.trim();
    let Some((local, domain)) = a.split_once('@') else { return false };
    a.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !a.chars().any(|c| c.is_whitespace() || c.is_control() || "<>()[],;:\"\\".contains(c))
        && a.matches('@').count() == 1
}

#[cfg(test)]
mod tests {
    use super::mailable;

    #[test]
    fn only_a_single_plain_address_is_mailed() {
        assert!(mailable("wang.wu@example.cn"));
        assert!(mailable(" li@mail.example.gov.cn "));
        for bad in ["", "wangwu", "a@b", "@example.cn", "a@@example.cn", "a@example.cn, b@example.cn", "a b@example.cn"]
        {
            assert!(!mailable(bad), "{bad}");
        }
        assert!(!mailable("a@example.cn>\r\nRCPT TO:<x@y.cn"));
    }
}
