//! The rules for committee accounts, shared by the browser's account pages
//! and the command line: what a username may be, what makes a new account
//! or a password acceptable, and how a session's browser is named.

use serde::{Deserialize, Serialize};

use crate::domain::review::{Member, Role};

/// Passwords shorter than this are refused when set.
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 256;
/// An invitation link works for this long, once.
pub const INVITATION_TTL_MS: i64 = 72 * 3600 * 1000;

/// An account as the administration list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub member: Member,
    pub disabled: bool,
    /// A password has been set (by the member from a link, or the CLI).
    pub has_password: bool,
    /// The newest unused invitation's expiry, if there is one.
    pub link_expires_at: Option<i64>,
    pub created_at: i64,
    /// When the account last signed in, if ever.
    pub last_sign_in: Option<i64>,
}

/// One of a member's sessions, for "your devices".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// The first 16 hex digits of the token's hash: names the session in a
    /// form without revealing anything that opens it.
    pub handle: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub user_agent: String,
}

/// Why an account form was refused; [`code`](Self::code) names it in a URL
/// and in the translations, [`Display`](std::fmt::Display) for the CLI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AccountProblem {
    #[error("a username has 3–32 characters: a-z, 0-9, '.', '_' or '-'")]
    Username,
    #[error("this username is taken")]
    Taken,
    #[error("the role must be `committee` or `admin`")]
    Role,
    #[error("a committee member needs a community")]
    CommunityMissing,
    #[error("an admin sees every community; leave out the community")]
    AdminWithCommunity,
    #[error("no such community")]
    UnknownCommunity,
    #[error("a password must have 10–256 characters")]
    PasswordLength,
    #[error("the two passwords are not the same")]
    PasswordMismatch,
    #[error("the current password is wrong")]
    PasswordWrong,
    /// The link is unknown, used, expired or replaced.
    #[error("this link does not work (used, expired or replaced)")]
    LinkInvalid,
    /// An admin cannot disable their own account (and lock everyone out).
    #[error("you cannot disable your own account")]
    Own,
}

impl AccountProblem {
    pub const ALL: [AccountProblem; 11] = [
        Self::Username,
        Self::Taken,
        Self::Role,
        Self::CommunityMissing,
        Self::AdminWithCommunity,
        Self::UnknownCommunity,
        Self::PasswordLength,
        Self::PasswordMismatch,
        Self::PasswordWrong,
        Self::LinkInvalid,
        Self::Own,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Username => "username",
            Self::Taken => "taken",
            Self::Role => "role",
            Self::CommunityMissing => "community_missing",
            Self::AdminWithCommunity => "admin_community",
            Self::UnknownCommunity => "community_unknown",
            Self::PasswordLength => "password_length",
            Self::PasswordMismatch => "password_mismatch",
            Self::PasswordWrong => "password_wrong",
            Self::LinkInvalid => "link",
            Self::Own => "own",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The form field (its `name`) the problem is about, if it is about one.
    pub fn field(self) -> Option<&'static str> {
        match self {
            Self::Username | Self::Taken => Some("username"),
            Self::Role => Some("role"),
            Self::CommunityMissing | Self::AdminWithCommunity | Self::UnknownCommunity => Some("community"),
            Self::PasswordLength => Some("password"),
            Self::PasswordMismatch => Some("repeat"),
            Self::PasswordWrong => Some("current"),
            Self::LinkInvalid | Self::Own => None,
        }
    }
}

