//! The synonym list: groups of lay and clinical words that mean the same thing to a reader,
//! kept as data in `synonyms.toml` so a reviewer can read and extend it without touching code.

use std::sync::OnceLock;

use serde::Deserialize;

/// One group of interchangeable terms, e.g. "lumbago" and "low back pain".
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SynonymGroup {
    /// What the group is about, for the reviewer; not shown to readers.
    pub meaning: String,
    /// Words or phrases, lowercase; each finds articles using any of the others.
    pub terms: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymFile {
    group: Vec<SynonymGroup>,
}

const SYNONYMS_TOML: &str = include_str!("synonyms.toml");

/// Reads a synonym list written like `synonyms.toml`.
pub fn parse(text: &str) -> Result<Vec<SynonymGroup>, String> {
    let file: SynonymFile = toml::from_str(text).map_err(|error| error.to_string())?;
    for group in &file.group {
        if group.terms.len() < 2 {
            return Err(format!(
                "the group \"{}\" needs at least two terms",
                group.meaning
            ));
        }
        if let Some(term) = group.terms.iter().find(|term| {
            term.trim().is_empty() || term.chars().any(|c| c.is_uppercase()) || term != &term.trim()
        }) {
            return Err(format!(
                "the group \"{}\" has the term \"{term}\"; write terms in lowercase, without spaces at either end",
                group.meaning
            ));
        }
    }
    Ok(file.group)
}

/// The bundled synonym list. It is compiled in and checked by a unit test, so it cannot fail here.
pub fn bundled() -> &'static [SynonymGroup] {
    static GROUPS: OnceLock<Vec<SynonymGroup>> = OnceLock::new();
    GROUPS.get_or_init(|| parse(SYNONYMS_TOML).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_list_parses_and_covers_the_words_readers_use() {
        let groups = parse(SYNONYMS_TOML).expect("synonyms.toml parses");
        let together = |a: &str, b: &str| {
            groups
                .iter()
                .any(|g| g.terms.iter().any(|t| t == a) && g.terms.iter().any(|t| t == b))
        };
        assert!(together("lumbago", "low back pain"));
        assert!(together("trapped nerve", "sciatica"));
        assert!(together("slipped disc", "prolapsed disc"));
        assert!(together("herniated disc", "bulging disc"));
        assert!(together("spasm", "cramp"));
        assert!(together("kidney", "loin"));
        assert!(together("kidney", "flank"));
        assert!(together("period", "menstrual"));
        assert!(together("pregnancy", "pregnant"));
        assert_eq!(bundled().len(), groups.len());
    }

    #[test]
    fn mistakes_in_the_list_are_named() {
        assert!(
            parse("[[group]]\nmeaning = \"x\"\nterms = [\"one\"]\n")
                .unwrap_err()
                .contains("at least two terms")
        );
        assert!(
            parse("[[group]]\nmeaning = \"x\"\nterms = [\"One\", \"two\"]\n")
                .unwrap_err()
                .contains("lowercase")
        );
        assert!(parse("[[group]]\nmeaning = \"x\"\nterm = [\"a\", \"b\"]\n").is_err());
    }
}
