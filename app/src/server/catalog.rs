//! The catalogue: the facilities and communities residents search, held in
//! memory and kept in step with the database.
//!
//! Reads never touch the database; they take a snapshot (an `Arc`) and work
//! on it. After an import in this process the caller reloads directly; a
//! change by another process (`server import`, another app server) is
//! picked up by [`Catalog::watch`], which reads the database's catalogue
//! version (a counter every change bumps, by trigger) every
//! `LINLI_CATALOG_POLL_MS` and, when it moved, applies only the facility
//! rows written since (each row carries the revision that wrote it) or
//! reloads the sorting dictionary.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use crate::domain::facility::{Community, Facility};
use crate::domain::sorting::SortingIndex;
use crate::domain::tiles::{self, Tile};
use crate::server::index::FacilityIndex;
use crate::server::store::{CatalogVersion, Db, StoreError};

/// A file browsers download whole and keep for offline use (the sorting
/// dictionary, the facilities): made once per catalogue load, with its
/// brotli form and an ETag, so a phone fetches it
/// again only when it changed.
#[derive(Clone, Default)]
pub struct Download {
    /// `Bytes`, so an answer shares the bytes instead of copying them (the
    /// city's download is 45 MB at 100 000 facilities).
    pub body: axum::body::Bytes,
    pub brotli: axum::body::Bytes,
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

/// `bytes` brotli'd at `quality` (1–11) in one go, with a window just
/// large enough for them (2^10 to 2^22 bytes). Brotli's default window of
/// 4 MB costs tables that a 50 KB page does not need: measured on a results
/// page (README, "Server speed"), quality 4 took 0.58 ms with the default
/// window and 0.43 ms with a 64 KB one, for the same bytes.
pub fn brotli(bytes: &[u8], quality: u32) -> Vec<u8> {
    use std::io::Write;
    let params = brotli::enc::BrotliEncoderParams {
        quality: quality.clamp(1, 11) as i32,
        // The window holds 2^lgwin - 16 bytes.
        lgwin: (10..22).find(|w| (1usize << w) - 16 >= bytes.len()).unwrap_or(22),
        size_hint: bytes.len(),
        ..Default::default()
    };
    let mut out = Vec::with_capacity(bytes.len() / 4 + 64);
    {
        let mut w = brotli::CompressorWriter::with_params(&mut out, 4096, &params);
        w.write_all(bytes).expect("writing to memory");
    }
    out
}

impl Download {
    /// `body` with its brotli form at `quality` (1–11) and its ETag.
    pub fn new(body: String, content_type: &'static str, quality: u32) -> Self {
        let brotli = brotli(body.as_bytes(), quality);
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
    /// Which facilities and communities lie in each map tile.
    tiles: Arc<TileMembers>,
    /// Tiles' downloads made so far ([`Snapshot::tile_download`]); a new
    /// snapshot keeps those of the tiles its changes did not touch.
    tile_downloads: Arc<Mutex<HashMap<Tile, Download>>>,
    /// The database's catalogue versions this snapshot was built from.
    version: CatalogVersion,
}

/// The facilities and communities (positions in the index and in the
/// communities list) of every tile that has any.
#[derive(Default)]
pub struct TileMembers {
    members: HashMap<Tile, (Vec<usize>, Vec<usize>)>,
}

impl TileMembers {
    fn build(index: &FacilityIndex, communities: &[Community]) -> Self {
        let mut members: HashMap<Tile, (Vec<usize>, Vec<usize>)> = HashMap::new();
        for (i, f) in index.facilities().iter().enumerate() {
            members.entry(Tile::of(f.location)).or_default().0.push(i);
        }
        for (i, c) in communities.iter().enumerate() {
            members.entry(Tile::of(c.centre)).or_default().1.push(i);
        }
        Self { members }
    }

    /// How many facilities lie in `tile`.
    pub fn facilities_in(&self, tile: Tile) -> usize {
        self.members.get(&tile).map_or(0, |m| m.0.len())
    }
}

/// The facilities side of a snapshot: index, communities, offline
/// downloads.
struct FacilitiesPart {
    index: Arc<FacilityIndex>,
    communities: Arc<Vec<Community>>,
    download: Arc<std::sync::OnceLock<Download>>,
    tiles: Arc<TileMembers>,
    tile_downloads: Arc<Mutex<HashMap<Tile, Download>>>,
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

    /// Code and name of the communities `keep` accepts (by code), for the
    /// pickers of the committee's forms.
    pub fn community_names(&self, english: bool, keep: impl Fn(&str) -> bool) -> Vec<(String, String)> {
        self.communities
            .iter()
            .filter(|c| keep(&c.code))
            .map(|c| (c.code.clone(), c.name(english).to_string()))
            .collect()
    }

