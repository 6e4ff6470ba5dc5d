//! Editorial warnings: the mistakes an NHS content review found in the articles (issue 12), as
//! rules, so they cannot creep back: walls of text, missing or hand-written warning signs,
//! untrusted sources, and medicines named without a link to who should not take them.

use super::place::first_text_line;
use crate::content::front_matter::Category;
use crate::content::lists::{FULL_LIST_PAGE, MOST_PICKED};
use crate::content::problem::{LineProblem, ProblemCode};
use crate::content::prose::ProseBlock;
use crate::content::warning_box::USAGE;
use crate::content::{Article, readability};

/// The NHS style guide asks for short paragraphs; past this a paragraph is a wall of text on a phone.
pub const PARAGRAPH_MAX_WORDS: usize = 60;

/// The page about medicines, which says who should not take each one; others link to it.
pub const MEDICINES_PAGE: &str = "pain-medicines";

/// Medicines a reader might take on the strength of a passing mention, lowercase.
pub const MEDICINE_NAMES: &[&str] = &[
    "ibuprofen",
    "naproxen",
    "paracetamol",
    "aspirin",
    "codeine",
    "co-codamol",
    "diazepam",
    "gabapentin",
    "pregabalin",
    "nsaid",
    "nsaids",
];

/// Where a source counts as trusted: the NHS (including NHS inform and NHS trusts), NICE
/// (including CKS), Cochrane and Mayo Clinic. A site matches itself and its subdomains.
pub const TRUSTED_SITES: &[&str] = &[
    "nhs.uk",
    "nhsinform.scot",
    "nice.org.uk",
    "cochranelibrary.com",
    "mayoclinic.org",
];

/// Cochrane reviews are usually cited by DOI; every Cochrane Database of Systematic Reviews DOI
/// starts with this.
const COCHRANE_DOI_PREFIX: &str = "/10.1002/14651858.";

/// Words in a heading that make its section a list of warning signs, lowercase.
const WARNING_HEADINGS: &[&str] = &[
    "when to get help",
    "get help today",
    "get help now",
    "get help straight away",
    "when to see",
    "see a gp",
    "see a doctor",
    "see your gp",
    "call 999",
    "call 111",
    "warning sign",
    "red flag",
];

/// Every editorial warning for `article`.
pub fn lint(article: &Article) -> Vec<LineProblem> {
    let mut warnings = paragraphs_too_long(article);
    warnings.extend(missing_red_flags(article));
    warnings.extend(no_trusted_source(article));
    warnings.extend(medicine_without_link(article));
    warnings.extend(hand_written_warning_signs(article));
    warnings.extend(whole_sign_lists(article));
    warnings
}

/// A whole list of one urgency's signs on an ordinary page: the editor's review found every
/// page showing all 54 signs, which nobody reads. Only the help page keeps them all.
fn whole_sign_lists(article: &Article) -> Vec<LineProblem> {
    if article.slug == FULL_LIST_PAGE {
        return Vec::new();
    }
    article
        .whole_sign_lists
        .iter()
        .filter(|(_, _, _, signs)| *signs > MOST_PICKED)
        .map(|(line, column, name, signs)| {
            LineProblem::at(ProblemCode::WholeSignList,
                *line,
                *column,
                format!(
                    "shows the whole \"{name}\" list of warning signs ({signs} signs); only {FULL_LIST_PAGE}.md shows whole lists, so pick up to {MOST_PICKED} signs for this page with {USAGE}"
                ),
            )
        })
        .collect()
}

/// Pages about a cause or a treatment are read by people in pain, and so is the help page itself;
/// prevention pages are read before there is anything to warn about.
pub fn category_needs_red_flags(category: Category) -> bool {
    !matches!(category, Category::Prevention)
}

fn paragraphs_too_long(article: &Article) -> Vec<LineProblem> {
    article
        .prose
        .iter()
        .filter_map(|block| {
            let words = readability::words(&block.text).count();
            (words > PARAGRAPH_MAX_WORDS).then(|| {
                LineProblem::new(ProblemCode::LongParagraph,
                    block.first_line(),
                    format!(
                        "paragraph of {words} words; split it into paragraphs of {PARAGRAPH_MAX_WORDS} words or fewer, one idea each"
                    ),
                )
            })
        })
        .collect()
}

