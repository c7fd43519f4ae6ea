//! Telling commenters the report is out: one inbox message per commenter with an account and, with a
//! mail relay, one e-mail per e-mail login, each saying truthfully whether that person's comments
//! were answered one by one or left unanswered (then with the agency's published reason).
use crate::error::AppResult;

/// How the published report treats one commenter's comments, as the message tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Told {
    /// Every comment answered (a comment not published has its moderation reason as its answer).
    Answered,
    /// Some answered, some not.
    Partly,
    /// None answered one by one.
    Unanswered,
}

impl Told {
    /// In the order of the `told` column of [`TOLD_SQL`].
    const ALL: [Told; 3] = [Told::Answered, Told::Partly, Told::Unanswered];

    /// The inbox message's title and the e-mail's subject.
    pub fn subject(self, title: &str) -> String {
        match self {
            Told::Answered => format!("您对《{title}》提出的意见已有答复"),
            Told::Partly => format!("《{title}》的意见采纳情况说明已发布：您的意见部分已有答复，其余未逐条答复"),
            Told::Unanswered => format!("《{title}》的意见采纳情况说明已发布：您的意见未逐条答复"),
        }
    }

    /// The e-mail's plain text (never HTML: the agency's reason stays text whatever it contains).
    pub fn body(self, title: &str, reason: Option<&str>, url: &str) -> String {
        let what = match self {
            Told::Answered => format!("您对《{title}》提出的意见，起草单位已在意见采纳情况说明中作出答复。"),
            Told::Partly => {
                format!("起草单位已发布《{title}》的意见采纳情况说明，对您的部分意见作出了答复，其余意见未逐条答复。")
            }
            Told::Unanswered => {
                format!("起草单位已发布《{title}》的意见采纳情况说明，但未对您的意见逐条答复。")
            }
        };
        let why = match (self, reason) {
            (Told::Partly | Told::Unanswered, Some(r)) => format!("\n\n起草单位说明的原因：\n{r}"),
            _ => String::new(),
        };
        format!(
            "您好：\n\n{what}{why}\n\n查看意见采纳情况说明：{url}\n\n本邮件由公众参与平台自动发送，请勿直接回复。\n"
        )
    }
}

/// Per commenter with an account: 0 answered, 1 partly, 2 unanswered ([`Told::ALL`]'s order). A
/// comment counts as unanswered while it has no disposition and was not refused publication.
const TOLD_SQL: &str = "SELECT author_id,
        CASE WHEN SUM(CASE WHEN status <> 'rejected' AND disposition IS NULL THEN 1 ELSE 0 END) = 0 THEN 0
             WHEN SUM(CASE WHEN status = 'rejected' OR disposition IS NOT NULL THEN 1 ELSE 0 END) = 0 THEN 2
             ELSE 1 END AS told
     FROM comments WHERE consultation_id = $1 AND author_id IS NOT NULL GROUP BY author_id";

/// `CASE t.told WHEN 0 THEN $a WHEN 1 THEN $b ELSE $c END`, the three parameters from `first`.
fn pick(first: usize) -> String {
    format!("CASE t.told WHEN 0 THEN ${} WHEN 1 THEN ${} ELSE ${} END", first, first + 1, first + 2)
}

/// Queue the messages (and with `mail`, the e-mails) in the publication's transaction, so they go
/// out if and only if the report did. Returns (messages, e-mails).
pub async fn commenters(
    tx: &mut sqlx::AnyConnection,
    consultation: i64,
    title: &str,
    reason: Option<&str>,
    mail: bool,
    public_url: &str,
    now: i64,
) -> AppResult<(u64, u64)> {
    let link = format!("/consultations/{consultation}/report");
    let subjects = Told::ALL.map(|t| t.subject(title));
    let notified = sqlx::query(&format!(
        "INSERT INTO notifications (user_id, title, link, created_at)
         SELECT t.author_id, {}, $5, $6 FROM ({TOLD_SQL}) t",
        pick(2)
    ))
    .bind(consultation)
    .bind(&subjects[0])
    .bind(&subjects[1])
    .bind(&subjects[2])
    .bind(&link)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if !mail {
        return Ok((notified, 0));
    }
    let url = format!("{public_url}{link}");
    let bodies = Told::ALL.map(|t| t.body(title, reason, &url));
    let mailed = sqlx::query(&format!(
        "INSERT INTO mail_outbox (recipient, subject, body, created_at, next_attempt_at)
         SELECT COALESCE(u.email, u.login), {}, {}, $8, $8 FROM ({TOLD_SQL}) t JOIN users u ON u.id = t.author_id
         WHERE u.email IS NOT NULL OR u.login LIKE '%@%'",
        pick(2),
        pick(5)
    ))
    .bind(consultation)
    .bind(&subjects[0])
    .bind(&subjects[1])
    .bind(&subjects[2])
    .bind(&bodies[0])
    .bind(&bodies[1])
    .bind(&bodies[2])
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok((notified, mailed))
}

#[cfg(test)]
mod tests {
    use super::Told;

    #[test]
    fn only_a_commenter_whose_comments_were_all_answered_is_told_so() {
        let t = "某条例";
        assert!(Told::Answered.subject(t).contains("已有答复"));
        assert!(
            !Told::Unanswered.subject(t).contains("已有答复") && Told::Unanswered.subject(t).contains("未逐条答复")
        );
        assert!(Told::Partly.subject(t).contains("其余未逐条答复"));
        let body = Told::Unanswered.body(t, Some("<b>仍在研究</b>"), "https://x.cn/consultations/1/report");
        assert!(body.contains("未对您的意见逐条答复") && body.contains("起草单位说明的原因：\n<b>仍在研究</b>"));
        assert!(!Told::Answered.body(t, Some("仍在研究"), "u").contains("仍在研究"), "the reason is not about them");
    }
}
