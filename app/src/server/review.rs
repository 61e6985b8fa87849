//! The committee's actions, each checked on the server: the member must be
//! signed in (the caller has their session) and the suggestion must belong
//! to their community (an admin: any). A suggestion of another community is
//! answered exactly like one that does not exist, so codes cannot be probed.

use serde_json::json;

use crate::domain::review::workflow::{self, Change, ChangeError, SHORT_TEXT_MAX, TEXT_MAX};
use crate::domain::review::{Member, ReviewedSuggestion, Template};
use crate::domain::suggestion::{ReceiptCode, Status};
use crate::server::store::{Db, EventRecord, StoreError, SuggestionChange};

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// No such suggestion, or not this member's community.
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Workflow(#[from] ChangeError),
    /// A required text (reason, note, reply, template) is missing or too long.
    #[error("{0} is missing or too long")]
    Text(&'static str),
    /// The duplicate target does not exist in this member's communities.
    #[error("the duplicate target is unknown")]
    UnknownTarget,
    /// Someone else changed the status meanwhile.
    #[error("the suggestion changed meanwhile")]
    Conflict,
    /// Assigning to someone who is not a member of the community.
    #[error("not a member of this community")]
    UnknownAssignee,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ReviewError {
    /// What a refused action on the suggestion page is about, as the page's
    /// `?error=` code (`pages::review::detail::refusal` reads it).
    pub fn refusal(&self, action: &str) -> &'static str {
        use ChangeError as C;
        match (self, action) {
            (ReviewError::Workflow(C::NotAllowed { .. }), _) => "status",
            (ReviewError::Workflow(C::ReasonRequired), _) => "reason",
            (
                ReviewError::Workflow(C::DuplicateTargetRequired | C::DuplicateOfItself) | ReviewError::UnknownTarget,
                _,
            ) => "duplicate",
            (ReviewError::Workflow(C::ReplyTooLong), _) | (ReviewError::Text("reply"), "status") => "reply",
            (ReviewError::Text("reply"), _) => "reply_only",
            (ReviewError::Text("note"), _) => "note",
            (ReviewError::Text("reason"), "hide") => "hide_reason",
            (ReviewError::Text("reason"), "community") => "hand_reason",
            (ReviewError::Conflict, _) => "conflict",
            (ReviewError::UnknownAssignee, _) => "assignee",
            _ => "1",
        }
    }
}

/// Loads a suggestion the member may see, or `NotFound`.
pub async fn load(db: &Db, member: &Member, code: &ReceiptCode) -> Result<ReviewedSuggestion, ReviewError> {
    let community = db.suggestion_community(code).await?.ok_or(ReviewError::NotFound)?;
    if !member.may_access(&community) {
        return Err(ReviewError::NotFound);
    }
    db.reviewed_suggestion(code).await?.ok_or(ReviewError::NotFound)
}

fn bounded(text: &str, max: usize, what: &'static str, required: bool) -> Result<String, ReviewError> {
    let t = text.trim();
    if (required && t.is_empty()) || t.chars().count() > max {
        return Err(ReviewError::Text(what));
    }
    Ok(t.to_string())
}

/// Moves a suggestion to another status, with an optional public reply.
pub async fn change_status(db: &Db, member: &Member, code: &ReceiptCode, change: Change) -> Result<(), ReviewError> {
    let s = load(db, member, code).await?;
    workflow::check(s.status, code.as_str(), &change)?;
    let reply = change.public_reply.trim().to_string();
    let mut detail = json!({"status": [s.status.as_str(), change.to.as_str()]});
    let target = if change.to == Status::Duplicate {
        let target = change
            .duplicate_of
            .as_deref()
            .and_then(ReceiptCode::parse)
            .ok_or(ReviewError::UnknownTarget)?;
        let target_community = db
            .suggestion_community(&target)
            .await?
            .ok_or(ReviewError::UnknownTarget)?;
        if !member.may_access(&target_community) || target_community != s.community || &target == code {
            return Err(ReviewError::UnknownTarget);
        }
        detail["duplicate_of"] = json!(target.as_str());
        Some(target)
    } else {
        None
    };
    let target_id = match &target {
        Some(t) => db.suggestion_id(t).await?,
        None => None,
    };
    // The link both ways: the original's trail records its duplicate, in
    // the same transaction.
    let linked_detail = json!({"duplicate": code.as_str()}).to_string();
    let linked = target_id.map(|id| {
        (
            id,
            EventRecord {
                actor: member.id,
                kind: "duplicate_linked",
                from: None,
                to: None,
                public_text: "",
                private_text: "",
                detail: linked_detail.clone(),
            },
        )
    });
    let changed = db
        .change_suggestion(
            code,
            SuggestionChange::Status {
                from: s.status,
                to: change.to,
                duplicate_of: target_id,
            },
            EventRecord {
                actor: member.id,
                kind: "status",
                from: Some(s.status),
                to: Some(change.to),
                public_text: &reply,
                private_text: "",
                detail: detail.to_string(),
            },
            linked,
        )
        .await?;
    if !changed {
        // Changed by someone else meanwhile: the member reloads and decides again.
        return Err(ReviewError::Conflict);
    }
    Ok(())
}

/// A public reply without a status change.
pub async fn reply(db: &Db, member: &Member, code: &ReceiptCode, text: &str) -> Result<(), ReviewError> {
    load(db, member, code).await?;
    let text = bounded(text, TEXT_MAX, "reply", true)?;
    db.add_event(
        code,
        EventRecord {
            actor: member.id,
            kind: "reply",
            from: None,
            to: None,
            public_text: &text,
            private_text: "",
            detail: String::new(),
        },
    )
    .await?;
    Ok(())
}

/// A private note, seen only by the committee.
pub async fn note(db: &Db, member: &Member, code: &ReceiptCode, text: &str) -> Result<(), ReviewError> {
    load(db, member, code).await?;
    let text = bounded(text, TEXT_MAX, "note", true)?;
    db.add_event(
        code,
        EventRecord {
            actor: member.id,
            kind: "note",
            from: None,
            to: None,
            public_text: "",
            private_text: &text,
            detail: String::new(),
        },
    )
    .await?;
    Ok(())
}

/// Assigns to a member of the suggestion's community (`""`: nobody).
pub async fn assign(db: &Db, member: &Member, code: &ReceiptCode, username: &str) -> Result<(), ReviewError> {
    let s = load(db, member, code).await?;
    let username = username.trim();
    let assignee = if username.is_empty() {
        None
    } else {
        let members = db.community_members(&s.community).await?;
        Some(
            members
                .into_iter()
                .find(|m| m.username == username)
                .ok_or(ReviewError::UnknownAssignee)?,
        )
    };
    let after = assignee.as_ref().map(|m| m.username.clone());
    if after == s.assigned_to {
        return Ok(()); // Nothing changes, nothing to record.
    }
    let detail = json!({"assigned_to": [s.assigned_to, after]});
    db.change_suggestion(
        code,
        SuggestionChange::AssignedTo(assignee.as_ref().map(|m| m.id)),
        EventRecord {
            actor: member.id,
            kind: "assign",
            from: None,
            to: None,
            public_text: "",
            private_text: "",
            detail: detail.to_string(),
        },
        None,
    )
    .await?;
    Ok(())
}

/// Hides a suggestion from the public (a reason is required and kept in
/// the audit trail), or shows it again.
pub async fn set_hidden(
    db: &Db,
    member: &Member,
    code: &ReceiptCode,
    hidden: bool,
    reason: &str,
) -> Result<(), ReviewError> {
    let s = load(db, member, code).await?;
    let reason = bounded(reason, SHORT_TEXT_MAX, "reason", hidden)?;
    if s.hidden == hidden {
        return Ok(()); // Nothing changes, nothing to record.
    }
    db.change_suggestion(
        code,
        SuggestionChange::Hidden(hidden),
        EventRecord {
            actor: member.id,
            kind: if hidden { "hide" } else { "unhide" },
            from: None,
            to: None,
            public_text: "",
            private_text: &reason,
            detail: json!({"hidden": [s.hidden, hidden]}).to_string(),
        },
        None,
    )
    .await?;
    Ok(())
}

pub async fn set_photo_hidden(
    db: &Db,
    member: &Member,
    code: &ReceiptCode,
    position: i64,
    hidden: bool,
    reason: &str,
) -> Result<(), ReviewError> {
    let s = load(db, member, code).await?;
    let before = s
        .photos
        .iter()
        .find(|p| p.position == position)
        .ok_or(ReviewError::NotFound)?
        .hidden;
    let reason = bounded(reason, SHORT_TEXT_MAX, "reason", hidden)?;
    if before == hidden {
        return Ok(());
    }
    db.set_photo_hidden(
        code,
        position,
        hidden,
        EventRecord {
            actor: member.id,
            kind: if hidden { "hide_photo" } else { "unhide_photo" },
            from: None,
            to: None,
            public_text: "",
            private_text: &reason,
            detail: json!({"photo": position, "hidden": [before, hidden]}).to_string(),
        },
    )
    .await?;
    Ok(())
}

/// Hands a suggestion to the community it belongs to (`to` must exist), or,
/// with its own community, confirms a guessed one. Audited; the resident's
/// tracking page is unchanged (the receipt code stays). Returns whether the
/// suggestion left the member's community.
pub async fn hand_over(
    db: &Db,
    member: &Member,
    code: &ReceiptCode,
    to: &str,
    reason: &str,
) -> Result<bool, ReviewError> {
    let s = load(db, member, code).await?;
    let to = to.trim();
    if !db.community_codes().await?.iter().any(|c| c == to) {
        return Err(ReviewError::UnknownTarget);
    }
    if to == s.community && !s.community_guessed {
        return Ok(false); // Nothing changes, nothing to record.
    }
    let reason = bounded(reason, SHORT_TEXT_MAX, "reason", false)?;
    let kind = if to == s.community {
        "community_confirmed"
    } else {
        "community_changed"
    };
    let changed = db
        .change_suggestion(
            code,
            SuggestionChange::Community {
                from: s.community.clone(),
                to: to.to_string(),
            },
            EventRecord {
                actor: member.id,
                kind,
                from: None,
                to: None,
                public_text: "",
                private_text: &reason,
                detail: json!({"community": [s.community, to]}).to_string(),
            },
            None,
        )
        .await?;
    if !changed {
        return Err(ReviewError::Conflict);
    }
    Ok(to != s.community)
}

/// The templates a member may use for a suggestion of `community`.
pub async fn templates(db: &Db, member: &Member, community: &str) -> Result<Vec<Template>, ReviewError> {
    if !member.may_access(community) {
        return Err(ReviewError::NotFound);
    }
    Ok(db.templates(community).await?)
}

pub async fn add_template(
    db: &Db,
    member: &Member,
    community: &str,
    title: &str,
    body: &str,
) -> Result<(), ReviewError> {
    if !member.may_access(community) {
        return Err(ReviewError::NotFound);
    }
    let title = bounded(title, SHORT_TEXT_MAX, "title", true)?;
    let body = bounded(body, TEXT_MAX, "body", true)?;
    db.add_template(community, &title, &body, member.id).await?;
    Ok(())
}

pub async fn delete_template(db: &Db, member: &Member, community: &str, id: i64) -> Result<(), ReviewError> {
    if !member.may_access(community) || !db.delete_template(community, id).await? {
        return Err(ReviewError::NotFound);
    }
    Ok(())
}
