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
    // Map apps through the server's short links; `geo:` directly.
    let id = app
        .catalog
        .snapshot()
        .index
        .facilities()
        .iter()
        .find(|f| f.name_zh == "零号食堂")
        .unwrap()
        .id;
    assert!(
        html.contains(&format!("href=\"/facility/{id}/go/amap\"")),
        "short map-app links"
    );
    assert!(!html.contains("uri.amap.com"), "no long addresses in the page");
    assert!(html.contains("href=\"geo:30.640000,104.050000?q=30.640000,104.050000("));
    assert!(html.contains("60岁以上每餐12元"));
    // Rings: 5 and 10 minutes hold the two results.
    // 556 m walks in 10.04 minutes, so the second one is in the 15-minute ring.
    assert!(html.contains("ring-heading\">5分钟内<") && html.contains("ring-heading\">15分钟内<"));
    assert!(!html.contains("ring-heading\">10分钟内<"), "empty rings are not shown");
    assert!(html.contains("步行约11分钟"));
    // The SVG map with a numbered pin per result, a link for a tap but out
    // of the tab order: the list is the way in.
    assert!(html.contains("<svg viewBox=\"0 0 1000 1000\""));
    let pin = html.find(">1</text>").expect("pin 1");
    let link = &html[html[..pin].rfind("<a ").unwrap()..pin];
    assert!(link.contains("class=\"map-pin pin-meal\""), "{link}");
    // A pin leads to its card in the list, not away from the page.
    assert!(link.starts_with("<a href=\"#r1\""), "{link}");
    assert!(
        html.contains("id=\"r1\"") && html.contains("id=\"r2\""),
        "cards carry the pins' targets"
    );
    // The kinds' pictograms are drawn by the stylesheet, not in each card.
    assert!(html.contains("<span aria-hidden=\"true\" class=\"kind-icon kind-meal\"></span>"));
    assert!(!html.contains("<path d=\"M3 11h18"), "no inline pictogram");
    assert!(
        link.contains("tabindex=\"-1\"") && link.contains("aria-hidden=\"true\""),
        "{link}"
    );
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

