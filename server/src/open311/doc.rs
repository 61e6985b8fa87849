//! One answer, two formats. GeoReport v2 gives every answer as XML and as
//! JSON with the same names ("JSON is the XML mapped mechanically"): an
//! answer is serialised once to JSON, and the XML is written from that,
//! each list wrapped in its plural element with one singular element per
//! entry (`<services><service>…`), `null` an empty element.

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use serde_json::Value;

/// The element of each entry of a list named `list`.
fn item_of(list: &str) -> &'static str {
    match list {
        "services" => "service",
        "service_requests" => "request",
        "errors" => "error",
        "endpoints" => "endpoint",
        "formats" => "format",
        "attributes" => "attribute",
        "values" => "value",
        _ => "item",
    }
}

/// The whole XML document: the declaration and `value` as the element
/// `root`.
pub fn to_xml(root: &str, value: &Value) -> String {
    let mut w = Writer::new(Vec::new());
    // Writing into a Vec cannot fail.
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)));
    element(&mut w, root, value);
    String::from_utf8(w.into_inner()).unwrap_or_default()
}

fn element(w: &mut Writer<Vec<u8>>, name: &str, value: &Value) {
    let _ = w.write_event(Event::Start(BytesStart::new(name)));
    match value {
        Value::Null => {}
        Value::Bool(b) => text(w, &b.to_string()),
        Value::Number(n) => text(w, &n.to_string()),
        Value::String(s) => text(w, s),
        Value::Array(items) => {
            let item = item_of(name);
            for v in items {
                element(w, item, v);
            }
        }
        Value::Object(fields) => {
            for (k, v) in fields {
                element(w, k, v);
            }
        }
    }
    let _ = w.write_event(Event::End(BytesEnd::new(name)));
}

fn text(w: &mut Writer<Vec<u8>>, s: &str) {
    let _ = w.write_event(Event::Text(BytesText::new(s)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_take_their_singular_and_null_is_empty() {
        let doc = json!([{
            "service_request_id": "WH-7K3Q",
            "description": "灯不亮 <坏了> & 暗",
            "lat": 30.6412,
            "media_url": null,
            "open": false
        }]);
        let xml = to_xml("service_requests", &doc);
        assert!(xml.starts_with(r#"<?xml version="1.0" encoding="utf-8"?><service_requests><request>"#));
        assert!(
            xml.contains("<service_request_id>WH-7K3Q</service_request_id>"),
            "{xml}"
        );
        assert!(
            xml.contains("<description>灯不亮 &lt;坏了&gt; &amp; 暗</description>"),
            "{xml}"
        );
        assert!(
            xml.contains("<lat>30.6412</lat>") && xml.contains("<open>false</open>"),
            "{xml}"
        );
        assert!(xml.contains("<media_url></media_url>"), "{xml}");
        assert!(xml.ends_with("</request></service_requests>"), "{xml}");
        let nested = to_xml(
            "discovery",
            &json!({"endpoints": [{"formats": ["text/xml", "application/json"]}]}),
        );
        assert!(nested.ends_with(
            "<discovery><endpoints><endpoint><formats><format>text/xml</format>\
             <format>application/json</format></formats></endpoint></endpoints></discovery>"
        ));
        // Well-formed: a parser reads it to the end with every element closed.
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut depth = 0i32;
        loop {
            match reader.read_event().unwrap() {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth -= 1,
                Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(depth, 0);
    }
}
