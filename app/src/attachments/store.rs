//! Files on a shelf, stored: added by their owner's own agency's staff (while the owner is not
//! withdrawn), removed only while the owner is unpublished, listed and downloaded by whoever may
//! see the owner. The file is written (and fsynced) before its row is committed; the committed row
//! is what makes the attachment exist, and a failed change leaves no file behind.
//!
//! Removal after publication is refused: what the public could download stays part of the record.
//! A mistaken file is corrected by attaching the corrected one, which is shown as added then.
use super::{Attachment, AttachmentKind, Shelf, MAX_FILES, MAX_FILE_BYTES, MAX_TITLE_CHARS};
use crate::accounts::user::CurrentUser;
use crate::cases::attachments::check_file;
use crate::cases::files::FileKind;
use crate::cases::storage::{self, Uncommitted};
use crate::clock;
use crate::error::{AppError, AppResult};
use crate::text::Fields;
use sqlx::{AnyConnection, AnyPool};
use std::path::Path;

/// What staff send with a file: its kind and public title.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewAttachment {
    pub kind: String,
    pub title: String,
}

/// The form field a file's refusal is shown at.
pub const FILE_FIELD: &str = "file";

/// An owner as its own agency's staff change it.
struct Own {
    published: bool,
    withdrawn: bool,
    /// A file added after this moment is shown as added later.
    later_after: Option<i64>,
}

/// The owner, if it is `staff`'s agency's (the object-level check is in the query); within
/// `conn`'s transaction on PostgreSQL it is locked, so the count of its files holds.
async fn own(conn: &mut AnyConnection, shelf: &Shelf, staff: &CurrentUser, id: i64) -> AppResult<Own> {
    let agency = staff.staff_agency()?;
    let lock = if conn.backend_name() == "PostgreSQL" { " FOR UPDATE" } else { "" };
    let row: Option<(i64, i64, Option<i64>)> =
        sqlx::query_as(&format!("{}{lock}", shelf.own_sql)).bind(id).bind(agency).fetch_optional(&mut *conn).await?;
    let (published, withdrawn, later_after) = row.ok_or(AppError::NotFound)?;
    Ok(Own { published: published != 0, withdrawn: withdrawn != 0, later_after })
}

/// The kind and title checked, and the file (if one was sent), every problem reported at once.
fn check(
    shelf: &Shelf,
    input: &NewAttachment,
    file: Option<&(String, Vec<u8>)>,
) -> AppResult<(AttachmentKind, String)> {
    let mut f = Fields::default();
    let offered: Vec<&str> = shelf.kinds.iter().map(|k| k.label()).collect();
    let kind = AttachmentKind::parse(&input.kind).filter(|k| shelf.kinds.contains(k));
    let kind = f.chosen(kind, "kind", &format!("请选择附件类别：{}", offered.join("、")));
    // One line: a title is shown in a list and saved as a file name; invisible characters go, so
    // a title of nothing but zero-width spaces is no title.
    let line = input.title.split_whitespace().collect::<Vec<_>>().join(" ");
    let title = f.published("title", &line, "附件标题", MAX_TITLE_CHARS, true);
    match file {
        None => f.add(FILE_FIELD, "请选择要上传的文件"),
        Some((name, bytes)) => {
            f.extend(check_file(name, bytes, MAX_FILE_BYTES, FILE_FIELD));
        }
    }
    f.done(kind.map(|k| (k, title)))
}

impl Shelf {
    /// Whether `staff` may attach files to owner `id` at all (its own agency's, not withdrawn):
    /// asked before an upload's body is read, so nobody else gets to send one.
    pub async fn may_attach(&self, db: &AnyPool, staff: &CurrentUser, id: i64) -> AppResult<()> {
        let mut conn = db.acquire().await?;
        let c = own(&mut conn, self, staff, id).await?;
        self.live(&c)
    }

