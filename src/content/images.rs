//! The PNG and JPEG files that articles show: each is decoded once (a file that cannot be is the
//! author's error), and one wider than the text column gets smaller copies for `srcset`.
//! Knows nothing of HTTP: the web layer serves the copies under the names given here.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use bytes::Bytes;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, PngEncoder};
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageFormat, ImageReader};
use sha2::{Digest, Sha256};

/// The widths of the copies, in pixels. The text column is at most 44rem (704 px at the
/// browser's usual 16 px): 480 serves phones, 800 the column on a screen of normal density. An
/// image no wider than the largest is shown as it is; copies are never wider than the original.
pub const COPY_WIDTHS: [u32; 2] = [480, 800];

/// The `sizes` of an image with copies: the width it takes on the page, which is the text
/// column of `static/site.css` (`.wrap`: at most 46rem with 1rem of padding on each side).
pub const COLUMN_SIZES: &str = "(min-width: 46rem) 44rem, calc(100vw - 2rem)";

/// JPEG copies are saved at this quality (of 100): photos look the same at a third of the size.
const JPEG_QUALITY: u8 = 82;

/// A smaller copy of an image, to be served under `/static/<name>`.
#[derive(Debug, Clone)]
pub struct ImageCopy {
    /// Its path among the static files, with its width and a hash of its contents, so it can be
    /// cached for ever: `img/lifting.480w.0a1b2c3d4e5f.png`.
    pub name: String,
    pub width: u32,
    pub body: Bytes,
}

/// A decoded PNG or JPEG.
#[derive(Debug, Clone)]
pub struct RasterImage {
    /// The size it shows at, once a photo's EXIF orientation is applied.
    pub width: u32,
    pub height: u32,
    /// Narrowest first; empty for an image no wider than the widest copy.
    pub copies: Vec<ImageCopy>,
}

impl RasterImage {
    /// `srcset` for the image at `src`: each copy and the original, with their widths.
    pub fn srcset(&self, src: &str) -> Option<String> {
        if self.copies.is_empty() {
            return None;
        }
        let copies = self
            .copies
            .iter()
            .map(|copy| format!("/static/{} {}w", copy.name, copy.width));
        let original = std::iter::once(format!("{src} {}w", self.width));
        Some(copies.chain(original).collect::<Vec<_>>().join(", "))
    }
}

type Made = Arc<OnceLock<Result<Arc<RasterImage>, String>>>;

/// Images already decoded and copied, by address and contents: the server loads the articles
/// again on every save (`serve --watch`) and at each publish date, and only a changed image is
/// decoded again. Shared by the loads of one server through `LoadOptions`. It keeps an entry
/// for each version of an image an author saves while it runs, a few hundred KB each.
#[derive(Debug, Default)]
pub struct ImageCopies {
    made: Mutex<HashMap<(String, [u8; 32]), Made>>,
}

impl ImageCopies {
    /// The PNG or JPEG at `file` (`relative` to the static folder), decoded, with its copies;
    /// `None` for any other kind of file (SVG, GIF, WebP), which is shown as it is. `Err` says
    /// why it cannot be shown.
    pub fn read(&self, relative: &str, file: &Path) -> Option<Result<Arc<RasterImage>, String>> {
        if !is_png_or_jpeg(relative) {
            return None;
        }
        let bytes = match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(error) => return Some(Err(error.to_string())),
        };
        let key = (relative.to_owned(), Sha256::digest(&bytes).into());
        let made = {
            // A poisoned lock only means another article's decoding panicked; the map is whole.
            let mut made = self
                .made
                .lock()
                .unwrap_or_else(|poison| poison.into_inner());
            Arc::clone(made.entry(key).or_default())
        };
        // Two articles showing the same image: the second waits for the first's copies.
        Some(
            made.get_or_init(|| decode_and_copy(relative, &bytes).map(Arc::new))
                .clone(),
        )
    }
}

fn is_png_or_jpeg(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(_, extension)| {
        ["png", "jpg", "jpeg"]
            .iter()
            .any(|known| extension.eq_ignore_ascii_case(known))
    })
}

