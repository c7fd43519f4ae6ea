//! Reading a multipart filing: every part within its own limit, the whole body within the
//! attachments' total, and no client allowed to trickle it in or stall.
use crate::extract::unreadable;
use app::cases::attachments::{sanitise_name, MAX_FILE_BYTES, MAX_TOTAL_BYTES};
use app::error::AppError;
use axum::extract::Multipart;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// What one multipart form may carry: each file, all its files together, and the field its
/// refusals are shown at.
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    pub file: usize,
    pub total: usize,
    pub field: &'static str,
}

impl Caps {
    /// The largest body read: twice the files' total limit and room for the text fields. Files
    /// past their limits are read to the end and dropped (never kept in memory), so the browser
    /// finishes sending and gets the form back with every field, instead of a connection cut
    /// mid-upload.
    pub const fn body_limit(self) -> usize {
        2 * self.total + 2 * 1024 * 1024
    }
}

/// A case filing's attachments.
pub const FILING: Caps = Caps { file: MAX_FILE_BYTES, total: MAX_TOTAL_BYTES, field: "attachments" };

/// The largest filing body read (see [`Caps::body_limit`]).
pub const MAX_FILING_BYTES: usize = FILING.body_limit();

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
    field: &'static str,
}

impl Pace {
    fn add(&mut self, n: usize) -> Result<(), AppError> {
        self.received += n as u64;
        let elapsed = self.started.elapsed();
        if self.min_rate > 0 && elapsed > UPLOAD_GRACE && self.received < self.min_rate * elapsed.as_secs() {
            return Err(too_slow(self.field));
        }
        Ok(())
    }
}

fn too_slow(field: &str) -> AppError {
    AppError::field(field, "网络过慢，附件未能接收：请在网络较好时重新提交，或减少、压缩附件")
}

/// The next piece of a body, or a refusal when the client pauses longer than [`UPLOAD_STALL`].
async fn within_stall<T, E>(field: &str, next: impl std::future::Future<Output = Result<T, E>>) -> Result<T, AppError> {
    match tokio::time::timeout(UPLOAD_STALL, next).await {
        Ok(r) => r.map_err(|_| unreadable()),
        Err(_) => Err(too_slow(field)),
    }
}

/// Text fields (into `fields`, kept for the echo even when reading stops) and files of a
/// multipart form, each read in chunks and refused as soon as it passes its own limit (`caps` for
/// files, 64 KiB for a text field), so no part is held in memory beyond what it may
/// be, and refused when it arrives slower than `min_rate` (see [`Pace`]). An unreadable body is a
/// form error, not a crash.
pub async fn read_multipart(
    mut form: Multipart,
    fields: &mut HashMap<String, String>,
    min_rate: u64,
    caps: Caps,
) -> Result<Vec<(String, Vec<u8>)>, AppError> {
    let mut files = Vec::new();
    let (mut total, mut parts) = (0usize, 0usize);
    // The first file refused for its size: the rest of the body is still read (files dropped), so
    // the fields after it are kept and the browser is answered after it has sent everything.
    let mut refused: Option<AppError> = None;
    let mut pace = Pace { started: Instant::now(), received: 0, min_rate, field: caps.field };
    while let Some(mut part) = within_stall(caps.field, form.next_field()).await? {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(unreadable());
        }
        let name = part.name().unwrap_or_default().to_string();
        let file_name = part.file_name().map(str::to_string);
        let limit = if file_name.is_some() { caps.file.min(caps.total - total) } else { MAX_TEXT_PART };
        let mut bytes = Vec::new();
        let mut dropped = refused.is_some() && file_name.is_some();
        while let Some(chunk) = within_stall(caps.field, part.chunk()).await? {
            pace.add(chunk.len())?;
            if dropped {
                continue;
            }
            if bytes.len() + chunk.len() > limit {
                let message = match &file_name {
                    None => return Err(AppError::field(&name, "内容过长，未能接收")),
                    Some(f) if bytes.len() + chunk.len() > caps.file => {
                        format!("“{}”超过{}MB，未能接收", sanitise_name(f), caps.file >> 20)
                    }
                    Some(_) => format!("附件合计不能超过{}MB", caps.total >> 20),
                };
                refused = Some(AppError::field(caps.field, &message));
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
