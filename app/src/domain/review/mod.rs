//! The committee's side of suggestions: who may act, and how a suggestion
//! moves through its statuses. Plain rules, unit-tested; the server checks
//! them before every change.

pub mod dashboard;
pub mod inbox;
pub mod member;
pub mod workflow;

pub use inbox::{AuditEvent, InboxFilter, InboxItem, Order, ReviewPhoto, ReviewedSuggestion, Template};
pub use member::{Member, Role};
pub use workflow::{Change, ChangeError};
