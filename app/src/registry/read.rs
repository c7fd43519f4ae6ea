//! Reading the registry: the public list, narrowed and paged, and one document with its
//! versions, what each amendment changed, its history and the documents it acted on.
use super::history::Rows as Window;
use super::number;
use super::{
    Amendment, ConsultationLink, DocDetail, DocFilter, DocLink, DocPage, DocStatus, DocSummary, DocVersion, PER_PAGE,
};
use crate::consultations::structure::parse_draft;
use crate::error::{AppError, AppResult};
use crate::feedback::diff::{self, Change, NewArticle, OldArticle};
use sqlx::AnyPool;

pub use super::terms::VERSIONS_SHOWN;
/// A document's latest status changes read for its page.
pub const HISTORY_SHOWN: i64 = 100;

/// Longest words searched for in the list (characters).
pub const MAX_QUERY: usize = 100;

const SUMMARY: &str = "SELECT d.id, d.number, d.title, d.agency_id, a.name, d.status, d.published_on, d.effective_on,
    d.valid_until FROM normative_documents d JOIN agencies a ON a.id = d.agency_id";

type SummaryRow = (i64, String, String, i64, String, String, i64, i64, i64);

fn summary(r: SummaryRow) -> AppResult<DocSummary> {
    let status = AppError::stored(DocStatus::parse(&r.5), "normative_documents.status", &r.5)?;
    Ok(DocSummary {
        id: r.0,
        number: r.1,
        title: r.2,
        agency_id: r.3,
        agency_name: r.4,
        status,
        published_on: r.6,
        effective_on: r.7,
        valid_until: r.8,
    })
}

