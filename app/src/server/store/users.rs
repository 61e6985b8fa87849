//! Queries for committee accounts and their sessions.

use sqlx::Row;

use super::{now_millis, Db, StoreError};
use crate::domain::review::{Member, Role};

/// An account as the sign-in check needs it.
#[derive(Clone, Debug)]
pub struct Account {
    pub member: Member,
    pub password_hash: String,
    pub disabled: bool,
}

/// A live session: who, and the token their forms must carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionInfo {
    pub member: Member,
    pub csrf_token: String,
    pub expires_at: i64,
}

fn member_from(r: &sqlx::any::AnyRow) -> Result<Member, StoreError> {
    let role: String = r.try_get("role")?;
    let username: String = r.try_get("username")?;
    Ok(Member {
        id: r.try_get("id")?,
        role: Role::parse(&role)
            .ok_or_else(|| StoreError::Corrupt(format!("user {username}"), format!("role {role}")))?,
        community: r.try_get("community")?,
        username,
    })
}

impl Db {
    /// Creates an account; `Ok(false)` when the username is taken.
    pub async fn create_user(
        &self,
        username: &str,
        password_hash: &str,
        role: Role,
        community: Option<&str>,
    ) -> Result<bool, StoreError> {
        let now = now_millis();
        let done = sqlx::query(
            "INSERT INTO users (username, password_hash, role, community, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (username) DO NOTHING",
        )
        .bind(username)
        .bind(password_hash)
        .bind(role.as_str())
        .bind(community)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Sets a new password (and re-enables nothing); ends every session of
    /// the account. `Ok(false)` for an unknown username.
    pub async fn set_password(&self, username: &str, password_hash: &str) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE username = $3")
            .bind(password_hash)
            .bind(now_millis())
            .bind(username)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE username = $1)")
            .bind(username)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Disables an account and ends its sessions at once.
    pub async fn disable_user(&self, username: &str) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("UPDATE users SET disabled = 1, updated_at = $1 WHERE username = $2")
            .bind(now_millis())
            .bind(username)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE username = $1)")
            .bind(username)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn account(&self, username: &str) -> Result<Option<Account>, StoreError> {
        let row =
            sqlx::query("SELECT id, username, role, community, password_hash, disabled FROM users WHERE username = $1")
                .bind(username)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| {
            Ok(Account {
                member: member_from(&r)?,
                password_hash: r.try_get("password_hash")?,
                disabled: r.try_get::<i64, _>("disabled")? != 0,
            })
        })
        .transpose()
    }

    /// Members of a community (for assigning), by username.
    pub async fn community_members(&self, community: &str) -> Result<Vec<Member>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, username, role, community FROM users \
             WHERE community = $1 AND disabled = 0 ORDER BY username",
        )
        .bind(community)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(member_from).collect()
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(now_millis())
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The session behind a token hash, if it is live and its account is
    /// enabled.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionInfo>, StoreError> {
        let row = sqlx::query(
            "SELECT u.id, u.username, u.role, u.community, s.csrf_token, s.expires_at \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
        )
        .bind(token_hash)
        .bind(now_millis())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(SessionInfo {
                member: member_from(&r)?,
                csrf_token: r.try_get("csrf_token")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Forgets expired sessions.
    pub async fn purge_sessions(&self) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now_millis())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
