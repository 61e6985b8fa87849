//! The browser entry: hydrates the islands of the server-rendered page.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    app::hydrate();
}

/// Room for `wasm-split` (cargo-leptos `--split`) to lay out each module's
/// share of the read-only data. It regroups the data by module and pads
/// each piece to its alignment; when that comes out longer than the
/// linker's segment, it gives up and keeps all of the data, every lazy
/// island's strings included, in the main module (25 KB more to download on
/// every page with an island, depending only on how the linker happened to
/// order the data). These bytes are in the segment but used by nothing, so
/// the split leaves them out and the padding fits in their place.
#[used]
static SPLIT_ROOM: [u8; 1024] = [0x4c; 1024];
