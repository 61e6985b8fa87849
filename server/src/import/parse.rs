//! Validation of imported rows into domain values, collecting every error.

use std::collections::HashSet;

use app::domain::boundary::{Boundary, BoundaryError};
use app::domain::coords::{in_china, Crs, LatLng};
use app::domain::coverage::Residence;
use app::domain::facility::{Community, Kind, MealServices, ReadingServices, Services, SortingServices, WasteCategory};
use app::domain::hours::WeeklyHours;
use app::domain::sorting::SortingItem;
use app::server::store::NewFacility;

use app::domain::admin::import::RowProblem;

use super::{Record, RowError};

const MAX_NAME: usize = 200;
const MAX_ADDRESS: usize = 300;
const MAX_REF: usize = 64;

/// Collects the errors of one row.
struct Row<'a> {
    record: &'a Record,
    errors: Vec<RowError>,
}

impl<'a> Row<'a> {
    fn new(record: &'a Record) -> Self {
        Self {
            record,
            errors: Vec::new(),
        }
    }

    fn fail(&mut self, field: &str, problem: RowProblem) {
        self.errors.push(RowError {
            row: self.record.row.clone(),
            field: field.into(),
            problem,
        });
    }

    fn text(&mut self, field: &str, required: bool, max: usize) -> String {
        let v = self.record.get(field);
        if required && v.is_empty() {
            self.fail(field, RowProblem::Required);
        } else if v.chars().count() > max {
            self.fail(field, RowProblem::TooLong(max));
        } else if v.chars().any(char::is_control) {
            self.fail(field, RowProblem::Control);
        }
        v.to_string()
    }

    /// The row's `lat`/`lng` in the file's system, converted to WGS-84.
    fn location(&mut self, crs: Crs) -> LatLng {
        let mut num = |field: &str, bound: f64| match self.record.get(field).parse::<f64>() {
            Ok(x) if x.is_finite() && x.abs() <= bound => x,
            Ok(x) if x.is_finite() => {
                self.fail(field, RowProblem::OutOfRange(bound as u32));
                f64::NAN
            }
            _ => {
                self.fail(field, RowProblem::NotDegrees);
                f64::NAN
            }
        };
        let p = LatLng::new(num("lat", 90.0), num("lng", 180.0));
        if p.is_valid() && !in_china(p) {
            self.fail("lat", RowProblem::OutsideChina);
        }
        if p.is_valid() {
            crs.to_wgs84(p)
        } else {
            p
        }
    }

    fn flag(&mut self, field: &str) -> bool {
        match self.record.get(field).to_ascii_lowercase().as_str() {
            "" | "0" | "false" | "no" | "n" | "否" => false,
            "1" | "true" | "yes" | "y" | "是" => true,
            _ => {
                self.fail(field, RowProblem::NotFlag);
                false
            }
        }
    }

    fn price(&mut self, field: &str) -> Option<f64> {
        let v = self.record.get(field);
        if v.is_empty() {
            return None;
        }
        match v.parse::<f64>() {
            Ok(p) if p.is_finite() && (0.0..=1000.0).contains(&p) => Some(p),
            _ => {
                self.fail(field, RowProblem::Price);
                None
            }
        }
    }

    fn count(&mut self, field: &str) -> Option<u32> {
        let v = self.record.get(field);
        if v.is_empty() {
            return None;
        }
        match v.parse::<u32>() {
            Ok(n) if n <= 100_000 => Some(n),
            _ => {
                self.fail(field, RowProblem::WholeNumber);
                None
            }
        }
    }
}

/// The error for a file without data rows (none otherwise).
fn empty_file(records: &[Record]) -> Vec<RowError> {
    if records.is_empty() {
        vec![RowError {
            row: "file".into(),
            field: "-".into(),
            problem: RowProblem::NoRows,
        }]
    } else {
        Vec::new()
    }
}

