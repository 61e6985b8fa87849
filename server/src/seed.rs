//! The demo data: `seeds/` is compiled into the binary, so a fresh checkout
//! runs with sample facilities without any extra step, and is loaded only
//! into an empty database.

use app::domain::coords::Crs;
use app::server::Db;

use crate::import::{import_communities, import_facilities, import_residences, import_sorting, Format, ImportError};

const COMMUNITIES: &str = include_str!("../../seeds/communities.csv");
/// Sample boundaries for the same communities (`seeds/boundaries.py`).
const BOUNDARIES: &str = include_str!("../../seeds/community_boundaries.geojson");
const FACILITIES: &str = include_str!("../../seeds/facilities.csv");
const SORTING: &str = include_str!("../../seeds/sorting.csv");
/// Sample compounds and head counts for coverage planning (`seeds/residences.py`).
const RESIDENCES: &str = include_str!("../../seeds/residences.csv");

/// Loads the demo facilities when the database has no facilities and no
/// communities, and the sorting dictionary when it has none; returns
/// whether it loaded anything. Several servers starting at once on an empty
/// database take turns: the first seeds, the others find it seeded.
pub async fn load_demo_if_empty(db: &Db) -> Result<bool, ImportError> {
    let lock = db.lock("linli seed").await?;
    let loaded = load_unlocked(db).await;
    lock.release().await?;
    loaded
}

async fn load_unlocked(db: &Db) -> Result<bool, ImportError> {
    let f = db.fingerprint().await?;
    if f.sorting_items == 0 {
        let report = import_sorting(db, SORTING, Format::Csv, false).await?;
        tracing::info!(items = report.rows, "loaded the sorting dictionary from seeds/");
    }
    if f.facilities > 0 || f.communities > 0 {
        return Ok(f.sorting_items == 0);
    }
    import_communities(db, COMMUNITIES, Format::Csv, Crs::Wgs84, false).await?;
    import_communities(db, BOUNDARIES, Format::GeoJson, Crs::Wgs84, false).await?;
    let report = import_facilities(db, FACILITIES, Format::Csv, Crs::Wgs84, false).await?;
    let compounds = import_residences(db, RESIDENCES, Format::Csv, Crs::Wgs84, false).await?;
    tracing::info!(
        facilities = report.rows,
        compounds = compounds.rows,
        "loaded the demo data from seeds/"
    );
    Ok(true)
}
