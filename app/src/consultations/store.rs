//! Consultation storage: creation with structure parsing and the 30-day rule, listing, reading.
use super::structure::{parse_draft, without_title, BlockKind, ParsedDraft};
use super::{Article, Detail, Kind, Status, Summary};
use crate::accounts::user::CurrentUser;
use crate::clock;
use crate::error::{AppError, AppResult, FieldError};
use sqlx::AnyPool;

/// What a staff member submits to open a consultation.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct NewConsultation {
    pub kind: String,
    pub title: String,
    pub explanation: String,
    pub full_text: String,
    /// First day of the window, "YYYY-MM-DD", Beijing time: the day of publication or later.
    pub opens_on: String,
    /// Last day of the window (inclusive).
    pub closes_on: String,
    #[serde(default)]
    pub short_window_reason: String,
    #[serde(default)]
    pub allow_anonymous: Option<String>,
    /// Saved as a draft for the agency to preview, published later (a ticked box).
    #[serde(default)]
    pub draft: Option<String>,
}

struct Checked {
    kind: Kind,
    opens_at: i64,
    closes_at: i64,
    reason: Option<String>,
}

/// The longest explanation (起草说明) a draft carries.
pub const MAX_EXPLANATION: usize = 20_000;

/// What is wrong with a title, an explanation and a full text, as typed (none when all are fine).
pub(super) fn text_errors(title: &str, explanation: &str, full_text: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let title_len = title.trim().chars().count();
    if title_len == 0 || title_len > 200 {
        errors.push(FieldError::new("title", "标题应为1至200个字"));
    }
    if explanation.chars().count() > MAX_EXPLANATION {
        errors.push(FieldError::new("explanation", "起草说明不能超过2万字"));
    }
    if full_text.trim().is_empty() {
        errors.push(FieldError::new("full_text", "请填写草案全文"));
    }
    if full_text.chars().count() > 200_000 {
        errors.push(FieldError::new("full_text", "全文不能超过20万字"));
    }
    errors
}

/// Check a consultation to be published on `published_on`: the window may not start before the
/// public can see the draft, and its days (the 30-day minimum) count from then.
fn check(input: &NewConsultation, published_on: clock::Date) -> AppResult<Checked> {
    let mut errors = text_errors(&input.title, &input.explanation, &input.full_text);
    let kind = Kind::parse(&input.kind);
    if kind.is_none() {
        errors.insert(0, FieldError::new("kind", "请选择类型"));
    }
    let opens = clock::parse_date(&input.opens_on);
    let closes = clock::parse_date(&input.closes_on);
    if opens.is_none() {
        errors.push(FieldError::new("opens_on", "请填写开始日期"));
    }
    if closes.is_none() {
        errors.push(FieldError::new("closes_on", "请填写截止日期"));
    }
    let reason = input.short_window_reason.trim().to_string();
    let mut window = None;
    if let (Some(o), Some(c)) = (opens, closes) {
        if o < published_on {
            errors.push(FieldError::new(
                "opens_on",
                &format!("开始日期不能早于发布之日（{}）", clock::long_date(published_on)),
            ));
        } else if c < o {
            errors.push(FieldError::new("closes_on", "截止日期不能早于开始日期"));
        } else {
            let opens_at = clock::start_of_day(o);
            let closes_at = clock::start_of_day(c.next_day());
            let days = (closes_at - opens_at) / 86_400;
            if kind.is_some_and(Kind::needs_30_days) && days < 30 && reason.is_empty() {
                errors.push(FieldError::new(
                    "short_window_reason",
                    &format!("征求意见期限为{days}日，少于30日的须说明理由"),
                ));
            }
            window = Some((opens_at, closes_at));
        }
    }
    match (kind, window) {
        (Some(kind), Some((opens_at, closes_at))) if errors.is_empty() => {
            Ok(Checked { kind, opens_at, closes_at, reason: (!reason.is_empty()).then_some(reason) })
        }
        _ => Err(AppError::Invalid(errors)),
    }
}

