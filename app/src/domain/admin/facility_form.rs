//! The facility edit form: every field checked, every problem reported with
//! its field, so the page can say what to fix beside it in the reader's
//! language. Fields a member may not change are not read at all (the
//! caller passes `details: false` for a committee member).

use crate::domain::coords::{in_china, split_pasted, LatLng};
use crate::domain::facility::{Kind, MealServices, ReadingServices, Services, SortingServices, WasteCategory};
use crate::domain::hours::WeeklyHours;

use super::hours_form::{self, DayFields, HoursProblem};

pub const MAX_NAME: usize = 200;
pub const MAX_ADDRESS: usize = 300;
pub const MAX_PHONE: usize = 30;

/// Names, addresses, place, kind and community: what only admins change.
#[derive(Clone, Debug, PartialEq)]
pub struct Details {
    pub kind: Kind,
    pub name_zh: String,
    pub name_en: String,
    pub address_zh: String,
    pub address_en: String,
    pub location: LatLng,
    pub community: String,
}

/// A valid form.
#[derive(Clone, Debug, PartialEq)]
pub struct FacilityEdit {
    /// `None` when the member may not change them (or did not send them).
    pub details: Option<Details>,
    pub phone: String,
    pub hours: WeeklyHours,
    pub services: Services,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    Required,
    TooLong(usize),
    /// Control characters (a pasted line break).
    Control,
    Phone,
    /// Not a number of degrees.
    Coordinate,
    OutsideChina,
    UnknownCommunity,
    Kind,
    Price,
    Seats,
    AcceptsNone,
    Hours(HoursProblem),
}

/// A problem and the form field it belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormProblem {
    pub field: &'static str,
    pub problem: Problem,
}

type Fields = [(String, String)];

fn get<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.trim())
}

fn ticked(f: &Fields, name: &str) -> bool {
    matches!(get(f, name), "1" | "on" | "true" | "yes")
}

struct Checker<'a> {
    fields: &'a Fields,
    problems: Vec<FormProblem>,
}

impl Checker<'_> {
    fn fail(&mut self, field: &'static str, problem: Problem) {
        self.problems.push(FormProblem { field, problem });
    }

    fn text(&mut self, field: &'static str, required: bool, max: usize) -> String {
        let v = get(self.fields, field);
        if required && v.is_empty() {
            self.fail(field, Problem::Required);
        } else if v.chars().count() > max {
            self.fail(field, Problem::TooLong(max));
        } else if v.chars().any(char::is_control) {
            self.fail(field, Problem::Control);
        }
        v.to_string()
    }

    /// `lat` and `lng`, or one `coords` field pasted from a map app as
    /// `30.6365, 104.0452`.
    fn location(&mut self) -> LatLng {
        let pasted = get(self.fields, "coords");
        let (lat, lng) = match split_pasted(pasted) {
            (a, b) if !b.is_empty() && get(self.fields, "lat").is_empty() => (a, b),
            _ => (get(self.fields, "lat"), get(self.fields, "lng")),
        };
        let num = |t: &str| t.parse::<f64>().ok().filter(|x| x.is_finite());
        let p = match (num(lat), num(lng)) {
            (Some(a), Some(b)) => LatLng::new(a, b),
            (a, _) => {
                self.fail(if a.is_none() { "lat" } else { "lng" }, Problem::Coordinate);
                return LatLng::new(f64::NAN, f64::NAN);
            }
        };
        if !p.is_valid() || !in_china(p) {
            self.fail("lat", Problem::OutsideChina);
        }
        p
    }

    fn price(&mut self, field: &'static str) -> Option<f64> {
        let v = get(self.fields, field);
        if v.is_empty() {
            return None;
        }
        match v.parse::<f64>() {
            Ok(p) if p.is_finite() && (0.0..=1000.0).contains(&p) => Some(p),
            _ => {
                self.fail(field, Problem::Price);
                None
            }
        }
    }
}

/// The weekday rows of the hours editor.
pub fn day_fields(f: &Fields) -> [DayFields; 7] {
    std::array::from_fn(|d| {
        let d = d as u8;
        let part = |p: &str| get(f, &hours_form::field_name(d, p)).to_string();
        DayFields {
            closed: ticked(f, &hours_form::field_name(d, "closed")),
            open1: part("open1"),
            close1: part("close1"),
            open2: part("open2"),
            close2: part("close2"),
        }
    })
}

