//! Property-based fuzzing of the server's readers of outside input: the
//! importer (CSV and GeoJSON into rows, rows into facilities, communities
//! and the sorting dictionary), a suggestion's form fields, and the
//! multipart reader with its photos.
//!
//! Every reader must answer any input with a value or an error value,
//! never a panic, and keep its promises: an import is all or nothing, each
//! error names its row, a photo part that is not an image is refused.
//! Each property runs `PROPTEST_CASES` cases (proptest's default, 256; the
//! multipart ones a quarter of that, as they decode photos). Failures
//! proptest finds are kept in `tests/fuzz.proptest-regressions` and run
//! first; the `SEEDS` lists hold known-nasty inputs, run on every pass.

use app::domain::coords::Crs;
use std::collections::HashSet;
use std::sync::LazyLock;

use axum::body::Body;
use axum::extract::{FromRequest, Multipart};
use axum::http::{header, HeaderValue, Request};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::test_runner::FileFailurePersistence;
use serde_json::{json, Value};

use app::domain::coords::in_china;
use app::domain::facility::Kind;
use app::domain::sorting::dictionary::{from_tsv, to_tsv};
use app::domain::suggestion::draft::{DESCRIPTION_MAX, PHONE_MAX, TITLE_MAX, TITLE_MIN};
use app::server::photos::samples::jpeg;
use app::server::photos::{is_key, PhotoError, PhotoStore};
use server::import::{parse_communities, parse_facilities, parse_sorting, read_records, Format, Record, RowError};
use server::intake::{draft_from_fields, read_multipart, Intake, IntakeError};
use server::state::TEXT_FIELD_MAX_BYTES;

/// `PROPTEST_CASES` divided by `cost`, with failures kept beside this file.
fn config(cost: u32) -> ProptestConfig {
    let base = ProptestConfig::default();
    ProptestConfig {
        cases: (base.cases / cost).max(1),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..base
    }
}

// ---- The importer ----

const FACILITY_HEADER: [&str; 19] = [
    "ref",
    "kind",
    "name_zh",
    "name_en",
    "address_zh",
    "address_en",
    "lat",
    "lng",
    "phone",
    "community",
    "hours",
    "lunch",
    "dinner",
    "price_60",
    "price_80",
    "delivery",
    "children_corner",
    "seats",
    "accepts",
];
const COMMUNITY_HEADER: [&str; 7] = ["code", "name_zh", "name_en", "district_zh", "district_en", "lat", "lng"];
const SORTING_HEADER: [&str; 9] = [
    "name_zh",
    "aliases_zh",
    "name_en",
    "aliases_en",
    "category",
    "tip_zh",
    "tip_en",
    "pinyin",
    "aliases_pinyin",
];

/// Field values that have broken, or nearly broken, importers elsewhere.
const HOSTILE: &[&str] = &[
    "",
    " ",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "infinity",
    "1e309",
    "-1e309",
    "-0",
    "0x1F",
    "1_000",
    "30,64",
    "30.64.1",
    "104.06",
    "30.64",
    "90.0000001",
    "-90",
    "180.1",
    "18446744073709551616",
    "4294967296",
    "100001",
    "-1",
    "\"",
    "\"\"",
    "a\"b",
    ",",
    "\n",
    "\r\n",
    "\t",
    "\0",
    "\u{FEFF}",
    "\u{202E}",
    "\u{1F600}",
    "是",
    "否",
    "TRUE",
    "f0",
    "test-a",
    "Mo-Su 24:00-01:00",
    "24/7",
    "recyclable|recyclable",
    "recyclable, food",
    "|||",
    "bao  zhi",
    "Bao Zhi",
];

fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(HOSTILE).prop_map(String::from),
        1 => any::<f64>().prop_map(|x| x.to_string()),
        1 => (-1e6f64..1e6).prop_map(|x| x.to_string()),
        1 => "[0-9.eE+-]{1,12}",
        2 => "(?s).{0,20}",
        1 => (0usize..700).prop_map(|n| "长".repeat(n)),
    ]
}

/// A valid facility row of `kind`, numbered so that refs differ.
fn facility_row(i: usize, kind: Kind) -> Vec<String> {
    let services: [&str; 8] = match kind {
        Kind::Meal => ["1", "0", "12", "10.5", "1", "", "", ""],
        Kind::Reading => ["", "", "", "", "", "1", "30", ""],
        Kind::Sorting => ["", "", "", "", "", "", "", "recyclable|hazardous"],
    };
    let source_ref = format!("f{i}");
    let mut row: Vec<String> = [
        source_ref.as_str(),
        kind.as_str(),
        "玉林食堂",
        "Yulin",
        "武侯区玉林北路1号",
        "",
        "30.64",
        "104.06",
        "028-85550001",
        "test-a",
        "Mo-Fr 11:00-13:00",
    ]
    .map(String::from)
    .to_vec();
    row.extend(services.map(String::from));
    row
}