    fn live(&self, c: &Own) -> AppResult<()> {
        if c.withdrawn {
            return Err(AppError::Conflict(self.closed.into()));
        }
        Ok(())
    }

    /// Refused when the owner is withdrawn or already has its most files.
    async fn room_for_one(&self, conn: &mut AnyConnection, c: &Own, id: i64) -> AppResult<()> {
        self.live(c)?;
        let count: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {} WHERE {} = $1", self.table, self.owner))
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
        if count >= MAX_FILES as i64 {
            return Err(AppError::field(FILE_FIELD, &format!("{}最多{MAX_FILES}个附件，已达上限", self.each)));
        }
        Ok(())
    }

    /// Attach `file` (original name, bytes) to owner `id` of `staff`'s agency, stored under `dir`.
    /// Returns the attachment's id.
    pub async fn attach(
        &self,
        db: &AnyPool,
        dir: &Path,
        staff: &CurrentUser,
        id: i64,
        input: &NewAttachment,
        file: Option<&(String, Vec<u8>)>,
    ) -> AppResult<String> {
        staff.staff_agency()?;
        {
            let mut conn = db.acquire().await?;
            let c = own(&mut conn, self, staff, id).await?;
            self.room_for_one(&mut conn, &c, id).await?;
        }
        let (kind, title) = check(self, input, file)?;
        let Some((name, bytes)) = file else { return Err(AppError::Internal) };
        let stored = storage::store_within(dir, name, bytes, MAX_FILE_BYTES).await.map_err(|e| {
            tracing::error!(error = %e, owner = self.what, id, "could not store an attachment");
            AppError::Unavailable
        })?;
        let mut written = Uncommitted { dir, ids: vec![stored.id.clone()] };
        let mut tx = crate::db::begin_write(db).await?;
        let c = own(&mut tx, self, staff, id).await?;
        self.room_for_one(&mut tx, &c, id).await?;
        let now = clock::now();
        sqlx::query(&format!(
            "INSERT INTO {} (file_id, {}, kind, title, file_kind, name, size, sha256, added_by, added_at, after_publication)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            self.table, self.owner
        ))
        .bind(&stored.id)
        .bind(id)
        .bind(kind.as_str())
        .bind(&title)
        .bind(stored.kind.as_str())
        .bind(&stored.name)
        .bind(stored.size as i64)
        .bind(&stored.sha256)
        .bind(staff.id)
        .bind(now)
        .bind(i64::from(c.later_after.is_some_and(|t| now >= t)))
        .execute(&mut *tx)
        .await?;
        crate::changes::record_change(&mut tx, self.what, id).await?;
        tx.commit().await?;
        written.ids.clear();
        tracing::info!(owner = self.what, id, size = stored.size, "attachment added");
        Ok(stored.id)
    }

    /// Remove attachment `file` from owner `id` of `staff`'s agency, while it is unpublished.
    pub async fn remove(&self, db: &AnyPool, dir: &Path, staff: &CurrentUser, id: i64, file: &str) -> AppResult<()> {
        staff.staff_agency()?;
        let mut tx = crate::db::begin_write(db).await?;
        let c = own(&mut tx, self, staff, id).await?;
        if c.published {
            return Err(AppError::Conflict(
                "已公开的附件作为公开记录保留，不能删除；如有错误，请上传更正后的文件".into(),
            ));
        }
        let gone = sqlx::query(&format!("DELETE FROM {} WHERE file_id = $1 AND {} = $2", self.table, self.owner))
            .bind(file)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if gone.rows_affected() == 0 {
            return Err(AppError::NotFound);
        }
        crate::changes::record_change(&mut tx, self.what, id).await?;
        tx.commit().await?;
        // After the commit: a file whose removal fails is unreachable, never a row without its file.
        storage::discard(dir, file);
        tracing::info!(owner = self.what, id, "attachment removed before publication");
        Ok(())
    }

