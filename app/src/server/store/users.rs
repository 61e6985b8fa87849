//! Queries for committee accounts and their sessions.

use sqlx::Row;

use super::{now_millis, Db, StoreError};
pub use crate::domain::admin::accounts::{AccountSummary, SessionSummary};
use crate::domain::review::{Member, Role};

/// An account as the sign-in check needs it.
#[derive(Clone, Debug)]
pub struct Account {
    pub member: Member,
    pub password_hash: String,
    pub disabled: bool,
}

/// What an invitation link opens, before it is used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvitationInfo {
    pub member: Member,
    pub expires_at: i64,
    pub used: bool,
}

/// Records an account change in the same transaction as the change.
async fn account_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: i64,
    actor: Option<i64>,
    kind: &str,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO account_events (user_id, actor, kind, at) VALUES ($1, $2, $3, $4)")
        .bind(user_id)
        .bind(actor)
        .bind(kind)
        .bind(now_millis())
        .execute(&mut **tx)
        .await?;
    Ok(())
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
    /// Creates an account (the command line's `create-user`); `Ok(false)`
    /// when the username is taken.
    pub async fn create_user(
        &self,
        username: &str,
        password_hash: &str,
        role: Role,
        community: Option<&str>,
    ) -> Result<bool, StoreError> {
        let now = now_millis();
        let mut tx = self.pool.begin().await?;
        let Some(row) = sqlx::query(
            "INSERT INTO users (username, password_hash, role, community, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (username) DO NOTHING RETURNING id",
        )
        .bind(username)
        .bind(password_hash)
        .bind(role.as_str())
        .bind(community)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(false);
        };
        account_event(&mut tx, row.try_get("id")?, None, "created").await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Sets a new password (the command line's `set-password`; re-enables
    /// nothing); ends every session of the account. `Ok(false)` for an
    /// unknown username.
    pub async fn set_password(&self, username: &str, password_hash: &str) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let Some(row) =
            sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE username = $3 RETURNING id")
                .bind(password_hash)
                .bind(now_millis())
                .bind(username)
                .fetch_optional(&mut *tx)
                .await?
        else {
            return Ok(false);
        };
        let id: i64 = row.try_get("id")?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        account_event(&mut tx, id, None, "password").await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Disables an account, ends its sessions and voids its unused links,
    /// at once; `actor` `None` is the command line.
    pub async fn disable_user(&self, username: &str, actor: Option<i64>) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let Some(id) = sqlx::query("UPDATE users SET disabled = 1, updated_at = $1 WHERE username = $2 RETURNING id")
            .bind(now_millis())
            .bind(username)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(false);
        };
        let id: i64 = id.try_get("id")?;
        for sql in [
            "DELETE FROM sessions WHERE user_id = $1",
            "DELETE FROM invitations WHERE user_id = $1 AND used_at IS NULL",
        ] {
            sqlx::query(sql).bind(id).execute(&mut *tx).await?;
        }
        account_event(&mut tx, id, actor, "disabled").await?;
        tx.commit().await?;
        Ok(true)
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
        user_agent: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, user_agent) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(now_millis())
        .bind(expires_at)
        .bind(user_agent)
        .execute(&self.pool)
        .await?;
        sqlx::query("UPDATE users SET last_sign_in = $1 WHERE id = $2")
            .bind(now_millis())
            .bind(user_id)
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

    /// Creates an account without a password and its first invitation, in
    /// one transaction; `Ok(None)` when the username is taken.
    pub async fn invite_user(
        &self,
        username: &str,
        role: Role,
        community: Option<&str>,
        token_hash: &str,
        expires_at: i64,
        actor: Option<i64>,
    ) -> Result<Option<i64>, StoreError> {
        let now = now_millis();
        let mut tx = self.pool.begin().await?;
        let Some(row) = sqlx::query(
            "INSERT INTO users (username, password_hash, role, community, created_at, updated_at) \
             VALUES ($1, '', $2, $3, $4, $4) ON CONFLICT (username) DO NOTHING RETURNING id",
        )
        .bind(username)
        .bind(role.as_str())
        .bind(community)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        let id: i64 = row.try_get("id")?;
        insert_invitation(&mut tx, id, token_hash, expires_at, actor).await?;
        account_event(&mut tx, id, actor, "invited").await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// A new link for an existing account; its unused links stop working.
    /// `Ok(false)` for an unknown username.
    pub async fn renew_invitation(
        &self,
        username: &str,
        token_hash: &str,
        expires_at: i64,
        actor: Option<i64>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let Some(row) = sqlx::query("SELECT id FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(false);
        };
        let id: i64 = row.try_get("id")?;
        sqlx::query("DELETE FROM invitations WHERE user_id = $1 AND used_at IS NULL")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        insert_invitation(&mut tx, id, token_hash, expires_at, actor).await?;
        account_event(&mut tx, id, actor, "linked").await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn invitation(&self, token_hash: &str) -> Result<Option<InvitationInfo>, StoreError> {
        let row = sqlx::query(
            "SELECT u.id, u.username, u.role, u.community, i.expires_at, i.used_at \
             FROM invitations i JOIN users u ON u.id = i.user_id WHERE i.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(InvitationInfo {
                member: member_from(&r)?,
                expires_at: r.try_get("expires_at")?,
                used: r.try_get::<Option<i64>, _>("used_at")?.is_some(),
            })
        })
        .transpose()
    }

    /// Uses a link: marks it used (only if it still is unused and live, so
    /// two tabs cannot both use it), sets the password, enables the
    /// account and ends its old sessions. `Ok(None)`: the link does not
    /// work (unknown, used or expired).
    pub async fn accept_invitation(&self, token_hash: &str, password_hash: &str) -> Result<Option<Member>, StoreError> {
        let now = now_millis();
        let mut tx = self.pool.begin().await?;
        let Some(row) = sqlx::query(
            "UPDATE invitations SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 \
             RETURNING user_id",
        )
        .bind(now)
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        let id: i64 = row.try_get("user_id")?;
        sqlx::query("UPDATE users SET password_hash = $1, disabled = 0, updated_at = $2 WHERE id = $3")
            .bind(password_hash)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        account_event(&mut tx, id, Some(id), "activated").await?;
        let member = member_from(
            &sqlx::query("SELECT id, username, role, community FROM users WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?,
        )?;
        tx.commit().await?;
        Ok(Some(member))
    }

    /// A member's own password change: every other session ends, the one
    /// they are using (`keep`, a token hash) stays.
    pub async fn change_password(&self, user_id: i64, password_hash: &str, keep: &str) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(password_hash)
            .bind(now_millis())
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep)
            .execute(&mut *tx)
            .await?;
        account_event(&mut tx, user_id, Some(user_id), "password").await?;
        tx.commit().await?;
        Ok(())
    }

    /// The password hash of an account by id ('' when none is set).
    pub async fn password_hash(&self, user_id: i64) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.try_get("password_hash").map_err(StoreError::from))
            .transpose()
    }

    /// Every account, admins first, then by community and username.
    pub async fn accounts(&self) -> Result<Vec<AccountSummary>, StoreError> {
        let now = now_millis();
        let rows = sqlx::query(
            "SELECT u.id, u.username, u.role, u.community, u.disabled, u.created_at, \
                    u.password_hash, \
                    (SELECT MAX(i.expires_at) FROM invitations i \
                      WHERE i.user_id = u.id AND i.used_at IS NULL AND i.expires_at > $1) AS link_expires_at, \
                    u.last_sign_in \
             FROM users u ORDER BY u.role, u.community, u.username",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AccountSummary {
                    member: member_from(r)?,
                    disabled: r.try_get::<i64, _>("disabled")? != 0,
                    has_password: !r.try_get::<String, _>("password_hash")?.is_empty(),
                    link_expires_at: r.try_get("link_expires_at")?,
                    created_at: r.try_get("created_at")?,
                    last_sign_in: r.try_get("last_sign_in")?,
                })
            })
            .collect()
    }

    /// A member's live sessions, newest first.
    pub async fn member_sessions(&self, user_id: i64) -> Result<Vec<SessionSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT token_hash, created_at, expires_at, user_agent FROM sessions \
             WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at DESC",
        )
        .bind(user_id)
        .bind(now_millis())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let hash: String = r.try_get("token_hash")?;
                Ok(SessionSummary {
                    handle: hash.chars().take(16).collect(),
                    created_at: r.try_get("created_at")?,
                    expires_at: r.try_get("expires_at")?,
                    user_agent: r.try_get("user_agent")?,
                })
            })
            .collect()
    }

    /// Ends the member's session whose handle is `handle` (only theirs).
    pub async fn end_member_session(&self, user_id: i64, handle: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND substr(token_hash, 1, 16) = $2")
            .bind(user_id)
            .bind(handle)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Ends every session of the member but `keep` (a token hash).
    pub async fn end_other_sessions(&self, user_id: i64, keep: &str) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// What was done to an account, oldest first: (kind, at, actor's
    /// username or `None` for the command line).
    pub async fn account_history(&self, user_id: i64) -> Result<Vec<(String, i64, Option<String>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT e.kind, e.at, a.username FROM account_events e LEFT JOIN users a ON a.id = e.actor \
             WHERE e.user_id = $1 ORDER BY e.at, e.id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("kind")?, r.try_get("at")?, r.try_get("username")?)))
            .collect()
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

async fn insert_invitation(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: i64,
    token_hash: &str,
    expires_at: i64,
    actor: Option<i64>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO invitations (token_hash, user_id, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(actor)
    .bind(now_millis())
    .bind(expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
