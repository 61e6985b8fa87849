//! Status workflow: received → reviewing → accepted → in progress → done;
//! or declined (a reason is required) or duplicate (of another suggestion).
//!
//! The rules are permissive where a real committee needs it — a member may
//! skip "reviewing" and accept at once, or reopen a declined suggestion —
//! and strict where residents would be let down: a suggestion is never
//! declined without a reason, nor marked a duplicate of nothing or of itself.

use serde::{Deserialize, Serialize};

use crate::domain::suggestion::Status;

/// The longest public reply or internal note, in characters.
pub const TEXT_MAX: usize = 2000;
/// The longest reason (for hiding, handing on) and template title.
pub const SHORT_TEXT_MAX: usize = 200;

/// One change a committee member asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub to: Status,
    /// Shown to the resident on the tracking page.
    pub public_reply: String,
    /// For `Duplicate`: the receipt code of the suggestion it repeats.
    pub duplicate_of: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ChangeError {
    #[error("a suggestion cannot move from {from:?} to {to:?}")]
    NotAllowed { from: Status, to: Status },
    #[error("declining needs a public reason")]
    ReasonRequired,
    #[error("a duplicate needs the code of the suggestion it repeats")]
    DuplicateTargetRequired,
    #[error("a suggestion cannot duplicate itself")]
    DuplicateOfItself,
    #[error("the reply is longer than {TEXT_MAX} characters")]
    ReplyTooLong,
}

/// Whether `from → to` is a step the workflow allows. Staying put is not a
/// change (a reply alone is its own action).
pub fn allowed(from: Status, to: Status) -> bool {
    use Status::*;
    if from == to {
        return false;
    }
    match from {
        Received => matches!(to, Reviewing | Accepted | Declined | Duplicate),
        Reviewing => matches!(to, Accepted | Declined | Duplicate | Received),
        Accepted => matches!(to, InProgress | Done | Declined | Reviewing),
        InProgress => matches!(to, Done | Accepted),
        // Closed ones can be reopened for review, e.g. after a resident
        // explains more, or when a "done" repair failed.
        Done | Declined | Duplicate => matches!(to, Reviewing),
    }
}

/// The statuses a member can choose from `from`, in workflow order.
pub fn next_statuses(from: Status) -> Vec<Status> {
    Status::ALL.into_iter().filter(|to| allowed(from, *to)).collect()
}

/// Checks a requested change against the current status and the code of the
/// suggestion being changed.
pub fn check(from: Status, own_code: &str, change: &Change) -> Result<(), ChangeError> {
    if !allowed(from, change.to) {
        return Err(ChangeError::NotAllowed { from, to: change.to });
    }
    if change.public_reply.chars().count() > TEXT_MAX {
        return Err(ChangeError::ReplyTooLong);
    }
    match change.to {
        Status::Declined if change.public_reply.trim().is_empty() => Err(ChangeError::ReasonRequired),
        Status::Duplicate => match change.duplicate_of.as_deref().map(str::trim) {
            None | Some("") => Err(ChangeError::DuplicateTargetRequired),
            Some(code) if code.eq_ignore_ascii_case(own_code) => Err(ChangeError::DuplicateOfItself),
            Some(_) => Ok(()),
        },
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    fn change(to: Status) -> Change {
        Change {
            to,
            public_reply: String::new(),
            duplicate_of: None,
        }
    }

    #[test]
    fn the_main_path_is_allowed_step_by_step() {
        for (from, to) in [
            (Received, Reviewing),
            (Reviewing, Accepted),
            (Accepted, InProgress),
            (InProgress, Done),
        ] {
            assert!(allowed(from, to), "{from:?} → {to:?}");
        }
        assert!(allowed(Received, Accepted), "accepting at once is fine");
    }

    #[test]
    fn nonsense_moves_are_refused() {
        for (from, to) in [
            (Received, Done),
            (Received, InProgress),
            (Done, Accepted),
            (Declined, Done),
            (Duplicate, Accepted),
            (Received, Received),
            (InProgress, Received),
        ] {
            assert!(!allowed(from, to), "{from:?} → {to:?}");
            assert_eq!(
                check(from, "WH-2222", &change(to)),
                Err(ChangeError::NotAllowed { from, to })
            );
        }
    }

    #[test]
    fn closed_suggestions_can_be_reopened_for_review() {
        for from in [Done, Declined, Duplicate] {
            assert_eq!(next_statuses(from), vec![Reviewing]);
        }
    }

    #[test]
    fn declining_needs_a_reason() {
        assert_eq!(
            check(Reviewing, "WH-2222", &change(Declined)),
            Err(ChangeError::ReasonRequired)
        );
        let blank = Change {
            public_reply: "   ".into(),
            ..change(Declined)
        };
        assert_eq!(check(Reviewing, "WH-2222", &blank), Err(ChangeError::ReasonRequired));
        let reasoned = Change {
            public_reply: "这里是私人用地，社区无权改造。".into(),
            ..change(Declined)
        };
        assert_eq!(check(Reviewing, "WH-2222", &reasoned), Ok(()));
    }

    #[test]
    fn a_duplicate_names_another_suggestion() {
        assert_eq!(
            check(Received, "WH-2222", &change(Duplicate)),
            Err(ChangeError::DuplicateTargetRequired)
        );
        let own = Change {
            duplicate_of: Some("wh-2222".into()),
            ..change(Duplicate)
        };
        assert_eq!(check(Received, "WH-2222", &own), Err(ChangeError::DuplicateOfItself));
        let other = Change {
            duplicate_of: Some("WH-3333".into()),
            ..change(Duplicate)
        };
        assert_eq!(check(Received, "WH-2222", &other), Ok(()));
    }

    #[test]
    fn replies_are_bounded() {
        let long = Change {
            public_reply: "字".repeat(TEXT_MAX + 1),
            ..change(Reviewing)
        };
        assert_eq!(check(Received, "WH-2222", &long), Err(ChangeError::ReplyTooLong));
    }
}
