//! Committee accounts from the browser and the command line, one set of
//! actions for both: invite (an account without a password and a one-time
//! link to set it), a new link, disable, use a link, change one's own
//! password, end one's own sessions. Only admins manage accounts; the
//! command line (`actor` `None`) is trusted like an admin. Links and
//! passwords are checked here, on the server, whatever the page allowed.

use crate::domain::admin::accounts::{self, AccountProblem, INVITATION_TTL_MS};
use crate::domain::review::{Member, Role};
use crate::server::auth::{hash_password, random_hex32, token_hash, verify_password};
use crate::server::store::{Db, InvitationInfo, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Only admins manage accounts.
    #[error("not allowed")]
    Forbidden,
    #[error("no such account")]
    NotFound,
    #[error(transparent)]
    Invalid(#[from] AccountProblem),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A link just made: the path with its token (shown once, never stored)
/// and when it stops working.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NewLink {
    pub username: String,
    pub path: String,
    pub expires_at: i64,
}

/// The page an invitation token opens.
pub fn welcome_path(token: &str) -> String {
    format!("/review/welcome?token={token}")
}

fn admin_or_cli(actor: Option<&Member>) -> Result<Option<i64>, AccountError> {
    match actor {
        None => Ok(None),
        Some(m) if m.role == Role::Admin => Ok(Some(m.id)),
        Some(_) => Err(AccountError::Forbidden),
    }
}

fn new_token() -> (String, String, i64) {
    let token = random_hex32();
    let hash = token_hash(&token);
    (token, hash, chrono::Utc::now().timestamp_millis() + INVITATION_TTL_MS)
}

/// Argon2id takes tens of milliseconds of CPU: off the async threads.
async fn hash(password: String) -> Result<String, AccountError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| StoreError::Corrupt("password".into(), e.to_string()))?
        .map_err(|e| AccountError::Store(StoreError::Corrupt("password".into(), e.to_string())))
}

/// Checks a new account's fields against the communities there are.
pub async fn check_new(
    db: &Db,
    username: &str,
    role: &str,
    community: Option<&str>,
) -> Result<(Role, Option<String>), AccountError> {
    Ok(accounts::check_new_account(
        username,
        role,
        community,
        &db.community_codes().await?,
    )?)
}

/// Creates an account and its first link.
pub async fn invite(
    db: &Db,
    actor: Option<&Member>,
    username: &str,
    role: &str,
    community: Option<&str>,
) -> Result<NewLink, AccountError> {
    let actor_id = admin_or_cli(actor)?;
    let username = username.trim();
    let (role, community) = check_new(db, username, role, community).await?;
    let (token, token_hash, expires_at) = new_token();
    db.invite_user(username, role, community.as_deref(), &token_hash, expires_at, actor_id)
        .await?
        .ok_or(AccountProblem::Taken)?;
    Ok(NewLink {
        username: username.to_string(),
        path: welcome_path(&token),
        expires_at,
    })
}

/// A new link for an account (a forgotten password, an expired link, a
/// disabled account coming back); older unused links stop working.
pub async fn renew_link(db: &Db, actor: Option<&Member>, username: &str) -> Result<NewLink, AccountError> {
    let actor_id = admin_or_cli(actor)?;
    let (token, token_hash, expires_at) = new_token();
    if !db.renew_invitation(username, &token_hash, expires_at, actor_id).await? {
        return Err(AccountError::NotFound);
    }
    Ok(NewLink {
        username: username.to_string(),
        path: welcome_path(&token),
        expires_at,
    })
}

/// Disables an account at once (sessions end, unused links stop working).
pub async fn disable(db: &Db, actor: Option<&Member>, username: &str) -> Result<(), AccountError> {
    let actor_id = admin_or_cli(actor)?;
    if actor.is_some_and(|m| m.username == username) {
        return Err(AccountProblem::Own.into());
    }
    if !db.disable_user(username, actor_id).await? {
        return Err(AccountError::NotFound);
    }
    Ok(())
}

/// Whose link a token is, if it still works. A disabled account's links
/// were voided when it was disabled, so a live one was made after: it
/// brings the account back.
pub async fn open_link(db: &Db, token: &str) -> Result<InvitationInfo, AccountError> {
    if !crate::security::is_hex_token(token, 64) {
        return Err(AccountProblem::LinkInvalid.into());
    }
    let info = db.invitation(&token_hash(token)).await?;
    match info {
        Some(i) if !i.used && i.expires_at > chrono::Utc::now().timestamp_millis() => Ok(i),
        _ => Err(AccountProblem::LinkInvalid.into()),
    }
}

/// Uses a link: the member's new password, typed twice. Single use even
/// when two tabs send it at once (the store marks it used conditionally).
pub async fn accept(db: &Db, token: &str, password: &str, repeat: &str) -> Result<Member, AccountError> {
    open_link(db, token).await?;
    accounts::check_new_password(password, repeat)?;
    let hash = hash(password.to_string()).await?;
    db.accept_invitation(&token_hash(token), &hash)
        .await?
        .ok_or(AccountError::Invalid(AccountProblem::LinkInvalid))
}

/// A member changes their own password; their other sessions end, the
/// current one (`session_token`) stays.
pub async fn change_password(
    db: &Db,
    member: &Member,
    session_token: &str,
    current: &str,
    new: &str,
    repeat: &str,
) -> Result<(), AccountError> {
    let stored = db.password_hash(member.id).await?.ok_or(AccountError::NotFound)?;
    let current = current.to_string();
    let verified = tokio::task::spawn_blocking(move || verify_password(&current, &stored))
        .await
        .unwrap_or(false);
    if !verified {
        return Err(AccountProblem::PasswordWrong.into());
    }
    accounts::check_new_password(new, repeat)?;
    let hash = hash(new.to_string()).await?;
    db.change_password(member.id, &hash, &token_hash(session_token)).await?;
    Ok(())
}

/// Ends one of the member's own sessions (by its handle).
pub async fn end_session(db: &Db, member: &Member, handle: &str) -> Result<(), AccountError> {
    if !db.end_member_session(member.id, handle).await? {
        return Err(AccountError::NotFound);
    }
    Ok(())
}

/// Ends every session of the member but the one in use.
pub async fn end_other_sessions(db: &Db, member: &Member, session_token: &str) -> Result<u64, AccountError> {
    Ok(db.end_other_sessions(member.id, &token_hash(session_token)).await?)
}
