//! Turning database rows into search documents, and recording changes for the indexer.
use super::index::Fields;
use sqlx::AnyPool;
use tantivy::{doc, TantivyDocument};

/// The documents that now represent one changed entity, and the term that removes the old ones.
pub struct Replacement {
    pub delete_field: tantivy::schema::Field,
    pub delete_value: String,
    pub docs: Vec<TantivyDocument>,
}

/// Re-read an entity and build its documents (none if it no longer exists).
pub async fn replacement(db: &AnyPool, f: &Fields, entity: &str, id: i64) -> Result<Option<Replacement>, sqlx::Error> {
    match entity {
        "comment" => Ok(Some(Replacement {
            delete_field: f.key,
            delete_value: format!("comment:{id}"),
            docs: comment(db, f, id).await?.into_iter().collect(),
        })),
        "consultation" => Ok(Some(Replacement {
            delete_field: f.owner,
            delete_value: format!("consultation:{id}"),
            docs: consultation(db, f, id).await?,
        })),
        "document" => Ok(Some(Replacement {
            delete_field: f.owner,
            delete_value: format!("document:{id}"),
            docs: normative(db, f, id).await?,
        })),
        "cleanup" => Ok(Some(Replacement {
            delete_field: f.key,
            delete_value: format!("cleanup:{id}"),
            docs: cleanup(db, f, id).await?.into_iter().collect(),
        })),
        "call" => Ok(Some(Replacement {
            delete_field: f.owner,
            delete_value: format!("call:{id}"),
            docs: proposal_call(db, f, id).await?,
        })),
        "proposal" => Ok(Some(Replacement {
            delete_field: f.key,
            delete_value: format!("proposal:{id}"),
            docs: proposal(db, f, id).await?.into_iter().collect(),
        })),
        "case" => Ok(Some(Replacement {
            delete_field: f.key,
            delete_value: format!("case:{id}"),
            docs: super::cases::case(db, f, id).await?.into_iter().collect(),
        })),
        _ => Ok(None),
    }
}

/// A comment with what its document needs from its consultation and article, and the agency's
/// answer once its report is published.
#[derive(sqlx::FromRow)]
pub struct CommentRow {
    pub id: i64,
    agency_id: i64,
    consultation_id: i64,
    title: String,
    anchor: Option<String>,
    label: Option<String>,
    body: String,
    status: String,
    created_at: i64,
    disposition: Option<String>,
    reason: Option<String>,
}

/// Select comment rows; callers append a `WHERE`/`ORDER BY`.
pub const COMMENT_SQL: &str =
    "SELECT m.id, c.agency_id, c.id AS consultation_id, c.title, ar.anchor, ar.label, m.body, m.status, m.created_at,
            CASE WHEN r.published_at IS NULL THEN NULL ELSE m.disposition END AS disposition,
            CASE WHEN r.published_at IS NULL THEN NULL ELSE m.disposition_reason END AS reason
     FROM comments m JOIN consultations c ON c.id = m.consultation_id LEFT JOIN articles ar ON ar.id = m.article_id
     LEFT JOIN adoption_reports r ON r.consultation_id = c.id";

async fn comment(db: &AnyPool, f: &Fields, id: i64) -> Result<Option<TantivyDocument>, sqlx::Error> {
    let row: Option<CommentRow> =
        sqlx::query_as(&format!("{COMMENT_SQL} WHERE m.id = $1")).bind(id).fetch_optional(db).await?;
    Ok(row.map(|r| comment_doc(f, r)))
}

/// The replacements of many changed comments, read a thousand at a time rather than one statement
/// each (a burst of submissions is mostly comments); a comment no longer there is only removed.
pub async fn comment_replacements(db: &AnyPool, f: &Fields, ids: &[i64]) -> Result<Vec<Replacement>, sqlx::Error> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        let sql = format!("{COMMENT_SQL} WHERE m.id IN {}", crate::db::ids_from_json(db, 1));
        let rows: Vec<CommentRow> = sqlx::query_as(&sql).bind(crate::db::json_ids(chunk)).fetch_all(db).await?;
        let mut found: std::collections::HashMap<i64, CommentRow> = rows.into_iter().map(|r| (r.id, r)).collect();
        for id in chunk {
            out.push(Replacement {
                delete_field: f.key,
                delete_value: format!("comment:{id}"),
                docs: found.remove(id).map(|r| comment_doc(f, r)).into_iter().collect(),
            });
        }
    }
    Ok(out)
}

