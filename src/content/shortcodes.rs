//! Shortcodes: a paragraph such as `{{ red_flags(urgency="emergency") }}` that expands into
//! generated HTML at load time, so an article can show data that lives in code in one place.

use crate::triage::{Urgency, rules_for};

/// Whether a paragraph's source text is a shortcode call rather than prose.
pub fn is_shortcode(paragraph: &str) -> bool {
    let text = paragraph.trim();
    text.starts_with("{{") && text.ends_with("}}")
}

/// Expands a shortcode call into HTML, or says what is wrong with it.
pub fn expand(paragraph: &str) -> Result<String, String> {
    let call = paragraph
        .trim()
        .trim_start_matches("{{")
        .trim_end_matches("}}")
        .trim();
    let (name, arguments) = call
        .strip_suffix(')')
        .and_then(|call| call.split_once('('))
        .ok_or_else(|| format!("shortcode \"{call}\" must look like {USAGE}"))?;
    match name.trim() {
        "red_flags" => red_flags(arguments),
        other => Err(format!(
            "unknown shortcode \"{other}\"; the only one is {USAGE}"
        )),
    }
}

const USAGE: &str = "{{ red_flags(urgency=\"emergency\") }} with urgency emergency, urgent or soon";

/// The signs that make the symptom checker answer `urgency`, as a list: the article and the
/// checker read the same rules, so they cannot disagree.
fn red_flags(arguments: &str) -> Result<String, String> {
    let urgency = match arguments.trim().split_once('=') {
        Some(("urgency", value)) => Urgency::from_value(value.trim().trim_matches('"'))
            .filter(|&urgency| urgency != Urgency::SelfCare),
        _ => None,
    }
    .ok_or_else(|| {
        format!("red_flags needs urgency set to emergency, urgent or soon, as in {USAGE}")
    })?;

    let mut html = format!("<ul class=\"red-flags red-flags-{}\">\n", urgency.value());
    let mut seen = Vec::new();
    for rule in rules_for(urgency) {
        // Two rules can share a sign (e.g. chest pain and breathlessness sources); list it once.
        if seen.contains(&rule.sign) {
            continue;
        }
        seen.push(rule.sign);
        html.push_str("<li>");
        html.push_str(&escape(&sentence_case(rule.sign)));
        html.push_str("</li>\n");
    }
    html.push_str("</ul>\n");
    Ok(html)
}

fn sentence_case(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn red_flags_list_every_sign_of_the_urgency() {
        let html = expand("{{ red_flags(urgency=\"emergency\") }}").unwrap();
        for rule in rules_for(Urgency::Emergency) {
            assert!(
                html.contains(&escape(&sentence_case(rule.sign))),
                "{}",
                rule.id
            );
        }
        assert!(
            !html.contains("Having had cancer"),
            "urgent signs stay out of the 999 list"
        );
    }

    #[test]
    fn mistakes_are_explained() {
        assert!(
            expand("{{ red_flag(urgency=\"soon\") }}")
                .unwrap_err()
                .starts_with("unknown shortcode \"red_flag\"")
        );
        assert!(expand("{{ red_flags(urgency=\"self-care\") }}").is_err());
        assert!(
            expand("{{ red_flags }}")
                .unwrap_err()
                .contains("must look like")
        );
    }

    #[test]
    fn recognises_calls_only() {
        assert!(is_shortcode("  {{ red_flags(urgency=\"soon\") }}\n"));
        assert!(!is_shortcode("Some {{ text"));
    }
}
