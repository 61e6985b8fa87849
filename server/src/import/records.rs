//! Reading CSV, GeoJSON and Excel workbooks into the same shape: one map of
//! field → text per row, so validation is written once.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    GeoJson,
    /// Excel 2007+ (`.xlsx`): the first worksheet, a header row then data,
    /// the same columns as the CSV.
    Xlsx,
}

impl Format {
    pub fn from_path(path: &Path) -> Self {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("geojson") | Some("json") => Format::GeoJson,
            Some("xlsx") => Format::Xlsx,
            _ => Format::Csv,
        }
    }

    /// The format a browser upload names (`csv`, `geojson`, `xlsx`).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "csv" => Some(Format::Csv),
            "geojson" | "json" => Some(Format::GeoJson),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }
}

/// Cells beyond this many in a workbook are refused: a zip expands far past
/// its upload size, and a facility list has a few thousand rows.
pub const MAX_XLSX_CELLS: usize = 1_000_000;

/// One input row: where it came from and its fields as text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Record {
    pub row: String,
    pub fields: HashMap<String, String>,
}

impl Record {
    /// A field's trimmed text; empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", |v| v.trim())
    }
}

/// Reads a file's rows; text formats must be UTF-8.
pub fn read_records(input: impl AsRef<[u8]>, format: Format) -> Result<Vec<Record>, String> {
    let bytes = input.as_ref();
    if format == Format::Xlsx {
        return read_xlsx(bytes);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "the file is not UTF-8 text (byte {}); in Excel, save it as \"CSV UTF-8\" or as .xlsx",
            e.valid_up_to() + 1
        )
    })?;
    // Excel writes a byte-order mark at the start of UTF-8 CSV files.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match format {
        Format::Csv => read_csv(text),
        Format::GeoJson => read_geojson(text),
        Format::Xlsx => unreachable!("read above"),
    }
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Record>, String> {
    use calamine::Reader;
    let mut book =
        calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| format!("not an Excel .xlsx workbook: {e}"))?;
    let sheet = book
        .worksheet_range_at(0)
        .ok_or("the workbook has no worksheet")?
        .map_err(|e| format!("the first worksheet cannot be read: {e}"))?;
    let (rows, cols) = sheet.get_size();
    if rows.saturating_mul(cols) > MAX_XLSX_CELLS {
        return Err(format!(
            "the first worksheet has {rows} rows × {cols} columns; at most {MAX_XLSX_CELLS} cells are read"
        ));
    }
    // Spreadsheet row numbers, as the clerk sees them beside the rows.
    let first_row = sheet.start().map_or(0, |(r, _)| r as usize) + 1;
    let mut lines = sheet.rows().enumerate();
    let headers: Vec<String> = match lines.next() {
        Some((_, header)) => header.iter().map(|c| cell_text(c).trim().to_string()).collect(),
        None => return Err("the first worksheet is empty".into()),
    };
    let mut out = Vec::new();
    for (i, cells) in lines {
        let texts: Vec<String> = cells.iter().map(cell_text).collect();
        // Formatting often reaches rows below the data: blank rows are not rows.
        if texts.iter().all(|t| t.trim().is_empty()) {
            continue;
        }
        let fields = headers
            .iter()
            .zip(texts)
            .filter(|(h, _)| !h.is_empty())
            .map(|(h, t)| (h.clone(), t))
            .collect();
        out.push(Record {
            row: format!("row {}", first_row + i),
            fields,
        });
    }
    Ok(out)
}

/// A cell as the text a CSV of it would hold: whole numbers without `.0`
/// (a `ref` or `seats` typed as a number), others in full precision.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "1" } else { "0" }.to_string(),
        // A time typed into a cell (11:00) is a fraction of a day; a date a day count.
        Data::DateTime(d) => d.to_string(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn read_csv(text: &str) -> Result<Vec<Record>, String> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("CSV header: {e}"))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut out = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        let row = row.map_err(|e| format!("line {line}: {e}"))?;
        let fields = headers.iter().cloned().zip(row.iter().map(str::to_string)).collect();
        out.push(Record {
            row: format!("line {line}"),
            fields,
        });
    }
    Ok(out)
}