fn community_row(i: usize) -> Vec<String> {
    let code = format!("c-{i}");
    [code.as_str(), "玉林街道", "Yulin", "武侯区", "Wuhou", "30.63", "104.05"]
        .map(String::from)
        .to_vec()
}

fn sorting_row(i: usize) -> Vec<String> {
    let name = format!("报纸{i}");
    [
        name.as_str(),
        "旧报纸|报刊",
        "newspaper",
        "paper",
        "recyclable",
        "保持干燥",
        "Keep dry",
        "bao zhi",
        "jiu bao zhi|bao kan",
    ]
    .map(String::from)
    .to_vec()
}

/// Up to three fields of a row replaced by hostile values.
fn mutations() -> impl Strategy<Value = Vec<(Index, String)>> {
    vec((any::<Index>(), hostile()), 0..3)
}

fn mutate(mut row: Vec<String>, mutations: &[(Index, String)]) -> Vec<String> {
    for (at, value) in mutations {
        let i = at.index(row.len());
        row[i] = value.clone();
    }
    row
}

/// A CSV file: quoted as a spreadsheet writes it, or fields joined with
/// commas as a careless script does.
fn csv(header: &[&str], rows: &[Vec<String>], quoted: bool) -> String {
    if !quoted {
        let mut out = header.join(",");
        for row in rows {
            out.push('\n');
            out.push_str(&row.join(","));
        }
        return out;
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).unwrap();
    for row in rows {
        writer.write_record(row).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

fn known_communities() -> HashSet<String> {
    ["test-a".to_string()].into()
}

/// Reads `text`; rows are numbered like a spreadsheet or by feature.
fn records(text: &str, format: Format) -> Option<Vec<Record>> {
    match read_records(text, format) {
        Ok(records) => {
            for (i, r) in records.iter().enumerate() {
                let want = match format {
                    Format::Csv => format!("line {}", i + 2),
                    Format::GeoJson => format!("feature {}", i + 1),
                    Format::Xlsx => unreachable!("text is never a workbook"),
                };
                assert_eq!(r.row, want);
            }
            Some(records)
        }
        Err(e) => {
            assert!(!e.is_empty() && e.len() < 1000, "{e}");
            None
        }
    }
}

/// All or nothing: every record becomes a value, or there are errors and
/// each names a record (or the whole file) and says what is wrong.
fn all_or_nothing<T>(records: &[Record], result: &Result<Vec<T>, Vec<RowError>>) {
    match result {
        Ok(values) => assert_eq!(values.len(), records.len(), "some rows were dropped"),
        Err(errors) => {
            assert!(!errors.is_empty(), "an error without a reason");
            for e in errors {
                assert!(
                    e.row == "file" || records.iter().any(|r| r.row == e.row),
                    "error for an unknown row: {e}"
                );
                assert!(!e.field.is_empty() && !e.problem.to_string().is_empty(), "{e:?}");
            }
        }
    }
}

/// Each row is judged on its own: its errors in the file are the errors it
/// has alone, plus only "appears more than once".
fn judged_alone<T>(records: &[Record], parse: impl Fn(&[Record]) -> Result<Vec<T>, Vec<RowError>>) {
    let in_file = parse(records).err().unwrap_or_default();
    for r in records {
        let alone = parse(std::slice::from_ref(r)).err().unwrap_or_default();
        let here: Vec<&RowError> = in_file
            .iter()
            .filter(|e| e.row == r.row && !matches!(e.problem, server::import::RowProblem::Duplicate(_)))
            .collect();
        assert_eq!(alone.iter().collect::<Vec<_>>(), here, "{}", r.row);
    }
}

/// Runs every row validator on the records and checks what it promises.
fn check_import(records: &[Record]) {
    let facilities = parse_facilities(records, &known_communities(), Crs::Wgs84);
    all_or_nothing(records, &facilities);
    for f in facilities.iter().flatten() {
        assert!(f.location.is_valid() && in_china(f.location), "{:?}", f.location);
        assert!(!f.source_ref.is_empty() && !f.name_zh.is_empty() && !f.address_zh.is_empty());
        for text in [
            &f.source_ref,
            &f.name_zh,
            &f.name_en,
            &f.address_zh,
            &f.address_en,
            &f.phone,
        ] {
            assert!(!text.chars().any(char::is_control), "{text:?}");
        }
    }
    judged_alone(records, |r| parse_facilities(r, &known_communities(), Crs::Wgs84));

    let communities = parse_communities(records, Crs::Wgs84);
    all_or_nothing(records, &communities);
    for c in communities.iter().flatten() {
        assert!(c.centre.is_valid() && in_china(c.centre), "{:?}", c.centre);
    }
    judged_alone(records, |r| parse_communities(r, Crs::Wgs84));

    let sorting = parse_sorting(records);
    all_or_nothing(records, &sorting);
    if let Ok(items) = &sorting {
        // The browser gets the dictionary as TSV: what was imported arrives.
        assert_eq!(&from_tsv(&to_tsv(items)), items);
    }
    judged_alone(records, parse_sorting);
}

/// Known-nasty files, run on every pass: (text, format).
const SEEDS: &[(&str, Format)] = &[
    ("", Format::Csv),
    ("\u{FEFF}", Format::Csv),
    ("\n\n\n", Format::Csv),
    ("ref\n", Format::Csv),
    ("ref,ref,ref\nf0,f1,f2\n", Format::Csv),
    ("a,b\n\"unclosed,2\n", Format::Csv),
    ("a,b\n1,2\n3\n", Format::Csv),
    ("\"\"\"\n\"", Format::Csv),
    ("\0,\0\n\0,\0", Format::Csv),
    ("", Format::GeoJson),
    ("null", Format::GeoJson),
    ("[]", Format::GeoJson),
    ("{\"type\":\"FeatureCollection\"}", Format::GeoJson),
    ("{\"type\":\"FeatureCollection\",\"features\":{}}", Format::GeoJson),
    ("{\"type\":\"FeatureCollection\",\"features\":[]}", Format::GeoJson),
    ("{\"type\":\"FeatureCollection\",\"features\":[null,1,\"x\",[]]}", Format::GeoJson),
    (
        "{\"type\":\"FeatureCollection\",\"features\":[{\"geometry\":{\"type\":\"Point\",\"coordinates\":[1e400,-1e400]}}]}",
        Format::GeoJson,
    ),
    (
        "{\"type\":\"FeatureCollection\",\"features\":[{\"geometry\":{\"type\":\"Point\",\"coordinates\":[\"104\",\"30\"]}}]}",
        Format::GeoJson,
    ),
    (
        "{\"type\":\"FeatureCollection\",\"features\":[{\"geometry\":{\"type\":\"Point\",\"coordinates\":[104.06]}}]}",
        Format::GeoJson,
    ),
    (
        "{\"type\":\"FeatureCollection\",\"features\":[{\"properties\":{\"lat\":30.64,\"lng\":104.06,\"kind\":[\"meal\"]}}]}",
        Format::GeoJson,
    ),
    (
        "{\"type\":\"FeatureCollection\",\"features\":[],\"type\":\"FeatureCollection\"}",
        Format::GeoJson,
    ),
];

#[test]
fn seed_files_are_read_or_refused() {
    for (text, format) in SEEDS {
        if let Some(records) = records(text, *format) {
            check_import(&records);
        }
    }
    // A header ten thousand columns wide, and a field of a megabyte.
    let wide = format!("{}\n{}", "a,".repeat(10_000), "1,".repeat(10_000));
    check_import(&records(&wide, Format::Csv).unwrap());
    let long = format!("ref,name_zh\nf0,{}", "长".repeat(1 << 20));
    check_import(&records(&long, Format::Csv).unwrap());
}

/// serde_json stops at 128 levels, so a deeply nested document is an error,
/// not a stack overflow, wherever the nesting is.
#[test]
fn deep_nesting_is_refused_not_a_crash() {
    for depth in [129, 10_000, 1_000_000] {
        let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let objects = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
        for nested in [&arrays, &objects] {
            let in_properties = format!(
                "{{\"type\":\"FeatureCollection\",\"features\":[{{\"properties\":{{\"name_zh\":{nested}}}}}]}}"
            );
            let in_coordinates = format!(
                "{{\"type\":\"FeatureCollection\",\"features\":[{{\"geometry\":{{\"type\":\"Point\",\"coordinates\":{nested}}}}}]}}"
            );
            for doc in [nested, &in_properties, &in_coordinates] {
                assert!(read_records(doc, Format::GeoJson).is_err(), "depth {depth}");
            }
        }
        // Unclosed, too.
        assert!(read_records("[".repeat(depth), Format::GeoJson).is_err());
    }
    // Within the limit, a nested property is kept as its JSON text.
    let nested = format!("{}{}", "[".repeat(100), "]".repeat(100));
    let doc = format!("{{\"type\":\"FeatureCollection\",\"features\":[{{\"properties\":{{\"name_zh\":{nested}}}}}]}}");
    let records = read_records(&doc, Format::GeoJson).unwrap();
    assert_eq!(records[0].get("name_zh"), nested);
    check_import(&records);
}

/// A JSON value of a wrong type or shape, or a hostile string.
fn json_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => hostile().prop_map(Value::from),
        1 => any::<f64>().prop_map(Value::from),
        1 => (73.0f64..136.0).prop_map(Value::from),
        1 => (3.0f64..54.0).prop_map(Value::from),
        1 => any::<i64>().prop_map(Value::from),
        1 => Just(json!(u64::MAX)),
        1 => any::<bool>().prop_map(Value::from),
        1 => Just(Value::Null),
        1 => Just(json!([])),
        1 => Just(json!({"a": [1, {"b": null}]})),
    ]
}

