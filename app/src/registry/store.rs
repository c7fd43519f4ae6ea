//! The registry's SQL and rules: registering a document under a number drawn in its agency's
//! sequence, amending and changing its status (only its own agency, only as `DocStatus::may_become`
//! allows). Reading is in [`super::read`], the clock in [`super::expiry`].
use super::number;
use super::DocStatus;
use crate::accounts::user::CurrentUser;
use crate::clock::{self, Date};
use crate::error::{AppError, AppResult, FieldError};
use sqlx::AnyPool;

/// Longest full text of a document (characters).
pub const MAX_TEXT: usize = 200_000;
/// Longest reason for a change of status (characters).
pub const MAX_REASON: usize = 2_000;

/// A document as its agency registers it (every field as typed).
#[derive(Debug, Clone, Default)]
pub struct NewDocument {
    pub title: String,
    pub full_text: String,
    pub adopted_on: String,
    pub published_on: String,
    pub effective_on: String,
    /// Empty: the default validity (5 years; 2 for 暂行/试行).
    pub valid_until: String,
    /// Empty: none. Otherwise the id of one of the agency's consultations.
    pub consultation: String,
    /// Registering a second document with the title of one of the agency's binding documents is
    /// asked to be confirmed (each registration takes a new number).
    pub same_title_confirmed: bool,
}

struct Checked {
    /// The title without invisible characters (a title that looks like another must be it).
    title: String,
    adopted: Date,
    published: Date,
    effective: Date,
    valid_until: Date,
    provisional: bool,
    consultation: Option<i64>,
}

/// 暂行 and 试行 documents are provisional: valid 2 years unless they say otherwise.
pub fn provisional(title: &str) -> bool {
    title.contains("暂行") || title.contains("试行")
}

/// The last day of a validity of `years` from `effective`: so many years less a day.
pub fn valid_until(effective: Date, years: u32) -> Date {
    let mut same_day = Date { year: effective.year + i64::from(years), ..effective };
    // From 29 February, in a year that has none, the term ends with February: 1 March less a day.
    if Date::from_day_number(same_day.day_number()) != same_day {
        same_day = Date { month: 3, day: 1, ..same_day };
    }
    same_day.add_days(-1)
}

fn date(errors: &mut Vec<FieldError>, field: &str, typed: &str, what: &str) -> Option<Date> {
    let d = clock::parse_date(typed.trim());
    if d.is_none() {
        errors.push(FieldError::new(field, &format!("请填写{what}（年-月-日）")));
    }
    d
}