fn missing_red_flags(article: &Article) -> Option<LineProblem> {
    let has_list = article.html.contains("<ul class=\"red-flags");
    (category_needs_red_flags(article.front.category) && !has_list).then(|| {
        LineProblem::new(ProblemCode::NoWarningSigns,
            first_text_line(article),
            format!(
                "no warning signs; a \"{}\" page needs a \"When to get help\" section with a box of the signs for its topic, such as {USAGE}",
                article.front.category.slug()
            ),
        )
    })
}

/// Whether `url` is a page of the NHS, NICE, Cochrane or Mayo Clinic.
pub fn is_trusted_source(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = host.to_ascii_lowercase();
    let on_site = |site: &str| {
        host == site
            || host
                .strip_suffix(site)
                .is_some_and(|sub| sub.ends_with('.'))
    };
    TRUSTED_SITES.iter().any(|site| on_site(site))
        || ((host == "doi.org" || host == "dx.doi.org") && path.starts_with(COCHRANE_DOI_PREFIX))
}

fn no_trusted_source(article: &Article) -> Option<LineProblem> {
    let trusted = article
        .front
        .sources
        .iter()
        .any(|source| is_trusted_source(&source.url));
    (!trusted).then(|| {
        LineProblem::new(ProblemCode::NoTrustedSource,
            article.front.lines.of("sources"),
            "no source from the NHS, NICE, Cochrane or Mayo Clinic; base the page on at least one of them and add it under [[sources]]",
        )
    })
}

fn medicine_without_link(article: &Article) -> Option<LineProblem> {
    if article.slug == MEDICINES_PAGE
        || article
            .internal_links
            .iter()
            .any(|link| link.slug == MEDICINES_PAGE)
    {
        return None;
    }
    let (block, name) = article.prose.iter().find_map(|block| {
        let lower = block.text.to_lowercase();
        lower
            .split(|c: char| !(c.is_alphanumeric() || c == '-'))
            .find_map(|word| MEDICINE_NAMES.iter().find(|name| **name == word))
            .map(|name| (block, *name))
    })?;
    Some(LineProblem::new(
        ProblemCode::UnlinkedMedicine,
        block.first_line(),
        format!(
            "mentions {name} without a link to the medicines page; link it, e.g. [{name}]({MEDICINES_PAGE}.md), so readers can check who should not take it"
        ),
    ))
}

/// A list of warning signs written by hand: a list item in a "When to get help"-style section, or
/// one that tells the reader to call 999 or 111 or go to A&E. The shortcode's own lists are
/// exempt: they are built from the symptom checker's rules, so the two can never disagree.
fn hand_written_warning_signs(article: &Article) -> Vec<LineProblem> {
    hand_written_warning_items(&article.html)
        .into_iter()
        .map(|item| {
            let line = line_of_item(&article.prose, &item).unwrap_or_else(|| first_text_line(article));
            LineProblem::new(ProblemCode::HandWrittenSign,
                line,
                format!(
                    "hand-written warning sign \"{}\"; show it with {USAGE} (the signs by rule id or group) so it matches the symptom checker, and ask a developer if a sign is missing",
                    shorten(&item)
                ),
            )
        })
        .collect()
}

/// The text of every list item that is a hand-written warning sign, in page order.
pub fn hand_written_warning_items(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut h2_warns = false;
    let mut section_warns = false;
    // Depth of <ul> elements inside a red_flags list, which are skipped.
    let mut shortcode_depth = 0usize;
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let after = &rest[open..];
        let Some(close) = after.find('>') else { break };
        let tag = &after[..=close];
        let following = &after[close + 1..];
        let name = tag_name(tag);
        match name.as_str() {
            "h2" | "h3" => {
                let end = following.find("</h").unwrap_or(following.len());
                let heading = plain_text(&following[..end]).to_lowercase();
                let warns = WARNING_HEADINGS.iter().any(|words| heading.contains(words));
                if name == "h2" {
                    h2_warns = warns;
                    section_warns = warns;
                } else {
                    section_warns = h2_warns || warns;
                }
            }
            "ul" if shortcode_depth > 0 => shortcode_depth += 1,
            "ul" if tag.contains("class=\"red-flags") => shortcode_depth = 1,
            "/ul" if shortcode_depth > 0 => shortcode_depth -= 1,
            "li" if shortcode_depth == 0 => {
                let end = following.find("</li>").unwrap_or(following.len());
                let text = plain_text(&following[..end]);
                if section_warns || sends_for_help(&text) {
                    found.push(text);
                }
            }
            _ => {}
        }
        rest = following;
    }
    found
}

