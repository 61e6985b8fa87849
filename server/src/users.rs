//! The account commands of the command line: create-user, set-password,
//! disable-user, invite, new-link. Passwords come from standard input (or
//! a no-echo prompt), never from arguments, which other users of the
//! machine can see. The rules and writes are `app::server::accounts`', the
//! same as the browser's account pages.

use std::io::{BufRead, IsTerminal};

use anyhow::{bail, Context};

use app::domain::admin::accounts::AccountProblem;
use app::server::accounts::{self, AccountError, NewLink};
use app::server::auth::{hash_password, password_acceptable};
use app::server::Db;

pub use app::domain::admin::accounts::valid_username;

fn read_password() -> anyhow::Result<String> {
    let password = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Password: ").context("reading the password")?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password")?;
        line.trim_end_matches(['\n', '\r']).to_string()
    };
    if !password_acceptable(&password) {
        bail!("{}", AccountProblem::PasswordLength);
    }
    Ok(password)
}

/// The command line's wording of a refusal.
fn explain(e: AccountError, username: &str) -> anyhow::Error {
    match e {
        AccountError::Invalid(AccountProblem::Taken) => anyhow::anyhow!("the username `{username}` is taken"),
        AccountError::Invalid(AccountProblem::CommunityMissing) => {
            anyhow::anyhow!("a committee member needs --community (see `server communities`)")
        }
        AccountError::Invalid(AccountProblem::AdminWithCommunity) => {
            anyhow::anyhow!("an admin sees every community; leave out --community")
        }
        AccountError::Invalid(AccountProblem::UnknownCommunity) => {
            anyhow::anyhow!("no such community (see `server communities`)")
        }
        AccountError::Invalid(AccountProblem::Role) => anyhow::anyhow!("--role must be `committee` or `admin`"),
        AccountError::NotFound => anyhow::anyhow!("no user `{username}`"),
        other => anyhow::anyhow!("{other}"),
    }
}

pub async fn create(db: &Db, username: &str, role: &str, community: Option<&str>) -> anyhow::Result<()> {
    let (role, community) = accounts::check_new(db, username, role, community)
        .await
        .map_err(|e| explain(e, username))?;
    let password = read_password()?;
    let hash = hash_password(&password).map_err(|e| anyhow::anyhow!("hashing the password: {e}"))?;
    if !db.create_user(username, &hash, role, community.as_deref()).await? {
        return Err(explain(AccountProblem::Taken.into(), username));
    }
    println!("created {} `{username}`", role.as_str());
    Ok(())
}

pub async fn set_password(db: &Db, username: &str) -> anyhow::Result<()> {
    let password = read_password()?;
    let hash = hash_password(&password).map_err(|e| anyhow::anyhow!("hashing the password: {e}"))?;
    if !db.set_password(username, &hash).await? {
        bail!("no user `{username}`");
    }
    println!("password changed for `{username}`; their sessions have ended");
    Ok(())
}

pub async fn disable(db: &Db, username: &str) -> anyhow::Result<()> {
    accounts::disable(db, None, username)
        .await
        .map_err(|e| explain(e, username))?;
    println!("disabled `{username}`; their sessions have ended");
    Ok(())
}

fn print_link(link: &NewLink, base_url: &str) {
    let until = app::components::suggestion_text::time_text(link.expires_at);
    println!("{}{}", base_url.trim_end_matches('/'), link.path);
    eprintln!(
        "one-time link for `{}`, valid until {until} (China time); it is shown only now",
        link.username
    );
}

pub async fn invite(
    db: &Db,
    username: &str,
    role: &str,
    community: Option<&str>,
    base_url: &str,
) -> anyhow::Result<()> {
    let link = accounts::invite(db, None, username, role, community)
        .await
        .map_err(|e| explain(e, username))?;
    print_link(&link, base_url);
    Ok(())
}

pub async fn new_link(db: &Db, username: &str, base_url: &str) -> anyhow::Result<()> {
    let link = accounts::renew_link(db, None, username)
        .await
        .map_err(|e| explain(e, username))?;
    print_link(&link, base_url);
    Ok(())
}
