//! Cases in the index, for the staff queues alone: each case's document (its number, matter, facts
//! and request; never who filed it, and nothing of it stored), with the terms the staff visibility
//! rule needs, and the queue search that applies that rule inside the index query. The platform's
//! search never returns a case (`query::build` leaves them out for every audience).
use super::index::{Fields, SearchIndex, CASE_KIND};
use super::query::{ranked, term, term_u64, words};
use crate::cases::screen::IS_REPORT_SQL;
use sqlx::AnyPool;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query};
use tantivy::schema::Value;
use tantivy::{doc, DocId, Score, SegmentReader, TantivyDocument};

/// Which cases a staff queue may find, as index terms: the queue's channel, its unit (the unit
/// queue), and the units about which the viewer must find no report (their own chain).
#[derive(Debug, Clone)]
pub struct CaseScope {
    pub channel: &'static str,
    pub unit: Option<i64>,
    pub hidden_reports_about: Vec<i64>,
}

/// A case as its document needs it.
#[derive(sqlx::FromRow)]
pub struct CaseRow {
    pub id: i64,
    number: String,
    matter: String,
    facts: String,
    request: String,
    document_title: Option<String>,
    document_number: Option<String>,
    channel: String,
    unit_id: Option<i64>,
    /// The unit a report concerns; none for a case that is not a report.
    report_about: Option<i64>,
    received_at: i64,
}

/// Select case rows; callers append a `WHERE`/`ORDER BY`. The filer's identity lives apart
/// (`case_parties`, sealed) and is never read here.
pub fn case_sql() -> String {
    format!(
        "SELECT c.id, c.number, c.matter, c.facts, c.request, c.document_title, c.document_number, c.channel,
            c.unit_id, CASE WHEN {IS_REPORT_SQL} THEN c.concerned_agency_id END AS report_about, c.received_at
         FROM cases c"
    )
}

/// The current document of case `id` (none once it no longer exists).
pub async fn case(db: &AnyPool, f: &Fields, id: i64) -> Result<Option<TantivyDocument>, sqlx::Error> {
    let row: Option<CaseRow> =
        sqlx::query_as(&format!("{} WHERE c.id = $1", case_sql())).bind(id).fetch_optional(db).await?;
    Ok(row.map(|r| case_doc(f, r)))
}

/// The search document of a case row: searchable words and the visibility terms, nothing stored
/// but its key (the queue reads what it shows from the database).
pub fn case_doc(f: &Fields, r: CaseRow) -> TantivyDocument {
    let document = [r.document_title, r.document_number].into_iter().flatten().collect::<Vec<_>>().join(" ");
    let searchable = format!("{}\n{}\n{}\n{}\n{document}", r.number, r.matter, r.facts, r.request);
    let mut d = doc!(
        f.key => format!("case:{}", r.id),
        f.kind => CASE_KIND,
        f.public => 0u64,
        f.number => r.number,
        f.channel => r.channel,
        f.created_at => r.received_at,
        f.grams => searchable.clone(),
        f.words => searchable,
    );
    if let Some(unit) = r.unit_id {
        d.add_u64(f.unit_id, unit as u64);
    }
    if let Some(unit) = r.report_about {
        d.add_u64(f.report_about, unit as u64);
    }
    d
}

/// The ids of the cases in `scope` that `q` finds (every word, or the exact case number), most
/// relevant first and, among equals, most recently received first; `limit` of them after `offset`.
pub fn case_ids(
    idx: &SearchIndex,
    q: &str,
    scope: &CaseScope,
    offset: usize,
    limit: usize,
) -> tantivy::Result<Vec<i64>> {
    let f = &idx.fields;
    let (required, rank_by) = words(idx, q);
    let mut found: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if !required.is_empty() {
        found.push((
            Occur::Should,
            Box::new(BooleanQuery::new(required.into_iter().map(|r| (Occur::Must, r)).collect())),
        ));
    }
    if let Some(number) = crate::numbers::case_number(q) {
        found.push((Occur::Should, term(f.number, &number)));
    }
    if found.is_empty() || limit == 0 {
        return Ok(vec![]);
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
        (Occur::Must, term(f.kind, CASE_KIND)),
        (Occur::Must, term(f.channel, scope.channel)),
        (Occur::Must, Box::new(BooleanQuery::new(found))),
    ];
    clauses.extend(scope.unit.map(|u| (Occur::Must, term_u64(f.unit_id, u as u64))));
    clauses.extend(scope.hidden_reports_about.iter().map(|&u| (Occur::MustNot, term_u64(f.report_about, u as u64))));
    let query = ranked(clauses, rank_by);
    let searcher = idx.reader.searcher();
    let top = TopDocs::with_limit(limit).and_offset(offset).tweak_score(newest_among_equals);
    let mut ids = Vec::new();
    for (_, addr) in searcher.search(&query, &top)? {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let key = doc.get_first(f.key).and_then(|v| v.as_str()).unwrap_or_default();
        if let Some(id) = key.strip_prefix("case:").and_then(|i| i.parse().ok()) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Relevance first, then the time of receipt (so equally relevant hits, such as those of a case
/// number, come newest first).
fn newest_among_equals(segment: &SegmentReader) -> impl Fn(DocId, Score) -> (Score, i64) + use<> {
    let received = segment.fast_fields().i64("created_at").ok().map(|c| c.first_or_default_col(0));
    move |doc, score| (score, received.as_ref().map_or(0, |c| c.get_val(doc)))
}