fn tag_name(tag: &str) -> String {
    tag.trim_start_matches('<')
        .split(|c: char| c.is_whitespace() || c == '>')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// An element's text with tags dropped, the few entities ammonia writes decoded, and spaces collapsed.
fn plain_text(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn sends_for_help(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower
        .split(|c: char| !c.is_ascii_digit())
        .any(|number| number == "999" || number == "111")
        || lower.contains("a&e")
}

/// The file line of the list item whose text is `item`, found among the prose blocks.
fn line_of_item(prose: &[ProseBlock], item: &str) -> Option<usize> {
    let wanted: Vec<&str> = item.split_whitespace().take(6).collect();
    prose
        .iter()
        .find(|block| {
            let words: Vec<&str> = block.text.split_whitespace().take(wanted.len()).collect();
            words == wanted
        })
        .map(ProseBlock::first_line)
}

fn shorten(text: &str) -> String {
    const SHOWN: usize = 60;
    if text.chars().count() <= SHOWN {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(SHOWN).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::lint::tests::{CLEAN_BODY, CLEAN_FRONT, TODAY, article};

    /// Every warning for a page built from `front` and `body`, as (line, message).
    fn warnings(front: &str, body: &str) -> Vec<(usize, String)> {
        crate::content::lint::lint(&article(front, body), TODAY)
            .into_iter()
            .map(|w| (w.line, w.message))
            .collect()
    }

    fn relief(front: &str) -> String {
        front.replace("category = \"prevention\"", "category = \"relief\"")
    }

    const WITH_RED_FLAGS: &str = "\nHeat can ease a tight back.\n\n## When to get help\n\nCall 999 if you have back pain and:\n\n{{ red_flags(urgency=\"emergency\") }}\n\nRead [when to get help](when-to-get-help.md).\n";

    #[test]
    fn a_paragraph_over_60_words_is_reported_at_its_line() {
        let long = "Rest a little and then walk. ".repeat(11); // 66 words
        let body = format!("\nHeat helps.\n\n{long}\n\nSee [help](when-to-get-help.md).\n");
        let found = warnings(CLEAN_FRONT, &body);
        assert_eq!(
            found,
            [(
                15,
                "paragraph of 66 words; split it into paragraphs of 60 words or fewer, one idea each"
                    .to_owned()
            )]
        );
        let short = "Rest a little and then walk. ".repeat(10); // 60 words: allowed
        let body = format!("\nHeat helps.\n\n{short}\n\nSee [help](when-to-get-help.md).\n");
        assert_eq!(warnings(CLEAN_FRONT, &body), []);
    }

    #[test]
    fn a_relief_page_without_the_red_flags_shortcode_is_reported() {
        let found = warnings(&relief(CLEAN_FRONT), CLEAN_BODY);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, 13, "the first line of text");
        assert_eq!(
            found[0].1,
            "no warning signs; a \"relief\" page needs a \"When to get help\" section with a box of the signs for its topic, such as {{ warning_signs(signs=\"fall-aged-65-plus, weak-bones\") }}"
        );
        assert_eq!(warnings(&relief(CLEAN_FRONT), WITH_RED_FLAGS), []);
        // Prevention pages are read before there is pain, so they may leave the list out.
        assert_eq!(warnings(CLEAN_FRONT, CLEAN_BODY), []);
    }

    #[test]
    fn sources_without_the_nhs_nice_cochrane_or_mayo_are_reported_at_sources() {
        let front = CLEAN_FRONT
            .replace("NHS: Back pain", "HSE: Manual handling")
            .replace(
                "https://www.nhs.uk/conditions/back-pain/",
                "https://www.hse.gov.uk/msd/manual-handling/",
            );
        assert_eq!(
            warnings(&front, CLEAN_BODY),
            [(
                7,
                "no source from the NHS, NICE, Cochrane or Mayo Clinic; base the page on at least one of them and add it under [[sources]]".to_owned()
            )]
        );
    }

    #[test]
    fn trusted_sources_are_the_nhs_nice_cochrane_and_mayo_and_their_subdomains() {
        for url in [
            "https://www.nhs.uk/conditions/sciatica/",
            "https://www.nhsinform.scot/illnesses-and-conditions/",
            "https://www.guysandstthomas.nhs.uk/health-information/",
            "https://cks.nice.org.uk/topics/sciatica-lumbar-radiculopathy/",
            "https://www.nice.org.uk/guidance/ng59",
            "https://www.cochranelibrary.com/cdsr/doi/10.1002/14651858.CD005958.pub3/full",
            "https://doi.org/10.1002/14651858.CD005958.pub3",
            "https://www.mayoclinic.org/diseases-conditions/back-pain/",
        ] {
            assert!(is_trusted_source(url), "{url}");
        }
        for url in [
            "https://www.hse.gov.uk/msd/",
            "https://my.clevelandclinic.org/health/",
            "https://fakenhs.uk/",
            "https://nhs.uk.example.com/",
            "https://doi.org/10.1136/bmj.39463.418380.BE",
        ] {
            assert!(!is_trusted_source(url), "{url}");
        }
    }

    #[test]
    fn a_medicine_named_without_a_link_to_the_medicines_page_is_reported() {
        let body = "\nHeat helps.\n\nYou could take Ibuprofen as well.\n\nSee [help](when-to-get-help.md).\n";
        assert_eq!(
            warnings(CLEAN_FRONT, body),
            [(
                15,
                "mentions ibuprofen without a link to the medicines page; link it, e.g. [ibuprofen](pain-medicines.md), so readers can check who should not take it".to_owned()
            )]
        );
        let linked = body.replace("Ibuprofen", "[ibuprofen](pain-medicines.md)");
        assert_eq!(warnings(CLEAN_FRONT, &linked), []);
        // "co-codamol" is one word; "aspiring" is not "aspirin".
        let body = "\nHeat helps.\n\nAn aspiring runner.\n\nSee [help](when-to-get-help.md).\n";
        assert_eq!(warnings(CLEAN_FRONT, body), []);
    }

    #[test]
    fn a_hand_written_list_of_warning_signs_is_reported_at_its_item() {
        let body = "\nHeat helps. See [help](when-to-get-help.md).\n\n## When to get help\n\n- numbness around your bottom\n- you cannot pee\n";
        let found = warnings(CLEAN_FRONT, body);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, 17);
        assert_eq!(
            found[0].1,
            "hand-written warning sign \"numbness around your bottom\"; show it with {{ warning_signs(signs=\"fall-aged-65-plus, weak-bones\") }} (the signs by rule id or group) so it matches the symptom checker, and ask a developer if a sign is missing"
        );
        assert_eq!(found[1].0, 18);
    }

    #[test]
    fn a_list_item_that_sends_readers_to_999_111_or_a_and_e_is_reported_anywhere() {
        let body = "\nHeat helps. See [help](when-to-get-help.md).\n\n## Using heat\n\n- Wrap it in a towel.\n- Call 999 if you have chest pain.\n- Go to A&E if you are burnt badly.\n";
        let items: Vec<usize> = warnings(CLEAN_FRONT, body).iter().map(|w| w.0).collect();
        assert_eq!(items, [18, 19]);
    }

    #[test]
    fn the_shortcode_lists_and_other_lists_are_not_hand_written_warning_signs() {
        let body = "\nHeat helps. See [help](when-to-get-help.md).\n\n## When to get help\n\nCall 999 or go to A&E if you have back pain and:\n\n{{ red_flags(urgency=\"emergency\") }}\n\n{{ red_flags(urgency=\"soon\") }}\n\n## How to describe your pain to a doctor\n\n- where it hurts\n- when it started\n";
        assert_eq!(warnings(CLEAN_FRONT, body), []);
    }

    #[test]
    fn a_heading_that_only_mentions_help_is_not_a_warning_section() {
        let body = "\nHeat helps. See [help](when-to-get-help.md).\n\n## Get help or use equipment\n\n- Lift with someone else.\n";
        assert_eq!(warnings(CLEAN_FRONT, body), []);
    }
}