fn check(input: &NewDocument, today: Date, validity: crate::deadlines::Validity) -> AppResult<Checked> {
    let mut errors = Vec::new();
    let visible: String = input.title.chars().filter(|c| !crate::text::invisible(*c)).collect();
    let title = visible.trim();
    if title.is_empty() || title.chars().count() > 200 {
        errors.push(FieldError::new("title", "标题应为1至200个字"));
    } else if title.chars().any(char::is_control) {
        errors.push(FieldError::new("title", "标题应为一行文字，不能含换行等控制字符"));
    }
    if input.full_text.trim().is_empty() {
        errors.push(FieldError::new("full_text", "请填写文件全文"));
    } else if input.full_text.chars().count() > MAX_TEXT {
        errors.push(FieldError::new("full_text", "全文不能超过20万字"));
    }
    let adopted = date(&mut errors, "adopted_on", &input.adopted_on, "通过（成文）日期");
    let published = date(&mut errors, "published_on", &input.published_on, "公布日期");
    let effective = date(&mut errors, "effective_on", &input.effective_on, "施行日期");
    let provisional = provisional(title);
    let consultation = match input.consultation.trim() {
        "" => None,
        id => match id.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.push(FieldError::new("consultation", "请从列表中选择征求意见项目"));
                None
            }
        },
    };
    let (Some(adopted), Some(published), Some(effective)) = (adopted, published, effective) else {
        return Err(AppError::Invalid(errors));
    };
    if adopted.year < 1950 {
        errors.push(FieldError::new("adopted_on", "通过日期不能早于1950年"));
    }
    if effective > published.add_days(5 * 366) {
        errors.push(FieldError::new("effective_on", "施行日期不能晚于公布后五年"));
    }
    if published < adopted {
        errors.push(FieldError::new("published_on", "公布日期不能早于通过日期"));
    }
    if published > today {
        errors.push(FieldError::new("published_on", "只能登记已经公布的文件：公布日期不能晚于今天"));
    }
    if effective < published {
        errors.push(FieldError::new("effective_on", "施行日期不能早于公布日期：未经公布的文件不得作为行政管理依据"));
    }
    let longest = valid_until(effective, validity.years);
    let until = match input.valid_until.trim() {
        "" => valid_until(effective, if provisional { validity.provisional_years } else { validity.years }),
        typed => match clock::parse_date(typed) {
            Some(d) if d < effective => {
                errors.push(FieldError::new("valid_until", "有效期不能早于施行日期"));
                d
            }
            Some(d) if d > longest => {
                let years = validity.years;
                errors.push(FieldError::new(
                    "valid_until",
                    &format!("有效期最长{years}年，至{}", clock::long_date(longest)),
                ));
                d
            }
            Some(d) => d,
            None => {
                errors.push(FieldError::new("valid_until", "请填写有效期截止日期（年-月-日），或留空按默认期限"));
                effective
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(Checked {
        title: title.to_string(),
        adopted,
        published,
        effective,
        valid_until: until,
        provisional,
        consultation,
    })
}

/// Register a published document of the staff member's agency under the next number of the
/// agency's code in the year of its adoption. Returns its id and number.
/// Its filing for review is opened with it (due a period after publication, see [`super::filing`]).
pub async fn register(
    db: &AnyPool,
    staff: &CurrentUser,
    input: &NewDocument,
    filing: &super::filing::FilingClock,
) -> AppResult<(i64, String)> {
    let agency = staff.staff_agency()?;
    let c = check(input, clock::today(), filing.validity)?;
    let mut tx = crate::db::begin_write(db).await?;
    let code: Option<Option<String>> = sqlx::query_scalar("SELECT document_code FROM agencies WHERE id = $1")
        .bind(agency)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(code) = code.flatten() else {
        return Err(AppError::Conflict("本单位尚未设置发文字号代字，无法编号登记；请联系系统管理员设置".into()));
    };
    if !input.same_title_confirmed {
        let same: Option<String> = sqlx::query_scalar(&format!(
            "SELECT number FROM normative_documents WHERE agency_id = $1 AND title = $2
               AND status IN {} ORDER BY id LIMIT 1",
            DocStatus::BINDING
        ))
        .bind(agency)
        .bind(&c.title)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(number) = same {
            let message = format!("本单位已登记同名的有效文件（{number}）；如确是另一件文件，请勾选下方的确认后再登记");
            return Err(AppError::Invalid(vec![FieldError::new("title", &message)]));
        }
    }
    if let Some(consultation) = c.consultation {
        let closes: Option<i64> =
            sqlx::query_scalar("SELECT closes_at FROM consultations WHERE id = $1 AND agency_id = $2")
                .bind(consultation)
                .bind(agency)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(closes) = closes else {
            return Err(AppError::Invalid(vec![FieldError::new("consultation", "请从列表中选择本单位的征求意见项目")]));
        };
        // A document made from a draft is adopted after the public has had its say on it.
        let last_day = clock::date_of(closes - 1);
        if closes > clock::now() {
            let message = "该草案的征求意见尚未结束，结束后才能登记据此制定的文件";
            return Err(AppError::Invalid(vec![FieldError::new("consultation", message)]));
        }
        if c.adopted < last_day {
            let message = format!("通过日期不能早于该草案征求意见的截止日期（{}）", clock::long_date(last_day));
            return Err(AppError::Invalid(vec![FieldError::new("adopted_on", &message)]));
        }
    }
    let year = c.adopted.year;
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO document_sequences (code, year, last) VALUES ($1, $2, 1)
         ON CONFLICT (code, year) DO UPDATE SET last = document_sequences.last + 1 RETURNING last",
    )
    .bind(&code)
    .bind(year)
    .fetch_one(&mut *tx)
    .await?;
    let written = number::format(&code, year, seq);
    let now = clock::now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO normative_documents (agency_id, title, number, code, year, seq, provisional, adopted_on,
            published_on, effective_on, valid_until, status, consultation_id, registered_by, registered_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'in_force', $12, $13, $14) RETURNING id",
    )
    .bind(agency)
    .bind(&c.title)
    .bind(&written)
    .bind(&code)
    .bind(year)
    .bind(seq)
    .bind(i64::from(c.provisional))
    .bind(clock::start_of_day(c.adopted))
    .bind(clock::start_of_day(c.published))
    .bind(clock::start_of_day(c.effective))
    .bind(clock::start_of_day(c.valid_until))
    .bind(c.consultation)
    .bind(staff.id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO document_versions (document_id, version, full_text, amended_by, effective_on, recorded_at)
         VALUES ($1, 1, $2, NULL, $3, $4)",
    )
    .bind(id)
    .bind(&input.full_text)
    .bind(clock::start_of_day(c.effective))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    record(&mut tx, id, DocStatus::InForce, clock::start_of_day(c.published), "登记公布", None, Some(staff.id)).await?;
    super::filing::opened(&mut tx, id, c.published, filing).await?;
    crate::changes::record_change(&mut tx, "document", id).await?;
    tx.commit().await?;
    tracing::info!(document = id, agency, "normative document registered");
    Ok((id, written))
}

