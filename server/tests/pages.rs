//! Server-rendered pages: complete answers without JavaScript.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};

/// Where a facility's card title is in the list (the map comes first and
/// draws its pins farthest first, so plain text search would find those).
fn position(html: &str, name: &str) -> usize {
    let needle = format!(">{name}</a></h3>");
    html.find(&needle).unwrap_or_else(|| panic!("`{needle}` not in page"))
}

#[tokio::test]
async fn shared_url_renders_complete_results() {
    let app = common::app().await;
    let r = app.get("/nearby?kind=meal&lat=30.64&lng=104.05&minutes=15").await;
    assert_eq!(r.status, StatusCode::OK);
    let html = &r.text;
    assert!(html.contains("<html lang=\"zh-CN\""), "Chinese by default");
    // Both meal points, nearest first, with minutes, open state and links.
    assert!(position(html, "零号食堂") < position(html, "五号食堂"));
    assert!(!html.contains("一号书屋"), "kind filter applies");
    assert!(html.contains("步行约1分钟"));
    assert!(html.contains("步行15分钟内有2处"));
    assert!(html.contains("营业中"));
    assert!(html.contains("href=\"tel:02885550000\""));
    assert!(html.contains("https://uri.amap.com/navigation?to="));
    assert!(html.contains("60岁以上每餐12元"));
    // Rings: 5 and 10 minutes hold the two results.
    // 556 m walks in 10.04 minutes, so the second one is in the 15-minute ring.
    assert!(html.contains("ring-heading\">5分钟内<") && html.contains("ring-heading\">15分钟内<"));
    assert!(!html.contains("ring-heading\">10分钟内<"), "empty rings are not shown");
    assert!(html.contains("步行约11分钟"));
    // The SVG map with a numbered, linked pin per result.
    assert!(html.contains("<svg viewBox=\"0 0 1000 1000\""));
    assert!(html.contains("aria-label=\"1. 零号食堂\""));
}

#[tokio::test]
async fn english_from_browser_language_or_cookie() {
    let app = common::app().await;
    let r = app
        .get_with(
            "/nearby?kind=meal&lat=30.64&lng=104.05",
            ("accept-language", "en-GB,en;q=0.9"),
        )
        .await;
    assert!(r.text.contains("<html lang=\"en\""));
    assert!(r.text.contains("Canteen Zero"));
    assert!(r.text.contains("2 within a 15-minute walk"));
    let r = app
        .get_with(
            "/nearby?kind=meal&lat=30.64&lng=104.05",
            ("cookie", "linli_lang=en; linli_text=large"),
        )
        .await;
    assert!(r.text.contains("Canteen Zero"));
    assert!(
        r.text.contains("class=\"large-text\""),
        "large-text mode reaches the root element"
    );
}

#[tokio::test]
async fn without_a_position_the_page_offers_communities() {
    let app = common::app().await;
    let r = app.get("/nearby?kind=reading").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("您在哪里？"));
    assert!(r.text.contains("<select id=\"community\" name=\"community\""));
    assert!(r.text.contains("value=\"test-a\""));
    // The picked community's centre becomes the origin.
    let r = app
        .get("/nearby?kind=reading&minutes=15&pace=normal&community=test-a")
        .await;
    assert!(r.text.contains("甲街道中心"));
    assert!(r.text.contains("一号书屋"));
    assert!(!r.text.contains("十号书屋"), "1.1 km is beyond 15 minutes");
}

#[tokio::test]
async fn nothing_inside_shows_the_nearest_beyond() {
    let app = common::app().await;
    let r = app.get("/nearby?kind=reading&lat=30.72&lng=104.05").await;
    assert!(
        r.text.contains("步行15分钟内没有找到"),
        "{}",
        &r.text[..200.min(r.text.len())]
    );
    assert!(position(&r.text, "远处书屋") < position(&r.text, "十号书屋"));
}