fn geometry() -> impl Strategy<Value = Option<Value>> {
    let coordinates = prop_oneof![
        4 => Just(json!([104.06, 30.64])),
        2 => vec(json_value(), 0..4).prop_map(Value::from),
        1 => json_value(),
    ];
    let kind = prop_oneof![4 => Just(json!("Point")), 1 => json_value()];
    prop_oneof![
        6 => (kind, coordinates).prop_map(|(k, c)| Some(json!({"type": k, "coordinates": c}))),
        1 => Just(Some(json!({"type": "LineString", "coordinates": [[104.06, 30.64], [104.07, 30.65]]}))),
        1 => json_value().prop_map(Some),
        1 => Just(None),
    ]
}

/// A row as GeoJSON properties (the position goes in the geometry).
fn row_properties(header: &[&str], row: Vec<String>) -> serde_json::Map<String, Value> {
    let fields = header.iter().zip(row).filter(|(h, _)| !matches!(**h, "lat" | "lng"));
    fields.map(|(h, v)| (h.to_string(), Value::from(v))).collect()
}

/// Properties from a valid row, some replaced by values of any JSON type.
fn properties(header: &'static [&'static str], row: Vec<String>) -> impl Strategy<Value = Value> {
    let base = row_properties(header, row);
    prop_oneof![
        6 => vec((any::<Index>(), json_value()), 0..3).prop_map(move |changes| {
            let mut props = base.clone();
            for (at, value) in changes {
                let key = header[at.index(header.len())];
                props.insert(key.to_string(), value);
            }
            Value::Object(props)
        }),
        1 => json_value(),
    ]
}

