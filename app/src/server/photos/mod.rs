//! Photos: checking and re-encoding uploads ([`process`]) and keeping the
//! bytes ([`PhotoStore`]). Only this module knows where photos live: files
//! on a disk (SQLite, one server, or a disk every server mounts), or rows in
//! PostgreSQL itself, so several app servers serve each other's uploads
//! with no other component.

pub mod process;
pub mod samples;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

pub use process::{reencode, Photo, PhotoError};

use crate::server::store::Db;

/// Where photo bytes live. Photos are named by the SHA-256 of their
/// content, so storing the same photo twice (a retried upload) keeps one
/// copy, and a name reveals nothing and cannot be guessed.
#[derive(Clone, Debug)]
pub struct PhotoStore {
    home: Home,
}

#[derive(Clone, Debug)]
enum Home {
    Disk(PathBuf),
    Database(Db),
}

impl PhotoStore {
    /// Files under `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            home: Home::Disk(root.into()),
        }
    }

    /// Rows of the database's `photo_blobs`.
    pub fn in_database(db: Db) -> Self {
        Self {
            home: Home::Database(db),
        }
    }

    /// Stores the photo durably (a committed row; or a file written,
    /// flushed to disk, then renamed into place) and returns its key. Call
    /// before committing the row that refers to it, so a committed
    /// suggestion never points at a missing photo.
    pub async fn put(&self, jpeg: &[u8]) -> std::io::Result<String> {
        let key = format!("{:x}", Sha256::digest(jpeg));
        match &self.home {
            Home::Disk(root) => put_file(root, &key, jpeg).await?,
            Home::Database(db) => db.put_photo_blob(&key, jpeg).await.map_err(std::io::Error::other)?,
        }
        Ok(key)
    }

    /// The photo's bytes, or `None` for an unknown or malformed key.
    pub async fn get(&self, key: &str) -> std::io::Result<Option<Vec<u8>>> {
        if !is_key(key) {
            return Ok(None);
        }
        match &self.home {
            Home::Disk(root) => match tokio::fs::read(file_path(root, key)).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            },
            Home::Database(db) => db.photo_blob(key).await.map_err(std::io::Error::other),
        }
    }

    /// Deletes photos that nothing in `db` refers to (uploads of refused
    /// submissions, forms never finished) once they are older than
    /// `min_age`, which must exceed the longest upload. Returns how many.
    /// Safe with every server sweeping: in the database it is one
    /// statement; on a shared disk a photo still being filed is younger
    /// than `min_age`.
    pub async fn sweep(&self, db: &Db, min_age: Duration) -> std::io::Result<usize> {
        match &self.home {
            Home::Disk(root) => {
                let referenced = db.photo_keys().await.map_err(std::io::Error::other)?;
                sweep_files(root.clone(), referenced, min_age).await
            }
            Home::Database(store) => {
                let before = chrono::Utc::now().timestamp_millis() - min_age.as_millis() as i64;
                Ok(store.sweep_photo_blobs(before).await.map_err(std::io::Error::other)? as usize)
            }
        }
    }

    /// The folder of a disk store.
    pub fn root(&self) -> Option<&Path> {
        match &self.home {
            Home::Disk(root) => Some(root),
            Home::Database(_) => None,
        }
    }
}

fn file_path(root: &Path, key: &str) -> PathBuf {
    root.join(&key[..2]).join(format!("{key}.jpg"))
}

async fn put_file(root: &Path, key: &str, jpeg: &[u8]) -> std::io::Result<()> {
    let path = file_path(root, key);
    if tokio::fs::try_exists(&path).await? {
        // Fresh again, so a sweep running now spares it.
        let touch = path.clone();
        return tokio::task::spawn_blocking(move || {
            std::fs::File::options()
                .append(true)
                .open(&touch)
                .and_then(|f| f.set_modified(std::time::SystemTime::now()))
        })
        .await
        .map_err(std::io::Error::other)?;
    }
    let dir = path.parent().expect("photo paths have a folder");
    tokio::fs::create_dir_all(dir).await?;
    // A name of its own for every write: two uploads of the same bytes at
    // once (a retry while the first try is still being filed) must not
    // share a temporary file, or one renames it away under the other.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{key}.{}.{n}.tmp", std::process::id()));
    let bytes = jpeg.to_vec();
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        // The new name itself survives a power cut once its folder is
        // flushed too.
        std::fs::File::open(&dir)?.sync_all()
    })
    .await
    .map_err(std::io::Error::other)?
}

async fn sweep_files(root: PathBuf, referenced: HashSet<String>, min_age: Duration) -> std::io::Result<usize> {
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

/// A key is 64 lowercase hex digits; anything else never touches the disk.
pub fn is_key(key: &str) -> bool {
    crate::security::is_hex_token(key, 64)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn round_trip(store: PhotoStore, db: &Db) {
        let key = store.put(b"jpeg bytes").await.unwrap();
        assert!(is_key(&key));
        assert_eq!(store.put(b"jpeg bytes").await.unwrap(), key, "same content, same key");
        assert_eq!(store.get(&key).await.unwrap().as_deref(), Some(&b"jpeg bytes"[..]));
        assert_eq!(store.get(&"0".repeat(64)).await.unwrap(), None);
        assert_eq!(store.get("../../etc/passwd").await.unwrap(), None);

        let other = store.put(b"an orphan").await.unwrap();
        // `key` is staged in a form; `other` belongs to nothing.
        let token = if store.root().is_some() { "1" } else { "2" }.repeat(32);
        db.stage_photo(
            &token,
            &crate::server::store::StoredPhoto {
                key: key.clone(),
                width: 1,
                height: 1,
                bytes: 10,
            },
        )
        .await
        .unwrap();
        assert_eq!(
            store.sweep(db, Duration::from_secs(3600)).await.unwrap(),
            0,
            "too young"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert_eq!(store.sweep(db, Duration::from_millis(1)).await.unwrap(), 1);
        assert_eq!(store.get(&other).await.unwrap(), None, "the orphan is gone");
        assert!(store.get(&key).await.unwrap().is_some(), "the referenced photo stays");
    }

    #[tokio::test]
    async fn photos_round_trip_by_content_key_on_disk_and_in_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}", dir.path().join("p.db").display()))
            .await
            .unwrap();
        round_trip(PhotoStore::new(dir.path().join("photos")), &db).await;
        round_trip(PhotoStore::in_database(db.clone()), &db).await;
    }

    /// Found by the crash test: a retry re-sends the same photo while the
    /// first try is still writing it.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_same_photo_stored_many_times_at_once_is_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = PhotoStore::new(dir.path().join("photos"));
        let bytes = vec![7u8; 256 * 1024];
        let puts: Vec<_> = (0..16)
            .map(|_| {
                let (store, bytes) = (store.clone(), bytes.clone());
                tokio::spawn(async move { store.put(&bytes).await })
            })
            .collect();
        let mut keys = HashSet::new();
        for put in puts {
            keys.insert(put.await.unwrap().expect("every put succeeds"));
        }
        assert_eq!(keys.len(), 1);
        let key = keys.into_iter().next().unwrap();
        assert_eq!(store.get(&key).await.unwrap(), Some(bytes));
        let folder = dir.path().join("photos").join(&key[..2]);
        assert_eq!(std::fs::read_dir(folder).unwrap().count(), 1, "no temporary files left");
    }
}
