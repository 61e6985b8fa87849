//! The committee's CSV exports: UTF-8 with a byte-order mark (so Excel,
//! which most committees use, reads Chinese correctly): one row per
//! suggestion (times in Beijing time), or per compound with its coverage.

use app::domain::coverage::Residence;
use app::server::store::ExportRow;

const BOM: &[u8] = b"\xEF\xBB\xBF";

pub fn to_csv(rows: &[ExportRow]) -> Result<Vec<u8>, csv::Error> {
    let mut out = BOM.to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record([
            "receipt_code",
            "community",
            "category",
            "status",
            "title",
            "description",
            "location_text",
            "lat",
            "lng",
            "contact_name",
            "contact_phone",
            "supports",
            "photos",
            "assigned_to",
            "hidden",
            "created_at",
        ])?;
        for r in rows {
            let i = &r.item;
            let created = chrono::DateTime::from_timestamp_millis(i.created_at)
                .map(|t| (t + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default();
            w.write_record([
                i.receipt_code.to_string(),
                i.community.clone(),
                i.category.as_str().to_string(),
                i.status.as_str().to_string(),
                cell(&i.title),
                cell(&r.description),
                cell(&r.location_text),
                r.location.map(|p| format!("{:.6}", p.lat)).unwrap_or_default(),
                r.location.map(|p| format!("{:.6}", p.lng)).unwrap_or_default(),
                cell(&r.contact_name),
                cell(&r.contact_phone),
                i.supports.to_string(),
                i.photos.to_string(),
                i.assigned_to.clone().unwrap_or_default(),
                if i.hidden { "1" } else { "0" }.to_string(),
                created,
            ])?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// One row per compound: its figures, the walking minutes to the nearest
/// point of the question's kind (empty when there is none) and whether that
/// is within the radius (`1`/`0`).
pub fn coverage_csv(
    residences: &[Residence],
    walk_minutes: &[Option<u32>],
    covered: &[bool],
) -> Result<Vec<u8>, csv::Error> {
    let mut out = BOM.to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record([
            "ref",
            "name_zh",
            "name_en",
            "community",
            "lat",
            "lng",
            "residents",
            "elderly",
            "walk_minutes",
            "covered",
        ])?;
        for ((r, walk), covered) in residences.iter().zip(walk_minutes).zip(covered) {
            w.write_record([
                cell(&r.source_ref),
                cell(&r.name_zh),
                cell(&r.name_en),
                r.community.clone(),
                format!("{:.6}", r.location.lat),
                format!("{:.6}", r.location.lng),
                r.residents.to_string(),
                r.elderly.to_string(),
                walk.map(|m| m.to_string()).unwrap_or_default(),
                if *covered { "1" } else { "0" }.to_string(),
            ])?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// Text a resident typed, made safe for spreadsheets: a cell starting with
/// `=`, `+`, `-`, `@` (or a tab/CR) would be run as a formula by Excel, so it
/// gets a leading apostrophe, which Excel shows as plain text.
fn cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn formulas_are_defused() {
        assert_eq!(super::cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(super::cell("+86 138"), "'+86 138");
        assert_eq!(super::cell("长椅"), "长椅");
    }
}
