//! The sorting guide over the real curated dictionary: the tricky items
//! table, and the search API with good and bad input.

mod common;

use axum::http::StatusCode;

use app::domain::sorting::SortingIndex;
use server::import::{parse_sorting, read_records, Format};

fn dictionary() -> SortingIndex {
    let records = read_records(include_str!("../../seeds/sorting.csv"), Format::Csv).unwrap();
    SortingIndex::new(parse_sorting(&records).expect("the seed dictionary is valid"))
}

/// `seeds/sorting_tricky.csv`: what residents get wrong, and the Chengdu
/// answer. The first result for each query must be in that category.
#[test]
fn tricky_items_land_in_the_chengdu_bin() {
    let index = dictionary();
    assert!(index.len() >= 600, "{} items", index.len());
    let table = read_records(include_str!("../../seeds/sorting_tricky.csv"), Format::Csv).unwrap();
    assert!(table.len() >= 60);
    let mut wrong = Vec::new();
    for row in &table {
        let (query, want) = (row.get("query"), row.get("category"));
        let got = index
            .search(query, 1)
            .matches
            .first()
            .map(|m| index.item(m.item).category.as_str());
        if got != Some(want) {
            wrong.push(format!("{query}: want {want}, got {got:?} ({})", row.get("why")));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn chengdu_rules_that_differ_from_shanghai() {
    let index = dictionary();
    let first = |q: &str| {
        index
            .item(index.search(q, 1).matches[0].item)
            .category
            .as_str()
            .to_string()
    };
    assert_eq!(first("烟头"), "residual");
    assert_eq!(first("纽扣电池"), "hazardous");
    assert_eq!(first("过期药品"), "hazardous");
    assert_eq!(first("茶叶"), "food");
    assert_eq!(first("用过的纸巾"), "residual");
}

#[tokio::test]
async fn search_api_answers_in_both_languages() {
    let app = common::app_with_dictionary().await;

    let r = app.get("/api/v1/sorting/search?q=%E6%8A%A5%E7%BA%B8").await; // 报纸
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = r.json();
    assert_eq!(v["results"][0]["name"], "报纸");
    assert_eq!(v["results"][0]["category"], "recyclable");

    let r = app
        .get_with("/api/v1/sorting/search?q=Batteries&limit=3", ("accept-language", "en"))
        .await;
    let v = r.json();
    assert_eq!(v["results"].as_array().unwrap().len(), 3);
    assert!(v["results"][0]["name"].as_str().unwrap().contains("batter"), "{v}");

    let r = app.get("/api/v1/sorting/search?q=baozhi").await;
    assert_eq!(r.json()["results"][0]["name_zh"], "报纸");

    let r = app.get("/api/v1/sorting/search?q=newspapr").await;
    let v = r.json();
    assert_eq!(v["results"], serde_json::json!([]));
    assert_eq!(v["did_you_mean"][0]["name_en"], "newspaper");
}

#[tokio::test]
async fn search_api_refuses_bad_input_with_json() {
    let app = common::app().await;
    let long = "x".repeat(10_000);
    for (query, status, code) in [
        ("", StatusCode::BAD_REQUEST, Some("missing_q")),
        ("q=", StatusCode::BAD_REQUEST, Some("missing_q")),
        ("q=%20%E3%80%80", StatusCode::BAD_REQUEST, Some("missing_q")),
        ("q=%00%07", StatusCode::BAD_REQUEST, Some("missing_q")),
        (&format!("q={long}"), StatusCode::BAD_REQUEST, Some("q_too_long")),
        ("q=a&limit=0", StatusCode::BAD_REQUEST, Some("invalid_limit")),
        ("q=a&limit=x", StatusCode::BAD_REQUEST, Some("invalid_limit")),
        ("q=a%00b", StatusCode::OK, None),
        ("q=%3Cscript%3E", StatusCode::OK, None),
    ] {
        let r = app.get(&format!("/api/v1/sorting/search?{query}")).await;
        assert_eq!(r.status, status, "{}: {}", &query[..query.len().min(40)], r.text);
        let v = r.json();
        match code {
            Some(code) => assert_eq!(v["error"]["code"], code),
            None => assert!(v["results"].is_array()),
        }
    }
}

#[tokio::test]
async fn dictionary_download_revalidates() {
    let app = common::app_with_dictionary().await;
    let r = app.get("/api/v1/sorting/dictionary").await;
    assert_eq!(r.status, StatusCode::OK);
    let items = app::domain::sorting::dictionary::from_tsv(&r.text);
    assert!(items.len() >= 600);
    assert_eq!(items[0], app.catalog.snapshot().sorting.items()[0]);
    let etag = r.headers["etag"].to_str().unwrap().to_string();
    let r = app
        .get_with("/api/v1/sorting/dictionary", ("if-none-match", &etag))
        .await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    let r = app
        .get_with("/api/v1/sorting/dictionary", ("accept-encoding", "gzip, br"))
        .await;
    assert_eq!(r.headers["content-encoding"], "br");
}