#[tokio::test]
async fn bad_parameters_are_explained_not_failed() {
    let app = common::app().await;
    let r = app.get("/nearby?lat=abc&lng=104.05").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("位置的纬度无效"));
    assert!(r.text.contains("name=\"community\""), "the picker is offered again");
    let r = app.get("/nearby?community=nowhere").await;
    assert!(r.text.contains("查找条件有误"));
}

#[tokio::test]
async fn facility_page_and_missing_facility() {
    let app = common::app().await;
    let id = app
        .get("/api/v1/facilities/nearby?lat=30.64&lng=104.05&kind=meal&limit=1")
        .await
        .json()["results"][0]["id"]
        .as_i64()
        .unwrap();
    let r = app
        .get(&format!(
            "/facility/{id}?lat=30.6405&lng=104.05&kind=meal&minutes=15&pace=normal"
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("<h1>零号食堂</h1>"));
    assert!(r.text.contains("周一") && r.text.contains("周日"));
    // 56 m: 1.004 minutes at 1.2 m/s, rounded up.
    assert!(r.text.contains("步行约2分钟 · 60米"));
    assert!(r
        .text
        .contains("href=\"/nearby?kind=meal&amp;minutes=15&amp;pace=normal&amp;lat=30.640500&amp;lng=104.050000\""));
    let r = app.get("/facility/424242").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text.contains("没有找到这个地点"));
    let r = app.get("/no-such-page").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn prefs_set_cookies_and_return_to_the_page() {
    let app = common::app().await;
    let req = Request::post("/prefs")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("lang=en&next=%2Fnearby%3Fkind%3Dmeal"))
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers["location"], "/nearby?kind=meal");
    let cookie = r.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("linli_lang=en;") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let req = Request::post("/prefs")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("text=large&next=https%3A%2F%2Fevil.example"))
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.headers["location"], "/");
    assert!(r.headers["set-cookie"]
        .to_str()
        .unwrap()
        .starts_with("linli_text=large;"));
}

#[tokio::test]
async fn sorting_search_works_without_javascript() {
    let app = common::app_with_dictionary().await;
    let r = app.get("/sorting?q=%E7%83%9F%E5%A4%B4").await; // 烟头
    assert_eq!(r.status, StatusCode::OK);
    let first = r.text.find("class=\"sort-name\"").expect("a result");
    assert!(
        r.text[first..].starts_with("class=\"sort-name\">烟头<"),
        "{}",
        &r.text[first..first + 80]
    );
    assert!(r.text.contains("其他垃圾"));
    // Unknown items get the rules in plain words, not an empty page.
    let r = app.get("/sorting?q=%E7%81%AB%E6%98%9F%E7%9F%B3").await; // 火星石
    assert!(r.text.contains("词典里没有找到“火星石”"));
    assert!(r.text.contains("拿不准时"));
    // English, by cookie.
    let r = app.get_with("/sorting?q=tea+leaves", ("cookie", "linli_lang=en")).await;
    assert!(r.text.contains("Food waste"), "{}", r.text.len());
    // Script in the query is escaped, never run.
    let r = app.get("/sorting?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert!(!r.text.contains("<script>alert(1)"));
}

#[tokio::test]
async fn category_pages_link_to_fitting_drop_off_points() {
    let app = common::app_with_dictionary().await;
    let r = app.get("/sorting/hazardous").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("<h1 class=\"category-heading\">"));
    assert!(r.text.contains("红色桶"));
    assert!(r.text.contains("href=\"/nearby?kind=sorting&amp;accepts=hazardous\""));
    assert_eq!(app.get("/sorting/plutonium").await.status, StatusCode::NOT_FOUND);
    // The link's search shows only points that accept hazardous waste.
    let r = app
        .get("/nearby?kind=sorting&accepts=hazardous&lat=30.64&lng=104.05")
        .await;
    assert!(r.text.contains("七号回收站"));
    assert!(!r.text.contains(">二号投放点<"), "that one takes no hazardous waste");
    assert!(r.text.contains("只显示接收有害垃圾的投放点"));
}