/// Validates facility rows. `communities`: the codes a row may refer to;
/// `crs`: the system of the file's coordinates.
pub fn parse_facilities(
    records: &[Record],
    communities: &HashSet<String>,
    crs: Crs,
) -> Result<Vec<NewFacility>, Vec<RowError>> {
    let mut errors = empty_file(records);
    let mut out = Vec::new();
    let mut seen_refs = HashSet::new();
    for record in records {
        let mut row = Row::new(record);
        let source_ref = row.text("ref", true, MAX_REF);
        if !source_ref.is_empty() && !seen_refs.insert(source_ref.clone()) {
            row.fail("ref", RowProblem::Duplicate(source_ref.clone()));
        }
        let kind = Kind::parse(record.get("kind"));
        if kind.is_none() {
            row.fail("kind", RowProblem::Kind);
        }
        let name_zh = row.text("name_zh", true, MAX_NAME);
        let name_en = row.text("name_en", false, MAX_NAME);
        let address_zh = row.text("address_zh", true, MAX_ADDRESS);
        let address_en = row.text("address_en", false, MAX_ADDRESS);
        let location = row.location(crs);
        let phone = row.text("phone", false, 30);
        if !phone.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)) {
            row.fail("phone", RowProblem::Phone);
        }
        let community = row.text("community", false, MAX_REF);
        if !community.is_empty() && !communities.contains(&community) {
            row.fail("community", RowProblem::UnknownCommunity(community.clone()));
        }
        let hours = match WeeklyHours::parse(record.get("hours")) {
            Ok(h) => h,
            Err(e) => {
                row.fail("hours", RowProblem::Hours(e));
                WeeklyHours::default()
            }
        };
        let services = kind.map(|k| match k {
            Kind::Meal => Services::Meal(MealServices {
                lunch: row.flag("lunch"),
                dinner: row.flag("dinner"),
                price_60: row.price("price_60"),
                price_80: row.price("price_80"),
                delivery: row.flag("delivery"),
            }),
            Kind::Reading => Services::Reading(ReadingServices {
                children_corner: row.flag("children_corner"),
                seats: row.count("seats"),
            }),
            Kind::Sorting => {
                let mut accepts = Vec::new();
                for part in record.get("accepts").split(['|', ',', ' ']).filter(|p| !p.is_empty()) {
                    match WasteCategory::parse(part) {
                        Some(c) if !accepts.contains(&c) => accepts.push(c),
                        Some(_) => {}
                        None => row.fail("accepts", RowProblem::UnknownCategory(part.to_string())),
                    }
                }
                if accepts.is_empty() {
                    row.fail("accepts", RowProblem::AcceptsNone);
                }
                Services::Sorting(SortingServices { accepts })
            }
        });
        if row.errors.is_empty() {
            if let Some(services) = services {
                out.push(NewFacility {
                    source_ref,
                    name_zh,
                    name_en,
                    address_zh,
                    address_en,
                    location,
                    phone,
                    community,
                    hours,
                    services,
                });
            }
        }
        errors.append(&mut row.errors);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Splits a `|`-separated list, dropping empty parts.
fn list(text: &str) -> Vec<String> {
    text.split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Toneless pinyin: lower-case syllables separated by single spaces.
fn is_pinyin(text: &str) -> bool {
    !text.is_empty()
        && text
            .split(' ')
            .all(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase()))
}

