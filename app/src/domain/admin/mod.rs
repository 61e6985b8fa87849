//! Keeping the facility data right: who may change what, and the forms
//! staff change it with. Plain rules, unit-tested; the server checks them
//! before every change and never takes a field the member may not set.

pub mod accounts;
pub mod facility_form;
pub mod hours_form;
pub mod import;

use serde::{Deserialize, Serialize};

use super::facility::{Facility, Kind};
use super::review::{Member, Role};

/// One change in a facility's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: i64,
    /// The member's name; `None`: the command line.
    pub actor: Option<String>,
    pub kind: String,
    /// The facility before and after, as JSON (`""`: none).
    pub before: String,
    pub after: String,
}

/// Details not confirmed for this long are shown as needing a check.
pub const STALE_AFTER_MS: i64 = 183 * 24 * 3600 * 1000;

/// Never checked, or not for [`STALE_AFTER_MS`].
pub fn is_stale(checked_at: Option<i64>, now_ms: i64) -> bool {
    checked_at.is_none_or(|t| now_ms - t > STALE_AFTER_MS)
}

/// Which facilities the administration list shows, from its query.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacilityFilter {
    /// Part of a name or an address, either language.
    pub q: String,
    /// A community code; empty: every community in the member's scope.
    pub community: String,
    pub kind: Option<Kind>,
    /// `None`: in use and retired.
    pub retired: Option<bool>,
    pub hours_missing: bool,
    pub stale: bool,
    /// Which page of the list, from 0.
    pub page: usize,
}

impl FacilityFilter {
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let on = |k: &str| get(k).is_some_and(|v| v == "1" || v == "on");
        FacilityFilter {
            q: get("q").unwrap_or_default().trim().chars().take(100).collect(),
            community: get("community").unwrap_or_default().trim().chars().take(64).collect(),
            kind: get("kind").as_deref().and_then(Kind::parse),
            retired: match get("state").as_deref() {
                Some("retired") => Some(true),
                Some("all") => None,
                _ => Some(false),
            },
            hours_missing: on("hours_missing"),
            stale: on("stale"),
            page: get("page").and_then(|p| p.parse().ok()).unwrap_or(0).min(10_000),
        }
    }

    /// The list's address with these filters, on another page.
    pub fn href(&self, page: usize) -> String {
        let state = match self.retired {
            Some(false) => "open",
            Some(true) => "retired",
            None => "all",
        };
        let mut pairs = vec![
            ("q", self.q.clone()),
            ("community", self.community.clone()),
            ("kind", self.kind.map(|k| k.as_str().to_string()).unwrap_or_default()),
            ("state", state.to_string()),
        ];
        if self.hours_missing {
            pairs.push(("hours_missing", "1".into()));
        }
        if self.stale {
            pairs.push(("stale", "1".into()));
        }
        if page > 0 {
            pairs.push(("page", page.to_string()));
        }
        format!("/review/facilities?{}", crate::domain::query_string(&pairs))
    }

    /// The filters the database does not apply (text, hours, staleness).
    pub fn matches(&self, f: &Facility, now_ms: i64) -> bool {
        let q = self.q.to_lowercase();
        (q.is_empty()
            || [&f.name_zh, &f.name_en, &f.address_zh, &f.address_en, &f.source_ref]
                .iter()
                .any(|t| t.to_lowercase().contains(&q)))
            && (!self.hours_missing || f.hours.is_always_closed())
            && (!self.stale || is_stale(f.checked_at, now_ms))
    }
}

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
    fn a_page_link_keeps_every_filter() {
        let filter = FacilityFilter {
            q: "玉林 & 书".into(),
            community: "yulin".into(),
            kind: Some(Kind::Reading),
            retired: None,
            hours_missing: true,
            stale: false,
            page: 0,
        };
        let href = filter.href(3);
        let query = href.strip_prefix("/review/facilities?").unwrap();
        let pairs: Vec<(String, String)> = query
            .split('&')
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap();
                (
                    k.to_string(),
                    percent_encoding::percent_decode_str(v).decode_utf8_lossy().into_owned(),
                )
            })
            .collect();
        let back = FacilityFilter::from_query(|k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()));
        assert_eq!(
            back,
            FacilityFilter {
                page: 3,
                ..filter.clone()
            }
        );
        assert!(!filter.href(0).contains("page="), "{}", filter.href(0));
    }

    #[test]
    fn the_list_filters() {
        use crate::domain::coords::LatLng;
        use crate::domain::facility::{MealServices, Services};
        let now = 1_800_000_000_000;
        let f = Facility {
            id: 1,
            source_ref: "meal-0001".into(),
            name_zh: "玉林食堂".into(),
            name_en: "Yulin Canteen".into(),
            address_zh: "玉林路1号".into(),
            address_en: String::new(),
            location: LatLng::new(30.63, 104.05),
            phone: String::new(),
            community: "wuhou-yulin".into(),
            hours: Default::default(),
            services: Services::Meal(MealServices::default()),
            closures: Vec::new(),
            checked_at: Some(now - STALE_AFTER_MS + 1000),
            retired: false,
        };
        let filter = |q: &[(&str, &str)]| {
            FacilityFilter::from_query(|k| q.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string()))
        };
        assert!(filter(&[("q", "CANTEEN")]).matches(&f, now));
        assert!(filter(&[("q", "玉林路")]).matches(&f, now));
        assert!(!filter(&[("q", "书屋")]).matches(&f, now));
        assert!(filter(&[("hours_missing", "1")]).matches(&f, now), "no hours at all");
        assert!(!filter(&[("stale", "1")]).matches(&f, now), "checked five months ago");
        assert!(filter(&[("stale", "1")]).matches(&f, now + 2000));
        assert!(is_stale(None, now));
        assert_eq!(filter(&[]).retired, Some(false), "in use by default");
        assert_eq!(filter(&[("state", "all")]).retired, None);
        assert_eq!(filter(&[("kind", "meal")]).kind, Some(Kind::Meal));
    }

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