fn feature(header: &'static [&'static str], row: Vec<String>) -> impl Strategy<Value = Value> {
    prop_oneof![
        8 => (geometry(), properties(header, row)).prop_map(|(geometry, properties)| {
            let mut f = json!({"type": "Feature", "properties": properties});
            if let Some(g) = geometry {
                f["geometry"] = g;
            }
            f
        }),
        1 => json_value(),
    ]
}

/// A FeatureCollection of `header`'s rows, and whether it was left
/// untouched (valid points and rows, so it must import); else with
/// features, geometries and properties of wrong types and values.
fn geojson(header: &'static [&'static str], row: fn(usize) -> Vec<String>) -> impl Strategy<Value = (String, bool)> {
    let untouched = (1usize..6).prop_map(move |n| {
        let features: Vec<Value> = (0..n)
            .map(|i| {
                let properties = row_properties(header, row(i));
                json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [104.06, 30.64]}, "properties": properties})
            })
            .collect();
        (json!({"type": "FeatureCollection", "features": features}).to_string(), true)
    });
    let features = (0usize..6).prop_flat_map(move |n| (0..n).map(|i| feature(header, row(i))).collect::<Vec<_>>());
    let kind = prop_oneof![8 => Just(json!("FeatureCollection")), 1 => json_value()];
    let mutated = (kind, features, any::<bool>()).prop_map(|(kind, features, as_array)| {
        let features = if as_array {
            Value::from(features)
        } else {
            json!({"0": features})
        };
        (json!({"type": kind, "features": features}).to_string(), false)
    });
    prop_oneof![1 => untouched, 3 => mutated]
}

/// A valid facility row, the kinds taken in turn.
fn any_kind_row(i: usize) -> Vec<String> {
    facility_row(i, Kind::ALL[i % Kind::ALL.len()])
}

/// A small valid workbook of facility rows.
fn workbook() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["ref", "kind", "name_zh", "lat", "lng"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "m-1").unwrap();
    sheet.write_string(1, 1, "meal").unwrap();
    sheet.write_string(1, 2, "食堂").unwrap();
    sheet.write_number(1, 3, 30.64).unwrap();
    sheet.write_number(1, 4, 104.05).unwrap();
    book.save_to_buffer().unwrap()
}