/// Validates rows of the sorting dictionary.
pub fn parse_sorting(records: &[Record]) -> Result<Vec<SortingItem>, Vec<RowError>> {
    let mut errors = empty_file(records);
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for record in records {
        let mut row = Row::new(record);
        let name_zh = row.text("name_zh", true, 50);
        if !name_zh.is_empty() && !seen.insert(name_zh.clone()) {
            row.fail("name_zh", RowProblem::Duplicate(name_zh.clone()));
        }
        let aliases_zh = list(&row.text("aliases_zh", false, 500));
        let name_en = row.text("name_en", false, 80);
        let aliases_en = list(&row.text("aliases_en", false, 500));
        let category = WasteCategory::parse(record.get("category"));
        if category.is_none() {
            row.fail("category", RowProblem::SortingCategory);
        }
        let tip_zh = row.text("tip_zh", false, 300);
        let tip_en = row.text("tip_en", false, 600);
        let pinyin = row.text("pinyin", true, 200);
        if !pinyin.is_empty() && !is_pinyin(&pinyin) {
            row.fail("pinyin", RowProblem::Pinyin);
        }
        let aliases_pinyin = list(&row.text("aliases_pinyin", false, 1000));
        if aliases_pinyin.len() != aliases_zh.len() {
            row.fail(
                "aliases_pinyin",
                RowProblem::AliasCount(aliases_pinyin.len(), aliases_zh.len()),
            );
        } else if let Some(bad) = aliases_pinyin.iter().find(|p| !is_pinyin(p)) {
            row.fail("aliases_pinyin", RowProblem::NotPinyin(bad.to_string()));
        }
        if let (true, Some(category)) = (row.errors.is_empty(), category) {
            out.push(SortingItem {
                name_zh,
                aliases_zh,
                name_en,
                aliases_en,
                category,
                tip_zh,
                tip_en,
                pinyin,
                aliases_pinyin,
            });
        }
        errors.append(&mut row.errors);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Validates community rows.
pub fn parse_communities(records: &[Record], crs: Crs) -> Result<Vec<Community>, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for record in records {
        let mut row = Row::new(record);
        let code = row.text("code", true, MAX_REF);
        if !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            row.fail("code", RowProblem::Code);
        }
        if !code.is_empty() && !seen.insert(code.clone()) {
            row.fail("code", RowProblem::Duplicate(code.clone()));
        }
        let boundary = match record.get("boundary") {
            "" => None,
            text => match serde_json::from_str::<serde_json::Value>(text)
                .map_err(|_| BoundaryError::NotPolygon)
                .and_then(|g| Boundary::from_geojson(&g, |p| crs.to_wgs84(p)))
            {
                Ok(b) => Some(b),
                Err(e) => {
                    row.fail("boundary", RowProblem::Boundary(e));
                    None
                }
            },
        };
        // A boundary without a centre: the centre of its largest polygon.
        let centre = match (&boundary, record.get("lat"), record.get("lng")) {
            (Some(b), "", "") => b.centre(),
            _ => row.location(crs),
        };
        if let Some(b) = &boundary {
            if !b.contains(centre) {
                row.fail("lat", RowProblem::CentreOutside);
            }
        }
        let community = Community {
            name_zh: row.text("name_zh", true, MAX_NAME),
            name_en: row.text("name_en", false, MAX_NAME),
            district_zh: row.text("district_zh", false, MAX_NAME),
            district_en: row.text("district_en", false, MAX_NAME),
            centre,
            boundary,
            code,
        };
        if row.errors.is_empty() {
            out.push(community);
        }
        errors.append(&mut row.errors);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Validates residential compound rows. `communities`: the codes a row may
/// refer to; `crs`: the system of the file's coordinates.
pub fn parse_residences(
    records: &[Record],
    communities: &HashSet<String>,
    crs: Crs,
) -> Result<Vec<Residence>, Vec<RowError>> {
    let mut errors = empty_file(records);
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for record in records {
        let mut row = Row::new(record);
        let source_ref = row.text("ref", true, MAX_REF);
        if !source_ref.is_empty() && !seen.insert(source_ref.clone()) {
            row.fail("ref", RowProblem::Duplicate(source_ref.clone()));
        }
        let community = row.text("community", true, MAX_REF);
        if !community.is_empty() && !communities.contains(&community) {
            row.fail("community", RowProblem::UnknownCommunity(community.clone()));
        }
        // At most 100 000 (`Row::count`): the largest estates house some
        // tens of thousands.
        let mut head_count = |field: &str| {
            let n = row.count(field);
            if n.is_none() && row.record.get(field).is_empty() {
                row.fail(field, RowProblem::Required);
            }
            n
        };
        let residents = head_count("residents");
        let elderly = head_count("elderly");
        if let (Some(all), Some(old)) = (residents, elderly) {
            if old > all {
                row.fail("elderly", RowProblem::ElderlyOverResidents);
            }
        }
        let residence = Residence {
            id: 0,
            name_zh: row.text("name_zh", true, MAX_NAME),
            name_en: row.text("name_en", false, MAX_NAME),
            location: row.location(crs),
            source_ref,
            community,
            residents: residents.unwrap_or_default(),
            elderly: elderly.unwrap_or_default(),
        };
        if row.errors.is_empty() {
            out.push(residence);
        }
        errors.append(&mut row.errors);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{read_records, Format};

    const HEADER: &str = "ref,kind,name_zh,name_en,address_zh,address_en,lat,lng,phone,community,hours,lunch,dinner,price_60,price_80,delivery,children_corner,seats,accepts";

    fn known() -> HashSet<String> {
        ["wuhou-yulin".to_string()].into()
    }

    fn parse(rows: &str) -> Result<Vec<NewFacility>, Vec<RowError>> {
        parse_facilities(
            &read_records(format!("{HEADER}\n{rows}"), Format::Csv).unwrap(),
            &known(),
            Crs::Wgs84,
        )
    }

    #[test]
    fn good_rows_of_each_kind() {
        let got = parse(
            "m1,meal,玉林长者食堂,Yulin Canteen,武侯区玉林北路1号,,30.64,104.06,028-85550001,wuhou-yulin,Mo-Fr 11:00-13:00,1,0,12,10.5,1,,,\n\
             r1,reading,玉林书屋,,武侯区玉林北路2号,,30.641,104.061,,wuhou-yulin,Tu-Su 09:00-21:00; Mo off,,,,,,1,30,\n\
             s1,sorting,玉林投放点,,武侯区玉林北路3号,,30.642,104.062,,,Mo-Su 07:00-09:00,,,,,,,,recyclable|hazardous",
        )
        .unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(
            got[0].services,
            Services::Meal(MealServices {
                lunch: true,
                dinner: false,
                price_60: Some(12.0),
                price_80: Some(10.5),
                delivery: true
            })
        );
        assert_eq!(
            got[1].services,
            Services::Reading(ReadingServices {
                children_corner: true,
                seats: Some(30)
            })
        );
        assert_eq!(
            got[2].services,
            Services::Sorting(SortingServices {
                accepts: vec![WasteCategory::Recyclable, WasteCategory::Hazardous]
            })
        );
        assert_eq!(got[0].location, LatLng::new(30.64, 104.06));
    }

    #[test]
    fn every_bad_field_is_reported_with_its_row() {
        let errors = parse(
            "m1,meal,玉林长者食堂,,武侯区,,30.64,104.06,,wuhou-yulin,Mo-Fr 11:00-13:00,1,0,12,10,1,,,\n\
             m1,canteen,,,,,north,104.06,call me,nowhere,Mo-Fr 25:00-26:00,maybe,,-3,,,,,\n\
             s2,sorting,点,,址,,104.06,30.64,,,Mo-Su 07:00-09:00,,,,,,,,paper",
        )
        .unwrap_err();
        let got: Vec<(&str, &str)> = errors.iter().map(|e| (e.row.as_str(), e.field.as_str())).collect();
        for want in [
            ("line 3", "ref"),
            ("line 3", "kind"),
            ("line 3", "name_zh"),
            ("line 3", "address_zh"),
            ("line 3", "lat"),
            ("line 3", "phone"),
            ("line 3", "community"),
            ("line 3", "hours"),
            ("line 4", "lat"),
            ("line 4", "accepts"),
        ] {
            assert!(got.contains(&want), "missing {want:?} in {got:?}");
        }
        assert!(
            !got.iter().any(|(row, _)| *row == "line 2"),
            "the good row has no error"
        );
        // Swapped coordinates are caught as outside China.
        assert!(errors
            .iter()
            .any(|e| e.row == "line 4" && e.problem.to_string().contains("swapped")));
    }

    #[test]
    fn sorting_rows_are_validated() {
        let text = "name_zh,aliases_zh,name_en,aliases_en,category,tip_zh,tip_en,pinyin,aliases_pinyin\n\
                    报纸,旧报纸|报刊,newspaper,,recyclable,保持干燥,Keep dry,bao zhi,jiu bao zhi|bao kan\n\
                    报纸,,paper,,recyclable,,,bao zhi,\n\
                    电池,干电池,battery,,battery,,,Dian Chi,\n";
        let errors = parse_sorting(&read_records(text, Format::Csv).unwrap()).unwrap_err();
        let got: Vec<(&str, &str)> = errors.iter().map(|e| (e.row.as_str(), e.field.as_str())).collect();
        assert_eq!(
            got,
            [
                ("line 3", "name_zh"),
                ("line 4", "category"),
                ("line 4", "pinyin"),
                ("line 4", "aliases_pinyin")
            ]
        );
        let good = "name_zh,aliases_zh,name_en,aliases_en,category,tip_zh,tip_en,pinyin,aliases_pinyin\n\
                    报纸,旧报纸|报刊,newspaper,paper|newsprint,recyclable,保持干燥,Keep dry,bao zhi,jiu bao zhi|bao kan\n";
        let items = parse_sorting(&read_records(good, Format::Csv).unwrap()).unwrap();
        assert_eq!(items[0].aliases_zh, ["旧报纸", "报刊"]);
        assert_eq!(items[0].aliases_en, ["paper", "newsprint"]);
        assert_eq!(items[0].category, WasteCategory::Recyclable);
    }

    #[test]
    fn empty_file_is_an_error() {
        assert!(parse("").is_err());
    }

    #[test]
    fn communities_validate_codes_and_duplicates() {
        let text = "code,name_zh,name_en,district_zh,district_en,lat,lng\n\
                    wuhou-yulin,玉林街道,Yulin,武侯区,Wuhou,30.63,104.05\n\
                    wuhou-yulin,重复,,,,30.63,104.05\n\
                    bad code!,名字,,,,30.63,104.05\n";
        let errors = parse_communities(&read_records(text, Format::Csv).unwrap(), Crs::Wgs84).unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].row == "line 3" && errors[1].row == "line 4");
    }
}