/// Create a consultation for the staff member's own agency: published now, or (`draft`) saved
/// for the agency to preview and publish later. Returns its id.
pub async fn create(db: &AnyPool, staff: &CurrentUser, input: &NewConsultation) -> AppResult<i64> {
    create_published_at(db, staff, input, clock::now()).await
}

/// Publish a draft of the staff member's agency now, with the window as confirmed at publication
/// (checked as at creation: not starting before today, the 30 days counted from then).
pub async fn publish(db: &AnyPool, staff: &CurrentUser, id: i64, window: &NewConsultation) -> AppResult<()> {
    let agency = staff.staff_agency()?;
    let row: Option<(String, String, Option<i64>)> =
        sqlx::query_as("SELECT kind, title, published_at FROM consultations WHERE id = $1 AND agency_id = $2")
            .bind(id)
            .bind(agency)
            .fetch_optional(db)
            .await?;
    let (kind, title, published) = row.ok_or(AppError::NotFound)?;
    if published.is_some() {
        return Err(AppError::Conflict("已经发布".into()));
    }
    let input = NewConsultation { kind, title, full_text: "-".into(), ..window.clone() };
    let now = clock::now();
    let c = check(&input, clock::date_of(now))?;
    let mut tx = crate::db::begin_write(db).await?;
    sqlx::query(
        "UPDATE consultations SET opens_at = $1, closes_at = $2, short_window_reason = $3, published_at = $4
         WHERE id = $5 AND published_at IS NULL",
    )
    .bind(c.opens_at)
    .bind(c.closes_at)
    .bind(c.reason)
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    crate::changes::record_change(&mut tx, "consultation", id).await?;
    tx.commit().await?;
    tracing::info!(consultation = id, "draft consultation published");
    Ok(())
}