    /// The attachments of owner `id`, in the order they were added (no access check: the caller
    /// has already decided the owner may be seen); `own`: for its agency's staff, with the names
    /// the files were uploaded under.
    pub async fn list(&self, db: &AnyPool, id: i64, own: bool) -> AppResult<Vec<Attachment>> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT file_id, kind, title, file_kind, name, size, added_at, after_publication FROM {}
             WHERE {} = $1 ORDER BY id",
            self.table, self.owner
        ))
        .bind(id)
        .fetch_all(db)
        .await?;
        rows.into_iter()
            .map(|r| {
                let file_kind = AppError::stored(FileKind::parse(&r.file_kind), "attachment file kind", &r.file_kind)?;
                Ok(Attachment {
                    url: self.file_url(id, &r.file_id),
                    id: r.file_id,
                    kind: AppError::stored(AttachmentKind::parse(&r.kind), "attachment kind", &r.kind)?,
                    title: r.title,
                    file_type: file_kind.label().to_string(),
                    extension: file_kind.extension().to_string(),
                    size: r.size,
                    added_at: r.added_at,
                    added_after_publication: r.after_publication != 0,
                    uploaded_as: own.then_some(r.name),
                })
            })
            .collect()
    }

    /// A file to download: its sniffed kind, the name to save it as, and the file opened. An
    /// unpublished owner's files are found only by its own agency's staff (anyone else: not found).
    pub async fn download(
        &self,
        db: &AnyPool,
        dir: &Path,
        viewer: Option<&CurrentUser>,
        id: i64,
        file: &str,
    ) -> AppResult<(FileKind, String, storage::Opened)> {
        // Whether the owner may be seen at all: the same rule as its page.
        self.visible(db, id, viewer).await?;
        // File ids are 32 hexadecimal digits; anything else names no file (and goes to no query).
        if file.len() != 32 || !file.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::NotFound);
        }
        let row: Option<(String, String, i64)> = sqlx::query_as(&format!(
            "SELECT file_kind, title, size FROM {} WHERE file_id = $1 AND {} = $2",
            self.table, self.owner
        ))
        .bind(file)
        .bind(id)
        .fetch_optional(db)
        .await?;
        let (kind, title, size) = row.ok_or(AppError::NotFound)?;
        let kind = AppError::stored(FileKind::parse(&kind), "attachment file kind", &kind)?;
        let opened = storage::open(dir, file, size as u64).await.map_err(|e| {
            tracing::error!(error = %e, owner = self.what, id, "attachment unreadable");
            AppError::Unavailable
        })?;
        // Saved under its public title, as listed; the uploaded file's own name is the agency's.
        Ok((kind, title, opened))
    }

    /// The attachments of owner `id` for `viewer`: an unpublished owner's only for its own
    /// agency's staff, who also see the names the files were uploaded under.
    pub async fn list_for(&self, db: &AnyPool, id: i64, viewer: Option<&CurrentUser>) -> AppResult<Vec<Attachment>> {
        let own = self.visible(db, id, viewer).await?;
        self.list(db, id, own).await
    }

    /// Whether owner `id` may be seen by `viewer` (published, or unpublished and their own
    /// agency's), and whether it is their own agency's.
    async fn visible(&self, db: &AnyPool, id: i64, viewer: Option<&CurrentUser>) -> AppResult<bool> {
        let row: Option<(i64, i64)> = sqlx::query_as(self.seen_sql).bind(id).fetch_optional(db).await?;
        let (agency, published) = row.ok_or(AppError::NotFound)?;
        let own = viewer.and_then(|v| v.staff_agency().ok()) == Some(agency);
        if published == 0 && !own {
            return Err(AppError::NotFound);
        }
        Ok(own)
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    file_id: String,
    kind: String,
    title: String,
    file_kind: String,
    name: String,
    size: i64,
    added_at: i64,
    after_publication: i64,
}