/// Usernames: 3–32 of `a-z 0-9 . _ -`, so they are easy to read out and
/// cannot be confused with one another by case.
pub fn valid_username(name: &str) -> bool {
    (3..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
}

pub fn password_acceptable(password: &str) -> bool {
    (PASSWORD_MIN..=PASSWORD_MAX).contains(&password.chars().count())
}

/// A new password typed twice.
pub fn check_new_password(password: &str, repeat: &str) -> Result<(), AccountProblem> {
    if !password_acceptable(password) {
        return Err(AccountProblem::PasswordLength);
    }
    if password != repeat {
        return Err(AccountProblem::PasswordMismatch);
    }
    Ok(())
}

/// A new account's username, role and community, checked against the
/// known community codes. The community is ignored when empty.
pub fn check_new_account(
    username: &str,
    role: &str,
    community: Option<&str>,
    known: &[String],
) -> Result<(Role, Option<String>), AccountProblem> {
    if !valid_username(username) {
        return Err(AccountProblem::Username);
    }
    let role = Role::parse(role).ok_or(AccountProblem::Role)?;
    let community = community.map(str::trim).filter(|c| !c.is_empty());
    match (role, community) {
        (Role::Committee, None) => Err(AccountProblem::CommunityMissing),
        (Role::Admin, Some(_)) => Err(AccountProblem::AdminWithCommunity),
        (_, Some(c)) if !known.iter().any(|k| k == c) => Err(AccountProblem::UnknownCommunity),
        (role, c) => Ok((role, c.map(str::to_string))),
    }
}

/// "Chrome · Android" from a User-Agent, so a member can tell their
/// devices apart; the raw string when nothing is recognised (cut short).
pub fn device_label(user_agent: &str) -> String {
    let ua = user_agent;
    let browser = [
        ("MicroMessenger", "WeChat"),
        ("EdgA/", "Edge"),
        ("Edg/", "Edge"),
        ("HuaweiBrowser", "Huawei Browser"),
        ("MiuiBrowser", "Mi Browser"),
        ("UCBrowser", "UC Browser"),
        ("QQBrowser", "QQ Browser"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| name);
    let system = [
        ("HarmonyOS", "HarmonyOS"),
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} · {s}"),
        (Some(one), None) | (None, Some(one)) => one.to_string(),
        (None, None) => ua.chars().filter(|c| !c.is_control()).take(60).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        for ok in ["wang.li", "yulin-01", "abc"] {
            assert!(valid_username(ok), "{ok}");
        }
        for bad in ["ab", "Wang", "王丽", "a b", &"x".repeat(33)] {
            assert!(!valid_username(bad), "{bad}");
        }
    }

    #[test]
    fn new_accounts() {
        let known = vec!["yulin".to_string()];
        assert_eq!(
            check_new_account("wang.li", "committee", Some(" yulin "), &known),
            Ok((Role::Committee, Some("yulin".into())))
        );
        assert_eq!(
            check_new_account("chen", "admin", Some(""), &known),
            Ok((Role::Admin, None))
        );
        for (name, role, community, problem) in [
            ("W", "committee", Some("yulin"), AccountProblem::Username),
            ("wang", "boss", Some("yulin"), AccountProblem::Role),
            ("wang", "committee", None, AccountProblem::CommunityMissing),
            ("wang", "committee", Some("  "), AccountProblem::CommunityMissing),
            ("wang", "admin", Some("yulin"), AccountProblem::AdminWithCommunity),
            ("wang", "committee", Some("nowhere"), AccountProblem::UnknownCommunity),
        ] {
            assert_eq!(
                check_new_account(name, role, community, &known),
                Err(problem),
                "{name} {role}"
            );
        }
    }

    #[test]
    fn passwords() {
        assert_eq!(
            check_new_password("short", "short"),
            Err(AccountProblem::PasswordLength)
        );
        assert_eq!(
            check_new_password("long enough pass", "long enough pasS"),
            Err(AccountProblem::PasswordMismatch)
        );
        assert_eq!(check_new_password("long enough pass", "long enough pass"), Ok(()));
        // Counted in characters, not bytes: ten Chinese characters will do.
        assert_eq!(
            check_new_password("社区居委会工作人员好", "社区居委会工作人员好"),
            Ok(())
        );
        assert!(!password_acceptable(&"x".repeat(PASSWORD_MAX + 1)));
    }

    #[test]
    fn problem_codes_round_trip() {
        for p in AccountProblem::ALL {
            assert_eq!(AccountProblem::parse(p.code()), Some(p));
        }
        assert_eq!(AccountProblem::parse("nonsense"), None);
    }

    #[test]
    fn devices_are_named() {
        let android = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36";
        assert_eq!(device_label(android), "Chrome · Android");
        let wechat = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.40";
        assert_eq!(device_label(wechat), "WeChat · iPhone");
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36 Edg/120.0";
        assert_eq!(device_label(edge), "Edge · Windows");
        assert_eq!(device_label("curl/8.0\n"), "curl/8.0");
        assert_eq!(device_label(""), "");
    }
}

/// An Open311 API key as the admin list shows it (never the key itself).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ApiKeySummary {
    pub name: String,
    pub community: Option<String>,
    pub per_minute: u32,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A city system's webhook as the admin list shows it (never its secret).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WebhookSummary {
    pub name: String,
    pub url: String,
    pub community: Option<String>,
    pub events: Vec<String>,
    pub created_at: i64,
    pub delivered: i64,
    /// Waiting to be sent, or to be tried again.
    pub pending: i64,
    /// Out of attempts; an admin may send them again.
    pub dead: i64,
    /// The latest failure's reason.
    pub last_error: String,
}

/// The events a webhook may ask for.
pub const EVENT_KINDS: [&str; 3] = ["created", "status_changed", "replied"];

/// Why a webhook was not added; the same from the accounts page and from
/// `server webhook add`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum WebhookProblem {
    #[error("a webhook's name is 1–60 letters, digits, `-`, `_` or `.`")]
    Name,
    #[error("there is already a webhook with this name")]
    Taken,
    #[error("the address must start with http:// or https:// and name a host")]
    Url,
    #[error("choose at least one event: created, status_changed, replied")]
    Events,
    #[error("no such community")]
    UnknownCommunity,
}

impl WebhookProblem {
    pub const ALL: [WebhookProblem; 5] = [Self::Name, Self::Taken, Self::Url, Self::Events, Self::UnknownCommunity];

    pub fn code(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Taken => "taken",
            Self::Url => "url",
            Self::Events => "events",
            Self::UnknownCommunity => "community",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The form field (its `name`) the problem is about; `hook_…`, as the
    /// form shares the accounts page with the invitation form.
    pub fn field(self) -> &'static str {
        match self {
            Self::Name | Self::Taken => "hook_name",
            Self::Url => "hook_url",
            Self::Events => "hook_events",
            Self::UnknownCommunity => "hook_community",
        }
    }
}
