//! The demo data: `seeds/` is compiled into the binary, so a fresh checkout
//! runs with sample facilities without any extra step, and is loaded only
//! into an empty database.

use app::server::Db;

use crate::import::{import_communities, import_facilities, Format, ImportError};

const COMMUNITIES: &str = include_str!("../../seeds/communities.csv");
const FACILITIES: &str = include_str!("../../seeds/facilities.csv");

/// Loads the demo data when the database has no facilities and no
/// communities; returns whether it did.
pub async fn load_demo_if_empty(db: &Db) -> Result<bool, ImportError> {
    let f = db.fingerprint().await?;
    if f.facilities > 0 || f.communities > 0 {
        return Ok(false);
    }
    import_communities(db, COMMUNITIES, Format::Csv, false).await?;
    let report = import_facilities(db, FACILITIES, Format::Csv, false).await?;
    tracing::info!(facilities = report.rows, "loaded the demo data from seeds/");
    Ok(true)
}
