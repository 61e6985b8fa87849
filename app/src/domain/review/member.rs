//! Who is signed in, and what they may see: a committee member sees one
//! community, an admin every community.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Committee,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Committee => "committee",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "committee" => Some(Role::Committee),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: i64,
    pub username: String,
    pub role: Role,
    /// The member's community; `None` only for admins.
    pub community: Option<String>,
}

impl Member {
    /// The one authorisation rule: may this member see and act on data of
    /// `community`?
    pub fn may_access(&self, community: &str) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Committee => self.community.as_deref() == Some(community),
        }
    }

    /// The community the member's lists are limited to (`None`: all). A
    /// committee member without a community (which the CLI does not allow)
    /// is limited to a community that does not exist: nothing.
    pub fn scope(&self) -> Option<&str> {
        match self.role {
            Role::Admin => None,
            Role::Committee => Some(self.community.as_deref().unwrap_or("")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committee_members_see_only_their_community() {
        let a = Member {
            id: 1,
            username: "a".into(),
            role: Role::Committee,
            community: Some("wuhou-yulin".into()),
        };
        assert!(a.may_access("wuhou-yulin"));
        assert!(!a.may_access("jinjiang-x"));
        assert_eq!(a.scope(), Some("wuhou-yulin"));
        let lost = Member {
            community: None,
            ..a.clone()
        };
        assert!(
            !lost.may_access("wuhou-yulin"),
            "a member without a community sees nothing"
        );
        assert_eq!(lost.scope(), Some(""));
        let admin = Member {
            role: Role::Admin,
            community: None,
            ..a
        };
        assert!(admin.may_access("anything"));
        assert_eq!(admin.scope(), None);
    }
}
