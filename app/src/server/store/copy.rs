//! Copying a whole database into another, across backends: a pilot
//! community's SQLite file onto the city's PostgreSQL (`server copy`).
//!
//! Every table is listed here with its columns and their types, so rows are
//! read by column name and bound with the right type whatever the backends.
//! Ids are copied as they are, so every reference stays right; the target's
//! id sequences are moved past them afterwards. Sessions, rate limits and
//! sign-in failures are not copied: they are the running server's, not the
//! community's data (members sign in again). Everything is written in one
//! transaction: the target gets all of it or nothing.

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use super::{Backend, Db, StoreError};

#[derive(Clone, Copy)]
enum Col {
    Int(&'static str),
    OptInt(&'static str),
    Real(&'static str),
    OptReal(&'static str),
    Text(&'static str),
    OptText(&'static str),
}

impl Col {
    fn name(self) -> &'static str {
        match self {
            Col::Int(n) | Col::OptInt(n) | Col::Real(n) | Col::OptReal(n) | Col::Text(n) | Col::OptText(n) => n,
        }
    }
}

struct Table {
    name: &'static str,
    columns: &'static [Col],
    /// A total order, so batches neither skip nor repeat rows.
    order: &'static str,
    /// Has an identity `id` whose sequence must follow the copied ids.
    identity: bool,
}

use Col::*;

/// In the order references need them. `suggestions.duplicate_of` points
/// into its own table: it is copied empty and set once every row is there.
const TABLES: &[Table] = &[
    Table {
        name: "communities",
        columns: &[
            Text("code"),
            Text("name_zh"),
            Text("name_en"),
            Text("district_zh"),
            Text("district_en"),
            Real("lat"),
            Real("lng"),
            Int("updated_at"),
            Text("boundary"),
        ],
        order: "code",
        identity: false,
    },
    Table {
        name: "facilities",
        columns: &[
            Int("id"),
            Text("source_ref"),
            Text("kind"),
            Text("name_zh"),
            Text("name_en"),
            Text("address_zh"),
            Text("address_en"),
            Real("lat"),
            Real("lng"),
            Text("phone"),
            Text("community"),
            Text("hours"),
            Text("services"),
            Int("updated_at"),
            Text("closures"),
            OptInt("checked_at"),
            Int("retired"),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "residences",
        columns: &[
            Int("id"),
            Text("source_ref"),
            Text("name_zh"),
            Text("name_en"),
            Text("community"),
            Real("lat"),
            Real("lng"),
            Int("residents"),
            Int("elderly"),
            Int("updated_at"),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "sorting_items",
        columns: &[
            Int("id"),
            Text("name_zh"),
            Text("aliases_zh"),
            Text("name_en"),
            Text("aliases_en"),
            Text("category"),
            Text("tip_zh"),
            Text("tip_en"),
            Text("pinyin"),
            Text("aliases_pinyin"),
            Int("updated_at"),
        ],
        order: "id",
        identity: false,
    },
    Table {
        name: "users",
        columns: &[
            Int("id"),
            Text("username"),
            Text("password_hash"),
            Text("role"),
            OptText("community"),
            Int("disabled"),
            Int("created_at"),
            Int("updated_at"),
            OptInt("last_sign_in"),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "api_keys",
        columns: &[
            Int("id"),
            Text("name"),
            OptText("community"),
            Text("key_hash"),
            Int("per_minute"),
            Int("created_at"),
            OptInt("last_used_at"),
            OptInt("revoked_at"),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "reply_templates",
        columns: &[
            Int("id"),
            Text("community"),
            Text("title"),
            Text("body"),
            OptInt("created_by"),
            Int("created_at"),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "suggestions",
        columns: &[
            Int("id"),
            Text("receipt_code"),
            OptText("idempotency_key"),
            Text("request_hash"),
            Text("community"),
            Text("category"),
            Text("title"),
            Text("description"),
            OptReal("lat"),
            OptReal("lng"),
            Text("location_text"),
            Text("contact_name"),
            Text("contact_phone"),
            Text("status"),
            Int("hidden"),
            Int("supports"),
            Int("created_at"),
            Int("updated_at"),
            OptInt("assigned_to"),
            Int("community_guessed"),
            Text("source"),
            OptInt("filed_by"),
            OptInt("api_key_id"),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "webhooks",
        columns: &[
            Int("id"),
            Text("name"),
            Text("url"),
            Text("secret"),
            OptText("community"),
            Text("events"),
            Int("created_at"),
            OptInt("removed_at"),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "webhook_outbox",
        columns: &[
            Int("id"),
            Text("event_id"),
            Int("webhook_id"),
            Int("suggestion_id"),
            Text("kind"),
            Text("body"),
            Int("created_at"),
            Int("attempts"),
            Int("next_attempt_at"),
            OptInt("locked_until"),
            OptInt("delivered_at"),
            OptInt("dead_at"),
            Text("last_error"),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "suggestion_photos",
        columns: &[
            Int("id"),
            Int("suggestion_id"),
            Int("position"),
            Text("storage_key"),
            Int("width"),
            Int("height"),
            Int("bytes"),
            Int("hidden"),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "suggestion_events",
        columns: &[
            Int("id"),
            Int("suggestion_id"),
            Int("at"),
            OptInt("actor"),
            Text("kind"),
            OptText("from_status"),
            OptText("to_status"),
            Text("public_text"),
            Text("private_text"),
            Text("detail"),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "facility_history",
        columns: &[
            Int("id"),
            Int("facility_id"),
            Int("at"),
            OptInt("actor"),
            Text("kind"),
            Text("before"),
            Text("after"),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "community_history",
        columns: &[
            Int("id"),
            Text("community"),
            Int("at"),
            OptInt("actor"),
            Text("kind"),
            Text("before"),
            Text("after"),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "account_events",
        columns: &[Int("id"), Int("user_id"), OptInt("actor"), Text("kind"), Int("at")],
        order: "id",
        identity: true,
    },
    Table {
        name: "suggestion_supports",
        columns: &[Int("suggestion_id"), Text("device_hash"), Int("created_at")],
        order: "suggestion_id, device_hash",
        identity: false,
    },
    Table {
        name: "staged_photos",
        columns: &[
            Text("token"),
            Text("storage_key"),
            Int("width"),
            Int("height"),
            Int("bytes"),
            Int("created_at"),
        ],
        order: "token",
        identity: false,
    },
];

/// Tables a target must have empty (the copied ones, and what refers to
/// them).
const CLEARED: &[&str] = &[
    "facility_history",
    "community_history",
    "account_events",
    "invitations",
    "import_stages",
    "sessions",
    "staged_photos",
    "suggestion_supports",
    "suggestion_events",
    "suggestion_photos",
    "suggestions",
    "reply_templates",
    "users",
    "sorting_items",
    "facilities",
    "communities",
];

const BATCH: i64 = 2_000;

/// Rows per table, in the source and in the target after the copy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CopyReport {
    pub tables: Vec<(&'static str, i64, i64)>,
}

impl CopyReport {
    pub fn matches(&self) -> bool {
        self.tables.iter().all(|(_, from, to)| from == to)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    /// The target holds data; `--replace` to overwrite it.
    #[error("the target is not empty ({0}); nothing was copied")]
    NotEmpty(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for CopyError {
    fn from(e: sqlx::Error) -> Self {
        CopyError::Store(e.into())
    }
}

impl Db {
    /// Rows in each copied table that are not empty.
    pub async fn nonempty_tables(&self) -> Result<Vec<(&'static str, i64)>, StoreError> {
        let mut found = Vec::new();
        for t in TABLES {
            let n = self.count(t.name).await?;
            if n > 0 {
                found.push((t.name, n));
            }
        }
        Ok(found)
    }

    async fn count(&self, table: &str) -> Result<i64, StoreError> {
        Ok(sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?)
    }

    /// Copies every table of `self` into `target` (both migrated), in one
    /// transaction on the target. A non-empty target is refused unless
    /// `replace`, which empties it first (in the same transaction).
    pub async fn copy_into(&self, target: &Db, replace: bool) -> Result<CopyReport, CopyError> {
        let occupied = target.nonempty_tables().await?;
        if !occupied.is_empty() && !replace {
            let list: Vec<String> = occupied.iter().map(|(t, n)| format!("{t}: {n}")).collect();
            return Err(CopyError::NotEmpty(list.join(", ")));
        }
        let mut tx = target.pool.begin().await?;
        for table in CLEARED {
            sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *tx).await?;
        }
        let mut duplicates: Vec<(i64, i64)> = Vec::new();
        for table in TABLES {
            self.copy_table(table, &mut tx).await?;
        }
        // The duplicate links, now that every suggestion exists.
        for row in sqlx::query("SELECT id, duplicate_of FROM suggestions WHERE duplicate_of IS NOT NULL ORDER BY id")
            .fetch_all(&self.pool)
            .await?
        {
            duplicates.push((row.try_get("id")?, row.try_get("duplicate_of")?));
        }
        for (id, of) in duplicates {
            sqlx::query("UPDATE suggestions SET duplicate_of = $1 WHERE id = $2")
                .bind(of)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        if target.backend == Backend::Postgres {
            for table in TABLES.iter().filter(|t| t.identity) {
                // The next generated id comes after the copied ones.
                sqlx::query(&format!(
                    "SELECT COUNT(*) FROM (SELECT setval(pg_get_serial_sequence('{0}', 'id'), \
                     COALESCE((SELECT MAX(id) FROM {0}), 0) + 1, false)) AS s",
                    table.name
                ))
                .fetch_one(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        let mut report = CopyReport::default();
        for table in TABLES {
            report.tables.push((
                table.name,
                self.count(table.name).await?,
                target.count(table.name).await?,
            ));
        }
        Ok(report)
    }

    async fn copy_table(&self, table: &Table, tx: &mut Transaction<'static, Any>) -> Result<(), StoreError> {
        let names: Vec<&str> = table.columns.iter().map(|c| c.name()).collect();
        let select = format!(
            "SELECT {} FROM {} ORDER BY {} LIMIT $1 OFFSET $2",
            names.join(", "),
            table.name,
            table.order
        );
        let placeholders: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
        let insert = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            table.name,
            names.join(", "),
            placeholders.join(", ")
        );
        let mut offset = 0;
        loop {
            let rows = sqlx::query(&select)
                .bind(BATCH)
                .bind(offset)
                .fetch_all(&self.pool)
                .await?;
            for row in &rows {
                insert_row(&insert, table.columns, row, tx).await?;
            }
            if (rows.len() as i64) < BATCH {
                return Ok(());
            }
            offset += BATCH;
        }
    }
}

async fn insert_row(
    sql: &str,
    columns: &[Col],
    row: &AnyRow,
    tx: &mut Transaction<'static, Any>,
) -> Result<(), StoreError> {
    // Not kept prepared: a NULL `OptReal` first would fix that parameter's
    // type for later rows (see `insert_suggestion`).
    let mut q = sqlx::query(sql).persistent(!columns.iter().any(|c| matches!(c, OptReal(_))));
    for col in columns {
        q = match *col {
            Int(n) => q.bind(row.try_get::<i64, _>(n)?),
            OptInt(n) => q.bind(row.try_get::<Option<i64>, _>(n)?),
            Real(n) => q.bind(row.try_get::<f64, _>(n)?),
            OptReal(n) => q.bind(row.try_get::<Option<f64>, _>(n)?),
            Text(n) => q.bind(row.try_get::<String, _>(n)?),
            OptText(n) => q.bind(row.try_get::<Option<String>, _>(n)?),
        };
    }
    q.execute(&mut **tx).await?;
    Ok(())
}
