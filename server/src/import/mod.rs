//! Importing facilities, communities and residential compounds from CSV,
//! GeoJSON or Excel, with coordinates in WGS-84, GCJ-02 (Amap, Tencent) or
//! BD-09 (Baidu).
//!
//! Every row is validated before anything is written, and all errors are
//! reported together with their row, so a committee can fix its spreadsheet
//! in one pass. Only a file with no errors is stored, in one transaction:
//! nothing is ever half-imported. Rows are matched on `ref` (facilities,
//! compounds) or `code` (communities), so importing again updates instead
//! of duplicating.

mod parse;
pub mod plan;
mod records;

use std::collections::HashSet;
use std::path::Path;

use app::domain::coords::Crs;
use app::domain::facility::Community;
use app::server::store::{Db, NewFacility, StoreError};

pub use parse::{parse_communities, parse_facilities, parse_residences, parse_sorting};
pub use records::{read_records, Format, Record};

pub use app::domain::admin::import::{RowError, RowProblem};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {0}: {1}")]
    Read(String, std::io::Error),
    #[error("{0}")]
    Format(String),
    #[error("{} row error(s); nothing was imported:\n{}", .0.len(), .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
    Rows(Vec<RowError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportReport {
    pub rows: usize,
    pub stored: bool,
}

fn read_file(path: &Path) -> Result<Vec<u8>, ImportError> {
    std::fs::read(path).map_err(|e| ImportError::Read(path.display().to_string(), e))
}

/// Imports facilities from a file (format from its extension).
pub async fn import_facilities_file(
    db: &Db,
    path: &Path,
    crs: Crs,
    dry_run: bool,
) -> Result<ImportReport, ImportError> {
    import_facilities(db, read_file(path)?, Format::from_path(path), crs, dry_run).await
}

pub async fn import_facilities(
    db: &Db,
    input: impl AsRef<[u8]>,
    format: Format,
    crs: Crs,
    dry_run: bool,
) -> Result<ImportReport, ImportError> {
    let records = read_records(input, format).map_err(ImportError::Format)?;
    let known: HashSet<String> = db.community_codes().await?.into_iter().collect();
    let facilities: Vec<NewFacility> = parse_facilities(&records, &known, crs).map_err(ImportError::Rows)?;
    if !dry_run {
        db.upsert_facilities(&facilities).await?;
    }
    Ok(ImportReport {
        rows: facilities.len(),
        stored: !dry_run,
    })
}

/// Imports the sorting dictionary from a CSV file; it replaces the old one.
pub async fn import_sorting_file(db: &Db, path: &Path, dry_run: bool) -> Result<ImportReport, ImportError> {
    let format = match Format::from_path(path) {
        Format::Xlsx => Format::Xlsx,
        _ => Format::Csv,
    };
    import_sorting(db, read_file(path)?, format, dry_run).await
}

pub async fn import_sorting(
    db: &Db,
    input: impl AsRef<[u8]>,
    format: Format,
    dry_run: bool,
) -> Result<ImportReport, ImportError> {
    let records = read_records(input, format).map_err(ImportError::Format)?;
    let items = parse_sorting(&records).map_err(ImportError::Rows)?;
    if !dry_run {
        db.replace_sorting_items(&items).await?;
    }
    Ok(ImportReport {
        rows: items.len(),
        stored: !dry_run,
    })
}

pub async fn import_communities_file(
    db: &Db,
    path: &Path,
    crs: Crs,
    dry_run: bool,
) -> Result<ImportReport, ImportError> {
    import_communities(db, read_file(path)?, Format::from_path(path), crs, dry_run).await
}

pub async fn import_communities(
    db: &Db,
    input: impl AsRef<[u8]>,
    format: Format,
    crs: Crs,
    dry_run: bool,
) -> Result<ImportReport, ImportError> {
    let records = read_records(input, format).map_err(ImportError::Format)?;
    let communities: Vec<Community> = parse_communities(&records, crs).map_err(ImportError::Rows)?;
    if !dry_run {
        db.upsert_communities(&communities).await?;
    }
    Ok(ImportReport {
        rows: communities.len(),
        stored: !dry_run,
    })
}

/// Imports residential compounds (coverage planning) from a file.
pub async fn import_residences_file(
    db: &Db,
    path: &Path,
    crs: Crs,
    dry_run: bool,
) -> Result<ImportReport, ImportError> {
    import_residences(db, read_file(path)?, Format::from_path(path), crs, dry_run).await
}

pub async fn import_residences(
    db: &Db,
    input: impl AsRef<[u8]>,
    format: Format,
    crs: Crs,
    dry_run: bool,
) -> Result<ImportReport, ImportError> {
    let records = read_records(input, format).map_err(ImportError::Format)?;
    let known: HashSet<String> = db.community_codes().await?.into_iter().collect();
    let residences = parse_residences(&records, &known, crs).map_err(ImportError::Rows)?;
    if !dry_run {
        db.upsert_residences(&residences).await?;
    }
    Ok(ImportReport {
        rows: residences.len(),
        stored: !dry_run,
    })
}
