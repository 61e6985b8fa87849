//! The administration area's actions on facilities, each checked on the
//! server: [`domain::admin::may`](crate::domain::admin::may) decides, a
//! facility of another community is answered as if it did not exist, and
//! fields the member may not change are never read from the form. Every
//! write carries the `updated_at` its form was made from: a save over a
//! newer change is refused, not merged blindly.

use chrono::NaiveDate;

use crate::domain::admin::facility_form::{self, FormProblem};
use crate::domain::admin::{may, FacilityAction};
use crate::domain::closures::{self, Closure, ClosureError};
use crate::domain::facility::{Facility, Kind};
use crate::domain::review::Member;
use crate::server::store::{Db, FacilityRecord, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// No such facility, or not this member's community.
    #[error("not found")]
    NotFound,
    /// The member sees the facility but may not do this to it.
    #[error("not allowed")]
    Forbidden,
    #[error("the form has problems")]
    Form(Vec<FormProblem>),
    #[error(transparent)]
    Closure(#[from] ClosureError),
    /// Someone else saved the facility after this form was made.
    #[error("changed meanwhile")]
    Conflict,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A facility the member may do `action` to.
pub async fn load(db: &Db, member: &Member, id: i64, action: FacilityAction) -> Result<FacilityRecord, AdminError> {
    let record = db.facility_record(id).await?.ok_or(AdminError::NotFound)?;
    let community = &record.facility.community;
    if !may(member, FacilityAction::View, community) {
        return Err(AdminError::NotFound);
    }
    if !may(member, action, community) {
        return Err(AdminError::Forbidden);
    }
    Ok(record)
}

/// Loads for a change made from a form of version `expected`.
async fn load_current(
    db: &Db,
    member: &Member,
    id: i64,
    action: FacilityAction,
    expected: i64,
) -> Result<FacilityRecord, AdminError> {
    let record = load(db, member, id, action).await?;
    if record.updated_at != expected {
        return Err(AdminError::Conflict);
    }
    Ok(record)
}

async fn write(
    db: &Db,
    member: &Member,
    before: &FacilityRecord,
    after: Facility,
    kind: &str,
) -> Result<(), AdminError> {
    if after == before.facility {
        return Ok(()); // Nothing changes, nothing to record.
    }
    if !db.write_facility(before, &after, member.id, kind).await? {
        return Err(AdminError::Conflict);
    }
    Ok(())
}

/// Saves the edit form: hours, phone and services; and names, addresses,
/// place, kind and community when the member may change those.
pub async fn save(
    db: &Db,
    member: &Member,
    id: i64,
    expected: i64,
    fields: &[(String, String)],
) -> Result<(), AdminError> {
    let before = load_current(db, member, id, FacilityAction::EditHours, expected).await?;
    let f = &before.facility;
    let details = may(member, FacilityAction::EditDetails, &f.community);
    let edit =
        facility_form::parse(fields, details, f.kind(), &db.community_codes().await?).map_err(AdminError::Form)?;
    let mut after = Facility {
        phone: edit.phone,
        hours: edit.hours,
        services: edit.services,
        ..f.clone()
    };
    if let Some(d) = edit.details {
        after.name_zh = d.name_zh;
        after.name_en = d.name_en;
        after.address_zh = d.address_zh;
        after.address_en = d.address_en;
        after.location = d.location;
        after.community = d.community;
    }
    write(db, member, &before, after, "edited").await
}

/// Adds a facility from the edit form in a community the member may
/// create in; returns its id.
pub async fn create(db: &Db, member: &Member, fields: &[(String, String)]) -> Result<i64, AdminError> {
    let kind = fields
        .iter()
        .find(|(k, _)| k == "kind")
        .and_then(|(_, v)| Kind::parse(v.trim()))
        .unwrap_or(Kind::Meal);
    let edit = facility_form::parse(fields, true, kind, &db.community_codes().await?).map_err(AdminError::Form)?;
    let d = edit.details.expect("details were asked for");
    if !may(member, FacilityAction::Create, &d.community) {
        return Err(AdminError::Forbidden);
    }
    let random: u64 = rand::random();
    let f = Facility {
        id: 0,
        // Made here, not typed: a ref an import can match later.
        source_ref: format!("linli-{random:016x}"),
        name_zh: d.name_zh,
        name_en: d.name_en,
        address_zh: d.address_zh,
        address_en: d.address_en,
        location: d.location,
        phone: edit.phone,
        community: d.community,
        hours: edit.hours,
        services: edit.services,
        closures: Vec::new(),
        checked_at: Some(chrono::Utc::now().timestamp_millis()),
        retired: false,
    };
    Ok(db.create_facility(&f, member.id).await?)
}

/// Adds a temporary closure or special hours (those that ended before
/// `today` are dropped).
pub async fn add_closure(
    db: &Db,
    member: &Member,
    id: i64,
    expected: i64,
    closure: Closure,
    today: NaiveDate,
) -> Result<(), AdminError> {
    let before = load_current(db, member, id, FacilityAction::Closures, expected).await?;
    let list = closures::add(&before.facility.closures, closure, today)?;
    let after = Facility {
        closures: list,
        ..before.facility.clone()
    };
    write(db, member, &before, after, "closures").await
}

/// Removes the closure starting on `from`.
pub async fn remove_closure(
    db: &Db,
    member: &Member,
    id: i64,
    expected: i64,
    from: NaiveDate,
) -> Result<(), AdminError> {
    let before = load_current(db, member, id, FacilityAction::Closures, expected).await?;
    let mut after = before.facility.clone();
    after.closures.retain(|c| c.from != from);
    if after.closures.len() == before.facility.closures.len() {
        return Err(AdminError::NotFound);
    }
    write(db, member, &before, after, "closures").await
}

/// Confirms the details are still right today.
pub async fn mark_checked(db: &Db, member: &Member, id: i64, expected: i64) -> Result<(), AdminError> {
    let before = load_current(db, member, id, FacilityAction::Check, expected).await?;
    let after = Facility {
        checked_at: Some(chrono::Utc::now().timestamp_millis()),
        ..before.facility.clone()
    };
    write(db, member, &before, after, "checked").await
}

/// Retires a facility (hidden from residents, kept) or restores it.
pub async fn set_retired(db: &Db, member: &Member, id: i64, expected: i64, retired: bool) -> Result<(), AdminError> {
    let before = load_current(db, member, id, FacilityAction::Retire, expected).await?;
    let after = Facility {
        retired,
        ..before.facility.clone()
    };
    write(db, member, &before, after, if retired { "retired" } else { "restored" }).await
}