/// Checks the form. `details`: the member may change names, place, kind and
/// community (then they are read; otherwise `kind` is the facility's own);
/// `communities`: the codes a facility may belong to.
pub fn parse(
    fields: &Fields,
    details: bool,
    kind: Kind,
    communities: &[String],
) -> Result<FacilityEdit, Vec<FormProblem>> {
    let mut c = Checker {
        fields,
        problems: Vec::new(),
    };
    let details = details.then(|| {
        let kind = match Kind::parse(get(fields, "kind")) {
            Some(k) => k,
            None => {
                c.fail("kind", Problem::Kind);
                kind
            }
        };
        let community = get(fields, "community").to_string();
        if !communities.contains(&community) {
            c.fail("community", Problem::UnknownCommunity);
        }
        Details {
            kind,
            name_zh: c.text("name_zh", true, MAX_NAME),
            name_en: c.text("name_en", false, MAX_NAME),
            address_zh: c.text("address_zh", true, MAX_ADDRESS),
            address_en: c.text("address_en", false, MAX_ADDRESS),
            location: c.location(),
            community,
        }
    });
    let kind = details.as_ref().map_or(kind, |d| d.kind);
    let phone = c.text("phone", false, MAX_PHONE);
    if !phone.chars().all(|ch| ch.is_ascii_digit() || " +-()".contains(ch)) {
        c.fail("phone", Problem::Phone);
    }
    let hours = match hours_form::parse_week(&day_fields(fields)) {
        Ok(h) => h,
        Err(problems) => {
            for p in problems {
                c.fail("hours", Problem::Hours(p));
            }
            WeeklyHours::default()
        }
    };
    let services = match kind {
        Kind::Meal => Services::Meal(MealServices {
            lunch: ticked(fields, "lunch"),
            dinner: ticked(fields, "dinner"),
            price_60: c.price("price_60"),
            price_80: c.price("price_80"),
            delivery: ticked(fields, "delivery"),
        }),
        Kind::Reading => {
            let seats = get(fields, "seats");
            let seats = if seats.is_empty() {
                None
            } else {
                match seats.parse::<u32>() {
                    Ok(n) if n <= 100_000 => Some(n),
                    _ => {
                        c.fail("seats", Problem::Seats);
                        None
                    }
                }
            };
            Services::Reading(ReadingServices {
                children_corner: ticked(fields, "children_corner"),
                seats,
            })
        }
        Kind::Sorting => {
            let accepts: Vec<WasteCategory> = WasteCategory::ALL
                .into_iter()
                .filter(|w| ticked(fields, &format!("accepts_{}", w.as_str())))
                .collect();
            if accepts.is_empty() {
                c.fail("accepts", Problem::AcceptsNone);
            }
            Services::Sorting(SortingServices { accepts })
        }
    };
    if c.problems.is_empty() {
        Ok(FacilityEdit {
            details,
            phone,
            hours,
            services,
        })
    } else {
        Err(c.problems)
    }
}