fn read_geojson(text: &str) -> Result<Vec<Record>, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| format!("GeoJSON: {e}"))?;
    if doc.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err("GeoJSON: expected a FeatureCollection".into());
    }
    let features = doc
        .get("features")
        .and_then(Value::as_array)
        .ok_or("GeoJSON: `features` must be an array")?;
    let mut out = Vec::new();
    for (i, feature) in features.iter().enumerate() {
        let row = format!("feature {}", i + 1);
        let mut fields: HashMap<String, String> = HashMap::new();
        if let Some(props) = feature.get("properties").and_then(Value::as_object) {
            for (k, v) in props {
                let text = match v {
                    Value::Null => String::new(),
                    Value::String(s) => s.clone(),
                    Value::Bool(b) => if *b { "1" } else { "0" }.to_string(),
                    Value::Number(n) => n.to_string(),
                    other => other.to_string(),
                };
                fields.insert(k.clone(), text);
            }
        }
        // A polygon (a community's boundary) travels as its GeoJSON text.
        if let Some(g) = feature
            .get("geometry")
            .filter(|g| matches!(g.get("type").and_then(Value::as_str), Some("Polygon" | "MultiPolygon")))
        {
            fields.insert("boundary".into(), g.to_string());
        }
        // A missing or non-point geometry leaves lat/lng empty; validation
        // then reports it against this feature.
        let point = feature
            .get("geometry")
            .filter(|g| g.get("type").and_then(Value::as_str) == Some("Point"));
        if let Some([lng, lat, ..]) = point
            .and_then(|g| g.get("coordinates"))
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            fields.insert("lng".into(), lng.to_string());
            fields.insert("lat".into(), lat.to_string());
        }
        out.push(Record { row, fields });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_are_numbered_like_a_spreadsheet() {
        let r = read_records("\u{feff}a,b\n1,2\n3,\"x,y\"\n", Format::Csv).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].row, "line 2");
        assert_eq!(r[1].get("b"), "x,y");
        assert!(read_records("a,b\n1,2,3\n", Format::Csv)
            .unwrap_err()
            .contains("line 2"));
    }

    #[test]
    fn geojson_points_become_lat_lng() {
        let doc = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Point","coordinates":[104.06,30.65]},"properties":{"ref":"x","seats":12,"children_corner":true}},
            {"type":"Feature","geometry":null,"properties":{"ref":"y"}}]}"#;
        let r = read_records(doc, Format::GeoJson).unwrap();
        assert_eq!(r[0].get("lat"), "30.65");
        assert_eq!(r[0].get("lng"), "104.06");
        assert_eq!(r[0].get("seats"), "12");
        assert_eq!(r[0].get("children_corner"), "1");
        assert_eq!(r[1].get("lat"), "");
        assert!(read_records("{}", Format::GeoJson).is_err());
        assert!(read_records("not json", Format::GeoJson).is_err());
    }

    /// A workbook written the way Excel would: numbers as numbers, a blank
    /// formatted row at the end, an unnamed column.
    pub(crate) fn workbook(rows: &[&[&str]]) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match text.parse::<f64>() {
                    Ok(n) if r > 0 => sheet.write_number(r, c, n).map(|_| ()),
                    _ => sheet.write_string(r, c, *text).map(|_| ()),
                }
                .unwrap();
            }
        }
        sheet
            .write_blank(rows.len() as u32 + 3, 0, &rust_xlsxwriter::Format::new().set_bold())
            .unwrap();
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn xlsx_rows_read_like_csv_rows() {
        let bytes = workbook(&[
            &["ref", "lat", "seats", "name_zh", ""],
            &["1001", "30.651234567", "12", "玉林书屋", "x"],
            &["", "", "", "", ""],
            &["b", "30.6", "0", "二", ""],
        ]);
        let r = read_records(&bytes, Format::Xlsx).unwrap();
        assert_eq!(r.len(), 2, "the blank rows are skipped: {r:?}");
        assert_eq!(r[0].row, "row 2");
        assert_eq!(r[0].get("ref"), "1001", "whole numbers lose the .0");
        assert_eq!(r[0].get("lat"), "30.651234567");
        assert_eq!(r[0].get("seats"), "12");
        assert_eq!(r[0].get("name_zh"), "玉林书屋");
        assert_eq!(r[0].fields.len(), 4, "the unnamed column is dropped");
        assert_eq!(r[1].row, "row 4", "numbered as the spreadsheet shows");
    }

    #[test]
    fn bad_workbooks_and_encodings_are_explained() {
        assert!(read_records(b"PK\x03\x04 not really", Format::Xlsx)
            .unwrap_err()
            .contains(".xlsx"));
        assert!(read_records("a,b\n1,2\n", Format::Xlsx).is_err());
        // GB18030 text (what older Excel saves as "CSV") is refused with a hint.
        let gbk: &[u8] = b"ref,name_zh\n1,\xd3\xf1\xc1\xd6\n";
        let e = read_records(gbk, Format::Csv).unwrap_err();
        assert!(e.contains("UTF-8"), "{e}");
    }

    #[test]
    fn format_from_extension() {
        assert_eq!(Format::from_path(Path::new("a.xlsx")), Format::Xlsx);
        assert_eq!(Format::parse("xlsx"), Some(Format::Xlsx));
        assert_eq!(Format::parse("xls"), None);
        assert_eq!(Format::from_path(Path::new("a.GeoJSON")), Format::GeoJson);
        assert_eq!(Format::from_path(Path::new("a.csv")), Format::Csv);
    }
}
