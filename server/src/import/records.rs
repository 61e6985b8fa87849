//! Reading CSV and GeoJSON into the same shape: one map of field → text per
//! row, so validation is written once.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    GeoJson,
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
            _ => Format::Csv,
        }
    }
}

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

pub fn read_records(text: &str, format: Format) -> Result<Vec<Record>, String> {
    // Excel writes a byte-order mark at the start of UTF-8 CSV files.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match format {
        Format::Csv => read_csv(text),
        Format::GeoJson => read_geojson(text),
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

    #[test]
    fn format_from_extension() {
        assert_eq!(Format::from_path(Path::new("a.GeoJSON")), Format::GeoJson);
        assert_eq!(Format::from_path(Path::new("a.csv")), Format::Csv);
    }
}
