//! Turning an uploaded file into a photo we are willing to keep and show.
//!
//! Every photo is decoded and encoded again as a plain JPEG. That one step
//! drops all metadata (EXIF with GPS position, camera serials, thumbnails
//! that may show what was cropped), normalises the orientation, bounds the
//! size, and means we never serve bytes a client chose. The limits are
//! checked before any pixel is decoded, so a small file that claims to be
//! a huge image (a decompression bomb) is refused without allocating it.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

/// Largest upload accepted, per photo.
pub const MAX_UPLOAD_BYTES: usize = 8 * 1024 * 1024;
/// Largest image accepted, in pixels (a 50 MP phone camera fits).
pub const MAX_PIXELS: u64 = 50_000_000;
/// Largest side accepted, in pixels.
pub const MAX_SIDE: u32 = 12_000;
/// Largest decoded image, in bytes. Checked from the header before the
/// pixel buffer is allocated (image 0.25 applies `Limits::max_alloc` only in
/// `ImageReader::decode`, not on the decoder path used here, so this check
/// is ours). A 50 MP 8-bit RGB photo (150 MB) fits; the same size at 16 bits
/// per channel with alpha (400 MB) does not.
pub const MAX_DECODE_BYTES: u64 = 160 * 1024 * 1024;
/// Photos are stored with at most this long side (the browser resizes to the
/// same size before uploading, where JavaScript runs).
pub const STORED_LONG_SIDE: u32 = 1600;
const JPEG_QUALITY: u8 = 80;

#[derive(Debug, thiserror::Error, Clone, Copy, PartialEq, Eq)]
pub enum PhotoError {
    #[error("the photo is larger than {} MB", MAX_UPLOAD_BYTES / 1024 / 1024)]
    TooManyBytes,
    #[error("the image has too many pixels (at most {MAX_PIXELS})")]
    TooManyPixels,
    #[error("not a JPEG, PNG or WebP image")]
    UnsupportedFormat,
    #[error("the image file is damaged")]
    Corrupt,
}

impl PhotoError {
    pub fn code(self) -> &'static str {
        match self {
            PhotoError::TooManyBytes => "photo_too_large",
            PhotoError::TooManyPixels => "photo_too_many_pixels",
            PhotoError::UnsupportedFormat => "photo_unsupported",
            PhotoError::Corrupt => "photo_corrupt",
        }
    }
}

/// A re-encoded photo, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Photo {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Decodes `bytes` within the limits, applies the EXIF orientation, shrinks
/// to [`STORED_LONG_SIDE`] and encodes a metadata-free JPEG. CPU-bound: call
/// it from a blocking thread.
pub fn reencode(bytes: &[u8]) -> Result<Photo, PhotoError> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(PhotoError::TooManyBytes);
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| PhotoError::Corrupt)?;
    match reader.format() {
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) => {}
        _ => return Err(PhotoError::UnsupportedFormat),
    }
    let mut reader = reader;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(limit_or_corrupt)?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS || decoder.total_bytes() > MAX_DECODE_BYTES {
        return Err(PhotoError::TooManyPixels);
    }
    // A missing or unreadable orientation is not worth refusing a photo.
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(limit_or_corrupt)?;
    if let Some(o) = orientation {
        image.apply_orientation(o);
    }
    if image.width().max(image.height()) > STORED_LONG_SIDE {
        image = image.resize(STORED_LONG_SIDE, STORED_LONG_SIDE, FilterType::Triangle);
    }
    let rgb = image.to_rgb8();
    let mut jpeg = Vec::with_capacity(256 * 1024);
    JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
        .encode_image(&rgb)
        .map_err(|_| PhotoError::Corrupt)?;
    Ok(Photo {
        jpeg,
        width: rgb.width(),
        height: rgb.height(),
    })
}

