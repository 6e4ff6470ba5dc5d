//! schema.org structured data (JSON-LD) for article pages, so search engines can tell a reviewed,
//! sourced health page from any other. Built with serde_json, so every value is escaped as JSON.

use std::fmt;

use serde_json::{Value, json};

use super::base_url::BaseUrl;
use super::prerender::SITE_NAME;
use crate::content::Article;

/// What every article is about, whatever its topic: the site covers one condition.
const CONDITION: &str = "Back pain";

/// JSON text that is safe to place between `<script type="application/ld+json">` and `</script>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonLd(String);

impl JsonLd {
    /// A `MedicalWebPage` describing `article`, published at `url`.
    pub fn medical_web_page(article: &Article, url: &str, base_url: &BaseUrl) -> JsonLd {
        let front = &article.front;
        let reviewed = front.reviewed.to_string();
        let citations: Vec<Value> = front
            .sources
            .iter()
            .map(|source| {
                json!({
                    "@type": "CreativeWork",
                    "name": source.title,
                    "url": source.url,
                })
            })
            .collect();
        let keywords: Vec<&str> = std::iter::once(front.category.title())
            .chain(front.tags.iter().map(String::as_str))
            .collect();
        JsonLd::from_value(&json!({
            "@context": "https://schema.org",
            "@type": "MedicalWebPage",
            "url": url,
            "headline": front.title,
            "name": front.title,
            "description": front.summary,
            "inLanguage": "en-GB",
            "lastReviewed": reviewed,
            // The review date is when the text last changed in substance; there is no separate
            // publication date in the front matter, so the review date stands for the last change.
            "dateModified": reviewed,
            // Tags name treatments and situations (heat, desk work) as often as conditions, so the
            // condition is the one the whole site is about; the topic and tags become keywords.
            "about": { "@type": "MedicalCondition", "name": CONDITION },
            "keywords": keywords.join(", "),
            "citation": citations,
            "isPartOf": {
                "@type": "WebSite",
                "name": SITE_NAME,
                "url": base_url.join("/"),
            },
        }))
    }

    /// The site as a `WebSite` whose `SearchAction` tells search engines where its results are.
    pub fn web_site(base_url: &BaseUrl) -> JsonLd {
        let results = format!("{}?q={{search_term_string}}", base_url.join("/search"));
        JsonLd::from_value(&json!({
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": SITE_NAME,
            "url": base_url.join("/"),
            "inLanguage": "en-GB",
            "potentialAction": {
                "@type": "SearchAction",
                "target": { "@type": "EntryPoint", "urlTemplate": results },
                "query-input": "required name=search_term_string",
            },
        }))
    }

    fn from_value(value: &Value) -> JsonLd {
        // JSON allows `\u003c` wherever `<` appears (only inside strings), so this changes no
        // value, yet no `</script>` or `<!--` can end the script element early. `&` and `>`
        // follow for the same reason in older parsers.
        let text = value
            .to_string()
            .replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026");
        JsonLd(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for JsonLd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_inside_values_cannot_end_the_script_and_still_parses_to_the_same_text() {
        let hostile = "</script><script>alert(1)</script> & <!-- x -->";
        let json_ld = JsonLd::from_value(&json!({ "headline": hostile }));
        for forbidden in ["<", ">", "&"] {
            assert!(
                !json_ld.as_str().contains(forbidden),
                "{forbidden} in {json_ld}"
            );
        }
        let parsed: Value = serde_json::from_str(json_ld.as_str()).unwrap();
        assert_eq!(parsed["headline"], hostile);
    }
}