proptest! {
    #![proptest_config(config(1))]

    /// A workbook with bytes changed or cut short (a broken upload) is read
    /// or refused with a message; never a panic.
    #[test]
    fn damaged_workbooks_are_read_or_refused(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = workbook();
        for (at, b) in flips {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        bytes.truncate(cut.index(bytes.len() + 1).max(bytes.len() / 2));
        match read_records(&bytes, Format::Xlsx) {
            Ok(records) => check_import(&records),
            Err(e) => prop_assert!(!e.is_empty() && e.len() < 1000, "{}", e),
        }
    }

    #[test]
    fn any_text_is_read_or_refused(text in "(?s).{0,400}", geo in any::<bool>()) {
        let format = if geo { Format::GeoJson } else { Format::Csv };
        if let Some(records) = records(&text, format) {
            check_import(&records);
        }
    }

    #[test]
    fn csv_like_text_is_read_or_refused(
        lines in vec(vec(prop_oneof![hostile(), "[a-z_]{1,8}"], 0..6), 0..6),
    ) {
        let text = lines.iter().map(|l| l.join(",")).collect::<Vec<_>>().join("\n");
        if let Some(records) = records(&text, Format::Csv) {
            check_import(&records);
        }
    }

    #[test]
    fn facility_files_are_all_or_nothing(
        rows in vec((select(Kind::ALL.to_vec()), mutations()), 1..6),
        quoted in any::<bool>(),
    ) {
        let untouched = quoted && rows.iter().all(|(_, m)| m.is_empty());
        let rows: Vec<Vec<String>> = rows
            .iter()
            .enumerate()
            .map(|(i, (kind, m))| mutate(facility_row(i, *kind), m))
            .collect();
        let text = csv(&FACILITY_HEADER, &rows, quoted);
        if let Some(records) = records(&text, Format::Csv) {
            check_import(&records);
            let facilities = parse_facilities(&records, &known_communities(), Crs::Wgs84);
            if untouched {
                prop_assert_eq!(facilities.map(|f| f.len()), Ok(rows.len()));
            }
        }
    }

    #[test]
    fn community_files_are_all_or_nothing(rows in vec(mutations(), 1..6), quoted in any::<bool>()) {
        let untouched = quoted && rows.iter().all(Vec::is_empty);
        let rows: Vec<Vec<String>> = rows.iter().enumerate().map(|(i, m)| mutate(community_row(i), m)).collect();
        if let Some(records) = records(&csv(&COMMUNITY_HEADER, &rows, quoted), Format::Csv) {
            check_import(&records);
            if untouched {
                prop_assert_eq!(parse_communities(&records, Crs::Wgs84).map(|c| c.len()), Ok(rows.len()));
            }
        }
    }

    #[test]
    fn sorting_files_are_all_or_nothing(rows in vec(mutations(), 1..6), quoted in any::<bool>()) {
        let untouched = quoted && rows.iter().all(Vec::is_empty);
        let rows: Vec<Vec<String>> = rows.iter().enumerate().map(|(i, m)| mutate(sorting_row(i), m)).collect();
        if let Some(records) = records(&csv(&SORTING_HEADER, &rows, quoted), Format::Csv) {
            check_import(&records);
            if untouched {
                prop_assert_eq!(parse_sorting(&records).map(|s| s.len()), Ok(rows.len()));
            }
        }
    }

    #[test]
    fn facility_geojson_is_all_or_nothing((doc, untouched) in geojson(&FACILITY_HEADER, any_kind_row)) {
        let records = records(&doc, Format::GeoJson);
        if untouched {
            prop_assert!(parse_facilities(records.as_deref().unwrap(), &known_communities(), Crs::Wgs84).is_ok());
        }
        if let Some(records) = records {
            check_import(&records);
        }
    }

    #[test]
    fn community_geojson_is_all_or_nothing((doc, untouched) in geojson(&COMMUNITY_HEADER, community_row)) {
        let records = records(&doc, Format::GeoJson);
        if untouched {
            prop_assert!(parse_communities(records.as_deref().unwrap(), Crs::Wgs84).is_ok());
        }
        if let Some(records) = records {
            check_import(&records);
        }
    }
}

// ---- A suggestion's form fields ----

const DRAFT_FIELDS: &[&str] = &[
    "category",
    "lat",
    "lng",
    "community",
    "location_text",
    "title",
    "description",
    "contact_name",
    "contact_phone",
    "consent",
    "website",
];

fn form_fields() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        6 => select(DRAFT_FIELDS).prop_map(String::from),
        1 => "(?s).{0,12}",
    ];
    let value = prop_oneof![
        3 => hostile(),
        1 => select(vec!["greenery", "on", "yes", "1", "13900000009", "+86 139-0000-0009", "30.64", "104.06"])
            .prop_map(String::from),
        1 => (0usize..2100).prop_map(|n| "字".repeat(n)),
    ];
    // Sometimes after a valid suggestion's fields, so that validation
    // also gets to say yes.
    let valid = [
        ("category", "greenery"),
        ("lat", "30.64"),
        ("lng", "104.06"),
        ("title", "路灯坏了"),
    ]
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .to_vec();
    (any::<bool>(), vec((name, value), 0..16)).prop_map(move |(start_valid, fields)| {
        if start_valid {
            [valid.clone(), fields].concat()
        } else {
            fields
        }
    })
}

