//! Images wider than the text column: `backcare build` writes their smaller copies and the
//! pages offer them in `srcset`, `serve` answers the copies, and a file that cannot be decoded
//! is the author's error at its line.

use std::path::Path;

use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE};

use crate::content_errors::run_backcare;
use crate::helpers::{
    ArticleText, TempArticles, header_text, html, repo_path, select_attrs, spawn_app_with,
    test_config,
};

/// What `sizes` says: the text column of `static/site.css`.
const COLUMN_SIZES: &str = "(min-width: 46rem) 44rem, calc(100vw - 2rem)";

/// A site with one article showing a 1200 px wide PNG and a 600 px wide one, made here so the
/// repository holds no large file.
struct ImageSite {
    articles: TempArticles,
    static_dir: tempfile::TempDir,
}

/// A whole PNG of one colour, a few hundred bytes at any size.
pub(crate) fn solid_png(width: u32, height: u32) -> Vec<u8> {
    coloured_png(width, height, [90, 140, 200])
}

fn coloured_png(width: u32, height: u32, colour: [u8; 3]) -> Vec<u8> {
    let image = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        width,
        height,
        image::Rgb(colour),
    ));
    let mut body = Vec::new();
    image
        .write_to(
            &mut std::io::Cursor::new(&mut body),
            image::ImageFormat::Png,
        )
        .expect("encodes");
    body
}

fn image_site() -> ImageSite {
    let static_dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(static_dir.path().join("img")).expect("img folder");
    std::fs::write(static_dir.path().join("img/wide.png"), solid_png(1200, 600)).expect("written");
    std::fs::write(
        static_dir.path().join("img/narrow.png"),
        solid_png(600, 300),
    )
    .expect("written");
    let articles = TempArticles::new();
    articles.add(
        "stretches.md",
        ArticleText::new("Stretches", "relief")
            .body(
                "## A knee hug\n\n![A person hugging one knee](/static/img/wide.png)\n\n\
                 Then the other knee.\n\n![A person hugging the other knee](/static/img/narrow.png)\n",
            )
            .render(),
    );
    ImageSite {
        articles,
        static_dir,
    }
}

/// The `<img>` attributes of the page, for the wide image and the narrow one.
fn image_attributes(page: &str) -> [Vec<String>; 5] {
    let document = html(page);
    ["src", "width", "height", "srcset", "sizes"]
        .map(|attribute| select_attrs(&document, ".prose img", attribute))
}

/// The addresses and widths a `srcset` offers.
fn srcset_entries(srcset: &str) -> Vec<(String, u32)> {
    srcset
        .split(", ")
        .map(|entry| {
            let (url, width) = entry.split_once(' ').expect("an address and a width");
            let width = width
                .strip_suffix('w')
                .expect("a width")
                .parse()
                .expect("a number");
            (url.to_owned(), width)
        })
        .collect()
}

fn decoded_size(body: &[u8]) -> (u32, u32) {
    let image = image::load_from_memory(body).expect("a whole image");
    (image.width(), image.height())
}

/// Checks the article's images and returns the copies its `srcset` names, narrowest first.
fn assert_wide_image_has_copies(page: &str) -> Vec<(String, u32)> {
    let [src, width, height, srcset, sizes] = image_attributes(page);
    assert_eq!(src, ["/static/img/wide.png", "/static/img/narrow.png"]);
    assert_eq!(width, ["1200", "600"]);
    assert_eq!(height, ["600", "300"]);
    // The narrow image is shown as it is.
    assert_eq!(srcset.len(), 1, "{srcset:?}");
    assert_eq!(sizes, [COLUMN_SIZES]);
    let entries = srcset_entries(&srcset[0]);
    let widths: Vec<u32> = entries.iter().map(|(_, width)| *width).collect();
    assert_eq!(widths, [480, 800, 1200]);
    assert_eq!(entries[2].0, "/static/img/wide.png");
    for (url, width) in &entries[..2] {
        let name = url
            .strip_prefix("/static/img/")
            .expect("beside the original");
        let hash = name
            .strip_prefix(&format!("wide.{width}w."))
            .and_then(|rest| rest.strip_suffix(".png"))
            .unwrap_or_else(|| panic!("{url}: named by width and contents"));
        assert!(
            hash.len() == 12 && hash.chars().all(|c| c.is_ascii_hexdigit()),
            "{url}"
        );
    }
    entries[..2].to_vec()
}

