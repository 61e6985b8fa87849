//! Sample images for tests and benchmarks: a plain JPEG, one carrying an
//! EXIF block with a GPS position and a rotation, and a decompression bomb.
//! Built in code so the repository holds no binary fixtures.

use image::codecs::jpeg::JpegEncoder;
use image::{ImageBuffer, Rgb};

/// A small JPEG (`w`×`h`, a gradient so it is not trivially compressible).
pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = ImageBuffer::from_fn(w, h, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90).encode_image(&img).unwrap();
    out
}

/// An EXIF block (big-endian TIFF) with Orientation = 6 (rotate 90° to
/// view) and a GPS position of 30°38'N 104°3'E.
fn exif_with_gps() -> Vec<u8> {
    let mut t: Vec<u8> = b"MM\0\x2a\0\0\0\x08".to_vec();
    // IFD0 at 8: two entries (Orientation, GPS IFD pointer).
    t.extend([0, 2]);
    t.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    let gps_ifd: u32 = 8 + 2 + 2 * 12 + 4;
    t.extend([0x88, 0x25, 0, 4, 0, 0, 0, 1]);
    t.extend(gps_ifd.to_be_bytes());
    t.extend([0, 0, 0, 0]);
    // GPS IFD: LatitudeRef 'N', Latitude (3 rationals), LongitudeRef 'E', Longitude.
    let data = gps_ifd + 2 + 4 * 12 + 4;
    t.extend([0, 4]);
    t.extend([0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    t.extend([0, 2, 0, 5, 0, 0, 0, 3]);
    t.extend(data.to_be_bytes());
    t.extend([0, 3, 0, 2, 0, 0, 0, 2, b'E', 0, 0, 0]);
    t.extend([0, 4, 0, 5, 0, 0, 0, 3]);
    t.extend((data + 24).to_be_bytes());
    t.extend([0, 0, 0, 0]);
    for (num, den) in [(30u32, 1u32), (38, 1), (0, 1), (104, 1), (3, 1), (0, 1)] {
        t.extend(num.to_be_bytes());
        t.extend(den.to_be_bytes());
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(t);
    app1
}

/// `jpeg(w, h)` with the EXIF block inserted right after the SOI marker.
pub fn jpeg_with_gps(w: u32, h: u32) -> Vec<u8> {
    let plain = jpeg(w, h);
    let exif = exif_with_gps();
    let mut out = plain[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
    out.extend(exif);
    out.extend(&plain[2..]);
    out
}

/// A valid 1-bit greyscale PNG of `side`×`side` black pixels: tiny on
/// disk, enormous when decoded.
pub fn png_bomb(side: u32) -> Vec<u8> {
    png_bomb_with(side, 0, 1)
}

/// A valid all-zero PNG of `side`×`side` with the given colour type (0 grey,
/// 2 RGB, 6 RGBA) and bit depth, compressed row by row so that making it
/// never holds the decoded size in memory.
pub fn png_bomb_with(side: u32, colour_type: u8, bit_depth: u8) -> Vec<u8> {
    use std::io::Write;
    let channels: u64 = match colour_type {
        2 => 3,
        6 => 4,
        _ => 1,
    };
    let row = 1 + (u64::from(side) * channels * u64::from(bit_depth)).div_ceil(8) as usize;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; row];
    for _ in 0..side {
        encoder.write_all(&zeros).unwrap();
    }
    let idat = encoder.finish().unwrap();
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = side.to_be_bytes().to_vec();
    ihdr.extend(side.to_be_bytes());
    ihdr.extend([bit_depth, colour_type, 0, 0, 0]);
    for (kind, data) in [(&b"IHDR"[..], ihdr), (b"IDAT", idat), (b"IEND", Vec::new())] {
        png.extend(u32::try_from(data.len()).unwrap().to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(&data);
        png.extend(kind);
        png.extend(&data);
        png.extend(crc.sum().to_be_bytes());
    }
    png
}