/// The search document of a comment row.
pub fn comment_doc(f: &Fields, row: CommentRow) -> TantivyDocument {
    let CommentRow {
        id,
        agency_id: agency,
        consultation_id: cid,
        title,
        anchor,
        label,
        body,
        status,
        created_at,
        disposition,
        reason,
    } = row;
    let title = format!("{title} · {}", label.unwrap_or_else(|| "全文".into()));
    // A published answer is searchable with the comment, reason included.
    let body = match disposition.as_deref().and_then(crate::comments::status::Disposition::parse) {
        Some(d) => format!("{body}\n【答复】{}{}", d.label(), reason.map(|r| format!("：{r}")).unwrap_or_default()),
        None => body,
    };
    doc!(
        f.key => format!("comment:{id}"),
        f.comment_id => id as u64,
        f.kind => "comment",
        f.agency_id => agency as u64,
        f.consultation_id => cid as u64,
        f.anchor => anchor.unwrap_or_default(),
        f.public => u64::from(status == "approved"),
        f.status => status,
        f.created_at => created_at,
        f.grams => body.clone(),
        f.words => body.clone(),
        f.title => title,
        f.text => body,
    )
}

/// The titles of an owner's attachments (`sql`: of one owner `$1`), each on a line of its own after
/// a line break: found with the page they are listed on.
async fn file_titles(db: &AnyPool, sql: &str, id: i64) -> Result<String, sqlx::Error> {
    let titles: Vec<String> = sqlx::query_scalar(sql).bind(id).fetch_all(db).await?;
    Ok(titles.iter().map(|t| format!("\n{t}")).collect())
}

async fn consultation(db: &AnyPool, f: &Fields, id: i64) -> Result<Vec<TantivyDocument>, sqlx::Error> {
    let row: Option<(i64, String, String, i64)> =
        // A draft is nobody's to find: its documents come when it is published.
        sqlx::query_as(
            "SELECT agency_id, title, explanation, opens_at FROM consultations WHERE id = $1 AND published_at IS NOT NULL",
        )
            .bind(id)
            .fetch_optional(db)
            .await?;
    let Some((agency, title, explanation, opens_at)) = row else { return Ok(vec![]) };
    let owner = format!("consultation:{id}");
    let files =
        file_titles(db, "SELECT title FROM consultation_files WHERE consultation_id = $1 ORDER BY id", id).await?;
    let mut docs = vec![doc!(
        f.key => owner.clone(),
        f.owner => owner.clone(),
        f.kind => "consultation",
        f.agency_id => agency as u64,
        f.consultation_id => id as u64,
        f.public => 1u64,
        f.created_at => opens_at,
        f.grams => format!("{title}\n{explanation}{files}"),
        f.words => format!("{title}\n{explanation}{files}"),
        f.title => title.clone(),
        f.text => explanation,
    )];
    if let Some(d) = report(db, f, id, agency, &title).await? {
        docs.push(d);
    }
    let articles: Vec<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, anchor, label, body FROM articles WHERE consultation_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(db)
            .await?;
    for (aid, anchor, label, body) in articles {
        docs.push(doc!(
            f.key => format!("article:{aid}"),
            f.owner => owner.clone(),
            f.kind => "article",
            f.agency_id => agency as u64,
            f.consultation_id => id as u64,
            f.anchor => anchor,
            f.public => 1u64,
            f.created_at => opens_at,
            f.grams => format!("{label}\n{body}"),
            f.words => format!("{label}\n{body}"),
            f.title => format!("{title} · {label}"),
            f.text => body,
        ));
    }
    Ok(docs)
}

#[derive(sqlx::FromRow)]
struct ReportRow {
    summary: String,
    unanswered_reason: Option<String>,
    published_at: Option<i64>,
}

/// The published adoption report of a consultation, found by its own name (《…》意见采纳情况说明),
/// its summary and the agency's reason for comments left unanswered. None until it is published.
async fn report(
    db: &AnyPool,
    f: &Fields,
    id: i64,
    agency: i64,
    title: &str,
) -> Result<Option<TantivyDocument>, sqlx::Error> {
    let row: Option<ReportRow> = sqlx::query_as(
        "SELECT summary, unanswered_reason, published_at FROM adoption_reports
         WHERE consultation_id = $1 AND published_at IS NOT NULL",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    let Some(ReportRow { summary, unanswered_reason, published_at: Some(published_at) }) = row else {
        return Ok(None);
    };
    let name = report_name(title);
    let text = match unanswered_reason.filter(|r| !r.trim().is_empty()) {
        Some(r) => format!("{summary}\n【未逐条答复的原因】{r}"),
        None => summary,
    };
    let searchable = format!("{name}\n{text}");
    Ok(Some(doc!(
        f.key => format!("report:{id}"),
        f.owner => format!("consultation:{id}"),
        f.kind => "report",
        f.agency_id => agency as u64,
        f.consultation_id => id as u64,
        f.public => 1u64,
        f.created_at => published_at,
        f.grams => searchable.clone(),
        f.words => searchable,
        f.title => name,
        f.text => text,
    )))
}