#[test]
fn build_writes_the_copies_that_the_page_offers_in_srcset() {
    let site = image_site();
    let out = tempfile::tempdir().expect("temp dir");
    let run = run_backcare(&[
        "build",
        "--articles",
        site.articles.path().to_str().expect("utf-8"),
        "--static",
        site.static_dir.path().to_str().expect("utf-8"),
        "--out",
        out.path().to_str().expect("utf-8"),
        "--base-url",
        "https://backcare.example",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let page = std::fs::read_to_string(out.path().join("articles/stretches.html"))
        .expect("the article is written");
    for (url, width) in assert_wide_image_has_copies(&page) {
        let file = out.path().join(url.trim_start_matches('/'));
        let body = std::fs::read(&file).unwrap_or_else(|_| panic!("{} is written", file.display()));
        assert_eq!(decoded_size(&body), (width, width / 2), "{url}");
    }
    assert!(out.path().join("static/img/wide.png").is_file());
}

#[tokio::test]
async fn serve_answers_the_copies_as_images_cached_for_a_year() {
    let site = image_site();
    let app = spawn_app_with(test_config(
        "127.0.0.1:0",
        site.articles.path(),
        site.static_dir.path(),
    ))
    .await;
    let page = app.get("/articles/stretches").await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.expect("a page");
    for (url, width) in assert_wide_image_has_copies(&page) {
        let response = app.get(&url).await;
        assert_eq!(response.status(), StatusCode::OK, "{url}");
        assert_eq!(header_text(&response, CONTENT_TYPE), "image/png");
        assert_eq!(
            header_text(&response, CACHE_CONTROL),
            "public, max-age=31536000, immutable"
        );
        let body = response.bytes().await.expect("a body");
        assert_eq!(decoded_size(&body), (width, width / 2), "{url}");
    }
}

#[test]
fn an_image_that_cannot_be_decoded_is_an_error_at_its_line() {
    let fixture = Path::new("tests/fixtures/images/unreadable");
    let articles = fixture.join("articles");
    let static_dir = fixture.join("static");
    assert!(repo_path("tests/fixtures/images/unreadable/static/img/back-stretch.png").is_file());
    let run = run_backcare(&[
        "check",
        "--articles",
        articles.to_str().expect("utf-8"),
        "--static",
        static_dir.to_str().expect("utf-8"),
        "--today",
        "2026-12-07",
    ]);
    assert_eq!(run.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&run.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "tests/fixtures/images/unreadable/articles/gentle-stretches.md:18:1: image \"/static/img/back-stretch.png\" cannot be read as a PNG or JPEG file (unexpected end of file); open tests/fixtures/images/unreadable/static/img/back-stretch.png in an image editor and export it again as PNG or JPEG [unreadable-image]",
            "checked 1 article: 1 error, 0 warnings",
        ],
        "{stdout}"
    );
}

#[tokio::test]
async fn with_watch_a_changed_image_gets_new_copies_without_a_restart() {
    let site = image_site();
    let app = spawn_app_with(backcare::startup::ServeConfig {
        watch: true,
        ..test_config("127.0.0.1:0", site.articles.path(), site.static_dir.path())
    })
    .await;
    let (_, page) = app.get_text("/articles/stretches").await;
    let before = assert_wide_image_has_copies(&page);

    std::fs::write(
        site.static_dir.path().join("img/wide.png"),
        coloured_png(1600, 800, [220, 60, 60]),
    )
    .expect("written");
    let started = std::time::Instant::now();
    let after = loop {
        let (_, page) = app.get_text("/articles/stretches").await;
        let srcset = select_attrs(&html(&page), ".prose img", "srcset");
        if srcset.iter().any(|srcset| srcset.ends_with(" 1600w")) {
            break srcset_entries(&srcset[0]);
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the new image's copies did not show:\n{page}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    let widths: Vec<u32> = after.iter().map(|(_, width)| *width).collect();
    assert_eq!(widths, [480, 800, 1600]);
    for ((url, width), (old_url, _)) in after[..2].iter().zip(&before) {
        assert_ne!(url, old_url, "a new picture gets a new name");
        let response = app.get(url).await;
        assert_eq!(response.status(), StatusCode::OK, "{url}");
        let body = response.bytes().await.expect("a body");
        assert_eq!(decoded_size(&body), (*width, width / 2), "{url}");
    }
}
