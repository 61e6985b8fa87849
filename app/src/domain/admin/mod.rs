//! Keeping the facility data right: who may change what, and the forms
//! staff change it with. Plain rules, unit-tested; the server checks them
//! before every change and never takes a field the member may not set.

pub mod facility_form;
pub mod hours_form;

use super::review::{Member, Role};

/// Everything a member can do to a facility.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FacilityAction {
    /// See it in the administration list, with its history.
    View,
    /// Opening hours, phone and services: what a committee keeps right.
    EditHours,
    /// Temporary closures and special hours.
    Closures,
    /// Confirm the details are still right ("last checked").
    Check,
    /// Names, addresses, place, kind and community.
    EditDetails,
    /// Add a new facility.
    Create,
    /// Close for good (hidden from residents, kept), or bring back.
    Retire,
}

impl FacilityAction {
    pub const ALL: [FacilityAction; 7] = [
        FacilityAction::View,
        FacilityAction::EditHours,
        FacilityAction::Closures,
        FacilityAction::Check,
        FacilityAction::EditDetails,
        FacilityAction::Create,
        FacilityAction::Retire,
    ];

    /// What a committee member may do to their own community's facilities.
    fn committee_may(self) -> bool {
        matches!(
            self,
            FacilityAction::View | FacilityAction::EditHours | FacilityAction::Closures | FacilityAction::Check
        )
    }
}

/// The one authorisation rule for facilities: may `member` do `action` to a
/// facility of `community`? An admin (street or district staff) may do
/// everything everywhere; a committee member keeps the hours, closures,
/// phone and services of their own community's facilities, and nothing
/// else.
pub fn may(member: &Member, action: FacilityAction, community: &str) -> bool {
    match member.role {
        Role::Admin => true,
        Role::Committee => action.committee_may() && member.may_access(community),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committee_members_keep_their_own_facilities_hours_only() {
        let m = Member {
            id: 1,
            username: "wang".into(),
            role: Role::Committee,
            community: Some("wuhou-yulin".into()),
        };
        let admin = Member {
            role: Role::Admin,
            community: None,
            ..m.clone()
        };
        for a in FacilityAction::ALL {
            assert!(may(&admin, a, "wuhou-yulin") && may(&admin, a, "jinjiang-x"), "{a:?}");
            assert!(!may(&m, a, "jinjiang-x"), "{a:?} elsewhere");
            let own = matches!(
                a,
                FacilityAction::View | FacilityAction::EditHours | FacilityAction::Closures | FacilityAction::Check
            );
            assert_eq!(may(&m, a, "wuhou-yulin"), own, "{a:?} at home");
        }
        // A facility with no community belongs to no committee.
        assert!(!may(&m, FacilityAction::EditHours, ""));
    }
}