/// A report's name as its page heads it.
pub fn report_name(consultation_title: &str) -> String {
    format!("《{consultation_title}》意见采纳情况说明")
}

/// A registered normative document: found by its number, title and current text, by anyone
/// (the registry is public), with its status; with it, each earlier version's text and each
/// published answer to an objection review (never the applicant), all owned by the document and
/// found by their own text (a number typed finds the document once). Only those its page shows
/// (the latest versions, the latest answers), so every hit's link lands on its anchor.
async fn normative(db: &AnyPool, f: &Fields, id: i64) -> Result<Vec<TantivyDocument>, sqlx::Error> {
    let row: Option<(i64, String, String, String, i64)> =
        sqlx::query_as("SELECT agency_id, number, title, status, published_on FROM normative_documents WHERE id = $1")
            .bind(id)
            .fetch_optional(db)
            .await?;
    let Some((agency, number, title, status, published_on)) = row else { return Ok(vec![]) };
    let owner = format!("document:{id}");
    let named = format!("{title}（{number}）");
    let files = file_titles(db, "SELECT title FROM document_files WHERE document_id = $1 ORDER BY id", id).await?;
    // The versions the page shows, newest first: the first is the current text.
    let versions: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT version, effective_on, full_text FROM document_versions WHERE document_id = $1
         ORDER BY version DESC LIMIT $2",
    )
    .bind(id)
    .bind(crate::registry::terms::VERSIONS_SHOWN)
    .fetch_all(db)
    .await?;
    // A part of the document's page (an earlier version, an answer), found by its own text and
    // linking to its anchor there.
    let part = |key: String, kind: &str, at: i64, heading: String, text: String| {
        doc!(
            f.key => key,
            f.owner => owner.clone(),
            f.kind => kind,
            f.anchor => id.to_string(),
            f.agency_id => agency as u64,
            f.public => 1u64,
            f.created_at => at,
            f.grams => text.clone(),
            f.words => text.clone(),
            f.title => heading,
            f.text => text,
        )
    };
    let mut docs = Vec::with_capacity(versions.len());
    for (i, (version, effective_on, text)) in versions.into_iter().enumerate() {
        if i == 0 {
            let searchable = format!("{number}\n{title}\n{text}{files}");
            docs.push(doc!(
                f.key => owner.clone(),
                f.owner => owner.clone(),
                f.document_id => id as u64,
                f.kind => "document",
                f.agency_id => agency as u64,
                f.public => 1u64,
                f.status => status.clone(),
                f.created_at => published_on,
                f.grams => searchable.clone(),
                f.words => searchable,
                f.title => named.clone(),
                f.text => text,
            ));
            continue;
        }
        docs.push(part(
            format!("version:{id}:{version}"),
            "version",
            effective_on,
            format!("{named} 第{version}版"),
            text,
        ));
    }
    let answers: Vec<(i64, i64, String, String)> = sqlx::query_as(
        "SELECT id, answered_at, COALESCE(decision_label, ''), public_answer FROM document_objections
         WHERE document_id = $1 AND answered_at IS NOT NULL AND public_answer IS NOT NULL ORDER BY id DESC LIMIT $2",
    )
    .bind(id)
    .bind(crate::registry::terms::SHOWN)
    .fetch_all(db)
    .await?;
    for (key, answered_at, label, answer) in answers {
        let text = if label.is_empty() { answer } else { format!("{label}\n{answer}") };
        docs.push(part(format!("objection:{key}"), "objection", answered_at, format!("对{named}的异议审查答复"), text));
    }
    Ok(docs)
}

/// A published clean-up: its title and each decision with the document and the reason.
async fn cleanup(db: &AnyPool, f: &Fields, id: i64) -> Result<Option<TantivyDocument>, sqlx::Error> {
    let row: Option<(i64, String, i64)> =
        sqlx::query_as("SELECT agency_id, title, published_at FROM document_cleanups WHERE id = $1")
            .bind(id)
            .fetch_optional(db)
            .await?;
    let Some((agency, title, published_at)) = row else { return Ok(None) };
    // At most 500 decisions a clean-up (cleanup_store::MAX_ITEMS).
    let items: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT d.number, d.title, i.decision, i.reason FROM document_cleanup_items i
         JOIN normative_documents d ON d.id = i.document_id WHERE i.cleanup_id = $1 ORDER BY d.number LIMIT 500",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    let lines: Vec<String> = items
        .into_iter()
        .map(|(number, doc_title, decision, reason)| {
            let decided = crate::registry::terms::Decision::parse(&decision).map_or("", |d| d.label());
            format!("{doc_title}（{number}）：{decided}。{reason}")
        })
        .collect();
    let text = lines.join("\n");
    let searchable = format!("{title}\n{text}");
    Ok(Some(doc!(
        f.key => format!("cleanup:{id}"),
        f.kind => "cleanup",
        f.agency_id => agency as u64,
        f.public => 1u64,
        f.created_at => published_at,
        f.grams => searchable.clone(),
        f.words => searchable,
        f.title => title,
        f.text => text,
    )))
}

