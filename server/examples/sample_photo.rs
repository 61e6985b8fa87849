//! Writes a sample JPEG for benchmarks: `sample_photo OUT WIDTH HEIGHT`.

fn main() {
    let mut args = std::env::args().skip(1);
    let out = args.next().expect("usage: sample_photo OUT WIDTH HEIGHT");
    let w = args.next().and_then(|v| v.parse().ok()).unwrap_or(1600);
    let h = args.next().and_then(|v| v.parse().ok()).unwrap_or(1200);
    std::fs::write(&out, app::server::photos::samples::jpeg(w, h)).expect("writing the photo");
}
