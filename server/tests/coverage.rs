//! Coverage planning through the real router: compounds imported as a
//! street office would, their coverage checked compound by compound
//! against what the nearby search tells a resident standing there, the
//! suggested sites against what opening one really changes, and every bad
//! parameter or row refused.

mod common;

use app::domain::coords::Crs;
use axum::http::StatusCode;
use serde_json::Value;
use server::import::{import_facilities, import_residences, Format, ImportError, RowProblem};

/// Compounds north and east of the test facilities (meal points at 30.6400
/// and 30.6450, 104.0500), from next door to a few kilometres away.
const RESIDENCES: &str = "ref,name_zh,name_en,community,lat,lng,residents,elderly\n\
    c-1,零号小区,Zero Compound,test-a,30.6402,104.0501,1200,300\n\
    c-2,五号院落,,test-a,30.6470,104.0510,400,160\n\
    c-3,北苑,North Court,test-a,30.6540,104.0500,2500,500\n\
    c-4,远郊家园,Far Homes,test-b,30.6700,104.0500,3000,900\n\
    c-5,东花园,East Garden,test-b,30.6450,104.0650,1800,250\n\
    c-6,更远家园,,test-b,30.7000,104.0600,600,200\n";

async fn app_with_compounds() -> common::TestApp {
    let app = common::app().await;
    import_residences(&app.db, RESIDENCES, Format::Csv, Crs::Wgs84, false)
        .await
        .expect("valid compounds");
    app
}