/// Normative documents, one per row, for a build.
pub const DOCUMENTS_SQL: &str = "SELECT id FROM normative_documents";

/// A call for legislative project proposals: its description and, once published, the outcome and
/// the plan's items; with it, once published, each plan item on its own (its page is
/// `/legislation/items/{id}`), all owned by the call.
async fn proposal_call(db: &AnyPool, f: &Fields, id: i64) -> Result<Vec<TantivyDocument>, sqlx::Error> {
    let row: Option<(String, String, Option<String>, i64, Option<i64>, i64)> = sqlx::query_as(
        "SELECT title, description, outcome, opens_at, published_at, plan_year FROM proposal_calls WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    let Some((title, description, outcome, opens_at, published_at, year)) = row else { return Ok(vec![]) };
    let owner = format!("call:{id}");
    let mut text = description;
    let mut docs = Vec::new();
    // The outcome and the plan, once published (both are written at once).
    if let (Some(outcome), Some(published_at)) = (outcome, published_at) {
        // At most MAX_ITEMS (500) items a plan.
        let items: Vec<(i64, String, String, i64, String, String)> = sqlx::query_as(
            "SELECT i.id, i.title, i.kind, i.agency_id, a.name, i.note FROM plan_items i
             JOIN agencies a ON a.id = i.agency_id WHERE i.call_id = $1 ORDER BY i.id LIMIT 500",
        )
        .bind(id)
        .fetch_all(db)
        .await?;
        text = format!("{text}\n{outcome}\n{}", items.iter().map(|i| i.1.as_str()).collect::<Vec<_>>().join("\n"));
        for (item, item_title, kind, agency, agency_name, note) in items {
            let kind = crate::legislation::terms::PlanKind::parse(&kind).map_or("", |k| k.label());
            let about = format!("{year}年度立法计划{kind}，起草单位：{agency_name}\n{note}");
            docs.push(doc!(
                f.key => format!("plan_item:{item}"),
                f.owner => owner.clone(),
                f.kind => "plan_item",
                f.agency_id => agency as u64,
                f.public => 1u64,
                f.created_at => published_at,
                f.grams => format!("{item_title}\n{about}"),
                f.words => format!("{item_title}\n{about}"),
                f.title => item_title,
                f.text => about,
            ));
        }
    }
    docs.insert(
        0,
        doc!(
            f.key => owner.clone(),
            f.owner => owner,
            f.kind => "call",
            f.public => 1u64,
            f.created_at => opens_at,
            f.grams => format!("{title}\n{text}"),
            f.words => format!("{title}\n{text}"),
            f.title => title,
            f.text => text,
        ),
    );
    Ok(docs)
}

/// A published legislative project proposal (a pending or rejected one is nobody's to find). Its
/// call's id is kept in `anchor`, for the link.
async fn proposal(db: &AnyPool, f: &Fields, id: i64) -> Result<Option<TantivyDocument>, sqlx::Error> {
    let row: Option<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT call_id, subject, problem, approach, created_at FROM legislative_proposals
         WHERE id = $1 AND status = 'approved'",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    let Some((call, subject, problem, approach, created_at)) = row else { return Ok(None) };
    let text = format!("{problem}\n{approach}");
    Ok(Some(doc!(
        f.key => format!("proposal:{id}"),
        f.kind => "proposal",
        f.anchor => call.to_string(),
        f.public => 1u64,
        f.created_at => created_at,
        f.grams => format!("{subject}\n{text}"),
        f.words => format!("{subject}\n{text}"),
        f.title => subject,
        f.text => text,
    )))
}

/// Calls, published proposals and published clean-ups, for a build: (entity, id).
pub const LISTED_SQL: &str = "SELECT 'call', id FROM proposal_calls
     UNION ALL SELECT 'proposal', id FROM legislative_proposals WHERE status = 'approved'
     UNION ALL SELECT 'cleanup', id FROM document_cleanups";