/// Add a dated status to a document's history.
pub(super) async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    document: i64,
    status: DocStatus,
    on: i64,
    reason: &str,
    related: Option<i64>,
    by: Option<i64>,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO document_statuses (document_id, status, on_date, reason, related_document, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(document)
    .bind(status.as_str())
    .bind(on)
    .bind(reason)
    .bind(related)
    .bind(by)
    .bind(clock::now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A change of status its agency asks for: to what, from when, why, and by which document.
#[derive(Debug, Clone, Default)]
pub struct StatusRequest {
    pub to: String,
    pub on_date: String,
    pub reason: String,
    /// The amending or repealing document's number (empty: none; required to amend).
    pub by_number: String,
    /// For an amendment: the document's whole text as amended.
    pub amended_text: String,
    /// An amendment or repeal made because of one of the document's answered objection reviews.
    pub objection: Option<i64>,
}

/// Change the status of one of the staff member's agency's documents, as `DocStatus::may_become`
/// allows. Amending records the text as amended as a new version, linked to the amending document.
pub async fn change_status(db: &AnyPool, staff: &CurrentUser, id: i64, req: &StatusRequest) -> AppResult<DocStatus> {
    let agency = staff.staff_agency()?;
    let mut errors = Vec::new();
    let to = DocStatus::parse(&req.to);
    if to.is_none() {
        errors.push(FieldError::new("to", "请选择要变更的状态"));
    }
    let on = date(&mut errors, "on_date", &req.on_date, "变更日期");
    let reason = req.reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON {
        errors.push(FieldError::new("reason", "请说明理由（2000字以内）"));
    }
    let amending = to == Some(DocStatus::Amended);
    if amending && req.amended_text.trim().is_empty() {
        errors.push(FieldError::new("amended_text", "请填写修改后的文件全文"));
    }
    if req.amended_text.chars().count() > MAX_TEXT {
        errors.push(FieldError::new("amended_text", "全文不能超过20万字"));
    }
    let by = match req.by_number.trim() {
        "" if amending => {
            errors.push(FieldError::new("by_number", "请填写作出修改的文件的文号"));
            None
        }
        "" => None,
        typed => match number::normalise(typed) {
            Some(n) => Some(n),
            None => {
                errors.push(FieldError::new("by_number", "文号格式应为“代字〔年份〕序号号”，例如 长政发〔2026〕12号"));
                None
            }
        },
    };
    let (Some(to), Some(on)) = (to, on) else { return Err(AppError::Invalid(errors)) };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut tx = crate::db::begin_write(db).await?;
    let row: Option<(String, i64)> =
        sqlx::query_as("SELECT status, published_on FROM normative_documents WHERE id = $1 AND agency_id = $2")
            .bind(id)
            .bind(agency)
            .fetch_optional(&mut *tx)
            .await?;
    let (from, published) = row.ok_or(AppError::NotFound)?;
    let from = AppError::stored(DocStatus::parse(&from), "normative_documents.status", &from)?;
    if !from.may_become(to) {
        return Err(AppError::Conflict(format!("“{}”的文件不能变更为“{}”", from.label(), to.label())));
    }
    let on_at = clock::start_of_day(on);
    if on_at < published {
        return Err(AppError::Invalid(vec![FieldError::new("on_date", "变更日期不能早于文件公布日期")]));
    }
    // A status is recorded once it holds: a repeal taking effect next month is recorded then.
    if on > clock::today() {
        return Err(AppError::Invalid(vec![FieldError::new("on_date", "变更日期不能晚于今天：请在变更生效之日登记")]));
    }
    let last: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(on_date), 0) FROM document_statuses WHERE document_id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    if on_at < last {
        let message = format!("变更日期不能早于上一次状态变更（{}）", clock::format_long_date(last));
        return Err(AppError::Invalid(vec![FieldError::new("on_date", &message)]));
    }
    let to = kept(&mut tx, id, to).await?;
    // Only from the status read: a change made meanwhile (on PostgreSQL, another transaction that
    // committed first) is not overwritten; the update holds the row for the rest.
    let moved = sqlx::query("UPDATE normative_documents SET status = $1 WHERE id = $2 AND status = $3")
        .bind(to.as_str())
        .bind(id)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if moved != 1 {
        return Err(AppError::Conflict("文件状态刚被变更，请刷新页面后重试".into()));
    }
    let related = match by {
        None => None,
        Some(n) => Some(acting(&mut tx, id, agency, &n, on_at).await?),
    };
    if amending {
        let current: Option<String> = sqlx::query_scalar(
            "SELECT full_text FROM document_versions WHERE document_id = $1 ORDER BY version DESC LIMIT 1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        if current.as_deref().map(str::trim) == Some(req.amended_text.trim()) {
            return Err(AppError::Invalid(vec![FieldError::new("amended_text", "修改后的全文与现行文本相同")]));
        }
        let next: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) + 1 FROM document_versions WHERE document_id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        sqlx::query(
            "INSERT INTO document_versions (document_id, version, full_text, amended_by, effective_on, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(next)
        .bind(&req.amended_text)
        .bind(related)
        .bind(on_at)
        .bind(clock::now())
        .execute(&mut *tx)
        .await?;
    }
    record(&mut tx, id, to, on_at, reason, related, Some(staff.id)).await?;
    if let Some(key) = req.objection {
        super::objections::because_of(&mut tx, id, to, key).await?;
    }
    crate::changes::record_change(&mut tx, "document", id).await?;
    tx.commit().await?;
    tracing::info!(document = id, from = from.as_str(), to = to.as_str(), "document status changed");
    Ok(to)
}

/// The document (by its number) that amends or repeals document `id`: another of the same agency's,
/// binding, and published by the day the change takes effect.
async fn acting(tx: &mut sqlx::Transaction<'_, sqlx::Any>, id: i64, agency: i64, n: &str, on: i64) -> AppResult<i64> {
    let found: Option<(i64, i64, String, i64)> =
        sqlx::query_as("SELECT id, agency_id, status, published_on FROM normative_documents WHERE number = $1")
            .bind(n)
            .fetch_optional(&mut **tx)
            .await?;
    let refuse = |m: String| Err(AppError::Invalid(vec![FieldError::new("by_number", &m)]));
    match found {
        Some((r, ..)) if r == id => refuse(format!("{n}是本文件自身的文号")),
        None => refuse(format!("库中没有文号为{n}的文件")),
        Some((_, a, ..)) if a != agency => refuse(format!("{n}不是本单位的文件")),
        Some((_, _, status, _)) if !DocStatus::parse(&status).is_some_and(DocStatus::binding) => {
            refuse(format!("{n}已不再有效，不能作为依据"))
        }
        Some((_, _, _, published)) if published > on => {
            refuse(format!("{n}于{}公布，变更日期不能早于此日", clock::format_long_date(published)))
        }
        Some((r, ..)) => Ok(r),
    }
}

/// A document kept after a clean-up is binding again as it was: amended if it ever was.
pub(super) async fn kept(tx: &mut sqlx::Transaction<'_, sqlx::Any>, id: i64, to: DocStatus) -> AppResult<DocStatus> {
    if to != DocStatus::InForce {
        return Ok(to);
    }
    let versions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM document_versions WHERE document_id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(if versions > 1 { DocStatus::Amended } else { DocStatus::InForce })
}

/// Move a document from `from` to `to` (already checked against `DocStatus::may_become`), only if
/// it is still in `from`, recorded in its history and marked for the search. False if it was not.
pub(super) async fn set_status(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
    (from, to): (DocStatus, DocStatus),
    on: i64,
    reason: &str,
    by: Option<i64>,
) -> AppResult<bool> {
    let moved = sqlx::query("UPDATE normative_documents SET status = $1 WHERE id = $2 AND status = $3")
        .bind(to.as_str())
        .bind(id)
        .bind(from.as_str())
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if moved == 1 {
        record(tx, id, to, on, reason, None, by).await?;
        crate::changes::record_change(tx, "document", id).await?;
    }
    Ok(moved == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        clock::parse_date(s).unwrap()
    }

    #[test]
    fn a_document_is_valid_five_years_less_a_day_and_a_provisional_one_two() {
        assert_eq!(valid_until(d("2026-03-01"), 5), d("2031-02-28"));
        assert_eq!(valid_until(d("2026-03-01"), 2), d("2028-02-29"));
        assert_eq!(valid_until(d("2026-01-01"), 5), d("2030-12-31"));
    }

    #[test]
    fn from_29_february_the_term_ends_with_february() {
        assert_eq!(valid_until(d("2024-02-29"), 5), d("2029-02-28"));
        assert_eq!(valid_until(d("2024-02-28"), 5), d("2029-02-27"));
        assert_eq!(valid_until(d("2024-02-29"), 2), d("2026-02-28"));
    }

    #[test]
    fn a_title_with_zanxing_or_shixing_is_provisional() {
        assert!(provisional("某市户外广告设置管理暂行规定"));
        assert!(provisional("某市共享单车管理试行办法"));
        assert!(!provisional("某市共享单车停放管理办法"));
    }
}