/// `%` and `_` typed by the user match themselves.
fn like(words: &str) -> String {
    let escaped = words.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// Documents found by words at most (the best ones).
pub const FOUND_AT_MOST: usize = 1_000;

/// One page of the registry, newest first, narrowed by the filter; its words are looked for in
/// the documents' text through the platform's search.
pub async fn list_for(st: &crate::state::AppState, f: &DocFilter) -> AppResult<DocPage> {
    let q = f.q.as_deref().unwrap_or("").trim().to_string();
    if q.chars().count() > MAX_QUERY {
        return Err(AppError::field("q", "检索词不能超过100个字"));
    }
    if q.chars().any(char::is_control) {
        return Err(AppError::field("q", "检索词含有无法识别的控制字符"));
    }
    let found = match q.is_empty() || number::normalise(&q).is_some() {
        true => Vec::new(),
        false => {
            let idx = st.search.index();
            tokio::task::spawn_blocking(move || crate::search::query::document_ids(&idx, &q))
                .await
                .map_err(|_| AppError::Internal)?
                .map_err(|e| {
                    tracing::error!(error = %e, "registry search failed");
                    AppError::Internal
                })?
        }
    };
    list(&st.db, &found, f).await
}

/// One page of the registry, newest first, narrowed by the filter; words match the title or
/// number, or a document among `found` (by the search engine, in the text).
pub async fn list(db: &AnyPool, found: &[i64], f: &DocFilter) -> AppResult<DocPage> {
    let page = crate::paging::check(f.page)?;
    let mut conds = vec!["1 = 1".to_string()];
    let mut binds: Vec<BindValue> = Vec::new();
    if let Some(a) = f.agency {
        binds.push(BindValue::Int(a));
        conds.push(format!("d.agency_id = ${}", binds.len()));
    }
    match f.status.as_deref().unwrap_or("") {
        "" => {}
        "binding" => conds.push(format!("d.status IN {}", DocStatus::BINDING)),
        s => {
            let s = DocStatus::parse(s).ok_or_else(|| AppError::field("status", "请从列表中选择状态"))?;
            binds.push(BindValue::Text(s.as_str().into()));
            conds.push(format!("d.status = ${}", binds.len()));
        }
    }
    if let Some(y) = f.year {
        binds.push(BindValue::Int(y));
        conds.push(format!("d.year = ${}", binds.len()));
    }
    let q = f.q.as_deref().unwrap_or("").trim();
    if q.chars().count() > MAX_QUERY {
        return Err(AppError::field("q", "检索词不能超过100个字"));
    }
    // A number, however its brackets and spaces were typed, is looked up as the number;
    // otherwise every word must be in the title or the number.
    if let Some(n) = number::normalise(q) {
        binds.push(BindValue::Text(n));
        conds.push(format!("d.number = ${}", binds.len()));
    } else if !q.is_empty() {
        let mut words = Vec::new();
        for word in q.split_whitespace().take(10) {
            binds.push(BindValue::Text(like(word)));
            let n = binds.len();
            words.push(format!("(d.title LIKE ${n} ESCAPE '\\' OR d.number LIKE ${n} ESCAPE '\\')"));
        }
        let mut any = vec![format!("({})", words.join(" AND "))];
        if !found.is_empty() {
            let from = binds.len() + 1;
            binds.extend(found.iter().take(FOUND_AT_MOST).map(|id| BindValue::Int(*id)));
            any.push(format!("d.id IN ({})", crate::db::placeholders_from(from, found.len().min(FOUND_AT_MOST))));
        }
        conds.push(format!("({})", any.join(" OR ")));
    }
    let cond = conds.join(" AND ");
    let counting = format!("SELECT COUNT(*) FROM normative_documents d WHERE {cond}");
    let mut counted = sqlx::query_scalar::<_, i64>(&counting);
    for b in &binds {
        counted = b.bind_scalar(counted);
    }
    let total = counted.fetch_one(db).await?;
    let (page, pages, offset) = crate::paging::place(total, page, PER_PAGE);
    let n = binds.len();
    let reading =
        format!("{SUMMARY} WHERE {cond} ORDER BY d.published_on DESC, d.id DESC LIMIT ${} OFFSET ${}", n + 1, n + 2);
    let mut read = sqlx::query_as::<_, SummaryRow>(&reading);
    for b in &binds {
        read = b.bind_row(read);
    }
    let rows = read.bind(PER_PAGE).bind(offset).fetch_all(db).await?;
    let documents = rows.into_iter().map(summary).collect::<AppResult<_>>()?;
    Ok(DocPage { documents, total, page, pages })
}

/// A value bound to a built statement.
enum BindValue {
    Int(i64),
    Text(String),
}

type Scalar<'q> = sqlx::query::QueryScalar<'q, sqlx::Any, i64, sqlx::any::AnyArguments<'q>>;
type Rows<'q> = sqlx::query::QueryAs<'q, sqlx::Any, SummaryRow, sqlx::any::AnyArguments<'q>>;

impl BindValue {
    fn bind_scalar<'q>(&self, q: Scalar<'q>) -> Scalar<'q> {
        match self {
            BindValue::Int(v) => q.bind(*v),
            BindValue::Text(v) => q.bind(v.clone()),
        }
    }
    fn bind_row<'q>(&self, q: Rows<'q>) -> Rows<'q> {
        match self {
            BindValue::Int(v) => q.bind(*v),
            BindValue::Text(v) => q.bind(v.clone()),
        }
    }
}

/// The agencies that have registered a document, by id (at most 500: a city's bodies).
pub async fn issuing_agencies(db: &AnyPool) -> AppResult<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT a.id, a.name FROM agencies a
         WHERE EXISTS (SELECT 1 FROM normative_documents d WHERE d.agency_id = a.id) ORDER BY a.id LIMIT 500",
    )
    .fetch_all(db)
    .await?)
}

