//! `GET /consultations/{id}/report.csv`: the published report's CSV, built once and kept as a file
//! in the data folder (`reports/report-<consultation>-<published>-<version>.csv`, a gzip copy
//! beside it), then served as the static files are (`assets`): `Last-Modified`, an `ETag`, 304 when
//! the reader's copy is current, the gzip copy to a reader who accepts it, ranges.
//! - The CSV changes after publication only when a comment left pending then is approved; the
//!   database counts such changes (the report's `version`, migration 0024) and the file's name
//!   carries the count, so the next download builds the new edition and the old one is removed.
//! - The first download of an edition builds it: written to a temporary file, synced, renamed
//!   into place and the folder synced, so a reader finds the whole file or none. One build at a
//!   time in the process; a download arriving meanwhile waits for it and is served the file built.
//!   The build is a task of its own, so a download given up (or cut off by its deadline) leaves no
//!   half-built file. A file built while the comments changed is thrown away.
//! - When it cannot be kept (the free-space floor reached, a full disk, any write fault), the
//!   download is streamed from the database instead, article by article through the index: as
//!   complete as the file, never a truncated file passed off as whole.
use crate::assets::{self, Files};
use app::feedback::report_csv::{self, CsvWalk, Edition, HEAD};
use app::state::AppState;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Uri};
use axum::response::{IntoResponse, Response};
use sqlx::AnyPool;
use std::io::{self, Write};
use std::path::{Path as FsPath, PathBuf};
use tokio::io::AsyncWriteExt;

/// The data folder's subfolder for kept report files.
pub const FOLDER: &str = "reports";

/// One build at a time in the process: builds are rare (once per report edition), and a second
/// download of the same edition must wait for the first build rather than start its own.
static BUILDING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// GET /consultations/{id}/report.csv: the published report's comments and answers.
pub async fn download(
    State(st): State<AppState>,
    Path(consultation): Path<i64>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let edition = match report_csv::edition(&st.db, consultation).await {
        Ok(e) => e,
        Err(e) => return crate::respond::error_response(&headers, e),
    };
    let dir = st.data_dir.join(FOLDER);
    let name = file_name(consultation, edition);
    if !dir.join(&name).is_file() && !st.disk_low() {
        match tokio::spawn(build(st.db.clone(), dir.clone(), consultation, edition)).await {
            Ok(Ok(true)) => {}
            Ok(Ok(false)) => tracing::info!(consultation, "report CSV changed while it was built; streamed"),
            Ok(Err(e)) => tracing::warn!(consultation, error = %e, "report CSV not kept; streamed instead"),
            Err(e) => tracing::error!(consultation, error = %e, "building the report CSV failed"),
        }
    }
    match serve(&dir, &name, consultation, &method, &headers).await {
        Some(res) => res,
        None => stream(&st.db, consultation, &headers).await,
    }
}

fn file_name(consultation: i64, e: Edition) -> String {
    format!("report-{consultation}-{}-{}.csv", e.published_at, e.version)
}

/// The headers of the CSV download however it is sent.
fn csv_headers(consultation: i64, headers: &mut HeaderMap) {
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    let disposition = format!("attachment; filename=\"report-{consultation}.csv\"");
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
    );
}

/// The kept file with the static files' validators, or None when it is not there.
async fn serve(dir: &FsPath, name: &str, consultation: i64, method: &Method, asked: &HeaderMap) -> Option<Response> {
    let uri: Uri = format!("/{name}").parse().ok()?;
    let mut res = Files::new(dir).read(method, &uri, asked).await?;
    if res.status().is_success() {
        csv_headers(consultation, res.headers_mut());
        // Kept, but asked about each time: an approval after publication makes a new edition.
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(assets::REVALIDATE));
        res.headers_mut().append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    Some(assets::validated(asked, res))
}

