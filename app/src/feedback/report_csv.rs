//! The published report as CSV: one line per published comment with its answer, in the report's
//! order, read a few hundred lines at a time article by article through the index (so building it
//! never sorts every comment nor holds it whole), with every cell a spreadsheet could run defused.
use super::report_walk::{self, Stretch};
use super::ReportComment;
use crate::error::{AppError, AppResult};
use sqlx::AnyPool;

/// The CSV's first line, with the byte-order mark spreadsheets need.
pub const HEAD: &str = "\u{feff}编号,条文,意见内容,提交时间,采纳情况,理由\r\n";

/// Lines read per step.
const CHUNK: i64 = 500;

/// Which state of a published report's CSV is current: the publication, and the count of changes to
/// its published comments since (a pending comment approved later; kept by the database, migration
/// 0024). The CSV is the same for as long as these are: a copy of it made for one edition serves
/// every reader until the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edition {
    pub published_at: i64,
    pub version: i64,
}

/// The current edition of a consultation's published report's CSV (`NotFound` unless published).
pub async fn edition(db: &AnyPool, consultation: i64) -> AppResult<Edition> {
    let row: Option<(Option<i64>, i64)> =
        sqlx::query_as("SELECT published_at, version FROM adoption_reports WHERE consultation_id = $1")
            .bind(consultation)
            .fetch_optional(db)
            .await?;
    match row {
        Some((Some(published_at), version)) => Ok(Edition { published_at, version }),
        _ => Err(AppError::NotFound),
    }
}

/// Where a reading of the CSV stands: the stretch (draft as a whole, then each article) and the last
/// comment number written in it.
pub struct CsvWalk {
    consultation: i64,
    stretches: Vec<Stretch>,
    at: usize,
    after: i64,
}

impl CsvWalk {
    /// Start reading the CSV of a consultation whose report is published (else `NotFound`).
    pub async fn start(db: &AnyPool, consultation: i64) -> AppResult<CsvWalk> {
        if super::report::published(db, consultation).await?.is_none() {
            return Err(AppError::NotFound);
        }
        let stretches = report_walk::stretches(db, consultation).await?;
        Ok(CsvWalk { consultation, stretches, at: 0, after: 0 })
    }

    /// The next lines (at most a few hundred), or None at the end. Each stretch is read until it
    /// gives less than a full step, whatever its kept count says, so no line is ever left out.
    pub async fn next(&mut self, db: &AnyPool) -> AppResult<Option<String>> {
        while let Some(s) = self.stretches.get(self.at) {
            let rows = report_walk::read(db, self.consultation, s, self.after, CHUNK).await?;
            if (rows.len() as i64) < CHUNK {
                self.at += 1;
                self.after = 0;
            } else if let Some(last) = rows.last() {
                self.after = last.id;
            }
            if !rows.is_empty() {
                return Ok(Some(rows.iter().map(line).collect()));
            }
        }
        Ok(None)
    }
}

/// One comment's CSV line, ending in CRLF.
fn line(c: &ReportComment) -> String {
    let cells = [
        c.id.to_string(),
        c.article_label.clone().unwrap_or_else(|| "全文".into()),
        c.body.clone(),
        crate::clock::format_datetime(c.created_at),
        c.disposition.map(|d| d.label()).unwrap_or("未答复").to_string(),
        c.reason.clone().unwrap_or_default(),
    ];
    let mut out = cells.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    out
}

fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) || s != s.trim() {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        assert_eq!(csv_cell("同意"), "同意");
        assert_eq!(csv_cell("一，二"), "一，二");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("他说\"好\""), "\"他说\"\"好\"\"\"");
        assert_eq!(csv_cell("第一行\n第二行"), "\"第一行\n第二行\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("-1"), "'-1");
    }
}
