//! Facilities out to spreadsheets, in exactly the columns `server import`
//! and the browser import read, so a clerk can export, edit in Excel and
//! import the file back; and the empty templates with the columns
//! explained. CSV is UTF-8 with a byte-order mark (Excel reads Chinese
//! then); `.xlsx` cells are written as text or numbers, never formulas.

use app::domain::facility::{Facility, Services};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Every column, whether it must be filled, and what it holds (zh, en).
pub const COLUMNS: &[(&str, bool, &str, &str)] = &[
    (
        "ref",
        true,
        "数据来源里的编号，每行不同；再次导入时按它更新",
        "The source's identifier, one per row; a new import updates by it",
    ),
    (
        "kind",
        true,
        "meal（助餐点）、reading（阅读点）或 sorting（垃圾分类点）",
        "meal, reading or sorting",
    ),
    ("name_zh", true, "中文名称", "Name in Chinese"),
    ("name_en", false, "英文名称（可空）", "Name in English (may be empty)"),
    ("address_zh", true, "中文地址", "Address in Chinese"),
    (
        "address_en",
        false,
        "英文地址（可空）",
        "Address in English (may be empty)",
    ),
    (
        "lat",
        true,
        "纬度（十进制度，如 30.6290）；坐标系在导入时选择",
        "Latitude in decimal degrees (e.g. 30.6290); the coordinate system is chosen when importing",
    ),
    (
        "lng",
        true,
        "经度（十进制度，如 104.0590）",
        "Longitude in decimal degrees (e.g. 104.0590)",
    ),
    (
        "phone",
        false,
        "电话：数字、空格和 + - ( )",
        "Phone: digits, spaces and + - ( )",
    ),
    (
        "community",
        false,
        "社区代码（见社区列表）",
        "Community code (see the communities)",
    ),
    (
        "hours",
        true,
        "开放时间，如 Mo-Fr 11:00-13:00,17:00-18:30; Sa 11:00-13:00; Su off（不知道时写 Mo-Su off）",
        "Opening hours, e.g. Mo-Fr 11:00-13:00,17:00-18:30; Sa 11:00-13:00; Su off (Mo-Su off when unknown)",
    ),
    (
        "lunch",
        false,
        "助餐点：供午餐填 1，否则 0",
        "Meal points: 1 if lunch is served, else 0",
    ),
    (
        "dinner",
        false,
        "助餐点：供晚餐填 1，否则 0",
        "Meal points: 1 if dinner is served, else 0",
    ),
    (
        "price_60",
        false,
        "助餐点：60岁以上每餐价格（元）",
        "Meal points: price for residents aged 60+ (yuan)",
    ),
    (
        "price_80",
        false,
        "助餐点：80岁以上每餐价格（元）",
        "Meal points: price for residents aged 80+ (yuan)",
    ),
    (
        "delivery",
        false,
        "助餐点：可送餐填 1",
        "Meal points: 1 if meals are delivered",
    ),
    (
        "children_corner",
        false,
        "阅读点：有儿童角填 1",
        "Reading points: 1 if there is a children's corner",
    ),
    ("seats", false, "阅读点：座位数", "Reading points: number of seats"),
    (
        "accepts",
        false,
        "分类点：收哪些，用 | 分开：recyclable|hazardous|food|residual",
        "Sorting points: what it takes, separated by |: recyclable|hazardous|food|residual",
    ),
];

fn flag(b: bool) -> String {
    if b { "1" } else { "0" }.to_string()
}

