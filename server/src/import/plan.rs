//! The browser's import of facilities: what a file would change, worked
//! out before anything is written (the preview), and the same plan made
//! again from the staged file when the clerk confirms, then written all or
//! nothing. A facility is matched on `ref`; one in use that the file leaves
//! out is retired only when the clerk asks, and only within the
//! communities the file covers (a file for one community retires nothing
//! elsewhere).

use std::collections::{HashMap, HashSet};

use app::domain::admin::import::{ImportPreview, PreviewFacility};
use app::domain::coords::Crs;
use app::domain::facility::Facility;
use app::server::store::{history_json, Db, FacilityRecord, FacilityScope, ImportChange, NewFacility, StoreError};

use super::{parse_facilities, read_records, Format};

/// Rows a browser import takes at once (a district's facilities; larger
/// files go through `server import`).
pub const MAX_BROWSER_ROWS: usize = 5_000;

/// A preview and what confirming it writes.
#[derive(Debug, Default)]
pub struct Plan {
    pub preview: ImportPreview,
    pub changes: Vec<ImportChange>,
    pub retire: Vec<FacilityRecord>,
}

/// The stored facility with the file's fields over it (its closures and
/// "last checked" kept; a retired one in the file is in use again).
fn merged(before: Option<&Facility>, row: &NewFacility) -> Facility {
    let base = before.cloned().unwrap_or(Facility {
        id: 0,
        source_ref: row.source_ref.clone(),
        name_zh: String::new(),
        name_en: String::new(),
        address_zh: String::new(),
        address_en: String::new(),
        location: row.location,
        phone: String::new(),
        community: String::new(),
        hours: row.hours.clone(),
        services: row.services.clone(),
        closures: Vec::new(),
        checked_at: None,
        retired: false,
    });
    Facility {
        name_zh: row.name_zh.clone(),
        name_en: row.name_en.clone(),
        address_zh: row.address_zh.clone(),
        address_en: row.address_en.clone(),
        location: row.location,
        phone: row.phone.clone(),
        community: row.community.clone(),
        hours: row.hours.clone(),
        services: row.services.clone(),
        retired: false,
        ..base
    }
}

/// The fields (as the history names them) that differ.
fn changed_fields(before: &Facility, after: &Facility) -> Vec<String> {
    let parse = |f: &Facility| {
        serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&history_json(f)).unwrap_or_default()
    };
    let (b, a) = (parse(before), parse(after));
    a.keys().filter(|k| b.get(*k) != a.get(*k)).cloned().collect()
}

fn listed(f: &Facility, english: bool, changed: Vec<String>) -> PreviewFacility {
    PreviewFacility {
        source_ref: f.source_ref.clone(),
        name: f.name(english).to_string(),
        kind: f.kind(),
        community: f.community.clone(),
        changed,
    }
}

/// Works out what importing `content` would do.
pub async fn plan(
    db: &Db,
    content: &[u8],
    format: Format,
    crs: Crs,
    retire_missing: bool,
    english: bool,
) -> Result<Plan, StoreError> {
    let mut plan = Plan::default();
    plan.preview.retire_missing = retire_missing;
    let records = match read_records(content, format) {
        Ok(r) => r,
        Err(e) => {
            plan.preview.unreadable = Some(e);
            return Ok(plan);
        }
    };
    if records.len() > MAX_BROWSER_ROWS {
        plan.preview.unreadable = Some(format!(
            "{} rows; the browser imports at most {MAX_BROWSER_ROWS} (use `server import`)",
            records.len()
        ));
        return Ok(plan);
    }
    plan.preview.rows = records.len();
    let known: HashSet<String> = db.community_codes().await?.into_iter().collect();
    let rows = match parse_facilities(&records, &known, crs) {
        Ok(rows) => rows,
        Err(errors) => {
            plan.preview.errors = errors;
            return Ok(plan);
        }
    };
    let stored = db.admin_facilities(&FacilityScope::default()).await?;
    let by_ref: HashMap<&str, &FacilityRecord> = stored.iter().map(|r| (r.facility.source_ref.as_str(), r)).collect();
    let in_file: HashSet<&str> = rows.iter().map(|r| r.source_ref.as_str()).collect();
    let covered: HashSet<&str> = rows.iter().map(|r| r.community.as_str()).collect();
    for row in &rows {
        let before = by_ref.get(row.source_ref.as_str()).copied();
        let after = merged(before.map(|b| &b.facility), row);
        match before {
            None => {
                plan.preview.added.push(listed(&after, english, Vec::new()));
                plan.changes.push(ImportChange { before: None, after });
            }
            Some(b) => {
                let changed = changed_fields(&b.facility, &after);
                if changed.is_empty() {
                    plan.preview.unchanged += 1;
                } else {
                    plan.preview.updated.push(listed(&after, english, changed));
                    plan.changes.push(ImportChange {
                        before: Some(b.clone()),
                        after,
                    });
                }
            }
        }
    }
    for r in &stored {
        let f = &r.facility;
        if !f.retired && covered.contains(f.community.as_str()) && !in_file.contains(f.source_ref.as_str()) {
            plan.preview.missing.push(listed(f, english, Vec::new()));
            if retire_missing {
                plan.retire.push(r.clone());
            }
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::coords::LatLng;
    use app::domain::facility::{ReadingServices, Services};
    use app::domain::hours::WeeklyHours;

    fn row(name: &str) -> NewFacility {
        NewFacility {
            source_ref: "r-1".into(),
            name_zh: name.into(),
            name_en: String::new(),
            address_zh: "甲路1号".into(),
            address_en: String::new(),
            location: LatLng::new(30.64, 104.05),
            phone: String::new(),
            community: "test-a".into(),
            hours: WeeklyHours::parse("Mo-Su 09:00-17:00").unwrap(),
            services: Services::Reading(ReadingServices {
                children_corner: false,
                seats: None,
            }),
        }
    }

    #[test]
    fn a_row_over_a_stored_facility_keeps_its_closures_and_checks_and_brings_it_back() {
        let mut stored = merged(None, &row("一号书屋"));
        stored.id = 7;
        stored.checked_at = Some(5);
        stored.retired = true;
        let after = merged(Some(&stored), &row("一号书屋（新）"));
        assert_eq!((after.id, after.checked_at, after.retired), (7, Some(5), false));
        assert_eq!(changed_fields(&stored, &after), ["name_zh", "retired"]);
        assert!(changed_fields(&after, &after).is_empty());
    }
}
