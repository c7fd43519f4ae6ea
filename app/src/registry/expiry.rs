//! The registry's clock: documents past their validity expire by themselves, and their agency is
//! told 90 and 30 days before (run hourly by the server's `document_expiry` job).
use super::store::record;
use super::DocStatus;
use crate::clock::{self, Date};
use crate::error::AppResult;
use sqlx::AnyPool;

const BINDING: &str = super::DocStatus::BINDING;

/// Documents still binding past the last day of their validity expire by themselves, dated the
/// day after it, a thousand a statement until none is left. Returns how many expired.
pub async fn expire_due(db: &AnyPool, today: Date) -> AppResult<u64> {
    let start = clock::start_of_day(today);
    let mut expired = 0;
    // Bounded: a hundred thousand a turn; any left are taken at the next turn.
    for _ in 0..100 {
        let due: Vec<(i64, i64)> = sqlx::query_as(&format!(
            "SELECT id, valid_until FROM normative_documents
             WHERE status IN {BINDING} AND valid_until < $1 ORDER BY id LIMIT 1000"
        ))
        .bind(start)
        .fetch_all(db)
        .await?;
        if due.is_empty() {
            break;
        }
        expired += expire(db, &due).await?;
    }
    if expired > 0 {
        tracing::info!(expired, "normative documents expired at the end of their validity");
    }
    Ok(expired)
}

/// Days before the end of its validity a document's agency is told, and the column that marks it
/// told: 30 first, so a document registered with less than 90 days left is told once.
const NOTICES: [(i64, &str); 2] = [(30, "warned_30"), (90, "warned_90")];

/// Tell the issuing agency's staff (in their messages) of each binding document whose validity
/// ends within 90 days, and again within 30, once each. Returns how many notices were given.
pub async fn warn_of_expiry(db: &AnyPool, today: Date) -> AppResult<u64> {
    let start = clock::start_of_day(today);
    let mut told = 0;
    for (days, column) in NOTICES {
        let due: Vec<(i64, i64, String, String, i64)> = sqlx::query_as(&format!(
            "SELECT id, agency_id, number, title, valid_until FROM normative_documents
             WHERE status IN {BINDING} AND valid_until >= $1 AND valid_until < $2
               AND {column} = 0 ORDER BY id LIMIT 1000"
        ))
        .bind(start)
        .bind(clock::start_of_day(today.add_days(days)))
        .fetch_all(db)
        .await?;
        for (id, agency, number, title, last_day) in due {
            let mut tx = crate::db::begin_write(db).await?;
            // Told within 30 days: not told again for 90. Re-checked as it is marked: a document
            // repealed meanwhile is not told of.
            let set = if column == "warned_90" { "warned_90 = 1" } else { "warned_30 = 1, warned_90 = 1" };
            let marked = sqlx::query(&format!(
                "UPDATE normative_documents SET {set} WHERE id = $1 AND {column} = 0
                   AND status IN {BINDING} AND valid_until >= $2"
            ))
            .bind(id)
            .bind(start)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if marked == 1 {
                let message = format!(
                    "规范性文件有效期将于{}届满：{number}《{title}》，请及时评估是否修改、废止或延续",
                    clock::format_long_date(last_day)
                );
                crate::inbox::store::tell_agency(&mut tx, agency, &message, &format!("/documents/{id}")).await?;
                told += 1;
            }
            tx.commit().await?;
        }
    }
    if told > 0 {
        tracing::info!(told, "agencies told of documents' validity ending");
    }
    Ok(told)
}

/// Expire each of `due` (id, last valid day) still binding, one transaction each.
async fn expire(db: &AnyPool, due: &[(i64, i64)]) -> AppResult<u64> {
    let mut expired = 0;
    for &(id, last_day) in due {
        let mut tx = crate::db::begin_write(db).await?;
        let changed = sqlx::query(&format!(
            "UPDATE normative_documents SET status = 'expired' WHERE id = $1 AND status IN {BINDING}"
        ))
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 1 {
            let on = clock::start_of_day(clock::date_of(last_day).next_day());
            record(&mut tx, id, DocStatus::Expired, on, "有效期届满，自动失效", None, None).await?;
            crate::changes::record_change(&mut tx, "document", id).await?;
            expired += 1;
        }
        tx.commit().await?;
    }
    Ok(expired)
}