/// The document a number names, however its brackets, digits and spaces were typed (numbers are
/// never reused, so the answer never changes).
pub async fn id_by_number(db: &AnyPool, typed: &str) -> AppResult<i64> {
    if typed.chars().count() > 40 {
        return Err(AppError::NotFound);
    }
    let number = number::normalise(typed).ok_or(AppError::NotFound)?;
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM normative_documents WHERE number = $1")
        .bind(&number)
        .fetch_optional(db)
        .await?;
    id.ok_or(AppError::NotFound)
}

/// A document with its versions, history and what it acted on.
pub async fn detail(db: &AnyPool, id: i64) -> AppResult<DocDetail> {
    let row: Option<SummaryRow> =
        sqlx::query_as(&format!("{SUMMARY} WHERE d.id = $1")).bind(id).fetch_optional(db).await?;
    let summary = summary(row.ok_or(AppError::NotFound)?)?;
    let (adopted_on, provisional, consultation): (i64, i64, Option<i64>) =
        sqlx::query_as("SELECT adopted_on, provisional, consultation_id FROM normative_documents WHERE id = $1")
            .bind(id)
            .fetch_one(db)
            .await?;
    let consultation = match consultation {
        None => None,
        Some(c) => {
            let row: Option<(i64, String, i64)> = sqlx::query_as(
                "SELECT c.id, c.title, CASE WHEN EXISTS (SELECT 1 FROM adoption_reports r WHERE r.consultation_id = c.id
                    AND r.published_at IS NOT NULL) THEN 1 ELSE 0 END
                 FROM consultations c WHERE c.id = $1 AND c.published_at IS NOT NULL",
            )
            .bind(c)
            .fetch_optional(db)
            .await?;
            row.map(|(id, title, published)| ConsultationLink { id, title, report_published: published == 1 })
        }
    };
    let versions = super::history::versions(db, id, Window::Latest(VERSIONS_SHOWN)).await?;
    let history = super::history::changes(db, id, Window::Latest(HISTORY_SHOWN)).await?;
    let acted: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT DISTINCT d.id, d.number, d.title FROM document_statuses s JOIN normative_documents d ON d.id = s.document_id
         WHERE s.related_document = $1 ORDER BY d.id LIMIT 200",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    let acted_on = acted.into_iter().map(|(id, number, title)| DocLink { id, number, title }).collect();
    let amendments = amendments(&versions).await?;
    let (objections, objections_waiting) = super::objections::of_document(db, id).await?;
    Ok(DocDetail {
        summary,
        adopted_on,
        provisional: provisional == 1,
        consultation,
        versions,
        history,
        acted_on,
        amendments,
        objections,
        objections_waiting,
        filing: super::filing::of_document(db, id).await?,
        attachments: super::FILES.list(db, id, false).await?,
    })
}

/// What each version changed against the one before, article by article (changed articles only;
/// the comparison is bounded by `diff::MAX_ALIGN_CELLS` and `MAX_DIFF_CELLS`), off the async threads.
async fn amendments(versions: &[DocVersion]) -> AppResult<Vec<Amendment>> {
    if versions.len() < 2 {
        return Ok(Vec::new());
    }
    let texts: Vec<(i64, String)> = versions.iter().map(|v| (v.version, v.full_text.clone())).collect();
    tokio::task::spawn_blocking(move || {
        let parsed: Vec<_> = texts.iter().map(|(v, t)| (*v, parse_draft(t))).collect();
        parsed
            .windows(2)
            .map(|w| {
                let old: Vec<OldArticle> = w[0]
                    .1
                    .blocks
                    .iter()
                    .map(|b| OldArticle { anchor: &b.anchor, label: &b.label, body: &b.body })
                    .collect();
                let new: Vec<NewArticle> =
                    w[1].1.blocks.iter().map(|b| NewArticle { label: &b.label, body: &b.body }).collect();
                let changes = diff::compare(&old, &new).into_iter().filter(|r| r.change != Change::Unchanged).collect();
                Amendment { version: w[1].0, changes }
            })
            .collect()
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "comparing a document's versions failed");
        AppError::Internal
    })
}
