//! The catalogue: the facilities and communities residents search, held in
//! memory and kept in step with the database.
//!
//! Reads never touch the database; they take a snapshot (an `Arc`) and work
//! on it. After an import in this process the caller reloads directly; an
//! import by another process (`server import` on the same database) is picked
//! up by [`Catalog::watch`], which compares a cheap fingerprint every few
//! seconds and rebuilds only when it changed.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::domain::facility::Community;
use crate::domain::nearby::OfflineCatalog;
use crate::domain::sorting::SortingIndex;
use crate::server::index::FacilityIndex;
use crate::server::store::{Db, Fingerprint, StoreError};

/// A file browsers download whole and keep for offline use (the sorting
/// dictionary, the facilities): made once per catalogue load, with its
/// brotli form at the highest quality and an ETag, so a phone fetches it
/// again only when it changed.
#[derive(Clone, Default)]
pub struct Download {
    pub body: Arc<str>,
    pub brotli: Arc<[u8]>,
    pub etag: String,
    pub content_type: &'static str,
}

/// FNV-1a: a small stable content hash for ETags and versions, not for
/// security.
pub fn content_hash(bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes.into_iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Download {
    fn new(body: String, content_type: &'static str) -> Self {
        use std::io::Write;
        let mut brotli = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut brotli, 4096, 11, 22);
            w.write_all(body.as_bytes()).expect("writing to memory");
        }
        let hash = content_hash(body.bytes());
        Self {
            body: body.into(),
            brotli: brotli.into(),
            etag: format!("\"{hash:016x}\""),
            content_type,
        }
    }
}

#[derive(Default)]
pub struct Snapshot {
    pub index: FacilityIndex,
    pub communities: Vec<Community>,
    pub sorting: SortingIndex,
    /// The dictionary as the browser downloads it (tab-separated).
    pub sorting_download: Download,
    /// Every facility and community as JSON ([`OfflineCatalog`]), for
    /// finding the nearest in the browser when offline.
    pub facilities_download: Download,
    fingerprint: Fingerprint,
}

impl Snapshot {
    pub fn community(&self, code: &str) -> Option<&Community> {
        self.communities.iter().find(|c| c.code == code)
    }
}

#[derive(Clone, Default)]
pub struct Catalog {
    current: Arc<RwLock<Arc<Snapshot>>>,
}

impl Catalog {
    pub async fn load(db: &Db) -> Result<Self, StoreError> {
        let catalog = Self::default();
        catalog.reload(db).await?;
        Ok(catalog)
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Rebuilds from the database and swaps the new snapshot in.
    pub async fn reload(&self, db: &Db) -> Result<(), StoreError> {
        let fingerprint = db.fingerprint().await?;
        let facilities = db.facilities().await?;
        let communities = db.communities().await?;
        let items = db.sorting_items().await?;
        let offline = OfflineCatalog {
            communities: communities.clone(),
            facilities,
        };
        let (index, sorting, sorting_download, facilities_download) = tokio::task::spawn_blocking(move || {
            let sorting_download = Download::new(
                crate::domain::sorting::dictionary::to_tsv(&items),
                "text/tab-separated-values; charset=utf-8",
            );
            let facilities_download = Download::new(
                serde_json::to_string(&offline).expect("the catalogue serialises"),
                "application/json",
            );
            (
                FacilityIndex::new(offline.facilities),
                SortingIndex::new(items),
                sorting_download,
                facilities_download,
            )
        })
        .await
        .expect("index build does not panic");
        tracing::info!(
            facilities = index.len(),
            communities = communities.len(),
            sorting_items = sorting.len(),
            "catalogue loaded"
        );
        let next = Arc::new(Snapshot {
            index,
            communities,
            sorting,
            sorting_download,
            facilities_download,
            fingerprint,
        });
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = next;
        Ok(())
    }

    /// Reloads when the database changed since the last load.
    pub async fn refresh(&self, db: &Db) -> Result<bool, StoreError> {
        if db.fingerprint().await? == self.snapshot().fingerprint {
            return Ok(false);
        }
        self.reload(db).await?;
        Ok(true)
    }

    /// Polls for changes made by other processes, forever.
    pub async fn watch(self, db: Db, every: Duration) {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = self.refresh(&db).await {
                tracing::warn!(error = %e, "catalogue refresh failed");
            }
        }
    }
}

/// What every request handler and server function can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub catalog: Catalog,
    pub photos: crate::server::photos::PhotoStore,
}
