//! `server api-key create|list|revoke`: keys for the city systems that file
//! suggestions through Open311. A key is printed once, when it is made;
//! only its SHA-256 is stored (a key is 256 random bits, so a fast hash is
//! as safe as a slow one, and checking it costs nothing per request).

use anyhow::bail;

use app::server::auth::{random_hex32, token_hash};
use app::server::store::NewKeyRefused;
use app::server::Db;

/// Requests a minute a key may make unless told otherwise.
pub const DEFAULT_PER_MINUTE: u32 = 60;

/// A new key: `linli_` and 64 hex digits.
pub fn new_key() -> String {
    format!("linli_{}", random_hex32())
}

/// What is stored of a key, and looked up when one is presented.
pub fn key_hash(key: &str) -> String {
    token_hash(key)
}

/// A key's name: 1–60 letters, digits, `-`, `_` or `.`.
pub fn valid_name(name: &str) -> bool {
    (1..=60).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// Makes a key and returns it (the caller prints it; it is not kept).
pub async fn create(db: &Db, name: &str, community: Option<&str>, per_minute: u32) -> anyhow::Result<String> {
    if !valid_name(name) {
        bail!("a key's name is 1–60 letters, digits, `-`, `_` or `.`");
    }
    let key = new_key();
    match db.create_api_key(name, community, &key_hash(&key), per_minute).await? {
        Ok(()) => Ok(key),
        Err(NewKeyRefused::NameTaken) => bail!("there is already a key named `{name}`"),
        Err(NewKeyRefused::UnknownCommunity) => bail!("no such community (see `server communities`)"),
    }
}

fn when(ms: Option<i64>) -> String {
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| "-".into())
}

/// One line per key, tab-separated: name, community (`*` for all),
/// requests a minute, created, last used, revoked (`-` for never).
pub async fn list(db: &Db) -> anyhow::Result<String> {
    let mut out = String::from("name\tcommunity\tper_minute\tcreated\tlast_used\trevoked\n");
    for k in db.api_keys().await? {
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\n",
            k.name,
            k.community.as_deref().unwrap_or("*"),
            k.per_minute,
            when(Some(k.created_at)),
            when(k.last_used_at),
            when(k.revoked_at)
        ));
    }
    Ok(out)
}

pub async fn revoke(db: &Db, name: &str) -> anyhow::Result<()> {
    if !db.revoke_api_key(name).await? {
        bail!("no key `{name}` in use (see `server api-key list`)");
    }
    Ok(())
}
