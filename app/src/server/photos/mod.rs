//! Photos: checking and re-encoding uploads ([`process`]) and keeping the
//! files ([`PhotoStore`]). Only this module knows photos live on the local
//! disk; moving them to object storage means changing `PhotoStore` alone.

pub mod process;
pub mod samples;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

pub use process::{reencode, Photo, PhotoError};

/// Where photo files live. Files are named by the SHA-256 of their content,
/// so storing the same photo twice (a retried upload) writes one file, and
/// a name reveals nothing and cannot be guessed.
#[derive(Clone, Debug)]
pub struct PhotoStore {
    root: PathBuf,
}

impl PhotoStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// Writes the photo durably (written, flushed to disk, then renamed into
    /// place) and returns its key. Call before committing the row that
    /// refers to it, so a committed suggestion never points at a missing file.
    pub async fn put(&self, jpeg: &[u8]) -> std::io::Result<String> {
        let key = format!("{:x}", Sha256::digest(jpeg));
        let path = self.path(&key);
        if tokio::fs::try_exists(&path).await? {
            // Fresh again, so a sweep running now spares it.
            let touch = path.clone();
            tokio::task::spawn_blocking(move || {
                std::fs::File::options()
                    .append(true)
                    .open(&touch)
                    .and_then(|f| f.set_modified(std::time::SystemTime::now()))
            })
            .await
            .map_err(std::io::Error::other)??;
            return Ok(key);
        }
        let dir = path.parent().expect("photo paths have a folder");
        tokio::fs::create_dir_all(dir).await?;
        let tmp = dir.join(format!(".{key}.{}.tmp", std::process::id()));
        let bytes = jpeg.to_vec();
        let tmp_for_write = tmp.clone();
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp_for_write)?;
            f.write_all(&bytes)?;
            f.sync_all()
        })
        .await
        .map_err(std::io::Error::other)??;
        tokio::fs::rename(&tmp, &path).await?;
        Ok(key)
    }

    /// The photo's bytes, or `None` for an unknown or malformed key.
    pub async fn get(&self, key: &str) -> std::io::Result<Option<Vec<u8>>> {
        if !is_key(key) {
            return Ok(None);
        }
        match tokio::fs::read(self.path(key)).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Deletes photo files that nothing refers to (uploads of refused
    /// submissions, forms never finished) once they are older than
    /// `min_age`, which must exceed the longest upload. Returns how many.
    pub async fn sweep(&self, referenced: HashSet<String>, min_age: Duration) -> std::io::Result<usize> {
        let root = self.root.clone();
        tokio::task::spawn_blocking(move || {
            let mut removed = 0;
            let Ok(dirs) = std::fs::read_dir(&root) else {
                return Ok(0);
            };
            for dir in dirs.flatten() {
                let Ok(files) = std::fs::read_dir(dir.path()) else {
                    continue;
                };
                for file in files.flatten() {
                    let path = file.path();
                    let name = file.file_name().to_string_lossy().into_owned();
                    let key = name.strip_suffix(".jpg").unwrap_or("");
                    if is_key(key) && referenced.contains(key) {
                        continue;
                    }
                    let old = file
                        .metadata()
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.elapsed().ok())
                        .is_some_and(|age| age >= min_age);
                    if old && std::fs::remove_file(&path).is_ok() {
                        removed += 1;
                    }
                }
            }
            Ok(removed)
        })
        .await
        .map_err(std::io::Error::other)?
    }

    fn path(&self, key: &str) -> PathBuf {
        self.root.join(&key[..2]).join(format!("{key}.jpg"))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

/// A key is 64 lowercase hex digits; anything else never touches the disk.
pub fn is_key(key: &str) -> bool {
    crate::security::is_hex_token(key, 64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn photos_round_trip_by_content_key() {
        let dir = tempfile::tempdir().unwrap();
        let store = PhotoStore::new(dir.path());
        let key = store.put(b"jpeg bytes").await.unwrap();
        assert!(is_key(&key));
        assert_eq!(store.put(b"jpeg bytes").await.unwrap(), key, "same content, same key");
        assert_eq!(store.get(&key).await.unwrap().as_deref(), Some(&b"jpeg bytes"[..]));
        assert_eq!(store.get(&"0".repeat(64)).await.unwrap(), None);
        assert_eq!(store.get("../../etc/passwd").await.unwrap(), None);

        let other = store.put(b"an orphan").await.unwrap();
        let kept: HashSet<String> = [key.clone()].into();
        assert_eq!(
            store.sweep(kept.clone(), Duration::from_secs(3600)).await.unwrap(),
            0,
            "too young"
        );
        assert_eq!(store.sweep(kept, Duration::ZERO).await.unwrap(), 1);
        assert_eq!(store.get(&other).await.unwrap(), None, "the orphan is gone");
        assert!(store.get(&key).await.unwrap().is_some(), "the referenced photo stays");
    }
}