/// Decodes the image (turned upright, as browsers show it) and makes its copies.
fn decode_and_copy(relative: &str, bytes: &[u8]) -> Result<RasterImage, String> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|error| error.to_string())?;
    let format = match reader.format() {
        Some(format @ (ImageFormat::Png | ImageFormat::Jpeg)) => format,
        _ => return Err("its contents are not a PNG or JPEG picture".to_owned()),
    };
    let mut decoder = reader.into_decoder().map_err(|error| error.to_string())?;
    let orientation = decoder.orientation().map_err(|error| error.to_string())?;
    // Kept in the copies, so a photo in a wide colour space keeps its colours.
    let colour_profile = decoder.icc_profile().ok().flatten();
    let mut image = DynamicImage::from_decoder(decoder).map_err(|error| error.to_string())?;
    image.apply_orientation(orientation);
    let (width, height) = (image.width(), image.height());
    let copies = if width > COPY_WIDTHS[COPY_WIDTHS.len() - 1] {
        COPY_WIDTHS
            .iter()
            .map(|&copy_width| {
                let copy_height = (u64::from(height) * u64::from(copy_width))
                    .div_ceil(u64::from(width))
                    .max(1) as u32;
                let copy = image.resize_exact(copy_width, copy_height, FilterType::CatmullRom);
                let body = encode(&copy, format, colour_profile.clone())?;
                Ok(ImageCopy {
                    name: copy_name(relative, copy_width, format, &body),
                    width: copy_width,
                    body: Bytes::from(body),
                })
            })
            .collect::<Result<_, String>>()?
    } else {
        Vec::new()
    };
    Ok(RasterImage {
        width,
        height,
        copies,
    })
}

fn encode(
    image: &DynamicImage,
    format: ImageFormat,
    colour_profile: Option<Vec<u8>>,
) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    let written = if format == ImageFormat::Png {
        let mut encoder = PngEncoder::new_with_quality(
            &mut body,
            CompressionType::Best,
            image::codecs::png::FilterType::Adaptive,
        );
        if let Some(profile) = colour_profile {
            // Not every encoder takes one; the copy is still right in sRGB.
            let _ = encoder.set_icc_profile(profile);
        }
        image.write_with_encoder(encoder)
    } else {
        let mut encoder = JpegEncoder::new_with_quality(&mut body, JPEG_QUALITY);
        if let Some(profile) = colour_profile {
            let _ = encoder.set_icc_profile(profile);
        }
        // JPEG holds 8-bit grey or colour only; a 16-bit or transparent image is converted.
        match image {
            DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => {
                image.write_with_encoder(encoder)
            }
            _ => DynamicImage::ImageRgb8(image.to_rgb8()).write_with_encoder(encoder),
        }
    };
    written.map_err(|error| error.to_string())?;
    Ok(body)
}

/// `img/lifting.png` at 480 px: `img/lifting.480w.<12 hex digits>.png`, the digits from the
/// copy's contents as the static files' hashed names are. The extension follows the contents.
fn copy_name(relative: &str, width: u32, format: ImageFormat, body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hash: String = digest[..6]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let stem = relative.rsplit_once('.').map_or(relative, |(stem, _)| stem);
    let extension = format.extensions_str().first().copied().unwrap_or("img");
    format!("{stem}.{width}w.{hash}.{extension}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
            width,
            height,
            image::Rgb([200, 120, 40]),
        ));
        let mut body = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut body), ImageFormat::Png)
            .expect("encodes");
        body
    }

    #[test]
    fn a_wide_image_gets_copies_at_each_width_with_its_shape() {
        let image = decode_and_copy("img/wide.png", &png(1200, 600)).expect("decodes");
        assert_eq!((image.width, image.height), (1200, 600));
        let sizes: Vec<(u32, u32)> = image
            .copies
            .iter()
            .map(|copy| {
                let decoded = image::load_from_memory(&copy.body).expect("a PNG");
                (decoded.width(), decoded.height())
            })
            .collect();
        assert_eq!(sizes, [(480, 240), (800, 400)]);
        let name = &image.copies[0].name;
        assert!(
            name.starts_with("img/wide.480w.") && name.ends_with(".png"),
            "{name}"
        );
        assert_eq!(name.len(), "img/wide.480w..png".len() + 12);
        assert_eq!(
            image.srcset("/static/img/wide.png").expect("a srcset"),
            format!(
                "/static/{} 480w, /static/{} 800w, /static/img/wide.png 1200w",
                image.copies[0].name, image.copies[1].name
            )
        );
    }

    #[test]
    fn an_image_as_wide_as_the_column_is_left_alone() {
        let image = decode_and_copy("a.png", &png(800, 1000)).expect("decodes");
        assert!(image.copies.is_empty());
        assert_eq!(image.srcset("/static/a.png"), None);
    }

    #[test]
    fn a_file_that_is_not_a_whole_image_is_refused() {
        let whole = png(900, 10);
        for broken in [&whole[..whole.len() / 2], b"not an image at all"] {
            assert!(decode_and_copy("a.png", broken).is_err());
        }
    }

    #[test]
    fn an_image_is_decoded_once_per_contents() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("a.png");
        std::fs::write(&file, png(900, 10)).expect("written");
        let copies = ImageCopies::default();
        let first = copies.read("a.png", &file).expect("a PNG").expect("reads");
        let again = copies.read("a.png", &file).expect("a PNG").expect("reads");
        assert!(Arc::ptr_eq(&first, &again));
        std::fs::write(&file, png(901, 10)).expect("written");
        let changed = copies.read("a.png", &file).expect("a PNG").expect("reads");
        assert_eq!(changed.width, 901);
        assert!(copies.read("a.svg", &file).is_none());
    }
}