/// The draft holds each field's first value, and validation keeps its
/// limits whatever was sent.
fn check_draft(fields: &[(String, String)]) {
    let draft = draft_from_fields(fields);
    let first = |name: &str| fields.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str());
    assert_eq!(draft.title, first("title"));
    assert_eq!(draft.lat, first("lat"));
    assert_eq!(draft.consent, matches!(first("consent"), "on" | "true" | "1" | "yes"));
    match draft.validate() {
        Ok(valid) => {
            assert!((TITLE_MIN..=TITLE_MAX).contains(&valid.title.chars().count()));
            assert!(valid.description.chars().count() <= DESCRIPTION_MAX);
            assert!(valid.contact_phone.chars().count() <= PHONE_MAX);
            assert!(valid.location.is_none_or(|p| p.is_valid()));
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            assert!(
                errors.0.windows(2).all(|w| w[0].0 < w[1].0),
                "one error per field, in order"
            );
        }
    }
    if draft.validate_form().is_ok() {
        assert!(draft.validate().is_ok());
    }
}

proptest! {
    #![proptest_config(config(1))]

    #[test]
    fn any_form_fields_make_a_draft(fields in form_fields()) {
        check_draft(&fields);
    }
}

// ---- Cookies ----

proptest! {
    #![proptest_config(config(1))]

    /// Any `Cookie` headers (HTTP/2 may send several) give no device id or
    /// one of our shape; a well-formed one is found among the others.
    #[test]
    fn device_ids_are_ours_or_none(
        before in vec(vec(any::<u8>(), 0..60), 0..3),
        id in proptest::option::of("[0-9a-f]{32}"),
        after in vec("[ -~]{0,60}", 0..3),
    ) {
        let mut headers = axum::http::HeaderMap::new();
        let mut add = |bytes: &[u8]| {
            if let Ok(v) = HeaderValue::from_bytes(bytes) {
                headers.append(header::COOKIE, v);
            }
        };
        let before: Vec<&Vec<u8>> = before.iter().filter(|b| !b.windows(12).any(|w| w == b"linli_device")).collect();
        before.iter().for_each(|b| add(b));
        if let Some(id) = &id {
            add(format!("x=1; linli_device={id}").as_bytes());
        }
        after.iter().for_each(|a| add(a.as_bytes()));
        let found = server::device::device_id(&headers);
        prop_assert!(found.as_deref().is_none_or(|v| app::security::is_hex_token(v, 32)));
        if id.is_some() {
            prop_assert_eq!(found, id);
        }
    }
}

// ---- The multipart reader ----

static PHOTO: LazyLock<Vec<u8>> = LazyLock::new(|| jpeg(24, 16));

/// What a photo part carries.
#[derive(Clone, Debug)]
enum Content {
    Photo,
    /// Not an image (and not empty).
    Junk(Vec<u8>),
    /// What an empty file input sends.
    Empty,
}

#[derive(Clone, Debug)]
enum Part {
    Text(String, String),
    File(&'static str, Content),
    /// A part's headers and body as they are, however broken.
    Raw(Vec<u8>),
}

fn body(boundary: &str, parts: &[Part]) -> Vec<u8> {
    let mut out = Vec::new();
    for part in parts {
        out.extend(format!("--{boundary}\r\n").bytes());
        match part {
            Part::Text(name, value) => {
                out.extend(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}").bytes());
            }
            Part::File(name, content) => {
                out.extend(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"p.jpg\"\r\n\
                         Content-Type: image/jpeg\r\n\r\n"
                    )
                    .bytes(),
                );
                match content {
                    Content::Photo => out.extend(PHOTO.iter()),
                    Content::Junk(bytes) => out.extend(bytes),
                    Content::Empty => {}
                }
            }
            Part::Raw(bytes) => out.extend(bytes),
        }
        out.extend(b"\r\n");
    }
    out.extend(format!("--{boundary}--\r\n").bytes());
    out
}

