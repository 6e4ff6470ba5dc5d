//! Static files (CSS, SVG, icons), read into memory once at start-up.
//! Requests look files up by name in a map, so no request path ever reaches the file system.

use std::collections::HashMap;
use std::path::Path;

use bytes::Bytes;

#[derive(Debug, Clone)]
pub struct Asset {
    pub body: Bytes,
    pub content_type: &'static str,
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
            files.insert(
                key,
                Asset {
                    body,
                    content_type: content_type(&name),
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
    }
}
