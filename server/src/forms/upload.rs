//! Reading a multipart filing: every part within its own limit, the whole body within the
//! attachments' total, and no client allowed to trickle it in or stall.
use crate::extract::unreadable;
use app::cases::attachments::{sanitise_name, MAX_FILE_BYTES, MAX_TOTAL_BYTES};
use app::error::AppError;
use axum::extract::Multipart;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The largest filing body read: twice the attachments' total limit and room for the text fields.
/// Files past their limits are read to the end and dropped (never kept in memory), so the browser
/// finishes sending and gets the form back with every field, instead of a connection cut mid-upload.
pub const MAX_FILING_BYTES: usize = 2 * MAX_TOTAL_BYTES + 2 * 1024 * 1024;

/// The most one text field of a filing may hold: the longest field (事实和理由, 10,000 characters)
/// with room to spare. A larger one is refused without being read further or echoed back.
const MAX_TEXT_PART: usize = 64 * 1024;

/// At most this many parts in one filing (the fields, five files, and empty file inputs).
const MAX_PARTS: usize = 40;

/// How long a filing's body may arrive at any pace before the average-rate floor applies.
pub const UPLOAD_GRACE: Duration = Duration::from_secs(5);

/// The longest pause allowed between two pieces of a filing's body.
pub const UPLOAD_STALL: Duration = Duration::from_secs(15);

/// The pace of a filing's body: after [`UPLOAD_GRACE`], bytes so far must average at least
/// `min_rate` a second (0: no floor), so a trickle cannot hold an upload slot for the whole
/// request deadline.
struct Pace {
    started: Instant,
    received: u64,
    min_rate: u64,
}

impl Pace {
    fn add(&mut self, n: usize) -> Result<(), AppError> {
        self.received += n as u64;
        let elapsed = self.started.elapsed();
        if self.min_rate > 0 && elapsed > UPLOAD_GRACE && self.received < self.min_rate * elapsed.as_secs() {
            return Err(too_slow());
        }
        Ok(())
    }
}

fn too_slow() -> AppError {
    AppError::field("attachments", "网络过慢，附件未能接收：请在网络较好时重新提交，或减少、压缩附件")
}

/// The next piece of a body, or a refusal when the client pauses longer than [`UPLOAD_STALL`].
async fn within_stall<T, E>(next: impl std::future::Future<Output = Result<T, E>>) -> Result<T, AppError> {
    match tokio::time::timeout(UPLOAD_STALL, next).await {
        Ok(r) => r.map_err(|_| unreadable()),
        Err(_) => Err(too_slow()),
    }
}

/// Text fields (into `fields`, kept for the echo even when reading stops) and files of a
/// multipart form, each read in chunks and refused as soon as it passes its own limit (a file
/// 10 MB, a text field 64 KiB, all files 30 MB), so no part is held in memory beyond what it may
/// be, and refused when it arrives slower than `min_rate` (see [`Pace`]). An unreadable body is a
/// form error, not a crash.
pub async fn read_multipart(
    mut form: Multipart,
    fields: &mut HashMap<String, String>,
    min_rate: u64,
) -> Result<Vec<(String, Vec<u8>)>, AppError> {
    let mut files = Vec::new();
    let (mut total, mut parts) = (0usize, 0usize);
    // The first file refused for its size: the rest of the body is still read (files dropped), so
    // the fields after it are kept and the browser is answered after it has sent everything.
    let mut refused: Option<AppError> = None;
    let mut pace = Pace { started: Instant::now(), received: 0, min_rate };
    while let Some(mut part) = within_stall(form.next_field()).await? {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(unreadable());
        }
        let name = part.name().unwrap_or_default().to_string();
        let file_name = part.file_name().map(str::to_string);
        let limit = if file_name.is_some() { MAX_FILE_BYTES.min(MAX_TOTAL_BYTES - total) } else { MAX_TEXT_PART };
        let mut bytes = Vec::new();
        let mut dropped = refused.is_some() && file_name.is_some();
        while let Some(chunk) = within_stall(part.chunk()).await? {
            pace.add(chunk.len())?;
            if dropped {
                continue;
            }
            if bytes.len() + chunk.len() > limit {
                let message = match &file_name {
                    None => return Err(AppError::field(&name, "内容过长，未能接收")),
                    Some(f) if bytes.len() + chunk.len() > MAX_FILE_BYTES => {
                        format!("“{}”超过{}MB，未能接收", sanitise_name(f), MAX_FILE_BYTES >> 20)
                    }
                    Some(_) => format!("附件合计不能超过{}MB", MAX_TOTAL_BYTES >> 20),
                };
                refused = Some(AppError::field("attachments", &message));
                dropped = true;
                bytes = Vec::new();
                continue;
            }
            bytes.extend_from_slice(&chunk);
        }
        if dropped {
            continue;
        }
        match file_name {
            // A file input left empty sends a part with no name and no bytes.
            Some(f) if f.is_empty() && bytes.is_empty() => {}
            Some(f) => {
                total += bytes.len();
                files.push((f, bytes));
            }
            None => {
                let text = String::from_utf8(bytes).map_err(|_| unreadable())?;
                let (name, text) = crate::extract::neutralised(name, text);
                fields.insert(name, text);
            }
        }
    }
    match refused {
        Some(e) => Err(e),
        None => Ok(files),
    }
}