/// Runs the multipart reader on a request, as the suggestion form does;
/// `None` when axum refuses the request before any part is read.
fn read(content_type: &[u8], body: Vec<u8>, max_photos: usize) -> Option<Intake> {
    let content_type = HeaderValue::from_bytes(content_type).ok()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = PhotoStore::new(dir.path());
    runtime.block_on(async {
        let request = Request::post("/")
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap();
        let multipart = Multipart::from_request(request, &()).await.ok()?;
        Some(read_multipart(multipart, &store, max_photos).await)
    })
}

/// What holds for any body: limits kept, and storage never failing, which
/// is where a panic in a photo decoder would show (as a failed task).
fn check_intake(intake: &Intake, max_photos: usize) {
    assert!(!matches!(intake.error, Some(IntakeError::Io(_))), "{:?}", intake.error);
    assert!(intake.photos.len() + intake.rejected.len() <= max_photos);
    for photo in &intake.photos {
        assert!(is_key(&photo.key) && photo.width.max(photo.height) <= 1600, "{photo:?}");
    }
    for (_, value) in &intake.fields {
        assert!(value.len() <= TEXT_FIELD_MAX_BYTES);
    }
}

fn text_part() -> impl Strategy<Value = Part> {
    let name = "[a-z_]{1,10}".prop_filter("not a photo field", |n| !matches!(n.as_str(), "photo" | "remove_photo"));
    (name, "(?s).{0,40}").prop_map(|(n, v)| Part::Text(n, v))
}

fn file_part() -> impl Strategy<Value = Part> {
    let content = prop_oneof![
        2 => Just(Content::Photo),
        2 => vec(any::<u8>(), 0..2048).prop_map(|b| Content::Junk([&b"junk"[..], &b].concat())),
        1 => Just(Content::Empty),
    ];
    (select(vec!["photos", "photo"]), content).prop_map(|(n, c)| Part::File(n, c))
}

/// Part headers that are missing, malformed or oversized.
const RAW_PARTS: &[&[u8]] = &[
    b"",
    b"\r\n",
    b"\r\n\r\nno headers",
    b"Content-Disposition: form-data\r\n\r\nno name",
    b"Content-Disposition: form-data; name=title\r\n\r\nunquoted",
    b"Content-Disposition: form-data; name=\"title\r\n\r\nunclosed quote",
    b"Content-Disposition: form-data; name=\"photos\"; filename*=UTF-8''%E2%82%AC.jpg\r\n\r\n\xFF\xD8\xFF",
    b"Content-Disposition: form-data; name=\"photos\"; filename=\"\"\r\n\r\n",
    b"Content-Disposition: form-data; name=\"\xFF\xFE\"\r\n\r\nnot UTF-8 name",
    b"Content-Disposition: form-data; name=\"title\"\r\n\r\n\xFF\xFE not UTF-8 value",
    b"Content-Disposition: form-data; name=\"a\"\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\ntwice",
    b"no colon here\r\n\r\nbody",
    b"Content-Type: text/plain\r\n\r\nno disposition",
];

fn hostile_part() -> impl Strategy<Value = Part> {
    prop_oneof![
        2 => text_part(),
        2 => file_part(),
        2 => select(RAW_PARTS).prop_map(|raw| Part::Raw(raw.to_vec())),
        1 => vec(any::<u8>(), 0..200).prop_map(Part::Raw),
        1 => (1usize..20_000).prop_map(|n| Part::Raw(format!("X-Long: {}\r\n\r\nbody", "x".repeat(n)).into_bytes())),
        1 => Just(Part::Text("title".into(), "长".repeat(TEXT_FIELD_MAX_BYTES / 3 + 1))),
    ]
}

/// A `Content-Type` for `boundary`: right, or wrong in some way.
fn content_type(boundary: String) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => Just(format!("multipart/form-data; boundary={boundary}").into_bytes()),
        1 => Just(format!("multipart/form-data; boundary=\"{boundary}\"").into_bytes()),
        1 => Just(b"multipart/form-data".to_vec()),
        1 => Just(b"multipart/form-data; boundary=".to_vec()),
        1 => Just(b"multipart/form-data; boundary=\"\"".to_vec()),
        1 => Just(format!("multipart/form-data; boundary={}", "b".repeat(200)).into_bytes()),
        1 => Just(b"application/x-www-form-urlencoded".to_vec()),
        1 => vec(any::<u8>(), 0..60),
    ]
}

