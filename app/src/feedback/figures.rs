//! The adoption report's figures: comments received and the people who sent them, and the tally of
//! the published comments (as a whole, on the draft as a whole, per article). Counting them reads
//! every comment, so a published report's are counted once, at publication inside its transaction,
//! and kept (`adoption_reports.received`/`participants`, `report_tallies`); a comment approved after
//! publication is counted in by a trigger in the moderation's own transaction (migration 0024), and
//! answers cannot change after publication (`store::dispose`). Only the unpublished preview, one
//! agency's staff, counts on each view.
use super::{Disposition, Tally};
use crate::error::{AppError, AppResult};
use sqlx::AnyConnection;

/// A report's figures, as counted or as kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    /// Every comment received (published or not), and the people who sent them (each anonymous
    /// comment counting as one person).
    pub received: u64,
    pub participants: u64,
    /// The published comments, all of them.
    pub overall: Tally,
    /// The published comments on the draft as a whole.
    pub whole: Tally,
    /// The published comments of each article, by article id (every article has one).
    pub articles: Vec<(i64, Tally)>,
}

/// One row of a tally, as counted and as kept: a scope (`all`, `whole` or `article`) and its counts.
#[derive(sqlx::FromRow)]
struct Counted {
    scope: String,
    article_id: Option<i64>,
    comments: i64,
    participants: i64,
    adopted: i64,
    partly_adopted: i64,
    not_adopted: i64,
    already_provided: i64,
    out_of_scope: i64,
}

impl Counted {
    fn tally(&self) -> Tally {
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        let by_disposition = [
            n(self.adopted),
            n(self.partly_adopted),
            n(self.not_adopted),
            n(self.already_provided),
            n(self.out_of_scope),
        ];
        let answered: u64 = by_disposition.iter().sum();
        Tally {
            comments: n(self.comments),
            participants: n(self.participants),
            by_disposition,
            unanswered: n(self.comments).saturating_sub(answered),
        }
    }
}

/// The counts of one scope's published comments (`m`, left-joined: a scope without comments counts
/// zero), each anonymous comment one person. The columns follow [`Disposition::ALL`].
const COUNTS: &str = "COUNT(m.id) AS comments,
    COUNT(DISTINCT m.author_id) + COALESCE(SUM(CASE WHEN m.id IS NOT NULL AND m.author_id IS NULL THEN 1 ELSE 0 END), 0)
        AS participants,
    COALESCE(SUM(CASE WHEN m.disposition = 'adopted' THEN 1 ELSE 0 END), 0) AS adopted,
    COALESCE(SUM(CASE WHEN m.disposition = 'partly_adopted' THEN 1 ELSE 0 END), 0) AS partly_adopted,
    COALESCE(SUM(CASE WHEN m.disposition = 'not_adopted' THEN 1 ELSE 0 END), 0) AS not_adopted,
    COALESCE(SUM(CASE WHEN m.disposition = 'already_provided' THEN 1 ELSE 0 END), 0) AS already_provided,
    COALESCE(SUM(CASE WHEN m.disposition = 'out_of_scope' THEN 1 ELSE 0 END), 0) AS out_of_scope";

/// Count the consultation's figures now (every comment is read).
pub async fn count(conn: &mut AnyConnection, consultation: i64) -> AppResult<Figures> {
    let (received, participants): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT author_id) + COALESCE(SUM(CASE WHEN author_id IS NULL THEN 1 ELSE 0 END), 0)
         FROM comments WHERE consultation_id = $1",
    )
    .bind(consultation)
    .fetch_one(&mut *conn)
    .await?;
    let rows: Vec<Counted> = sqlx::query_as(&format!(
        "SELECT 'all' AS scope, CAST(NULL AS BIGINT) AS article_id, {COUNTS}
         FROM consultations c LEFT JOIN comments m ON m.consultation_id = c.id AND m.status = 'approved'
         WHERE c.id = $1 GROUP BY c.id
         UNION ALL
         SELECT 'whole' AS scope, CAST(NULL AS BIGINT) AS article_id, {COUNTS}
         FROM consultations c
         LEFT JOIN comments m ON m.consultation_id = c.id AND m.article_id IS NULL AND m.status = 'approved'
         WHERE c.id = $1 GROUP BY c.id
         UNION ALL
         SELECT 'article' AS scope, a.id AS article_id, {COUNTS}
         FROM articles a LEFT JOIN comments m ON m.article_id = a.id AND m.status = 'approved'
         WHERE a.consultation_id = $1 GROUP BY a.id"
    ))
    .bind(consultation)
    .fetch_all(&mut *conn)
    .await?;
    assemble(received, participants, &rows)
}

fn assemble(received: i64, participants: i64, rows: &[Counted]) -> AppResult<Figures> {
    let n = |v: i64| u64::try_from(v).unwrap_or(0);
    let mut f = Figures { received: n(received), participants: n(participants), ..Figures::default() };
    for row in rows {
        match (row.scope.as_str(), row.article_id) {
            ("all", None) => f.overall = row.tally(),
            ("whole", None) => f.whole = row.tally(),
            ("article", Some(a)) => f.articles.push((a, row.tally())),
            (other, _) => return AppError::stored(None, "report tally scope", other),
        }
    }
    Ok(f)
}

/// Keep a report's figures (inside the publication's transaction).
pub async fn keep(conn: &mut AnyConnection, consultation: i64, f: &Figures) -> AppResult<()> {
    let signed = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    sqlx::query("UPDATE adoption_reports SET received = $1, participants = $2 WHERE consultation_id = $3")
        .bind(signed(f.received))
        .bind(signed(f.participants))
        .bind(consultation)
        .execute(&mut *conn)
        .await?;
    let scopes = [("all", None, &f.overall), ("whole", None, &f.whole)]
        .into_iter()
        .chain(f.articles.iter().map(|(a, t)| ("article", Some(*a), t)));
    for (scope, article, t) in scopes {
        let mut q = sqlx::query(
            "INSERT INTO report_tallies (consultation_id, scope, article_id, comments, participants,
                 adopted, partly_adopted, not_adopted, already_provided, out_of_scope)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(consultation)
        .bind(scope)
        .bind(article)
        .bind(signed(t.comments))
        .bind(signed(t.participants));
        for d in Disposition::ALL {
            q = q.bind(signed(t.count(d)));
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The figures kept at publication (and kept up to date since), if the report has them.
pub async fn kept(conn: &mut AnyConnection, consultation: i64) -> AppResult<Option<Figures>> {
    let head: Option<(Option<i64>, Option<i64>)> =
        sqlx::query_as("SELECT received, participants FROM adoption_reports WHERE consultation_id = $1")
            .bind(consultation)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((Some(received), Some(participants))) = head else { return Ok(None) };
    let rows: Vec<Counted> = sqlx::query_as(
        "SELECT scope, article_id, comments, participants, adopted, partly_adopted, not_adopted,
                already_provided, out_of_scope
         FROM report_tallies WHERE consultation_id = $1",
    )
    .bind(consultation)
    .fetch_all(&mut *conn)
    .await?;
    if !rows.iter().any(|r| r.scope == "all") {
        return Ok(None);
    }
    assemble(received, participants, &rows).map(Some)
}
