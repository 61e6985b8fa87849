//! The catalogue: the facilities and communities residents search, held in
//! memory and kept in step with the database.
//!
//! Reads never touch the database; they take a snapshot (an `Arc`) and work
//! on it. After an import in this process the caller reloads directly; a
//! change by another process (`server import`, another app server) is
//! picked up by [`Catalog::watch`], which reads the database's catalogue
//! version (a counter every change bumps, by trigger) every second and
//! rebuilds only when it moved.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::domain::facility::Community;
use crate::domain::sorting::SortingIndex;
use crate::server::index::FacilityIndex;
use crate::server::store::{CatalogVersion, Db, StoreError};

/// A file browsers download whole and keep for offline use (the sorting
/// dictionary, the facilities): made once per catalogue load, with its
/// brotli form and an ETag, so a phone fetches it
/// again only when it changed.
#[derive(Clone, Default)]
pub struct Download {
    pub body: Arc<str>,
    pub brotli: Arc<[u8]>,
    pub etag: String,
    pub content_type: &'static str,
}

/// Brotli quality of the downloads. The dictionary changes a few times a
/// year: the smallest file (11) is worth its half second. Facilities change
/// whenever staff edit one, and every server rebuilds the file at once:
/// quality 11 took 3.9 s for 833 facilities in a debug build, 9 gives
/// nearly the same size in a small fraction of the time.
const SORTING_QUALITY: u32 = 11;
const FACILITIES_QUALITY: u32 = 9;

/// FNV-1a: a small stable content hash for ETags and versions, not for
/// security.
pub fn content_hash(bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes.into_iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Download {
    fn new(body: String, content_type: &'static str, quality: u32) -> Self {
        use std::io::Write;
        let mut brotli = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut brotli, 4096, quality, 22);
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
    pub index: Arc<FacilityIndex>,
    pub communities: Arc<Vec<Community>>,
    pub sorting: Arc<SortingIndex>,
    /// The dictionary as the browser downloads it (tab-separated).
    pub sorting_download: Download,
    /// Every facility and community as JSON
    /// ([`OfflineCatalog`](crate::domain::nearby::OfflineCatalog)), for
    /// finding the nearest in the browser when offline: made on first use
    /// ([`Snapshot::facilities_download`]), so neither start-up nor an edit
    /// waits for it.
    facilities_download: Arc<std::sync::OnceLock<Download>>,
    /// The database's catalogue versions this snapshot was built from.
    version: CatalogVersion,
}

/// The facilities side of a snapshot: index, communities, offline download.
struct FacilitiesPart {
    index: Arc<FacilityIndex>,
    communities: Arc<Vec<Community>>,
    download: Arc<std::sync::OnceLock<Download>>,
}

impl FacilitiesPart {
    fn build(facilities: Vec<crate::domain::facility::Facility>, communities: Vec<Community>) -> Self {
        Self {
            index: Arc::new(FacilityIndex::new(facilities)),
            communities: Arc::new(communities),
            download: Arc::default(),
        }
    }
}

/// The sorting side: the search index and the dictionary download.
struct SortingPart {
    index: Arc<SortingIndex>,
    download: Download,
}

impl SortingPart {
    fn build(items: Vec<crate::domain::sorting::SortingItem>) -> Self {
        let download = Download::new(
            crate::domain::sorting::dictionary::to_tsv(&items),
            "text/tab-separated-values; charset=utf-8",
            SORTING_QUALITY,
        );
        Self {
            index: Arc::new(SortingIndex::new(items)),
            download,
        }
    }
}

impl Snapshot {
    pub fn community(&self, code: &str) -> Option<&Community> {
        self.communities.iter().find(|c| c.code == code)
    }

    /// The offline download of this snapshot's facilities and communities,
    /// made once, off the async threads (for 100 000 facilities the JSON
    /// and its brotli take seconds).
    pub async fn facilities_download(self: &Arc<Self>) -> Download {
        if let Some(d) = self.facilities_download.get() {
            return d.clone();
        }
        let snapshot = self.clone();
        tokio::task::spawn_blocking(move || {
            snapshot
                .facilities_download
                .get_or_init(|| {
                    #[derive(serde::Serialize)]
                    struct Offline<'a> {
                        communities: &'a [Community],
                        facilities: &'a [crate::domain::facility::Facility],
                    }
                    // The same JSON as `OfflineCatalog`, without copying.
                    let body = serde_json::to_string(&Offline {
                        communities: &snapshot.communities,
                        facilities: snapshot.index.facilities(),
                    })
                    .expect("the catalogue serialises");
                    Download::new(body, "application/json", FACILITIES_QUALITY)
                })
                .clone()
        })
        .await
        .expect("building the download does not panic")
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

    /// Rebuilds everything from the database and swaps the new snapshot in.
    pub async fn reload(&self, db: &Db) -> Result<(), StoreError> {
        self.load_parts(db, None).await
    }

    /// Rebuilds what changed since `previous` (the facilities and
    /// communities, the sorting dictionary, or both), keeping the rest.
    async fn load_parts(&self, db: &Db, previous: Option<Arc<Snapshot>>) -> Result<(), StoreError> {
        let started = std::time::Instant::now();
        // Read first: a change made while loading moves the version past
        // this one, and the next check loads again.
        let version = db.catalog_version().await?;
        // The previous snapshot's part, when its counter did not move.
        let unchanged = |counter: fn(&CatalogVersion) -> i64| {
            previous.as_ref().filter(|p| counter(&p.version) == counter(&version))
        };
        let facilities_part = match unchanged(|v| v.facilities) {
            Some(p) => FacilitiesPart {
                index: p.index.clone(),
                communities: p.communities.clone(),
                download: p.facilities_download.clone(),
            },
            None => {
                let facilities = db.facilities().await?;
                let communities = db.communities().await?;
                tokio::task::spawn_blocking(move || FacilitiesPart::build(facilities, communities))
                    .await
                    .expect("index build does not panic")
            }
        };
        let sorting_part = match unchanged(|v| v.sorting) {
            Some(p) => SortingPart {
                index: p.sorting.clone(),
                download: p.sorting_download.clone(),
            },
            None => {
                let items = db.sorting_items().await?;
                tokio::task::spawn_blocking(move || SortingPart::build(items))
                    .await
                    .expect("index build does not panic")
            }
        };
        tracing::info!(
            facilities = facilities_part.index.len(),
            communities = facilities_part.communities.len(),
            sorting_items = sorting_part.index.len(),
            ms = started.elapsed().as_millis() as u64,
            "catalogue loaded"
        );
        let next = Arc::new(Snapshot {
            index: facilities_part.index,
            communities: facilities_part.communities,
            facilities_download: facilities_part.download,
            sorting: sorting_part.index,
            sorting_download: sorting_part.download,
            version,
        });
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = next;
        Ok(())
    }

    /// Reloads what changed in the database since the last load.
    pub async fn refresh(&self, db: &Db) -> Result<bool, StoreError> {
        let current = self.snapshot();
        if db.catalog_version().await? == current.version {
            return Ok(false);
        }
        self.load_parts(db, Some(current)).await?;
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
