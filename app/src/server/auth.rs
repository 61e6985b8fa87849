//! Committee sign-in: argon2id password hashes and database sessions.
//!
//! A session cookie is 256 random bits; the database keeps only its
//! SHA-256, so a leaked database (or backup) opens no sessions. Sessions
//! live in the database so several app servers can share them. Every
//! session also has a CSRF token that committee forms carry.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};

use crate::domain::review::Member;
use crate::server::store::{Db, SessionInfo, StoreError};

pub const SESSION_COOKIE: &str = "linli_session";
/// A session lasts a working day and a bit; then sign in again.
pub const SESSION_TTL_MS: i64 = 12 * 3600 * 1000;
pub use crate::domain::admin::accounts::{password_acceptable, PASSWORD_MAX, PASSWORD_MIN};

/// Hashes with argon2id (the crate's defaults: 19 MiB, 2 passes, 1 lane,
/// OWASP's recommended minimum) and a random salt.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt_bytes: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&salt_bytes)?;
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt)?.to_string())
}

/// Checks a password against a stored hash; a malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// A hash to verify against when the username does not exist, so that an
/// unknown name takes as long as a wrong password (no user enumeration by
/// timing).
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password never used").unwrap_or_default())
}

/// What the database keeps of a session cookie or an invitation token.
pub fn token_hash(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

pub fn random_hex32() -> String {
    let bytes: [u8; 32] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Opens a session from a browser (its `User-Agent`, kept short so the
/// member can tell their devices apart); returns the cookie value.
pub async fn open_session(db: &Db, member: &Member, user_agent: &str) -> Result<String, StoreError> {
    let token = random_hex32();
    let expires = chrono::Utc::now().timestamp_millis() + SESSION_TTL_MS;
    let user_agent: String = user_agent.chars().take(300).collect();
    db.create_session(&token_hash(&token), member.id, &random_hex32(), expires, &user_agent)
        .await?;
    Ok(token)
}

/// The live session for a cookie value, if any. Malformed values are not
/// looked up.
pub async fn session(db: &Db, token: &str) -> Result<Option<SessionInfo>, StoreError> {
    if !crate::security::is_hex_token(token, 64) {
        return Ok(None);
    }
    db.session(&token_hash(token)).await
}

pub async fn close_session(db: &Db, token: &str) -> Result<(), StoreError> {
    db.delete_session(&token_hash(token)).await
}

/// The session cookie's value from a `Cookie` header.
pub fn session_token(cookie_header: Option<&str>) -> Option<&str> {
    crate::security::cookie(cookie_header, SESSION_COOKIE)
}

/// `Set-Cookie` for a session (`""` and 0 seconds: the end of one).
pub fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    crate::security::set_cookie(SESSION_COOKIE, token, max_age_secs, secure)
}

/// How "your devices" names a session: the first 16 hex digits of its
/// token's hash (the store's `SessionSummary::handle`).
pub fn session_handle(token: &str) -> String {
    token_hash(token)[..16].to_string()
}

/// The session cookie of the current request (from the Leptos context).
pub fn current_token() -> Option<String> {
    let parts = leptos::prelude::use_context::<axum::http::request::Parts>()?;
    let cookie = parts.headers.get(axum::http::header::COOKIE)?.to_str().ok();
    session_token(cookie).map(str::to_string)
}

/// The signed-in member of the current request, for pages and server
/// functions (reads the request's cookie from the Leptos context).
pub async fn current_session() -> Option<SessionInfo> {
    let state = leptos::prelude::use_context::<crate::server::AppState>()?;
    let token = current_token()?;
    session(&state.db, &token).await.ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterx", &hash));
        assert!(!verify_password("anything", "not a hash"));
        assert_ne!(hash, hash_password("correct horse battery").unwrap(), "salted");
    }

    #[test]
    fn session_cookies_are_found_among_others() {
        let t = "a".repeat(64);
        let header = format!("linli_lang=en; {SESSION_COOKIE}={t}; x=y");
        assert_eq!(session_token(Some(&header)), Some(t.as_str()));
        assert_eq!(session_token(Some("linli_lang=en")), None);
        assert_eq!(session_token(None), None);
    }
}
