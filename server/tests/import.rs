//! Importing into a real database: all or nothing, updates by `ref`, and
//! the spatial index follows.

mod common;

use app::domain::coords::Crs;
use app::domain::nearby::NearbyParams;
use server::import::{import_facilities, Format, ImportError};

use common::HEADER;

fn query() -> app::domain::nearby::NearbyQuery {
    NearbyParams {
        lat: Some("30.62".into()),
        lng: Some("104.05".into()),
        ..Default::default()
    }
    .validate()
    .unwrap()
}

#[tokio::test]
async fn a_bad_row_means_nothing_is_imported() {
    let app = common::app().await;
    let before = app.db.fingerprint().await.unwrap();
    let text = format!(
        "{HEADER}\nn-1,meal,新食堂,,新路1号,,30.62,104.05,,test-a,Mo-Fr 11:00-13:00,1,0,,,0,,,\n\
         n-2,meal,坏食堂,,新路2号,,abc,104.05,,test-a,Mo-Fr 11:00-13:00,1,0,,,0,,,\n"
    );
    match import_facilities(&app.db, &text, Format::Csv, Crs::Wgs84, false).await {
        Err(ImportError::Rows(errors)) => {
            assert_eq!(errors.len(), 1);
            assert_eq!((errors[0].row.as_str(), errors[0].field.as_str()), ("line 3", "lat"));
        }
        other => panic!("expected row errors, got {other:?}"),
    }
    assert_eq!(
        app.db.fingerprint().await.unwrap(),
        before,
        "the good row was not stored either"
    );
}

#[tokio::test]
async fn reimport_updates_by_ref_and_the_index_follows() {
    let app = common::app().await;
    assert!(app.catalog.snapshot().index.nearby(&query()).within.is_empty());
    let row =
        |name: &str| format!("{HEADER}\nn-1,meal,{name},,新路1号,,30.62,104.05,,test-a,Mo-Fr 11:00-13:00,1,0,,,0,,,\n");
    import_facilities(&app.db, &row("新食堂"), Format::Csv, Crs::Wgs84, false)
        .await
        .unwrap();
    assert!(app.catalog.refresh(&app.db).await.unwrap(), "a change is noticed");
    let hits = app.catalog.snapshot().index.nearby(&query()).within;
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].facility.name_zh, "新食堂");

    import_facilities(&app.db, &row("改名食堂"), Format::Csv, Crs::Wgs84, false)
        .await
        .unwrap();
    app.catalog.refresh(&app.db).await.unwrap();
    let hits = app.catalog.snapshot().index.nearby(&query()).within;
    assert_eq!(hits.len(), 1, "updated, not duplicated");
    assert_eq!(hits[0].facility.name_zh, "改名食堂");
    assert!(!app.catalog.refresh(&app.db).await.unwrap(), "no change, no rebuild");
}

#[tokio::test]
async fn dry_run_stores_nothing() {
    let app = common::app().await;
    let before = app.db.fingerprint().await.unwrap();
    let text = format!("{HEADER}\nn-1,reading,新书屋,,新路1号,,30.62,104.05,,,Mo-Su 09:00-18:00,,,,,,1,10,\n");
    let report = import_facilities(&app.db, &text, Format::Csv, Crs::Wgs84, true)
        .await
        .unwrap();
    assert_eq!((report.rows, report.stored), (1, false));
    assert_eq!(app.db.fingerprint().await.unwrap(), before);
}

#[tokio::test]
async fn the_sample_geojson_imports() {
    let app = common::app().await;
    // The sample refers to seed communities; load those first.
    server::import::import_communities(
        &app.db,
        include_str!("../../seeds/communities.csv"),
        Format::Csv,
        Crs::Wgs84,
        false,
    )
    .await
    .unwrap();
    let report = import_facilities(
        &app.db,
        include_str!("../../seeds/sample.geojson"),
        Format::GeoJson,
        Crs::Wgs84,
        false,
    )
    .await
    .unwrap();
    assert_eq!(report.rows, 3);
}

#[tokio::test]
async fn the_demo_seed_loads_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = app::server::Db::connect(&common::database_url(dir.path()).await)
        .await
        .unwrap();
    assert!(server::seed::load_demo_if_empty(&db).await.unwrap());
    let f = db.fingerprint().await.unwrap();
    assert!(f.facilities >= 700 && f.communities >= 60, "{f:?}");
    let communities = db.communities().await.unwrap();
    assert!(
        communities
            .iter()
            .all(|c| c.boundary.as_ref().is_some_and(|b| b.contains(c.centre))),
        "every sample community has a boundary around its centre"
    );
    assert!(!server::seed::load_demo_if_empty(&db).await.unwrap());
    assert_eq!(db.fingerprint().await.unwrap().facilities, f.facilities);
}

/// An Amap (GCJ-02) export saved as an Excel workbook, and a Baidu (BD-09)
/// CSV: read in their own systems, both land within a metre of the truth;
/// read as WGS-84, the same file would be hundreds of metres off.
#[tokio::test]
async fn chinese_map_coordinates_land_where_they_are() {
    use app::domain::coords::LatLng;
    use app::domain::walking::haversine_m;
    let app = common::app().await;
    let truth = LatLng::new(30.641_234, 104.051_234);
    let row = |r: &str, at: LatLng| -> Vec<String> {
        format!(
            "{r},meal,高德食堂,,甲路9号,,{},{},,test-a,Mo-Fr 11:00-13:00,1,0,,,0,,,",
            at.lat, at.lng
        )
        .split(',')
        .map(str::to_string)
        .collect()
    };
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, cells) in [
        HEADER.split(',').map(str::to_string).collect(),
        row("amap-1", Crs::Gcj02.from_wgs84(truth)),
    ]
    .iter()
    .enumerate()
    {
        for (c, text) in cells.iter().enumerate() {
            match text.parse::<f64>() {
                // Coordinates typed as numbers, as an export has them.
                Ok(n) if r > 0 && c >= 6 => sheet.write_number(r as u32, c as u16, n).map(|_| ()),
                _ => sheet.write_string(r as u32, c as u16, text).map(|_| ()),
            }
            .unwrap();
        }
    }
    let xlsx = book.save_to_buffer().unwrap();
    import_facilities(&app.db, &xlsx, Format::Xlsx, Crs::Gcj02, false)
        .await
        .unwrap();
    let csv = format!("{HEADER}\n{}\n", row("baidu-1", Crs::Bd09.from_wgs84(truth)).join(","));
    import_facilities(&app.db, &csv, Format::Csv, Crs::Bd09, false)
        .await
        .unwrap();

    app.catalog.refresh(&app.db).await.unwrap();
    let snapshot = app.catalog.snapshot();
    for r in ["amap-1", "baidu-1"] {
        let f = snapshot
            .index
            .facilities()
            .iter()
            .find(|f| f.source_ref == r)
            .unwrap_or_else(|| panic!("{r} imported"));
        let off = haversine_m(f.location, truth);
        assert!(off < 1.0, "{r} is {off} m from the truth");
    }
    // The mistake the option prevents.
    let wrong = haversine_m(Crs::Gcj02.from_wgs84(truth), truth);
    assert!(wrong > 300.0, "{wrong}");
}