fn error_code(r: &common::Reply) -> String {
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert!(r.headers[axum::http::header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    r.json()["error"]["code"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn residences_are_listed_by_community_with_head_counts_only() {
    let app = app_with_compounds().await;
    let all = app.get("/api/v1/residences").await.json();
    let list = all["residences"].as_array().unwrap();
    assert_eq!(list.len(), 6);
    let first = &list[0];
    assert_eq!(first["name"], "零号小区");
    assert_eq!(
        (first["residents"].as_u64(), first["elderly"].as_u64()),
        (Some(1200), Some(300))
    );
    let mut keys: Vec<&str> = first.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["community", "elderly", "id", "lat", "lng", "name", "residents"]);
    let english = app
        .get_with("/api/v1/residences?community=test-b", ("accept-language", "en"))
        .await
        .json();
    let names: Vec<&str> = english["residences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    // English where there is one, Chinese otherwise.
    assert_eq!(names, ["Far Homes", "East Garden", "更远家园"]);
    let unknown = app.get("/api/v1/residences?community=nowhere").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.json()["error"]["code"], "not_found");
}

#[tokio::test]
async fn coverage_agrees_with_the_nearby_search_compound_by_compound() {
    let app = app_with_compounds().await;
    let compounds = app.get("/api/v1/residences").await.json()["residences"].clone();
    for kind in ["meal", "reading", "sorting"] {
        for minutes in [15, 30] {
            for pace in ["normal", "elderly"] {
                let c = app
                    .get(&format!("/api/v1/coverage?kind={kind}&minutes={minutes}&pace={pace}"))
                    .await;
                assert_eq!(c.status, StatusCode::OK, "{}", c.text);
                let c = c.json();
                assert_eq!(
                    (c["kind"].as_str(), c["minutes"].as_u64(), c["pace"].as_str()),
                    (Some(kind), Some(minutes), Some(pace))
                );
                let gaps: Vec<&Value> = c["gaps"].as_array().unwrap().iter().collect();
                let (mut residents, mut covered, mut elderly, mut elderly_covered) = (0, 0, 0, 0);
                for r in compounds.as_array().unwrap() {
                    let near = app
                        .get(&format!(
                            "/api/v1/facilities/nearby?lat={}&lng={}&kind={kind}&minutes={minutes}&pace={pace}",
                            r["lat"], r["lng"]
                        ))
                        .await
                        .json();
                    let reached = !near["results"].as_array().unwrap().is_empty();
                    let gap = gaps.iter().find(|g| g["id"] == r["id"]);
                    assert_eq!(reached, gap.is_none(), "{kind} {minutes} {pace}: {r}");
                    residents += r["residents"].as_u64().unwrap();
                    elderly += r["elderly"].as_u64().unwrap();
                    if reached {
                        covered += r["residents"].as_u64().unwrap();
                        elderly_covered += r["elderly"].as_u64().unwrap();
                    }
                    // A gap's walk is the nearest one's, as the search shows it.
                    if let Some(gap) = gap {
                        let far = app
                            .get(&format!(
                                "/api/v1/facilities/nearby?lat={}&lng={}&kind={kind}&minutes=60&pace={pace}&limit=1",
                                r["lat"], r["lng"]
                            ))
                            .await
                            .json();
                        if let Some(nearest) = far["results"].as_array().unwrap().first() {
                            assert_eq!(gap["walk_minutes"], nearest["walk_minutes"], "{r}");
                        }
                    }
                }
                assert_eq!(
                    [
                        &c["residents"],
                        &c["residents_covered"],
                        &c["elderly"],
                        &c["elderly_covered"]
                    ]
                    .map(|v| v.as_u64().unwrap()),
                    [residents, covered, elderly, elderly_covered],
                    "{kind} {minutes} {pace}"
                );
                // Most elderly first.
                let order: Vec<u64> = gaps.iter().map(|g| g["elderly"].as_u64().unwrap()).collect();
                assert!(order.windows(2).all(|w| w[0] >= w[1]), "{order:?}");
            }
        }
    }
    // The slower pace never reaches more.
    let normal = app.get("/api/v1/coverage?kind=meal").await.json();
    let slow = app.get("/api/v1/coverage?kind=meal&pace=elderly").await.json();
    assert!(slow["residents_covered"].as_u64() <= normal["residents_covered"].as_u64());
    assert!(normal["residents_covered"].as_u64().unwrap() > 0);
    assert!(!normal["gaps"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_community_sees_its_own_compounds_and_figures() {
    let app = app_with_compounds().await;
    let b = app.get("/api/v1/coverage?kind=meal&community=test-b").await.json();
    let communities = b["communities"].as_array().unwrap();
    assert_eq!(communities.len(), 1);
    assert_eq!(communities[0]["code"], "test-b");
    assert_eq!(b["residents"].as_u64(), Some(3000 + 1800 + 600));
    assert!(b["gaps"].as_array().unwrap().iter().all(|g| g["community"] == "test-b"));
    let all = app.get("/api/v1/coverage?kind=meal").await.json();
    let codes: Vec<&str> = all["communities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["test-a", "test-b"]);
    // The per-community figures add up to the whole.
    let sum: u64 = all["communities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["elderly_covered"].as_u64().unwrap())
        .sum();
    assert_eq!(Some(sum), all["elderly_covered"].as_u64());
}

#[tokio::test]
async fn the_public_community_page_shows_the_same_meal_figure() {
    let app = app_with_compounds().await;
    for code in ["test-a", "test-b"] {
        let c = app
            .get(&format!(
                "/api/v1/coverage?kind=meal&minutes=15&pace=normal&community={code}"
            ))
            .await
            .json();
        let (covered, elderly) = (c["elderly_covered"].as_u64().unwrap(), c["elderly"].as_u64().unwrap());
        let line = format!("{}%（{covered}/{elderly}人）", covered * 100 / elderly);
        let page = app.get(&format!("/suggestions?community={code}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text.contains(&line), "{code}: {line} not on the page");
    }
    // The two communities differ, so the figure is the community's own.
    let a = app.get("/api/v1/coverage?kind=meal&community=test-a").await.json();
    let b = app.get("/api/v1/coverage?kind=meal&community=test-b").await.json();
    assert_ne!(a["elderly_covered"], b["elderly_covered"]);
    // Without compounds on record the page says nothing about coverage.
    let bare = common::app().await;
    let page = bare.get("/suggestions?community=test-a").await;
    assert!(!page.text.contains("coverage-line"));
}

#[tokio::test]
async fn a_suggested_site_brings_in_what_it_promised() {
    let app = app_with_compounds().await;
    let sites = app.get("/api/v1/coverage/sites?kind=meal&k=3").await;
    assert_eq!(sites.status, StatusCode::OK, "{}", sites.text);
    let sites = sites.json()["sites"].as_array().unwrap().clone();
    assert!(!sites.is_empty() && sites.len() <= 3);
    let gains: Vec<(u64, u64)> = sites
        .iter()
        .map(|s| {
            (
                s["elderly_gain"].as_u64().unwrap(),
                s["residents_gain"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        gains.windows(2).all(|w| w[0] >= w[1]),
        "gains never increase: {gains:?}"
    );
    let before = app.get("/api/v1/coverage?kind=meal").await.json();
    // Open a meal point at the first site; coverage grows by its gain.
    let (lat, lng) = (sites[0]["lat"].as_f64().unwrap(), sites[0]["lng"].as_f64().unwrap());
    let csv = format!(
        "{}\nnew-1,meal,新食堂,,新路1号,,{lat},{lng},,test-b,Mo-Su 11:00-13:00,1,0,,,0,,,\n",
        common::HEADER
    );
    import_facilities(&app.db, csv, Format::Csv, Crs::Wgs84, false)
        .await
        .unwrap();
    app.catalog.refresh(&app.db).await.unwrap();
    let after = app.get("/api/v1/coverage?kind=meal").await.json();
    let grew = |field: &str| after[field].as_u64().unwrap() - before[field].as_u64().unwrap();
    assert_eq!((grew("elderly_covered"), grew("residents_covered")), gains[0]);
    // Everyone within reach: nothing left to suggest.
    let far = app
        .get("/api/v1/coverage/sites?kind=meal&minutes=30&k=10&community=test-a")
        .await
        .json();
    let left = app
        .get("/api/v1/coverage?kind=meal&minutes=30&community=test-a")
        .await
        .json();
    assert_eq!(
        far["sites"].as_array().unwrap().is_empty(),
        left["gaps"].as_array().unwrap().is_empty()
    );
}

#[tokio::test]
async fn bad_parameters_are_refused_with_json_errors() {
    let app = app_with_compounds().await;
    for (uri, code) in [
        ("/api/v1/coverage", "missing_kind"),
        ("/api/v1/coverage?kind=", "missing_kind"),
        ("/api/v1/coverage?kind=bus", "invalid_kind"),
        ("/api/v1/coverage?kind=meal&minutes=20", "invalid_minutes"),
        ("/api/v1/coverage?kind=meal&minutes=-15", "invalid_minutes"),
        ("/api/v1/coverage?kind=meal&pace=fast", "invalid_pace"),
        ("/api/v1/coverage/sites?kind=meal&k=0", "invalid_k"),
        ("/api/v1/coverage/sites?kind=meal&k=11", "invalid_k"),
        ("/api/v1/coverage/sites?kind=meal&k=two", "invalid_k"),
        ("/api/v1/coverage/sites?k=2", "missing_kind"),
        ("/api/v1/coverage?kind=meal&kind=reading", "invalid_query"),
    ] {
        assert_eq!(error_code(&app.get(uri).await), code, "{uri}");
    }
    for uri in [
        "/api/v1/coverage?kind=meal&community=nowhere",
        "/api/v1/coverage/sites?kind=meal&community=~",
    ] {
        let r = app.get(uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(r.json()["error"]["code"], "not_found", "{uri}");
    }
}

#[tokio::test]
async fn a_file_with_any_wrong_row_stores_nothing() {
    let app = common::app().await;
    let bad = "ref,name_zh,name_en,community,lat,lng,residents,elderly\n\
        ok-1,好小区,,test-a,30.64,104.05,100,20\n\
        bad-1,老人多,,test-a,30.64,104.05,100,120\n\
        bad-2,无名社区,,nowhere,30.64,104.05,100,20\n\
        ok-1,重复,,test-a,30.64,104.05,100,20\n\
        bad-3,缺人数,,test-a,30.64,104.05,,20\n\
        bad-4,负数,,test-a,30.64,104.05,-5,0\n\
        bad-5,,,test-a,30.64,104.05,10,1\n";
    let Err(ImportError::Rows(errors)) = import_residences(&app.db, bad, Format::Csv, Crs::Wgs84, false).await else {
        panic!("the file must be refused");
    };
    let found: Vec<(&str, &str, &RowProblem)> = errors
        .iter()
        .map(|e| (e.row.as_str(), e.field.as_str(), &e.problem))
        .collect();
    assert_eq!(
        found,
        [
            ("line 3", "elderly", &RowProblem::ElderlyOverResidents),
            ("line 4", "community", &RowProblem::UnknownCommunity("nowhere".into())),
            ("line 5", "ref", &RowProblem::Duplicate("ok-1".into())),
            ("line 6", "residents", &RowProblem::Required),
            ("line 7", "residents", &RowProblem::WholeNumber),
            ("line 8", "name_zh", &RowProblem::Required),
        ]
    );
    assert!(app.db.residences(None).await.unwrap().is_empty(), "nothing stored");
    // GCJ-02 coordinates are moved to WGS-84, as for facilities; importing
    // again updates by `ref`.
    let gcj = Crs::Gcj02.from_wgs84(app::domain::coords::LatLng::new(30.64, 104.05));
    let file = |residents: u32| {
        format!(
            "ref,name_zh,name_en,community,lat,lng,residents,elderly\nr-1,甲小区,,test-a,{},{},{residents},10\n",
            gcj.lat, gcj.lng
        )
    };
    import_residences(&app.db, file(100), Format::Csv, Crs::Gcj02, false)
        .await
        .unwrap();
    import_residences(&app.db, file(150), Format::Csv, Crs::Gcj02, false)
        .await
        .unwrap();
    let stored = app.db.residences(Some("test-a")).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].residents, 150);
    assert!((stored[0].location.lat - 30.64).abs() < 1e-5 && (stored[0].location.lng - 104.05).abs() < 1e-5);
}

#[tokio::test]
async fn the_csv_holds_a_members_own_compounds_with_their_coverage() {
    use app::domain::review::Role;
    let app = app_with_compounds().await;
    common::user(&app, "ying", Role::Committee, Some("test-b")).await;
    common::user(&app, "chief", Role::Admin, None).await;
    let rows = |csv: &common::Reply| -> Vec<Vec<String>> {
        assert_eq!(csv.status, StatusCode::OK, "{}", csv.text);
        assert!(csv.headers[axum::http::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        assert_eq!(csv.headers[axum::http::header::CACHE_CONTROL], "private, no-store");
        assert!(csv.bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");
        csv.text
            .trim_start_matches('\u{feff}')
            .lines()
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect()
    };
    // A committee member asking for another community gets their own.
    let ying = common::sign_in(&app, "ying").await;
    let mine = rows(
        &app.send(common::get(
            "/review/coverage.csv?kind=meal&community=test-a",
            Some(&ying),
        ))
        .await,
    );
    assert_eq!(
        mine[0].join(","),
        "ref,name_zh,name_en,community,lat,lng,residents,elderly,walk_minutes,covered"
    );
    assert_eq!(mine.len(), 1 + 3);
    assert!(mine[1..].iter().all(|r| r[3] == "test-b"));
    // Covered exactly where the API finds no gap.
    let api = app.get("/api/v1/coverage?kind=meal&community=test-b").await.json();
    let gap_names: Vec<&str> = api["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    for r in &mine[1..] {
        assert_eq!(r[9] == "0", gap_names.contains(&r[1].as_str()), "{r:?}");
    }
    // An admin: all, or the community asked for.
    let chief = common::sign_in(&app, "chief").await;
    assert_eq!(
        rows(
            &app.send(common::get("/review/coverage.csv?kind=meal", Some(&chief)))
                .await
        )
        .len(),
        1 + 6
    );
    let a = rows(
        &app.send(common::get(
            "/review/coverage.csv?kind=reading&minutes=30&pace=elderly&community=test-a",
            Some(&chief),
        ))
        .await,
    );
    assert_eq!(a.len(), 1 + 3);
    // Nobody signed in: no figures.
    let anon = app.send(common::get("/review/coverage.csv?kind=meal", None)).await;
    assert_ne!(anon.status, StatusCode::OK);
    assert!(!anon.text.contains("ref,name_zh"));
}

#[tokio::test]
async fn what_if_shows_the_change_and_saves_nothing() {
    use app::domain::review::Role;
    let app = app_with_compounds().await;
    common::user(&app, "ying", Role::Committee, Some("test-b")).await;
    common::user(&app, "chief", Role::Admin, None).await;
    let before = app.get("/api/v1/coverage?kind=meal&community=test-b").await.json();
    let far = before["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "远郊家园")
        .expect("远郊家园 is out of reach")
        .clone();
    let ying = common::sign_in(&app, "ying").await;
    let page = app
        .send(common::get(
            &format!("/review/coverage?kind=meal&open={}", far["id"]),
            Some(&ying),
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("如果在远郊家园旁新开一处"), "{}", page.text);
    let elderly = far["elderly"].as_u64().unwrap();
    let covered = before["elderly_covered"].as_u64().unwrap();
    assert!(
        page.text.contains(&format!("60岁以上居民的覆盖：{covered} → ")),
        "the figures before"
    );
    assert!(page.text.contains("覆盖有变化的小区：") && page.text.contains("远郊家园"));
    let after_part = &page.text[page.text.find("60岁以上居民的覆盖：").unwrap()..];
    let after: u64 = after_part
        .split("→ ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a figure after");
    assert!(after >= covered + elderly, "at least the compound itself: {after}");
    // Nothing was saved.
    assert_eq!(
        app.get("/api/v1/coverage?kind=meal&community=test-b").await.json(),
        before
    );
    // Closing the nearest meal point of test-a, as an admin.
    let zero = app
        .catalog
        .snapshot()
        .index
        .facilities()
        .iter()
        .find(|f| f.name_zh == "零号食堂")
        .unwrap()
        .id;
    let chief = common::sign_in(&app, "chief").await;
    let closing = app
        .send(common::get(
            &format!("/review/coverage?kind=meal&community=test-a&close={zero}"),
            Some(&chief),
        ))
        .await;
    assert!(closing.text.contains("如果零号食堂关闭"), "{}", closing.text);
    // A point of another kind, or of no such id, is not tried.
    let r1 = app
        .catalog
        .snapshot()
        .index
        .facilities()
        .iter()
        .find(|f| f.name_zh == "一号书屋")
        .unwrap()
        .id;
    for close in [r1.to_string(), "999999".into(), "x".into()] {
        let page = app
            .send(common::get(
                &format!("/review/coverage?kind=meal&community=test-a&close={close}"),
                Some(&chief),
            ))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.text.contains("coverage-whatif\""), "{close}");
    }
}