/// Known-nasty bodies, run on every pass, with a proper `Content-Type`.
const MULTIPART_SEEDS: &[&[u8]] = &[
    b"",
    b"--B",
    b"--B--",
    b"--B\r\n",
    b"--B\r\n\r\n",
    b"--B\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nno end",
    b"--B\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"p.jpg\"\r\n\r\n\xFF\xD8\xFF\xE0\r\n--B--\r\n",
    b"--B\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"p.png\"\r\n\r\n\x89PNG\r\n\x1a\n\r\n--B--\r\n",
    b"--B\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"p.gif\"\r\n\r\nGIF89a\r\n--B--\r\n",
    b"--B\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n--B\r\n--B--\r\n",
    b"--B--\r\n--B\r\nContent-Disposition: form-data; name=\"after\"\r\n\r\nend\r\n--B--\r\n",
];

#[test]
fn multipart_seeds_are_read_or_refused() {
    for seed in MULTIPART_SEEDS {
        for max_photos in [0, 3] {
            if let Some(intake) = read(b"multipart/form-data; boundary=B", seed.to_vec(), max_photos) {
                check_intake(&intake, max_photos);
            }
        }
    }
    // A GIF, a PDF, a truncated JPEG: each refused with its reason.
    let mut truncated = PHOTO.clone();
    truncated.truncate(200);
    let junk = [b"GIF89a\x01\x00\x01\x00".to_vec(), b"%PDF-1.7".to_vec(), truncated];
    let parts: Vec<Part> = junk
        .into_iter()
        .map(|b| Part::File("photos", Content::Junk(b)))
        .collect();
    let intake = read(b"multipart/form-data; boundary=B", body("B", &parts), 3).unwrap();
    assert!(intake.error.is_none() && intake.photos.is_empty(), "{intake:?}");
    assert_eq!(
        intake.rejected,
        [
            PhotoError::UnsupportedFormat,
            PhotoError::UnsupportedFormat,
            PhotoError::Corrupt
        ]
    );
}

proptest! {
    #![proptest_config(config(4))]

    /// A well-formed body is read exactly: every text part in order, each
    /// photo stored, each non-image refused, photos past the limit counted
    /// as too many and not read.
    #[test]
    fn well_formed_bodies_are_read_exactly(
        boundary in "[A-Za-z0-9'()+_,./:=?-]{1,60}",
        parts in vec(prop_oneof![text_part(), file_part()], 0..7),
        max_photos in 0usize..4,
    ) {
        let text_parts_clash = parts.iter().any(|p| matches!(p, Part::Text(_, v) if v.contains(&format!("--{boundary}"))));
        prop_assume!(!text_parts_clash);
        let intake = read(format!("multipart/form-data; boundary=\"{boundary}\"").as_bytes(), body(&boundary, &parts), max_photos);
        let intake = intake.expect("a well-formed body is accepted");
        check_intake(&intake, max_photos);
        prop_assert!(intake.error.is_none(), "{:?}", intake.error);

        let (mut photos, mut rejected, mut too_many) = (0, 0, false);
        let mut fields = Vec::new();
        for part in &parts {
            match part {
                Part::Text(name, value) => fields.push((name.clone(), value.clone())),
                Part::File(_, content) if photos + rejected >= max_photos => {
                    too_many |= !matches!(content, Content::Empty);
                }
                Part::File(_, Content::Photo) => photos += 1,
                Part::File(_, Content::Junk(_)) => rejected += 1,
                Part::File(_, Content::Empty) | Part::Raw(_) => {}
            }
        }
        prop_assert_eq!(&intake.fields, &fields);
        prop_assert_eq!(intake.photos.len(), photos);
        prop_assert_eq!(&intake.rejected, &vec![PhotoError::UnsupportedFormat; rejected]);
        prop_assert_eq!(intake.too_many, too_many);
    }

    #[test]
    fn hostile_bodies_are_read_or_refused(
        (boundary, content_type) in "[A-Za-z0-9-]{1,30}".prop_flat_map(|b| (Just(b.clone()), content_type(b))),
        parts in vec(hostile_part(), 0..6),
        flips in vec((any::<Index>(), any::<u8>()), 0..4),
        cut in proptest::option::of(any::<Index>()),
        max_photos in 0usize..4,
    ) {
        let mut bytes = body(&boundary, &parts);
        for (at, byte) in flips {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut.index(bytes.len()));
        }
        if let Some(intake) = read(&content_type, bytes, max_photos) {
            check_intake(&intake, max_photos);
        }
    }
}
