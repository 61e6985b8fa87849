//! The browser's import on the real router and database: a preview that
//! writes nothing, every bad row named in the reader's language, a GCJ-02
//! spreadsheet landing where the WGS-84 truth is, confirmation all or
//! nothing with history rows, retiring only what the clerk asked for, the
//! templates and exports importing back, and only admins importing.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};

use app::domain::coords::{Crs, LatLng};
use app::domain::review::Role;
use app::server::store::FacilityScope;
use common::{csrf, form, get, multipart, sign_in, user, Reply, TestApp, HEADER};
use server::import::{read_records, Format};

fn upload(cookie: &str, csrf: &str, file_name: &'static str, bytes: Vec<u8>, crs: &str, retire: bool) -> Request<Body> {
    let mut fields = vec![("csrf", csrf), ("crs", crs)];
    if retire {
        fields.push(("retire_missing", "1"));
    }
    let (content_type, body) = multipart(&fields, &[("file", file_name, bytes)]);
    Request::post("/review/import")
        .header(header::CONTENT_TYPE, content_type)
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .unwrap()
}

fn stage_of(page: &Reply) -> String {
    let at = page
        .text
        .find("name=\"stage\" value=\"")
        .unwrap_or_else(|| panic!("no confirmation in: {}", page.text))
        + 20;
    page.text[at..at + 64].to_string()
}

async fn admin(app: &TestApp) -> (String, String) {
    user(app, "street", Role::Admin, None).await;
    let cookie = sign_in(app, "street").await;
    let token = csrf(app, &cookie).await;
    (cookie, token)
}