fn number(x: Option<impl ToString>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

/// A facility as one row of [`COLUMNS`].
pub fn row(f: &Facility) -> Vec<String> {
    let blank = || String::new();
    let (lunch, dinner, price_60, price_80, delivery) = match &f.services {
        Services::Meal(m) => (
            flag(m.lunch),
            flag(m.dinner),
            number(m.price_60),
            number(m.price_80),
            flag(m.delivery),
        ),
        _ => (blank(), blank(), blank(), blank(), blank()),
    };
    let (children, seats) = match &f.services {
        Services::Reading(r) => (flag(r.children_corner), number(r.seats)),
        _ => (blank(), blank()),
    };
    let accepts = match &f.services {
        Services::Sorting(s) => s.accepts.iter().map(|c| c.as_str()).collect::<Vec<_>>().join("|"),
        _ => blank(),
    };
    vec![
        f.source_ref.clone(),
        f.kind().as_str().to_string(),
        f.name_zh.clone(),
        f.name_en.clone(),
        f.address_zh.clone(),
        f.address_en.clone(),
        format!("{:.6}", f.location.lat),
        format!("{:.6}", f.location.lng),
        f.phone.clone(),
        f.community.clone(),
        f.hours.to_string(),
        lunch,
        dinner,
        price_60,
        price_80,
        delivery,
        children,
        seats,
        accepts,
    ]
}

/// Rows a template shows, one per kind.
fn examples() -> Vec<Vec<String>> {
    [
        "example-meal-1,meal,示例社区长者食堂,Example Seniors' Canteen,示例路2号,2 Example Road,30.629000,104.059000,028-85550000,wuhou-yulin,Mo-Fr 11:00-13:00,1,0,12,10,1,,,",
        "example-reading-1,reading,示例社区书屋,Example Reading Room,示例路5号,,30.630500,104.060200,,wuhou-yulin,Tu-Su 09:00-12:00,14:00-17:30,,,,,,1,24,",
        "example-sorting-1,sorting,示例分类亭,,示例巷口,,30.636500,104.045200,,wuhou-yulin,Mo-Su 07:00-09:00,18:00-21:00,,,,,,,,recyclable|food|residual",
    ]
    .iter()
    .map(|line| split_example(line))
    .collect()
}

/// The examples are written with commas between columns, and commas
/// inside the hours (two spans a day) kept by counting columns.
fn split_example(line: &str) -> Vec<String> {
    let parts: Vec<&str> = line.split(',').collect();
    let extra = parts.len() - COLUMNS.len();
    let mut out: Vec<String> = parts[..10].iter().map(|s| s.to_string()).collect();
    out.push(parts[10..=10 + extra].join(","));
    out.extend(parts[11 + extra..].iter().map(|s| s.to_string()));
    out
}

fn csv_of(rows: impl IntoIterator<Item = Vec<String>>) -> Result<Vec<u8>, csv::Error> {
    let mut out = BOM.to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(COLUMNS.iter().map(|c| c.0))?;
        for r in rows {
            w.write_record(&r)?;
        }
        w.flush()?;
    }
    Ok(out)
}

fn xlsx_of(rows: impl IntoIterator<Item = Vec<String>>, explained: bool) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name("facilities")?;
    for (c, (name, ..)) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *name, &bold)?;
    }
    for (r, cells) in rows.into_iter().enumerate() {
        let r = r as u32 + 1;
        for (c, text) in cells.iter().enumerate() {
            let c = c as u16;
            // Coordinates, prices and seats as numbers, the rest as text.
            match (COLUMNS[c as usize].0, text.parse::<f64>()) {
                ("lat" | "lng" | "price_60" | "price_80" | "seats", Ok(n)) => sheet.write_number(r, c, n)?,
                _ => sheet.write_string(r, c, text)?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    if explained {
        let help = book.add_worksheet();
        help.set_name("说明 columns")?;
        for (c, title) in ["column", "必填 required", "说明", "meaning"].iter().enumerate() {
            help.write_string_with_format(0, c as u16, *title, &bold)?;
        }
        for (r, (name, required, zh, en)) in COLUMNS.iter().enumerate() {
            let r = r as u32 + 1;
            help.write_string(r, 0, *name)?;
            help.write_string(r, 1, if *required { "是 yes" } else { "" })?;
            help.write_string(r, 2, *zh)?;
            help.write_string(r, 3, *en)?;
        }
        help.set_column_width(2, 60)?;
        help.set_column_width(3, 60)?;
    }
    book.save_to_buffer()
}

pub fn facilities_csv(facilities: &[Facility]) -> Result<Vec<u8>, csv::Error> {
    csv_of(facilities.iter().map(row))
}

pub fn facilities_xlsx(facilities: &[Facility]) -> Result<Vec<u8>, XlsxError> {
    xlsx_of(facilities.iter().map(row), false)
}

pub fn template_csv() -> Result<Vec<u8>, csv::Error> {
    csv_of(examples())
}

/// The template: the example rows on the first sheet (the one imports
/// read), the columns explained on the second.
pub fn template_xlsx() -> Result<Vec<u8>, XlsxError> {
    xlsx_of(examples(), true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{parse_facilities, read_records, Format as In};
    use app::domain::coords::Crs;

    fn known() -> std::collections::HashSet<String> {
        ["wuhou-yulin".to_string()].into_iter().collect()
    }

    #[test]
    fn the_templates_import_as_they_are() {
        for (bytes, format) in [(template_csv().unwrap(), In::Csv), (template_xlsx().unwrap(), In::Xlsx)] {
            let records = read_records(&bytes, format).unwrap();
            let rows = parse_facilities(&records, &known(), Crs::Wgs84).unwrap_or_else(|e| panic!("{format:?}: {e:?}"));
            assert_eq!(rows.len(), 3, "{format:?}");
            assert_eq!(rows[1].hours.to_string(), "Mo off; Tu-Su 09:00-12:00,14:00-17:30");
        }
    }

    #[test]
    fn every_column_is_explained_once() {
        let names: std::collections::HashSet<&str> = COLUMNS.iter().map(|c| c.0).collect();
        assert_eq!(names.len(), COLUMNS.len());
        assert!(examples().iter().all(|r| r.len() == COLUMNS.len()));
    }
}
