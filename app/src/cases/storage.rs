//! Attachments on disk: written durably under random ids, outside the web root, read back by id.
use super::attachments::{sanitise_name, strip_metadata, MAX_FILE_BYTES};
use super::files::FileKind;
use super::sniff::classify;
use crate::accounts::store::to_hex;
use sha2::{Digest, Sha256};
use std::io::{self, Write};
use std::path::Path;

/// An attachment written to disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// 32 random lowercase hex characters; the only handle to the file.
    pub id: String,
    pub kind: FileKind,
    pub size: u64,
    pub sha256: String,
    /// The sanitised original name, for display only.
    pub name: String,
}

/// Files written for a change not yet committed; dropped with ids left, they are removed, so a
/// change that fails after writing them leaves nothing on the disk. Cleared once the row commits.
pub struct Uncommitted<'a> {
    pub dir: &'a Path,
    pub ids: Vec<String>,
}

impl Drop for Uncommitted<'_> {
    fn drop(&mut self) {
        for id in &self.ids {
            discard(self.dir, id);
        }
        if !self.ids.is_empty() {
            tracing::warn!(files = self.ids.len(), "a change failed after its files were written; removed them");
        }
    }
}

/// Write an attachment under `dir` (which must be outside the web root); durable when this returns.
///
/// Refuses (`InvalidInput`) anything [`check`] would refuse, so nothing unchecked reaches the disk.
pub async fn store(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<Stored> {
    store_within(dir, name, bytes, MAX_FILE_BYTES).await
}

/// [`store`] for files of at most `max_bytes` (an agency's documents are larger than a filer's).
pub async fn store_within(dir: &Path, name: &str, bytes: &[u8], max_bytes: usize) -> io::Result<Stored> {
    let kind = match classify(bytes) {
        Ok(kind) if !bytes.is_empty() && bytes.len() <= max_bytes => kind,
        _ => return Err(io::Error::new(io::ErrorKind::InvalidInput, "not an acceptable attachment")),
    };
    let id = new_id();
    // Photos often carry where and when they were taken, and by which device: dropped, so a
    // reporter is not identified by the file itself.
    let owned = strip_metadata(kind, bytes)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a photo whose metadata cannot be removed"))?;
    let size = owned.len() as u64;
    let (dir, file_id) = (dir.to_path_buf(), id.clone());
    let sha256 = tokio::task::spawn_blocking(move || {
        write_durably(&dir, &file_id, &owned)?;
        Ok::<_, io::Error>(to_hex(&Sha256::digest(&owned)))
    })
    .await
    .map_err(io::Error::other)??;
    Ok(Stored { id, kind, size, sha256, name: sanitise_name(name) })
}

/// Remove a stored attachment (one written for a filing that then failed); a missing file is fine.
pub fn discard(dir: &Path, id: &str) {
    if is_id(id) {
        let _ = std::fs::remove_file(dir.join(&id[..2]).join(id));
    }
}

/// A stored attachment opened for reading, with its length: handed to its reader a piece at a
/// time, never read whole into memory (a reader who stops reading holds a file handle, not the file).
pub struct Opened {
    pub file: tokio::fs::File,
    pub len: u64,
}

/// Open a stored attachment of `size` bytes (as recorded when it was stored); ids that are not
/// exactly 32 lowercase hex characters are refused, and so is a file whose length on disk is not
/// the recorded one: a file cut short is never handed out as if whole.
pub async fn open(dir: &Path, id: &str, size: u64) -> io::Result<Opened> {
    if !is_id(id) {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "malformed attachment id"));
    }
    let file = tokio::fs::File::open(dir.join(&id[..2]).join(id)).await?;
    let len = file.metadata().await?.len();
    if len != size {
        return Err(io::Error::new(io::ErrorKind::InvalidData, format!("{len} bytes on disk, {size} recorded")));
    }
    Ok(Opened { file, len })
}

fn is_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn new_id() -> String {
    crate::accounts::store::random_hex(16)
}

/// Temp file in the same directory, fsync, rename, fsync the directory; nothing half-written remains.
fn write_durably(dir: &Path, id: &str, bytes: &[u8]) -> io::Result<()> {
    let shard = dir.join(&id[..2]);
    if !shard.is_dir() {
        create_private_dir(&shard)?;
        sync_dir(dir)?;
    }
    let (tmp, path) = (shard.join(format!(".{id}.tmp")), shard.join(id));
    let result =
        write_new_private(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, &path)).and_then(|()| sync_dir(&shard));
    if result.is_err() {
        // Best effort: the caller records nothing, so no leftover may look stored.
        let _ = std::fs::remove_file(&tmp);
        let _ = std::fs::remove_file(&path);
    }
    result
}

fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

fn write_new_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn sync_dir(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(path)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use FileKind::Pdf;

    fn scratch_dir() -> std::path::PathBuf {
        std::env::temp_dir().join(format!("canyu-attachments-{}-{}", std::process::id(), new_id()))
    }

    #[tokio::test]
    async fn reading_refuses_ids_that_could_leave_the_folder() {
        let dir = scratch_dir();
        for id in
            ["../x", "../../etc/passwd", "", "abc", &"A".repeat(32), &"0".repeat(33), &format!("../{}", "0".repeat(29))]
        {
            assert_eq!(open(&dir, id, 1).await.err().map(|e| e.kind()), Some(io::ErrorKind::InvalidInput), "{id}");
        }
        assert_eq!(open(&dir, &"0".repeat(32), 1).await.err().map(|e| e.kind()), Some(io::ErrorKind::NotFound));
    }

    #[tokio::test]
    async fn a_stored_attachment_is_private_durable_and_reads_back_unchanged() {
        let dir = scratch_dir();
        let bytes = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n".to_vec();
        let stored = store(&dir, "../证据/现场照片说明.pdf", &bytes).await.unwrap();
        assert!(is_id(&stored.id));
        assert_eq!((stored.kind, stored.size, stored.name.as_str()), (Pdf, bytes.len() as u64, "现场照片说明.pdf"));
        assert_eq!(stored.sha256, to_hex(&Sha256::digest(&bytes)));
        let short = open(&dir, &stored.id, bytes.len() as u64 + 1).await.err().map(|e| e.kind());
        assert_eq!(short, Some(io::ErrorKind::InvalidData), "a length other than the recorded one is refused");
        let mut opened = open(&dir, &stored.id, bytes.len() as u64).await.unwrap();
        let mut back = Vec::new();
        tokio::io::AsyncReadExt::read_to_end(&mut opened.file, &mut back).await.unwrap();
        assert_eq!((back, opened.len), (bytes.clone(), bytes.len() as u64));
        let shard = dir.join(&stored.id[..2]);
        let listed: Vec<_> = std::fs::read_dir(&shard).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(listed, vec![std::ffi::OsString::from(&stored.id)], "no temp file left behind");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(shard.join(&stored.id)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let other = store(&dir, "x.pdf", &bytes).await.unwrap();
        assert_ne!(other.id, stored.id);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[tokio::test]
    async fn storing_refuses_what_check_refuses() {
        let dir = scratch_dir();
        for bytes in [b"<html>".to_vec(), Vec::new()] {
            assert_eq!(store(&dir, "a.pdf", &bytes).await.unwrap_err().kind(), io::ErrorKind::InvalidInput);
        }
        assert!(!dir.exists(), "nothing written");
    }
}