/// Create a consultation published at `published_at` (the demo's, and imports of consultations
/// published before; the web forms publish now).
pub async fn create_published_at(
    db: &AnyPool,
    staff: &CurrentUser,
    input: &NewConsultation,
    published_at: i64,
) -> AppResult<i64> {
    let agency = staff.staff_agency()?;
    let c = check(input, clock::date_of(published_at))?;
    let parsed = without_title(parse_draft(&input.full_text));
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO consultations (agency_id, kind, title, explanation, full_text, opens_at, closes_at,
            short_window_reason, allow_anonymous, created_by, created_at, published_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(agency)
    .bind(c.kind.as_str())
    .bind(input.title.trim())
    .bind(input.explanation.trim())
    .bind(&input.full_text)
    .bind(c.opens_at)
    .bind(c.closes_at)
    .bind(c.reason)
    .bind(i64::from(input.allow_anonymous.is_some()))
    .bind(staff.id)
    .bind(published_at)
    // A draft is kept unpublished: nobody but its agency sees it until it is published.
    .bind(input.draft.is_none().then_some(published_at))
    .fetch_one(&mut *tx)
    .await?;
    insert_structure(&mut tx, id, &parsed).await?;
    crate::changes::record_change(&mut tx, "consultation", id).await?;
    tx.commit().await?;
    tracing::info!(consultation = id, agency, articles = parsed.blocks.len(), "consultation created");
    Ok(id)
}

/// Store a parsed draft's articles and unrecognised lines for consultation `id` (which has none).
pub(super) async fn insert_structure(conn: &mut sqlx::AnyConnection, id: i64, parsed: &ParsedDraft) -> AppResult<()> {
    for (pos, b) in parsed.blocks.iter().enumerate() {
        sqlx::query(
            "INSERT INTO articles (consultation_id, position, anchor, is_article, label, part, chapter, section, body)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(pos as i64)
        .bind(&b.anchor)
        .bind(i64::from(b.kind == BlockKind::Article))
        .bind(&b.label)
        .bind(&b.part)
        .bind(&b.chapter)
        .bind(&b.section)
        .bind(&b.body)
        .execute(&mut *conn)
        .await?;
    }
    insert_unrecognised(conn, id, parsed).await
}

/// Store a parsed draft's unrecognised lines for consultation `id` (which has none).
pub(super) async fn insert_unrecognised(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    parsed: &ParsedDraft,
) -> AppResult<()> {
    for line in &parsed.unrecognised {
        sqlx::query("INSERT INTO unrecognised_lines (consultation_id, line, text) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(line.line as i64)
            .bind(&line.text)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

type SummaryRow = (i64, String, String, String, i64, i64, i64, Option<i64>, Option<i64>);

fn summary(row: SummaryRow, now: i64) -> AppResult<Summary> {
    let (id, kind, title, agency_name, opens_at, closes_at, approved_comments, withdrawn_at, published_at) = row;
    Ok(Summary {
        id,
        kind: AppError::stored(Kind::parse(&kind), "consultation kind", &kind)?,
        title,
        agency_name,
        opens_at,
        closes_at,
        status: match (published_at, withdrawn_at) {
            (None, _) => Status::Draft,
            (_, Some(_)) => Status::Withdrawn,
            _ => Status::at(now, opens_at, closes_at),
        },
        approved_comments,
    })
}

// Counts are kept by the database beside what they count (migration 0023), never counted here.
const SUMMARY_SQL: &str = "SELECT c.id, c.kind, c.title, a.name, c.opens_at, c.closes_at, c.approved_total,
        c.withdrawn_at, c.published_at
     FROM consultations c JOIN agencies a ON a.id = c.agency_id";

/// All consultations (or one agency's): open first, then upcoming, then closed, newest first.
pub async fn list(db: &AnyPool, agency: Option<i64>) -> AppResult<Vec<Summary>> {
    let now = clock::now();
    let rows: Vec<SummaryRow> = match agency {
        Some(a) => {
            sqlx::query_as(&format!("{SUMMARY_SQL} WHERE c.agency_id = $1 ORDER BY c.opens_at DESC"))
                .bind(a)
                .fetch_all(db)
                .await?
        }
        None => {
            sqlx::query_as(&format!("{SUMMARY_SQL} WHERE c.published_at IS NOT NULL ORDER BY c.opens_at DESC"))
                .fetch_all(db)
                .await?
        }
    };
    let mut list: Vec<Summary> = rows.into_iter().map(|r| summary(r, now)).collect::<AppResult<_>>()?;
    list.sort_by_key(|s| match s.status {
        Status::Open => 0,
        Status::Upcoming => 1,
        Status::Closed => 2,
        Status::Withdrawn => 3,
        Status::Draft => 4,
    });
    Ok(list)
}

type ArticleRow = (String, i64, String, Option<String>, Option<String>, Option<String>, String, i64, i64);

/// One published consultation, for anyone.
pub async fn detail(db: &AnyPool, id: i64) -> AppResult<Detail> {
    detail_for(db, id, None).await
}

/// One consultation for `viewer`: a draft only for its own agency's staff (as a preview).
pub async fn detail_for(db: &AnyPool, id: i64, viewer: Option<&CurrentUser>) -> AppResult<Detail> {
    let mut d = full_detail(db, id).await?;
    let own = viewer.and_then(|v| v.staff_agency().ok()) == Some(d.agency_id);
    if d.summary.status == Status::Draft && !own {
        return Err(AppError::NotFound);
    }
    if own {
        d.attachments = super::FILES.list(db, id, true).await?;
    }
    Ok(d)
}

/// One consultation with articles and per-article comment counts.
async fn full_detail(db: &AnyPool, id: i64) -> AppResult<Detail> {
    let now = clock::now();
    let row: Option<SummaryRow> =
        sqlx::query_as(&format!("{SUMMARY_SQL} WHERE c.id = $1")).bind(id).fetch_optional(db).await?;
    let s = summary(row.ok_or(AppError::NotFound)?, now)?;
    let opens_at = s.opens_at;
    let (agency_id, explanation, short_window_reason, allow_anonymous, published_at): (
        i64,
        String,
        Option<String>,
        i64,
        Option<i64>,
    ) = sqlx::query_as(
        "SELECT agency_id, explanation, short_window_reason, allow_anonymous, COALESCE(published_at, created_at)
         FROM consultations WHERE id = $1",
    )
    .bind(id)
    .fetch_one(db)
    .await?;
    let rows: Vec<ArticleRow> = sqlx::query_as(
        "SELECT anchor, is_article, label, part, chapter, section, body, approved, received
         FROM articles WHERE consultation_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    let articles = rows
        .into_iter()
        .map(|(anchor, is_article, label, part, chapter, section, body, approved, received)| Article {
            anchor,
            is_article: is_article != 0,
            label,
            part,
            chapter,
            section,
            body,
            approved,
            received,
        })
        .collect();
    let (whole_approved, whole_received): (i64, i64) =
        sqlx::query_as("SELECT whole_approved, whole_received FROM consultations WHERE id = $1")
            .bind(id)
            .fetch_one(db)
            .await?;
    let report_published_at: Option<Option<i64>> =
        sqlx::query_scalar("SELECT published_at FROM adoption_reports WHERE consultation_id = $1")
            .bind(id)
            .fetch_optional(db)
            .await?;
    Ok(Detail {
        summary: s,
        agency_id,
        explanation,
        short_window_reason,
        allow_anonymous: allow_anonymous != 0,
        published_at: published_at.unwrap_or(opens_at),
        changes: super::amend::changes(db, id).await?,
        attachments: super::FILES.list(db, id, false).await?,
        articles,
        whole_approved,
        whole_received,
        report_published_at: report_published_at.flatten(),
        documents: resulting_documents(db, id).await?,
        plan_item: plan_item(db, id).await?,
    })
}

/// The published legislative plan's item consultation `id` carries out, if linked to one.
async fn plan_item(db: &AnyPool, id: i64) -> AppResult<Option<super::PlanItemLink>> {
    let row: Option<(i64, i64, i64, String)> = sqlx::query_as(
        "SELECT i.id, c.id, c.plan_year, i.title FROM plan_item_consultations l JOIN plan_items i ON i.id = l.plan_item_id
         JOIN proposal_calls c ON c.id = i.call_id WHERE l.consultation_id = $1 AND c.published_at IS NOT NULL",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(item_id, call_id, plan_year, title)| super::PlanItemLink { item_id, call_id, plan_year, title }))
}

/// The documents registered as made from consultation `id` (a draft is made into a few at most).
async fn resulting_documents(db: &AnyPool, id: i64) -> AppResult<Vec<super::ResultingDocument>> {
    made_from(db, "d.consultation_id = $1", id, 20).await
}

/// The documents `d` registered from consultations, chosen by `condition` on `$1` (`id`), oldest
/// first, at most `limit`; whether each still binds. The plan item's page uses it too.
pub(crate) async fn made_from(
    db: &AnyPool,
    condition: &str,
    id: i64,
    limit: i64,
) -> AppResult<Vec<super::ResultingDocument>> {
    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(&format!(
        "SELECT d.id, d.number, d.title, CASE WHEN d.status IN {} THEN 1 ELSE 0 END
         FROM normative_documents d WHERE {condition} ORDER BY d.id LIMIT $2",
        crate::registry::terms::DocStatus::BINDING
    ))
    .bind(id)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, number, title, binding)| super::ResultingDocument { id, number, title, binding: binding == 1 })
        .collect())
}

/// Lines not recognised as structure, for the consultation's own agency.
pub async fn unrecognised_lines(db: &AnyPool, id: i64, agency: i64) -> AppResult<Vec<(i64, String)>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT u.line, u.text FROM unrecognised_lines u JOIN consultations c ON c.id = u.consultation_id
         WHERE u.consultation_id = $1 AND c.agency_id = $2 ORDER BY u.line",
    )
    .bind(id)
    .bind(agency)
    .fetch_all(db)
    .await?;
    Ok(rows)
}
