//! The photo input's island: before upload, photos are shrunk in the
//! browser to the size the server keeps (long side 1 600 px, JPEG), so a
//! 5 MB phone photo becomes a few hundred KB on a weak connection. Every
//! photo is redrawn on a canvas, which also drops its EXIF block (and GPS
//! position) before it leaves the phone — unless the browser cannot decode
//! it, when the original goes and the server strips it. The server
//! re-encodes everything anyway. Without JavaScript, originals are uploaded.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhotoLabels {
    pub shrinking: String,
    pub ready: String,
    pub too_many: String,
}

/// The long side photos are shrunk to; the server's stored size.
#[cfg(feature = "hydrate")]
const LONG_SIDE: u32 = 1600;

/// Woken by use (`data-wake`, see `hydration.rs`): the details step
/// downloads no WASM until the resident reaches the photo input. Photos
/// chosen before it woke are shrunk when it does.
#[island(lazy)]
pub fn PhotoResize(labels: PhotoLabels, room: usize, children: Children) -> impl IntoView {
    let (message, set_message) = signal(None::<String>);
    let root = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    let shrink_input = move |input: web_sys::HtmlInputElement| {
        let labels = labels.clone();
        set_message.set(Some(labels.shrinking.clone()));
        wasm_bindgen_futures::spawn_local(async move {
            let too_many = shrink_files(&input, room).await;
            let text = if too_many { labels.too_many } else { labels.ready };
            set_message.set(Some(text));
        });
    };
    #[cfg(feature = "hydrate")]
    Effect::new({
        let shrink_input = shrink_input.clone();
        move |_| {
            if let Some(input) = root.get().and_then(|div| chosen_already(&div)) {
                shrink_input(input);
            }
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (labels, room, set_message);
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                shrink_input(input);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &ev;
    };
    view! {
        <div class="photo-input" data-wake="" node_ref=root on:change=on_change>
            {children()}
            <p class="locate-status" role="status" aria-live="polite">{move || message.get()}</p>
        </div>
    }
}

/// The file input inside `root`, when photos were chosen before the island
/// woke.
#[cfg(feature = "hydrate")]
fn chosen_already(root: &web_sys::HtmlDivElement) -> Option<web_sys::HtmlInputElement> {
    use wasm_bindgen::JsCast;
    let input: web_sys::HtmlInputElement = root.query_selector("input[type=file]").ok()??.dyn_into().ok()?;
    (input.files()?.length() > 0).then_some(input)
}

/// Replaces the input's files with shrunk copies; keeps at most `room`.
/// Returns whether files had to be left out. A file that cannot be shrunk
/// is kept as it is, for the server to judge.
#[cfg(feature = "hydrate")]
pub(crate) async fn shrink_files(input: &web_sys::HtmlInputElement, room: usize) -> bool {
    let Some(files) = input.files() else {
        return false;
    };
    let Ok(out) = web_sys::DataTransfer::new() else {
        return false;
    };
    let count = files.length() as usize;
    for i in 0..count.min(room) {
        let Some(file) = files.get(i as u32) else { continue };
        let shrunk = shrink(&file).await.unwrap_or(file);
        let _ = out.items().add_with_file(&shrunk);
    }
    input.set_files(out.files().as_ref());
    count > room
}

#[cfg(feature = "hydrate")]
async fn shrink(file: &web_sys::File) -> Option<web_sys::File> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window()?;
    let bitmap: web_sys::ImageBitmap = JsFuture::from(window.create_image_bitmap_with_blob(file).ok()?)
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    // Every photo goes through the canvas, small ones too: that is what
    // drops their EXIF (GPS position included) before upload.
    let (w, h) = (bitmap.width(), bitmap.height());
    let long = w.max(h).max(1);
    let scale = f64::from(LONG_SIDE.min(long)) / f64::from(long);
    let (tw, th) = (
        ((f64::from(w) * scale).round() as u32).max(1),
        ((f64::from(h) * scale).round() as u32).max(1),
    );
    let canvas: web_sys::HtmlCanvasElement = window.document()?.create_element("canvas").ok()?.dyn_into().ok()?;
    canvas.set_width(tw);
    canvas.set_height(th);
    let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, f64::from(tw), f64::from(th))
        .ok()?;
    bitmap.close();
    let blob = to_jpeg(&canvas).await?;
    let parts = js_sys::Array::of1(&blob);
    let options = web_sys::FilePropertyBag::new();
    options.set_type("image/jpeg");
    let name = format!(
        "{}.jpg",
        file.name()
            .rsplit_once('.')
            .map_or(file.name().as_str(), |(stem, _)| stem)
            .to_owned()
    );
    web_sys::File::new_with_blob_sequence_and_options(&parts, &name, &options).ok()
}

#[cfg(feature = "hydrate")]
async fn to_jpeg(canvas: &web_sys::HtmlCanvasElement) -> Option<web_sys::Blob> {
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    let canvas = canvas.clone();
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let on_blob = resolve.clone();
        let done = Closure::once_into_js(move |blob: JsValue| {
            let _ = on_blob.call1(&JsValue::NULL, &blob);
        });
        if canvas
            .to_blob_with_type_and_encoder_options(done.unchecked_ref(), "image/jpeg", &JsValue::from_f64(0.85))
            .is_err()
        {
            let _ = resolve.call1(&JsValue::NULL, &JsValue::NULL);
        }
    });
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .ok()?
        .dyn_into()
        .ok()
}