fn limit_or_corrupt(e: image::ImageError) -> PhotoError {
    match e {
        image::ImageError::Limits(_) => PhotoError::TooManyPixels,
        image::ImageError::Unsupported(_) => PhotoError::UnsupportedFormat,
        _ => PhotoError::Corrupt,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::photos::samples::{jpeg, jpeg_with_gps, png_bomb, png_bomb_with};
    use image::{ImageBuffer, Rgb};

    fn gps_latitude(jpeg: &[u8]) -> Option<String> {
        let exif = exif::Reader::new().read_from_container(&mut Cursor::new(jpeg)).ok()?;
        let field = exif.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)?;
        Some(field.display_value().to_string())
    }

    #[test]
    fn gps_exif_is_stripped_and_orientation_applied() {
        let input = jpeg_with_gps(40, 20);
        assert!(
            gps_latitude(&input).is_some(),
            "the test input really carries a GPS position"
        );
        let photo = reencode(&input).unwrap();
        assert_eq!(gps_latitude(&photo.jpeg), None);
        assert!(!photo.jpeg.windows(6).any(|w| w == b"Exif\0\0"), "no EXIF block at all");
        // Orientation 6 turns the 40×20 picture upright: 20×40.
        assert_eq!((photo.width, photo.height), (20, 40));
    }

    #[test]
    fn large_photos_are_shrunk_to_the_stored_size() {
        let photo = reencode(&jpeg(2400, 1200)).unwrap();
        assert_eq!((photo.width, photo.height), (1600, 800));
        let small = reencode(&jpeg(300, 200)).unwrap();
        assert_eq!((small.width, small.height), (300, 200));
    }

    #[test]
    fn png_and_webp_are_accepted_other_files_are_not() {
        let img = ImageBuffer::from_fn(30, 10, |x, _| Rgb([x as u8, 0, 0]));
        let mut png = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        assert_eq!(reencode(&png).unwrap().width, 30);
        assert_eq!(reencode(b"GIF89a\x01\x00\x01\x00"), Err(PhotoError::UnsupportedFormat));
        assert_eq!(reencode(b"%PDF-1.7 not an image"), Err(PhotoError::UnsupportedFormat));
        let mut truncated = jpeg(64, 64);
        truncated.truncate(200);
        assert_eq!(reencode(&truncated), Err(PhotoError::Corrupt));
    }

    #[test]
    fn too_many_bytes_are_refused_before_decoding() {
        let big = vec![0u8; MAX_UPLOAD_BYTES + 1];
        assert_eq!(reencode(&big), Err(PhotoError::TooManyBytes));
    }

    /// A 30 KB PNG that would decode to 16 000 × 16 000 pixels (a gigabyte
    /// as RGBA) is refused from its header.
    #[test]
    fn a_decompression_bomb_is_refused() {
        let bomb = png_bomb(16_000);
        assert!(bomb.len() < 100_000, "{} bytes", bomb.len());
        assert_eq!(reencode(&bomb), Err(PhotoError::TooManyPixels));
        // Within the side limit but over the pixel limit: 81 MP.
        assert_eq!(reencode(&png_bomb(9_000)), Err(PhotoError::TooManyPixels));
        // Within the pixel limit but 16-bit RGBA: 4 700² × 8 bytes = 177 MB.
        let deep = png_bomb_with(4_700, 6, 16);
        assert!(deep.len() < 1_000_000, "{} bytes", deep.len());
        assert_eq!(reencode(&deep), Err(PhotoError::TooManyPixels));
    }
}

/// Property tests: any bytes, and damaged copies of real JPEG, PNG and WebP
/// files, are re-encoded or refused with a [`PhotoError`], never a panic,
/// and in bounded time. Failures proptest finds are kept in
/// `app/proptest-regressions/`; `PROPTEST_CASES` sets the number of cases
/// (these run an eighth of it: each decodes an image).
#[cfg(test)]
mod fuzz {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::server::photos::samples::{jpeg, jpeg_with_gps, png_bomb_with};
    use image::{ImageBuffer, Rgb};
    use proptest::collection::vec;
    use proptest::prelude::*;
    use proptest::sample::{select, Index};