/// The CSV written as it is read from the database, a few hundred lines at a time: however many
/// comments, it never sits whole in memory.
async fn stream(db: &AnyPool, consultation: i64, headers: &HeaderMap) -> Response {
    use futures_util::stream::{self, StreamExt};
    let walk = match CsvWalk::start(db, consultation).await {
        Ok(w) => w,
        Err(e) => return crate::respond::error_response(headers, e),
    };
    let db = db.clone();
    let rest = stream::unfold(Some(walk), move |walk| {
        let db = db.clone();
        async move {
            let mut walk = walk?;
            match walk.next(&db).await {
                Ok(Some(lines)) => Some((Ok(lines), Some(walk))),
                Ok(None) => None,
                // The status is already sent: the download is cut short (logged where it failed).
                Err(_) => Some((Err(io::Error::other("report CSV cut short")), None)),
            }
        }
    });
    // Fused: the gzip encoder (`web::compression`) polls once more after the end, and an `unfold`
    // panics when polled past its end.
    let head = stream::once(async { Ok::<_, io::Error>(HEAD.to_string()) });
    let mut res = Body::from_stream(head.chain(rest.fuse())).into_response();
    csv_headers(consultation, res.headers_mut());
    res
}

/// Build and keep the CSV of `edition`: true when the file is in place, false when the comments
/// changed while it was written (nothing is kept).
async fn build(db: AnyPool, dir: PathBuf, consultation: i64, edition: Edition) -> io::Result<bool> {
    let _one_at_a_time = BUILDING.lock().await;
    let name = file_name(consultation, edition);
    let path = dir.join(&name);
    if path.is_file() {
        return Ok(true);
    }
    private_dir(&dir)?;
    remove_others(&dir, consultation, &name);
    let (tmp, gz_tmp, gz) =
        (dir.join(format!(".{name}.tmp")), dir.join(format!(".{name}.gz.tmp")), dir.join(format!("{name}.gz")));
    let kept = async {
        write_csv(&db, consultation, &tmp).await?;
        let (plain, packed) = (tmp.clone(), gz_tmp.clone());
        tokio::task::spawn_blocking(move || gzip(&plain, &packed)).await.map_err(io::Error::other)??;
        if report_csv::edition(&db, consultation).await.map_err(io::Error::other)? != edition {
            return Ok(false);
        }
        // The gzip copy first: whoever finds the CSV finds its copy too.
        std::fs::rename(&gz_tmp, &gz)?;
        std::fs::rename(&tmp, &path)?;
        sync_dir(&dir)?;
        Ok(true)
    }
    .await;
    if !matches!(kept, Ok(true)) {
        for leftover in [&tmp, &gz_tmp] {
            let _ = std::fs::remove_file(leftover);
        }
        if !path.is_file() {
            let _ = std::fs::remove_file(&gz);
        }
    }
    if matches!(kept, Ok(true)) {
        tracing::info!(consultation, version = edition.version, "report CSV kept");
    }
    kept
}

/// The CSV, whole, into a new private file at `path`, synced.
async fn write_csv(db: &AnyPool, consultation: i64, path: &FsPath) -> io::Result<()> {
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options.open(path).await?;
    file.write_all(HEAD.as_bytes()).await?;
    let mut walk = CsvWalk::start(db, consultation).await.map_err(io::Error::other)?;
    while let Some(lines) = walk.next(db).await.map_err(io::Error::other)? {
        file.write_all(lines.as_bytes()).await?;
    }
    file.flush().await?;
    file.sync_all().await
}

/// The gzip copy of `plain` into a new private file at `packed`, synced.
fn gzip(plain: &FsPath, packed: &FsPath) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let out = io::BufWriter::new(options.open(packed)?);
    let mut encoder = flate2::write::GzEncoder::new(out, flate2::Compression::default());
    io::copy(&mut io::BufReader::new(std::fs::File::open(plain)?), &mut encoder)?;
    let mut out = encoder.finish()?;
    out.flush()?;
    out.into_inner().map_err(|e| e.into_error())?.sync_all()
}

fn private_dir(dir: &FsPath) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    dir.parent().map_or(Ok(()), sync_dir)
}

fn sync_dir(dir: &FsPath) -> io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

/// Remove this consultation's other editions and any temporary file a build cut short left (none is
/// being written: the caller holds the build lock).
fn remove_others(dir: &FsPath, consultation: i64, keep: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let prefix = format!("report-{consultation}-");
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let own = name.strip_prefix('.').unwrap_or(&name).starts_with(&prefix);
        if own && name != keep && name != format!("{keep}.gz") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
