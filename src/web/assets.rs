//! Static files (CSS, SVG, icons), read into memory once at start-up, each also given a
//! content-hashed name (`site.3f9a1c0b7d2e.css`) that can be cached forever because it never changes.
//! Requests look files up by name in a map, so no request path ever reaches the file system.

use std::collections::HashMap;
use std::path::Path;

use bytes::Bytes;

#[derive(Debug, Clone)]
pub struct Asset {
    pub body: Bytes,
    pub content_type: &'static str,
    /// The name with a hash of the contents before the extension: `img/back.0a1b2c3d4e5f.svg`.
    pub hashed_name: String,
}

/// Every file under the static directory, keyed by its path relative to it (`site.css`, `img/back.svg`).
#[derive(Debug, Clone, Default)]
pub struct Assets {
    files: HashMap<String, Asset>,
}

impl Assets {
    pub fn load(dir: &Path) -> std::io::Result<Assets> {
        let mut files = HashMap::new();
        collect(dir, "", &mut files)?;
        Ok(Assets { files })
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Asset)> {
        self.files
            .iter()
            .map(|(name, asset)| (name.as_str(), asset))
    }

    /// The content-hashed address of `name` (`/static/site.3f9a1c0b7d2e.css`), for pages to link to.
    pub fn hashed_url(&self, name: &str) -> Option<String> {
        self.files
            .get(name)
            .map(|asset| format!("/static/{}", asset.hashed_name))
    }
}

/// FNV-1a: a hash that is the same on every machine and every build, so two instances behind
/// one proxy (or an old and a new one during a deploy) give the same file the same name and ETag.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// `site.css` becomes `site.<12 hex digits>.css`; a name without an extension gets the hash appended.
pub fn hashed_name(name: &str, body: &[u8]) -> String {
    let hash = format!("{:012x}", stable_hash(body) >> 16);
    let (dir, file) = name
        .rsplit_once('/')
        .map_or(("", name), |(dir, file)| (dir, file));
    let dir = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    match file.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => format!("{dir}{stem}.{hash}.{extension}"),
        _ => format!("{dir}{file}.{hash}"),
    }
}

fn collect(dir: &Path, prefix: &str, files: &mut HashMap<String, Asset>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        // Hidden files (editor swap files, .DS_Store) are never published.
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let key = format!("{prefix}{name}");
        if path.is_dir() {
            collect(&path, &format!("{key}/"), files)?;
        } else {
            let body = Bytes::from(std::fs::read(&path)?);
            let hashed_name = hashed_name(&key, &body);
            files.insert(
                key,
                Asset {
                    body,
                    content_type: content_type(&name),
                    hashed_name,
                },
            );
        }
    }
    Ok(())
}

pub fn content_type(name: &str) -> &'static str {
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    match extension.as_deref() {
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        Some("ico") => "image/x-icon",
        Some("txt") => "text/plain; charset=utf-8",
        Some("xml") => "application/xml; charset=utf-8",
        Some("json" | "webmanifest") => "application/json",
        Some("woff2") => "font/woff2",
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type("site.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("Back.SVG"), "image/svg+xml");
        assert_eq!(content_type("unknown"), "application/octet-stream");
    }

    #[test]
    fn loads_nested_files_and_skips_hidden_ones() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("img")).unwrap();
        std::fs::write(dir.path().join("img/a.svg"), "<svg/>").unwrap();
        std::fs::write(dir.path().join(".swp"), "x").unwrap();
        let assets = Assets::load(dir.path()).unwrap();
        let names: Vec<&str> = assets.iter().map(|(name, _)| name).collect();
        assert_eq!(names, ["img/a.svg"]);
        let hash = format!("{:012x}", stable_hash(b"<svg/>") >> 16);
        assert_eq!(
            assets.hashed_url("img/a.svg"),
            Some(format!("/static/img/a.{hash}.svg"))
        );
        assert_eq!(assets.hashed_url("img/none.svg"), None);
    }

    #[test]
    fn hashed_names_keep_folder_and_extension_and_change_with_the_contents() {
        let css = hashed_name("site.css", b"body{}");
        assert!(css.starts_with("site.") && css.ends_with(".css"), "{css}");
        assert_eq!(css.len(), "site..css".len() + 12);
        assert_ne!(css, hashed_name("site.css", b"body{color:red}"));
        assert_eq!(css, hashed_name("site.css", b"body{}"), "stable");
        assert!(hashed_name("img/a.b.svg", b"x").starts_with("img/a.b."));
        assert_eq!(hashed_name("LICENSE", b"x").len(), "LICENSE.".len() + 12);
        assert!(hashed_name(".hidden", b"x").starts_with(".hidden."));
    }

    #[test]
    fn the_stable_hash_is_fnv_1a() {
        // Published FNV-1a 64-bit test vectors: the value must never change between builds.
        assert_eq!(stable_hash(b""), 0xcbf29ce484222325);
        assert_eq!(stable_hash(b"a"), 0xaf63dc4c8601ec8c);
    }
}