    /// Far above what one small image takes, even in a debug build on a
    /// busy machine; a hang or a runaway decode exceeds it.
    const TIME_LIMIT: Duration = Duration::from_secs(20);

    fn webp(w: u32, h: u32) -> Vec<u8> {
        let img = ImageBuffer::from_fn(w, h, |x, y| Rgb([x as u8, y as u8, 7]));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::WebP)
            .unwrap();
        out
    }

    fn samples() -> Vec<Vec<u8>> {
        vec![
            jpeg(64, 48),
            jpeg_with_gps(40, 20),
            png_bomb_with(48, 2, 8),
            webp(24, 16),
        ]
    }

    /// Known-nasty inputs, run on every test pass: headers alone, and
    /// headers claiming sizes the data cannot hold.
    fn seeds() -> Vec<Vec<u8>> {
        let mut seeds = vec![
            Vec::new(),
            vec![0xFF],
            vec![0xFF, 0xD8],
            vec![0xFF, 0xD8, 0xFF],
            vec![0xFF, 0xD8, 0xFF, 0xD9],
            b"\x89PNG\r\n\x1a\n".to_vec(),
            b"RIFF\0\0\0\0WEBP".to_vec(),
            b"RIFF\xff\xff\xff\xffWEBPVP8 ".to_vec(),
            b"GIF89a".to_vec(),
        ];
        for sample in samples() {
            seeds.push(sample[..sample.len() / 2].to_vec());
        }
        seeds.push(with_jpeg_size(&jpeg(16, 16), 12_000, 4_166));
        seeds.push(with_jpeg_size(&jpeg(16, 16), 0, 0));
        seeds.push(with_jpeg_size(&jpeg(16, 16), u16::MAX, u16::MAX));
        seeds
    }

    /// `jpeg` with the frame header claiming `w`×`h` pixels.
    fn with_jpeg_size(jpeg: &[u8], w: u16, h: u16) -> Vec<u8> {
        let mut out = jpeg.to_vec();
        let sof = out.windows(2).position(|m| m == [0xFF, 0xC0]).expect("a baseline JPEG");
        out[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
        out[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
        out
    }

    fn check(bytes: &[u8]) {
        let start = Instant::now();
        let result = reencode(bytes);
        assert!(
            start.elapsed() < TIME_LIMIT,
            "{:?} for {} bytes",
            start.elapsed(),
            bytes.len()
        );
        if let Ok(photo) = result {
            let signature = [&b"\xFF\xD8\xFF"[..], b"\x89PNG", b"RIFF"];
            assert!(signature.iter().any(|s| bytes.starts_with(s)), "accepted a non-image");
            assert!(photo.width.max(photo.height) <= STORED_LONG_SIDE && photo.width * photo.height > 0);
            assert!(photo.jpeg.starts_with(b"\xFF\xD8"));
        }
    }

    fn config() -> ProptestConfig {
        let base = ProptestConfig::default();
        ProptestConfig {
            cases: (base.cases / 8).max(1),
            ..base
        }
    }

    #[test]
    fn seeds_are_refused_or_reencoded() {
        for seed in seeds() {
            check(&seed);
        }
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn any_bytes_are_refused_or_reencoded(bytes in vec(any::<u8>(), 0..4096)) {
            check(&bytes);
        }

        #[test]
        fn damaged_images_are_refused_or_reencoded(
            sample in select(samples()),
            flips in vec((any::<Index>(), any::<u8>()), 0..12),
            cut in proptest::option::of(any::<Index>()),
        ) {
            let mut bytes = sample;
            for (at, byte) in flips {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            if let Some(cut) = cut {
                bytes.truncate(cut.index(bytes.len()));
            }
            check(&bytes);
        }

        #[test]
        fn claimed_sizes_are_refused_or_reencoded(w in any::<u16>(), h in any::<u16>()) {
            check(&with_jpeg_size(&jpeg(16, 16), w, h));
        }
    }
}