#[tokio::test]
async fn a_closed_point_says_when_it_opens_next_and_the_week_marks_today() {
    use app::domain::coords::Crs;
    use app::domain::hours::LocalTime;
    use server::import::{import_facilities, Format};
    const DAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
    let app = common::app().await;
    let now = LocalTime::shanghai(chrono::Utc::now());
    let in_days = |n: u8| DAYS[usize::from((now.weekday + n) % 7)];
    // Open tomorrow only; in three days only (a weekday then); and one
    // that opened for the first minute of today, next on the same weekday
    // next week (a date then).
    let csv = format!(
        "{}\nnext-1,meal,明日食堂,Tomorrow Canteen,丁路1号,,30.6405,104.0505,,test-a,{} 11:00-13:00,1,0,,,0,,,\n\
         next-3,meal,后日食堂,Later Canteen,丁路3号,,30.6406,104.0506,,test-a,{} 09:30-10:00,1,0,,,0,,,\n\
         ended,meal,早餐点,Dawn Canteen,丁路5号,,30.6407,104.0507,,test-a,{} 00:00-00:01,1,0,,,0,,,\n",
        common::HEADER,
        in_days(1),
        in_days(3),
        in_days(0),
    );
    import_facilities(&app.db, csv, Format::Csv, Crs::Wgs84, false)
        .await
        .unwrap();
    app.catalog.refresh(&app.db).await.unwrap();
    let id = |r: &str| {
        app.catalog
            .snapshot()
            .index
            .facilities()
            .iter()
            .find(|f| f.source_ref == r)
            .unwrap()
            .id
    };
    let page = app.get(&format!("/facility/{}", id("next-1"))).await;
    assert!(page.text.contains("今天休息 · 明天 11:00 开门"), "{}", page.text);
    let english = app
        .send(
            Request::get(format!("/facility/{}", id("next-1")))
                .header("accept-language", "en")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(english.text.contains("Closed today · opens tomorrow 11:00"));
    // Today's row of the week is marked in words, for screen readers too.
    let today = &page.text[page.text.find(r#"aria-current="date""#).expect("today marked")..];
    let today = &today[..today.find("</tr>").unwrap()];
    assert!(
        today.contains(r#"class="today-mark""#) && today.contains("今天"),
        "{today}"
    );
    assert_eq!(page.text.matches(r#"aria-current="date""#).count(), 1);

    let later = app.get(&format!("/facility/{}", id("next-3"))).await;
    let weekday = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][usize::from((now.weekday + 3) % 7)];
    assert!(
        later.text.contains(&format!("今天休息 · {weekday} 09:30 开门")),
        "{}",
        later.text
    );
    // Closed after today's hours: "ended", not "a day off", and next week's
    // opening by its date.
    if now.minute > 0 {
        let ended = app.get(&format!("/facility/{}", id("ended"))).await;
        let next_week = now.date + chrono::Days::new(7);
        let date = next_week.format("%-m月%-d日").to_string();
        assert!(
            ended.text.contains(&format!("今天已结束 · {date} 00:00 开门")),
            "{}",
            ended.text
        );
    }
    // The nearby cards say the same.
    let nearby = app.get("/nearby?kind=meal&lat=30.6405&lng=104.0505&minutes=5").await;
    assert!(nearby.text.contains("今天休息 · 明天 11:00 开门"));
}

#[tokio::test]
async fn map_app_links_redirect_to_the_apps_directions() {
    let app = common::app().await;
    let f = app
        .catalog
        .snapshot()
        .index
        .facilities()
        .iter()
        .find(|f| f.name_zh == "零号食堂")
        .unwrap()
        .clone();
    let to = |app_name: &str| format!("/facility/{}/go/{app_name}", f.id);
    let location = |r: &common::Reply| r.headers[axum::http::header::LOCATION].to_str().unwrap().to_string();
    let amap = app.get(&to("amap")).await;
    assert_eq!(amap.status, StatusCode::SEE_OTHER);
    // Amap takes GCJ-02: the point is moved by the conversion, the name encoded.
    let gcj = app::domain::coords::wgs84_to_gcj02(f.location);
    assert!(
        location(&amap).starts_with(&format!(
            "https://uri.amap.com/navigation?to={:.6},{:.6},%E9%9B%B6",
            gcj.lng, gcj.lat
        )),
        "{}",
        location(&amap)
    );
    let baidu = app.get(&to("baidu")).await;
    assert!(location(&baidu).contains("destination=latlng:30.640000,104.050000|name:"));
    let apple = app.get(&to("apple")).await;
    assert_eq!(
        location(&apple),
        "https://maps.apple.com/?daddr=30.640000,104.050000&dirflg=w"
    );
    // An app we do not know, or a facility that is gone: its page, which says so.
    for (uri, page) in [
        (to("google"), format!("/facility/{}", f.id)),
        ("/facility/999999/go/amap".to_string(), "/facility/999999".to_string()),
        (
            "/facility/%E2%80%A6/go/amap".to_string(),
            "/facility/%E2%80%A6".to_string(),
        ),
    ] {
        let r = app.get(&uri).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{uri}");
        assert_eq!(location(&r), page, "{uri}");
    }
    let gone = app.get("/facility/999999").await;
    assert!(
        gone.text.contains("没有找到这个地点"),
        "the facility page says it is not there"
    );
}

#[tokio::test]
async fn pages_are_brotlid_whole_and_unpack_to_the_same_page() {
    let app = common::app().await;
    let uri = "/nearby?kind=all&lat=30.64&lng=104.05&minutes=15";
    let plain = app.get(uri).await;
    assert!(plain.headers.get(axum::http::header::CONTENT_ENCODING).is_none());
    let br = app.get_with(uri, ("accept-encoding", "gzip, deflate, br")).await;
    assert_eq!(br.status, StatusCode::OK);
    assert_eq!(br.headers[axum::http::header::CONTENT_ENCODING], "br");
    assert_eq!(
        br.headers[axum::http::header::CONTENT_LENGTH],
        br.bytes.len().to_string().as_str()
    );
    assert!(br
        .headers
        .get_all(axum::http::header::VARY)
        .iter()
        .any(|v| v == "accept-encoding"));
    let mut unpacked = Vec::new();
    brotli::BrotliDecompress(&mut br.bytes.as_slice(), &mut unpacked).unwrap();
    let unpacked = String::from_utf8(unpacked).unwrap();
    // The same page but for its nonce, which is new on every answer.
    let nonce = |html: &str| {
        let at = html.find("nonce=\"").unwrap() + 7;
        html[at..at + html[at..].find('"').unwrap()].to_string()
    };
    assert_eq!(
        unpacked.replace(&nonce(&unpacked), "N"),
        plain.text.replace(&nonce(&plain.text), "N")
    );
    assert!(
        br.bytes.len() * 3 < unpacked.len(),
        "{} of {}",
        br.bytes.len(),
        unpacked.len()
    );
    // Refused brotli: gzip from the streaming layer instead.
    let gz = app.get_with(uri, ("accept-encoding", "gzip, br;q=0")).await;
    assert_eq!(gz.headers[axum::http::header::CONTENT_ENCODING], "gzip");
}