async fn in_use(app: &TestApp) -> Vec<app::domain::facility::Facility> {
    app.db
        .admin_facilities(&FacilityScope {
            retired: Some(false),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.facility)
        .collect()
}

/// A workbook with the import's columns, numbers typed as numbers.
fn workbook(rows: &[String]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, line) in std::iter::once(HEADER.to_string())
        .chain(rows.iter().cloned())
        .enumerate()
    {
        for (c, text) in line.split(',').enumerate() {
            match text.parse::<f64>() {
                Ok(n) if r > 0 && (c == 6 || c == 7) => sheet.write_number(r as u32, c as u16, n).map(|_| ()),
                _ => sheet.write_string(r as u32, c as u16, text).map(|_| ()),
            }
            .unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn a_spreadsheet_with_mistakes_is_previewed_row_by_row_and_nothing_is_written() {
    let app = common::app().await;
    let (cookie, token) = admin(&app).await;
    let before = in_use(&app).await;
    let rows = [
        "new-1,meal,新食堂,,甲路20号,,30.6460,104.0510,,test-a,Mo-Fr 11:00-13:00,1,0,,,0,,,".to_string(),
        // Row 3: latitude and longitude swapped.
        "new-2,reading,新书屋,,甲路21号,,104.0510,30.6460,,test-a,,,,,,,0,,".to_string(),
        // Row 4: a community that does not exist, hours mistyped.
        "new-3,reading,新书屋二,,甲路22号,,30.6470,104.0510,,nowhere,Mo-Fr 9-17,,,,,,0,,".to_string(),
    ];
    let r = app
        .send(upload(
            &cookie,
            &token,
            "facilities.xlsx",
            workbook(&rows),
            "wgs84",
            false,
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("id=\"import-error\""));
    assert!(r.text.contains("第3行 · lat：必须在 -90 到 90 之间"), "{}", r.text);
    assert!(r.text.contains("第4行 · community：没有代码为“nowhere”的社区"));
    assert!(r.text.contains("第4行 · hours：时间“9-17”写法不对"));
    assert!(!r.text.contains("name=\"stage\""), "nothing to confirm");
    assert_eq!(in_use(&app).await, before, "nothing written");

    // In English for an English reader.
    let mut req = upload(&cookie, &token, "facilities.xlsx", workbook(&rows), "wgs84", false);
    req.headers_mut()
        .insert(header::COOKIE, format!("{cookie}; linli_lang=en").parse().unwrap());
    let r = app.send(req).await;
    assert!(
        r.text
            .contains("Line 3 · lat: must be between -90 and 90; are lat and lng swapped?"),
        "{}",
        r.text
    );

    // A file that is not a spreadsheet, an old GB18030 "CSV", nothing at all.
    let r = app
        .send(upload(
            &cookie,
            &token,
            "facilities.xlsx",
            b"PK\x03\x04 broken".to_vec(),
            "wgs84",
            false,
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("这个文件读不了"));
    let gb = [
        HEADER.as_bytes(),
        b"\nx,meal,\xca\xb3\xcc\xc3,,,,30.64,104.05,,test-a,,,,,,,,,\n",
    ]
    .concat();
    let r = app.send(upload(&cookie, &token, "old.csv", gb, "wgs84", false)).await;
    assert!(r.text.contains("CSV UTF-8"), "{}", r.text);
    let r = app
        .send(upload(&cookie, &token, "none.csv", Vec::new(), "wgs84", false))
        .await;
    assert_eq!(r.headers[header::LOCATION], "/review/import?error=no_file");
    let r = app
        .send(upload(&cookie, &token, "a.csv", b"x".to_vec(), "utm", false))
        .await;
    assert_eq!(r.headers[header::LOCATION], "/review/import?error=crs");
    assert_eq!(in_use(&app).await, before);
}

#[tokio::test]
async fn a_gcj02_file_is_previewed_then_confirmed_all_at_once_and_residents_see_it() {
    let app = common::app().await;
    let (cookie, token) = admin(&app).await;
    let truth = LatLng::new(30.6460, 104.0510);
    let amap = Crs::Gcj02.from_wgs84(truth);
    let csv = format!(
        "{HEADER}\n\
         new-1,meal,高德食堂,,甲路20号,,{:.7},{:.7},,test-a,Mo-Fr 11:00-13:00,1,0,,,0,,,\n\
         m-5,meal,五号食堂（新址）,,甲路5号,,{:.7},{:.7},,test-a,Mo-Su 00:00-24:00,1,0,,,0,,,\n",
        amap.lat,
        amap.lng,
        Crs::Gcj02.from_wgs84(LatLng::new(30.6450, 104.0500)).lat,
        Crs::Gcj02.from_wgs84(LatLng::new(30.6450, 104.0500)).lng,
    );
    let before = in_use(&app).await;
    let preview = app
        .send(upload(&cookie, &token, "amap.csv", csv.into_bytes(), "gcj02", false))
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text);
    assert!(
        preview.text.contains("共 2 行：新增 1 个，更新 1 个，0 个没有变化"),
        "{}",
        preview.text
    );
    assert!(preview.text.contains("高德食堂") && preview.text.contains("五号食堂（新址）"));
    assert!(preview.text.contains("name_zh"), "what changes is named");
    // Left out of the file: listed, but not retired unless asked.
    assert!(preview.text.contains("零号食堂") && preview.text.contains("name=\"retire_missing\""));
    assert!(!preview.text.contains("远处书屋"), "another community is not touched");
    assert_eq!(in_use(&app).await, before, "a preview writes nothing");

    let stage = stage_of(&preview);
    let done = app
        .send(form(
            "/review/import/confirm",
            Some(&cookie),
            &[("csrf", &token), ("stage", &stage)],
        ))
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(
        done.headers[header::LOCATION],
        "/review/import?done=1&added=1&updated=1&retired=0"
    );
    let page = app
        .send(get("/review/import?done=1&added=1&updated=1&retired=0", Some(&cookie)))
        .await;
    assert!(page.text.contains("id=\"import-done\""));

    let after = in_use(&app).await;
    assert_eq!(after.len(), before.len() + 1, "one added, none retired");
    let new = after.iter().find(|f| f.source_ref == "new-1").unwrap();
    let off = app::domain::walking::haversine_m(new.location, truth);
    assert!(off < 1.0, "lands {off} m from the truth");
    let five = after.iter().find(|f| f.source_ref == "m-5").unwrap();
    assert_eq!(five.name_zh, "五号食堂（新址）");
    let history = app.db.facility_history(five.id).await.unwrap();
    assert_eq!(
        (history[0].kind.as_str(), history[0].actor.as_deref()),
        ("imported", Some("street"))
    );
    assert!(history[0].before.contains("五号食堂") && history[0].after.contains("五号食堂（新址）"));

    // Residents see it at once.
    let nearby = app
        .get("/api/v1/facilities/nearby?lat=30.6460&lng=104.0510&kind=meal&minutes=15")
        .await
        .json();
    assert!(nearby["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["name"] == "高德食堂"));

    // Confirming again does nothing more.
    let again = app
        .send(form(
            "/review/import/confirm",
            Some(&cookie),
            &[("csrf", &token), ("stage", &stage)],
        ))
        .await;
    assert_eq!(again.headers[header::LOCATION], "/review/import?error=expired");
    assert_eq!(in_use(&app).await.len(), after.len());
}

#[tokio::test]
async fn facilities_left_out_are_retired_only_when_asked_and_only_in_the_files_communities() {
    let app = common::app().await;
    let (cookie, token) = admin(&app).await;
    user(&app, "other", Role::Admin, None).await;
    let other = sign_in(&app, "other").await;
    let other_csrf = csrf(&app, &other).await;
    // Only two of test-a's six facilities.
    let csv = format!(
        "{HEADER}\n\
         m-0,meal,零号食堂,Canteen Zero,甲路0号,0 A Road,30.6400,104.0500,028-85550000,test-a,Mo-Su 00:00-24:00,1,1,12,10,1,,,\n\
         r-1,reading,一号书屋,Reading Room One,甲路1号,,30.6410,104.0500,,test-a,Mo-Su 00:00-24:00,,,,,,1,20,\n"
    );
    let preview = app
        .send(upload(
            &cookie,
            &token,
            "two.csv",
            csv.clone().into_bytes(),
            "wgs84",
            true,
        ))
        .await;
    assert!(preview.text.contains("文件里没有的 4 个设施"), "{}", preview.text);
    for name in ["二号投放点", "五号食堂", "七号回收站", "十号书屋"] {
        assert!(preview.text.contains(name), "{name} listed by name");
    }
    let stage = stage_of(&preview);
    // Another admin cannot confirm someone else's upload.
    let stolen = app
        .send(form(
            "/review/import/confirm",
            Some(&other),
            &[("csrf", &other_csrf), ("stage", &stage)],
        ))
        .await;
    assert_eq!(stolen.headers[header::LOCATION], "/review/import?error=expired");
    let done = app
        .send(form(
            "/review/import/confirm",
            Some(&cookie),
            &[("csrf", &token), ("stage", &stage), ("retire_missing", "1")],
        ))
        .await;
    assert_eq!(
        done.headers[header::LOCATION],
        "/review/import?done=1&added=0&updated=0&retired=4"
    );
    let left: Vec<String> = in_use(&app).await.into_iter().map(|f| f.source_ref).collect();
    assert_eq!(left, ["m-0", "r-1", "r-far"], "test-b's facility is untouched");
    let retired = app.catalog.snapshot();
    assert!(
        retired.index.facilities().iter().all(|f| f.source_ref != "m-5"),
        "gone for residents"
    );

    // The same file again without asking: nothing more is retired.
    let preview = app
        .send(upload(&cookie, &token, "two.csv", csv.into_bytes(), "wgs84", false))
        .await;
    assert!(preview.text.contains("共 2 行：新增 0 个，更新 0 个，2 个没有变化"));
    let done = app
        .send(form(
            "/review/import/confirm",
            Some(&cookie),
            &[("csrf", &token), ("stage", &stage_of(&preview))],
        ))
        .await;
    assert_eq!(
        done.headers[header::LOCATION],
        "/review/import?done=1&added=0&updated=0&retired=0"
    );
}

#[tokio::test]
async fn an_export_imports_back_unchanged_and_the_templates_download() {
    let app = common::app().await;
    let (cookie, token) = admin(&app).await;
    for file in ["facilities.xlsx", "facilities.csv"] {
        let export = app.send(get(&format!("/review/export/{file}"), Some(&cookie))).await;
        assert_eq!(export.status, StatusCode::OK, "{file}");
        assert_eq!(export.headers[header::CACHE_CONTROL], "private, no-store");
        let bytes = export.bytes.clone();
        let name: &'static str = if file.ends_with("xlsx") { "e.xlsx" } else { "e.csv" };
        let preview = app.send(upload(&cookie, &token, name, bytes, "wgs84", false)).await;
        assert_eq!(preview.status, StatusCode::OK, "{file}: {}", preview.text);
        assert!(
            preview.text.contains("共 7 行：新增 0 个，更新 0 个，7 个没有变化"),
            "{file}: {}",
            preview.text
        );
    }
    for (file, kind) in [
        (
            "template.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("template.csv", "text/csv; charset=utf-8"),
    ] {
        let t = app.send(get(&format!("/review/import/{file}"), Some(&cookie))).await;
        assert_eq!(t.status, StatusCode::OK);
        assert_eq!(t.headers[header::CONTENT_TYPE], kind);
        let format = if file.ends_with("xlsx") {
            Format::Xlsx
        } else {
            Format::Csv
        };
        assert_eq!(
            read_records(&t.bytes, format).unwrap().len(),
            3,
            "{file}: one example per kind"
        );
    }
    assert_eq!(
        app.send(get("/review/import/passwd", Some(&cookie))).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn only_admins_import_and_a_committee_exports_its_own_community() {
    let app = common::app().await;
    let (admin_cookie, _) = admin(&app).await;
    user(&app, "member-a", Role::Committee, Some("test-a")).await;
    let cookie = sign_in(&app, "member-a").await;
    let token = csrf(&app, &cookie).await;
    let csv = format!("{HEADER}\nm-0,meal,改名,,甲路0号,,30.6400,104.0500,,test-a,,1,1,,,1,,,\n");
    let before = in_use(&app).await;
    let r = app
        .send(upload(
            &cookie,
            &token,
            "a.csv",
            csv.clone().into_bytes(),
            "wgs84",
            true,
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .send(form(
            "/review/import/confirm",
            Some(&cookie),
            &[("csrf", &token), ("stage", "x")],
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let page = app.send(get("/review/import", Some(&cookie))).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    // An admin without the form's token, and nobody at all.
    let r = app
        .send(upload(
            &admin_cookie,
            "forged",
            "a.csv",
            csv.clone().into_bytes(),
            "wgs84",
            false,
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let (content_type, body) = multipart(&[("crs", "wgs84")], &[("file", "a.csv", csv.into_bytes())]);
    let anonymous = app
        .send(
            Request::post("/review/import")
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert!(anonymous.status.is_redirection());
    assert_eq!(in_use(&app).await, before);

    // Export: a committee member gets their own community, whatever it asks.
    let export = app
        .send(get("/review/export/facilities.xlsx?community=test-b", Some(&cookie)))
        .await;
    assert_eq!(export.status, StatusCode::OK);
    let rows = read_records(&export.bytes, Format::Xlsx).unwrap();
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().all(|r| r.get("community") == "test-a"));
    assert!(app
        .send(get("/review/export/facilities.csv", None))
        .await
        .status
        .is_redirection());
}

/// The workbook the end-to-end test uploads: two good rows and one with
/// latitude and longitude swapped (row 3). `cargo test -p server --test
/// browser_import -- --ignored` writes it again.
const E2E_WORKBOOK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end/fixtures/bad-row.xlsx");

fn e2e_rows() -> Vec<String> {
    vec![
        "e2e-meal-1,meal,测试食堂,Test Canteen,玉林北路9号,,30.630000,104.058000,,wuhou-yulin,Mo-Fr 11:00-13:00,1,0,12,10,0,,,".into(),
        "e2e-reading-1,reading,测试书屋,,玉林中路9号,,104.060000,30.631000,,wuhou-yulin,Tu-Su 09:00-17:00,,,,,,1,12,".into(),
        "e2e-sorting-1,sorting,测试分类亭,,玉林四巷9号,,30.636000,104.046000,,wuhou-yulin,Mo-Su 07:00-09:00,,,,,,,,food|residual".into(),
    ]
}

#[test]
#[ignore = "writes the end-to-end fixture"]
fn write_the_end_to_end_workbook() {
    std::fs::write(E2E_WORKBOOK, workbook(&e2e_rows())).unwrap();
}

#[tokio::test]
async fn the_end_to_end_workbook_still_has_its_one_bad_row() {
    let app = common::app().await;
    let (cookie, token) = admin(&app).await;
    // The demo community of the end-to-end data, here too.
    server::import::import_communities(
        &app.db,
        "code,name_zh,name_en,district_zh,district_en,lat,lng\nwuhou-yulin,玉林街道,Yulin,武侯区,Wuhou,30.629,104.059\n",
        Format::Csv,
        Crs::Wgs84,
        false,
    )
    .await
    .unwrap();
    let bytes = std::fs::read(E2E_WORKBOOK).expect("the fixture is committed");
    let r = app
        .send(upload(&cookie, &token, "bad-row.xlsx", bytes, "wgs84", false))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = r.text.matches("<li>第").count();
    assert_eq!(errors, 1, "{}", r.text);
    assert!(r.text.contains("第3行 · lat：必须在 -90 到 90 之间"));
}
