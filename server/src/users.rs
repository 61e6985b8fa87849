//! The account commands of the command line: create-user, set-password,
//! disable-user. Passwords come from standard input (or a no-echo prompt),
//! never from arguments, which other users of the machine can see.

use std::io::{BufRead, IsTerminal};

use anyhow::{bail, Context};

use app::domain::review::Role;
use app::server::auth::{hash_password, password_acceptable, PASSWORD_MAX, PASSWORD_MIN};
use app::server::Db;

/// Usernames: 3–32 of `a-z 0-9 . _ -`, so they are easy to read out and
/// cannot be confused with one another by case.
pub fn valid_username(name: &str) -> bool {
    (3..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
}

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
        bail!("a password must have {PASSWORD_MIN}–{PASSWORD_MAX} characters");
    }
    Ok(password)
}

pub async fn create(db: &Db, username: &str, role: &str, community: Option<&str>) -> anyhow::Result<()> {
    if !valid_username(username) {
        bail!("a username has 3–32 characters: a-z, 0-9, '.', '_' or '-'");
    }
    let Some(role) = Role::parse(role) else {
        bail!("--role must be `committee` or `admin`");
    };
    let community = match (role, community) {
        (Role::Committee, None) => bail!("a committee member needs --community (see `server communities`)"),
        (Role::Admin, Some(_)) => bail!("an admin sees every community; leave out --community"),
        (_, c) => c,
    };
    if let Some(code) = community {
        if !db.community_codes().await?.iter().any(|c| c == code) {
            bail!("no community `{code}` (see `server communities`)");
        }
    }
    let password = read_password()?;
    let hash = hash_password(&password).map_err(|e| anyhow::anyhow!("hashing the password: {e}"))?;
    if !db.create_user(username, &hash, role, community).await? {
        bail!("the username `{username}` is taken");
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
    if !db.disable_user(username).await? {
        bail!("no user `{username}`");
    }
    println!("disabled `{username}`; their sessions have ended");
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn usernames() {
        for ok in ["wang.li", "yulin-01", "abc"] {
            assert!(super::valid_username(ok), "{ok}");
        }
        for bad in ["ab", "Wang", "王丽", "a b", &"x".repeat(33)] {
            assert!(!super::valid_username(bad), "{bad}");
        }
    }
}