/// The form's fields for a facility as it is: what the edit page starts
/// from (and, parsed back, the same facility).
pub fn fields_of(f: &crate::domain::facility::Facility) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = [
        ("kind", f.kind().as_str().to_string()),
        ("name_zh", f.name_zh.clone()),
        ("name_en", f.name_en.clone()),
        ("address_zh", f.address_zh.clone()),
        ("address_en", f.address_en.clone()),
        ("lat", format!("{:.6}", f.location.lat)),
        ("lng", format!("{:.6}", f.location.lng)),
        ("community", f.community.clone()),
        ("phone", f.phone.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let on = |b: bool| if b { "1" } else { "" }.to_string();
    match &f.services {
        Services::Meal(m) => {
            out.push(("lunch".into(), on(m.lunch)));
            out.push(("dinner".into(), on(m.dinner)));
            out.push(("delivery".into(), on(m.delivery)));
            out.push(("price_60".into(), m.price_60.map(|p| p.to_string()).unwrap_or_default()));
            out.push(("price_80".into(), m.price_80.map(|p| p.to_string()).unwrap_or_default()));
        }
        Services::Reading(r) => {
            out.push(("children_corner".into(), on(r.children_corner)));
            out.push(("seats".into(), r.seats.map(|n| n.to_string()).unwrap_or_default()));
        }
        Services::Sorting(s) => {
            for w in &s.accepts {
                out.push((format!("accepts_{}", w.as_str()), "1".into()));
            }
        }
    }
    for (d, day) in hours_form::fields_of(&f.hours).iter().enumerate() {
        let d = d as u8;
        out.push((hours_form::field_name(d, "closed"), on(day.closed)));
        out.push((hours_form::field_name(d, "open1"), day.open1.clone()));
        out.push((hours_form::field_name(d, "close1"), day.close1.clone()));
        out.push((hours_form::field_name(d, "open2"), day.open2.clone()));
        out.push((hours_form::field_name(d, "close2"), day.close2.clone()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_facility_round_trips_through_its_form() {
        use crate::domain::facility::Facility;
        let f = Facility {
            id: 3,
            source_ref: "s-1".into(),
            name_zh: "玉林投放点".into(),
            name_en: "Yulin drop-off".into(),
            address_zh: "玉林路2号".into(),
            address_en: String::new(),
            location: LatLng::new(30.636_5, 104.045_2),
            phone: "028-1234".into(),
            community: "wuhou-yulin".into(),
            hours: WeeklyHours::parse("Mo-Fr 07:00-09:00,18:00-20:00; Sa-Su off").unwrap(),
            services: Services::Sorting(SortingServices {
                accepts: vec![WasteCategory::Recyclable, WasteCategory::Food],
            }),
            closures: Vec::new(),
            checked_at: None,
            retired: false,
        };
        let edit = parse(&fields_of(&f), true, Kind::Meal, &communities()).unwrap();
        let d = edit.details.unwrap();
        assert_eq!(
            (d.kind, d.name_zh.as_str(), d.community.as_str()),
            (Kind::Sorting, "玉林投放点", "wuhou-yulin")
        );
        assert_eq!(d.location, f.location);
        assert_eq!(edit.hours, f.hours);
        assert_eq!(edit.services, f.services);
        assert_eq!(edit.phone, f.phone);
    }

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut f: Vec<(String, String)> = (0..7u8)
            .flat_map(|d| {
                [
                    (hours_form::field_name(d, "open1"), "11:00".to_string()),
                    (hours_form::field_name(d, "close1"), "13:00".to_string()),
                ]
            })
            .collect();
        f.extend(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        f
    }

    fn communities() -> Vec<String> {
        vec!["wuhou-yulin".into()]
    }

    #[test]
    fn a_committee_form_reads_hours_phone_and_services_only() {
        let f = form(&[
            ("name_zh", "改名企图"),
            ("kind", "reading"),
            ("phone", "028-8555 0000"),
            ("lunch", "on"),
            ("price_60", "12.5"),
        ]);
        let edit = parse(&f, false, Kind::Meal, &communities()).unwrap();
        assert_eq!(edit.details, None, "names and kind are not read");
        assert_eq!(edit.hours.to_string(), "Mo-Su 11:00-13:00");
        assert_eq!(edit.phone, "028-8555 0000");
        assert_eq!(
            edit.services,
            Services::Meal(MealServices {
                lunch: true,
                price_60: Some(12.5),
                ..Default::default()
            })
        );
    }

    #[test]
    fn an_admin_form_checks_every_detail() {
        let f = form(&[
            ("kind", "sorting"),
            ("name_zh", ""),
            ("address_zh", "玉林路1号"),
            ("lat", "104.05"),
            ("lng", "30.63"),
            ("community", "nowhere"),
            ("phone", "call me"),
        ]);
        let problems = parse(&f, true, Kind::Meal, &communities()).unwrap_err();
        let fields: Vec<(&str, Problem)> = problems.iter().map(|p| (p.field, p.problem)).collect();
        assert_eq!(
            fields,
            vec![
                ("community", Problem::UnknownCommunity),
                ("name_zh", Problem::Required),
                ("lat", Problem::OutsideChina),
                ("phone", Problem::Phone),
                ("accepts", Problem::AcceptsNone),
            ]
        );
    }

    #[test]
    fn coordinates_pasted_from_a_map_app() {
        let f = form(&[
            ("kind", "reading"),
            ("name_zh", "书屋"),
            ("address_zh", "玉林路1号"),
            ("coords", "30.6365，104.0452"),
            ("community", "wuhou-yulin"),
            ("seats", "20"),
        ]);
        let edit = parse(&f, true, Kind::Meal, &communities()).unwrap();
        let d = edit.details.unwrap();
        assert_eq!((d.location.lat, d.location.lng), (30.6365, 104.0452));
        assert_eq!(d.kind, Kind::Reading);
        let bad = form(&[("kind", "reading"), ("coords", "somewhere")]);
        let problems = parse(&bad, true, Kind::Meal, &communities()).unwrap_err();
        assert!(problems.contains(&FormProblem {
            field: "lat",
            problem: Problem::Coordinate
        }));
    }

    #[test]
    fn hours_problems_come_with_their_day() {
        let mut f = form(&[("lunch", "on")]);
        f.retain(|(k, _)| k != "d2_close1");
        let problems = parse(&f, false, Kind::Meal, &communities()).unwrap_err();
        assert_eq!(problems.len(), 1);
        match problems[0].problem {
            Problem::Hours(h) => assert_eq!((h.weekday, h.problem), (2, hours_form::DayProblem::Unpaired)),
            other => panic!("{other:?}"),
        }
    }
}
