//! `server copy`: a whole Linli database moved to another, photos included,
//! e.g. a pilot community's SQLite file onto the city's PostgreSQL.
//!
//! Photos go first, each checked against its content key, so the rows,
//! committed last in one transaction, never point at a missing photo. Then
//! the rows of every table, and a count of each on both sides.

use anyhow::{bail, Context};
use sha2::{Digest, Sha256};

use app::server::photos::PhotoStore;
use app::server::store::{Backend, CopyReport, Db};

use crate::config::DEFAULT_PHOTO_DIR;

/// Where a database's photos are: the folder given, or the default for
/// its backend (the database itself for PostgreSQL).
pub fn photo_store(db: &Db, dir: Option<&str>) -> PhotoStore {
    match (dir, db.backend()) {
        (Some(dir), _) => PhotoStore::new(dir),
        (None, Backend::Postgres) => PhotoStore::in_database(db.clone()),
        (None, Backend::Sqlite) => PhotoStore::new(DEFAULT_PHOTO_DIR),
    }
}

/// What a copy did.
pub struct Copied {
    pub rows: CopyReport,
    pub photos: usize,
}

pub async fn copy(
    from: &Db,
    from_photos: &PhotoStore,
    to: &Db,
    to_photos: &PhotoStore,
    replace: bool,
) -> anyhow::Result<Copied> {
    let occupied = to.nonempty_tables().await?;
    if !occupied.is_empty() && !replace {
        let list: Vec<String> = occupied.iter().map(|(t, n)| format!("{t}: {n}")).collect();
        bail!(
            "the target is not empty ({}); nothing was copied (--replace empties it first)",
            list.join(", ")
        );
    }
    let mut keys: Vec<String> = from.photo_keys().await?.into_iter().collect();
    keys.sort();
    for key in &keys {
        let bytes = from_photos
            .get(key)
            .await
            .with_context(|| format!("reading photo {key}"))?
            .with_context(|| format!("photo {key} is referenced but missing from the source; nothing was copied"))?;
        if format!("{:x}", Sha256::digest(&bytes)) != *key {
            bail!("photo {key} does not match its content key; nothing was copied");
        }
        to_photos
            .put(&bytes)
            .await
            .with_context(|| format!("storing photo {key}"))?;
    }
    let rows = from.copy_into(to, replace).await?;
    Ok(Copied {
        rows,
        photos: keys.len(),
    })
}