    /// One tile's facilities and communities as a phone keeps them for
    /// offline search: `{"zoom","x","y","communities","facilities"}` (the
    /// fields of [`OfflineCatalog`](crate::domain::nearby::OfflineCatalog)
    /// and the tile), facilities in id order. Made once per tile and
    /// snapshot; empty tiles are not kept (anyone may ask for any tile).
    pub async fn tile_download(self: &Arc<Self>, tile: Tile) -> Download {
        if let Some(d) = lock(&self.tile_downloads).get(&tile) {
            return d.clone();
        }
        let snapshot = self.clone();
        tokio::task::spawn_blocking(move || {
            #[derive(serde::Serialize)]
            struct Body<'a> {
                zoom: u8,
                x: u32,
                y: u32,
                communities: Vec<&'a Community>,
                facilities: Vec<&'a Facility>,
            }
            let members = snapshot.tiles.members.get(&tile);
            let mut facilities: Vec<&Facility> = members
                .map(|m| m.0.iter().map(|&i| &*snapshot.index.facilities()[i]).collect())
                .unwrap_or_default();
            facilities.sort_by_key(|f| f.id);
            let communities = members
                .map(|m| m.1.iter().map(|&i| &snapshot.communities[i]).collect())
                .unwrap_or_default();
            let body = serde_json::to_string(&Body {
                zoom: tiles::ZOOM,
                x: tile.x,
                y: tile.y,
                communities,
                facilities,
            })
            .expect("a tile serialises");
            let download = Download::new(body, "application/json", FACILITIES_QUALITY);
            if members.is_some() {
                lock(&snapshot.tile_downloads).insert(tile, download.clone());
            }
            download
        })
        .await
        .expect("building a tile does not panic")
    }

    /// How many facilities lie in `tile`.
    pub fn facilities_in(&self, tile: Tile) -> usize {
        self.tiles.facilities_in(tile)
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
                        facilities: Vec<&'a Facility>,
                    }
                    // The same JSON as `OfflineCatalog`, without copying;
                    // in id order (edits append to the index), so servers
                    // with the same data give the same bytes and ETag.
                    let mut facilities: Vec<&Facility> = snapshot.index.facilities().iter().map(|f| &**f).collect();
                    facilities.sort_by_key(|f| f.id);
                    let body = serde_json::to_string(&Offline {
                        communities: &snapshot.communities,
                        facilities,
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

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
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

    /// Brings what changed since `previous` up to date (the facilities and
    /// communities, the sorting dictionary, or both), keeping the rest.
    /// Facilities are applied row by row: only those written since the
    /// previous snapshot's revision are read.
    async fn load_parts(&self, db: &Db, previous: Option<Arc<Snapshot>>) -> Result<(), StoreError> {
        let started = std::time::Instant::now();
        // Read first: a change made while loading moves the version past
        // this one, and the next check loads again.
        let polled = db.catalog_version().await?;
        // The previous snapshot's part, when its counter did not move.
        let unchanged =
            |counter: fn(&CatalogVersion) -> i64| previous.as_ref().filter(|p| counter(&p.version) == counter(&polled));
        let (facilities_part, revision) = match unchanged(|v| v.facilities) {
            Some(p) => (
                FacilitiesPart {
                    index: p.index.clone(),
                    communities: p.communities.clone(),
                    download: p.facilities_download.clone(),
                    tiles: p.tiles.clone(),
                    tile_downloads: p.tile_downloads.clone(),
                },
                p.version.facilities,
            ),
            None => Self::load_facilities(db, previous.as_deref()).await?,
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
            tiles: facilities_part.tiles,
            tile_downloads: facilities_part.tile_downloads,
            sorting: sorting_part.index,
            sorting_download: sorting_part.download,
            version: CatalogVersion {
                facilities: revision,
                sorting: polled.sorting,
            },
        });
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = next;
        Ok(())
    }

    /// The facilities part after the rows written since `previous` (or
    /// all of them), and the revision it is up to date with.
    async fn load_facilities(db: &Db, previous: Option<&Snapshot>) -> Result<(FacilitiesPart, i64), StoreError> {
        let changes = db.facility_changes(previous.map(|p| p.version.facilities)).await?;
        let revision = changes.version.facilities;
        let stored = changes.count;
        let communities = Arc::new(changes.communities);
        let rows = changes.facilities;
        // The tiles whose downloads stay good: all but those a changed
        // facility was or is in (every one, when a community changed).
        let kept_tiles: HashMap<Tile, Download> = match previous {
            Some(p) if *p.communities == *communities => {
                let touched: HashSet<Tile> = rows
                    .iter()
                    .flat_map(|f| [Some(f.location), p.index.get(f.id).map(|old| old.location)])
                    .flatten()
                    .map(Tile::of)
                    .collect();
                let mut kept = lock(&p.tile_downloads).clone();
                kept.retain(|t, _| !touched.contains(t));
                kept
            }
            _ => HashMap::new(),
        };
        let base = previous.map(|p| p.index.clone());
        let for_tiles = communities.clone();
        let (index, tile_members) = tokio::task::spawn_blocking(move || {
            let index = match base {
                Some(base) if rows.is_empty() => base,
                Some(base) => Arc::new(base.with_changes(rows)),
                None => Arc::new(FacilityIndex::new(rows)),
            };
            let tiles = TileMembers::build(&index, &for_tiles);
            (index, tiles)
        })
        .await
        .expect("building the index does not panic");
        if index.len() as i64 != stored {
            // Rows were deleted behind Linli's back: start again from all.
            tracing::info!(held = index.len(), stored, "facilities deleted; loading all");
            return Box::pin(Self::load_facilities(db, None)).await;
        }
        Ok((
            FacilitiesPart {
                index,
                communities,
                download: Arc::default(),
                tiles: Arc::new(tile_members),
                tile_downloads: Arc::new(Mutex::new(kept_tiles)),
            },
            revision,
        ))
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
