//! Shortcodes: a paragraph such as `{{ red_flags(urgency="emergency") }}` that expands into
//! generated HTML at load time, so an article can show data that lives in code in one place.
//!
//! Both kinds are inserted after sanitising, as trusted HTML that this module writes itself:
//! - `red_flags` shows one of the `NamedLists` its caller hands in (the symptom checker's
//!   warning signs); every phrase is escaped here, and the sanitiser need not know its classes.
//! - A diagram is an inline SVG, which the sanitiser would strip. Only SVG files compiled into
//!   the binary from `templates/diagrams/` can be inserted, and each must pass
//!   `check_trusted_svg` (no scripts, handlers, styles or links); the author chooses a diagram by
//!   name and writes a caption, which is escaped.

use super::lists::{NamedList, NamedLists};
use super::problem::ProblemCode;
use super::shortcode_syntax::{CallError, escape, named_arguments, sentence_case};
use super::warning_box;

/// What a shortcode expands to: trusted HTML to insert after sanitising; see `placeholder`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion(pub String);

/// Whether a paragraph's source text is a shortcode call rather than prose.
pub fn is_shortcode(paragraph: &str) -> bool {
    let text = paragraph.trim();
    text.starts_with("{{") && text.ends_with("}}")
}

/// Every shortcode an article can use. `ALL` is the one list that messages and suggestions are
/// built from, and `expand` finds a shortcode only through it, so a new shortcode cannot work
/// without also being named in every "the shortcodes are" message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shortcode {
    RedFlags,
    WarningSigns,
    Service,
    Diagram,
}

impl Shortcode {
    const ALL: [Shortcode; 4] = [
        Shortcode::RedFlags,
        Shortcode::WarningSigns,
        Shortcode::Service,
        Shortcode::Diagram,
    ];

    fn named(name: &str) -> Option<Shortcode> {
        Shortcode::ALL.into_iter().find(|code| code.name() == name)
    }

    fn name(self) -> &'static str {
        match self {
            Shortcode::RedFlags => "red_flags",
            Shortcode::WarningSigns => "warning_signs",
            Shortcode::Service => "service",
            Shortcode::Diagram => "diagram",
        }
    }

    /// An example call, with what its arguments may be where that is not plain from the example.
    fn usage(self, lists: &NamedLists) -> String {
        match self {
            Shortcode::RedFlags => usage(lists),
            Shortcode::WarningSigns => warning_box::USAGE.to_owned(),
            Shortcode::Service => format!("{} inside a sentence", warning_box::SERVICE_USAGE),
            Shortcode::Diagram => DIAGRAM_USAGE.to_owned(),
        }
    }
}

/// "{{ red_flags(...) }} ..., {{ warning_signs(...) }}, ... and {{ diagram(...) }}"
fn every_usage(lists: &NamedLists) -> String {
    let usages: Vec<String> = Shortcode::ALL
        .iter()
        .map(|code| code.usage(lists))
        .collect();
    match usages.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{}, and {last}", rest.join(", ")),
        _ => usages.concat(),
    }
}

/// Expands a shortcode call into HTML, showing one of `lists` for `red_flags`, or says what is
/// wrong with it.
pub fn expand(paragraph: &str, lists: &NamedLists) -> Result<Expansion, CallError> {
    let call = paragraph
        .trim()
        .trim_start_matches("{{")
        .trim_end_matches("}}")
        .trim();
    let (name, arguments) = call
        .strip_suffix(')')
        .and_then(|call| call.split_once('('))
        .ok_or_else(|| {
            let first_word = call
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .next();
            let usage = match first_word.and_then(Shortcode::named) {
                Some(shortcode) => shortcode.usage(lists),
                None => format!("one of {}", every_usage(lists)),
            };
            CallError::new(
                ProblemCode::ShortcodeSyntax,
                format!("shortcode \"{call}\" must look like {usage}"),
            )
        })?;
    let name = name.trim();
    match Shortcode::named(name) {
        Some(Shortcode::RedFlags) => red_flags(arguments, lists).map(Expansion),
        Some(Shortcode::Diagram) => diagram(arguments).map(Expansion),
        Some(Shortcode::WarningSigns) => warning_box::expand(arguments, lists).map(Expansion),
        Some(Shortcode::Service) => Err(CallError::new(
            ProblemCode::ServiceOnItsOwnLine,
            format!(
                "shortcode \"service\" goes inside a sentence, as in \"If it does not settle, {}.\"; on a line of its own it is not a sentence",
                warning_box::SERVICE_USAGE
            ),
        )),
        None => {
            let hint = did_you_mean(name, Shortcode::ALL.iter().map(|code| code.name()));
            Err(CallError::new(
                ProblemCode::UnknownShortcode,
                format!(
                    "unknown shortcode \"{name}\"{hint}; the shortcodes are {}",
                    every_usage(lists)
                ),
            ))
        }
    }
}

/// What is worth fixing in a shortcode that still works: a box that picks too many signs.
pub fn warnings(paragraph: &str, lists: &NamedLists) -> Option<String> {
    let call = paragraph
        .trim()
        .trim_start_matches("{{")
        .trim_end_matches("}}");
    let arguments = call.trim().strip_prefix("warning_signs")?.trim_start();
    let arguments = arguments.strip_prefix('(')?.strip_suffix(')')?;
    warning_box::too_many(arguments, lists)
}

/// Running text with each `{{ service(sign="RULE") }}` in it replaced by what the rule says to
/// do ("call 111 or your GP surgery today"), or what is wrong with one. `None` when the text
/// holds no `service` call, or a call of another shortcode, which must stand on its own line.
pub fn expand_inline(text: &str, lists: &NamedLists) -> Option<Result<String, CallError>> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut any = false;
    while let Some(open) = rest.find("{{") {
        let close = rest[open..].find("}}")? + open;
        let call = rest[open + 2..close].trim();
        let arguments = call.strip_prefix("service")?.trim_start();
        let arguments = arguments.strip_prefix('(')?.strip_suffix(')')?;
        out.push_str(&rest[..open]);
        match warning_box::service_action(arguments, lists) {
            Ok(action) => out.push_str(&action),
            Err(message) => return Some(Err(message)),
        }
        any = true;
        rest = &rest[close + 2..];
    }
    out.push_str(rest);
    any.then_some(Ok(out))
}

/// The list a `red_flags(urgency="NAME")` call shows whole, if the paragraph is one.
pub fn whole_list_name(paragraph: &str) -> Option<&str> {
    let call = paragraph
        .trim()
        .trim_start_matches("{{")
        .trim_end_matches("}}");
    let arguments = call.trim().strip_prefix("red_flags")?.trim_start();
    let (key, value) = arguments
        .strip_prefix('(')?
        .strip_suffix(')')?
        .split_once('=')?;
    (key.trim() == "urgency").then(|| value.trim().trim_matches('"'))
}

/// How to call `red_flags`, naming the lists there are:
/// `{{ red_flags(urgency="emergency") }} with urgency emergency, urgent or soon`.
fn usage(lists: &NamedLists) -> String {
    let first = lists.names().next().unwrap_or("NAME");
    format!(
        "{{{{ red_flags(urgency=\"{first}\") }}}} with urgency {}",
        list_names(lists)
    )
}

/// "emergency, urgent or soon"
fn list_names(lists: &NamedLists) -> String {
    let names: Vec<&str> = lists.names().collect();
    match names.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => "NAME".to_owned(),
    }
}
const DIAGRAM_USAGE: &str =
    "{{ diagram(name=\"safe-lifting\", caption=\"Bend your knees, not your back.\") }}";

/// The diagrams an article can show, by name. Each file is a trusted, hand-checked SVG that ships
/// inside the binary like the templates do; adding one is a new file plus a line here.
const DIAGRAMS: &[(&str, &str)] = &[
    (
        "safe-lifting",
        include_str!("../../templates/diagrams/safe-lifting.svg"),
    ),
    (
        "neutral-sitting",
        include_str!("../../templates/diagrams/neutral-sitting.svg"),
    ),
    (
        "knee-rolls",
        include_str!("../../templates/diagrams/knee-rolls.svg"),
    ),
    (
        "knee-hugs",
        include_str!("../../templates/diagrams/knee-hugs.svg"),
    ),
    (
        "bottom-to-heels",
        include_str!("../../templates/diagrams/bottom-to-heels.svg"),
    ),
    (
        "back-extension",
        include_str!("../../templates/diagrams/back-extension.svg"),
    ),
    (
        "pelvic-tilt",
        include_str!("../../templates/diagrams/pelvic-tilt.svg"),
    ),
    (
        "hamstring-stretch",
        include_str!("../../templates/diagrams/hamstring-stretch.svg"),
    ),
];

/// What stands in the sanitised HTML for trusted expansion number `index` until it is inserted.
/// The private-use characters around it never appear in an article's own HTML markup, and the
/// sanitiser keeps them as text.
pub fn placeholder(index: usize) -> String {
    format!("<p>\u{E000}trusted-shortcode-{index}\u{E000}</p>\n")
}

/// Puts each trusted expansion in place of its placeholder in already sanitised HTML. The
/// placeholders are in the order of their numbers, so one pass from the start finds them all.
pub fn insert_trusted(html: String, trusted: &[String]) -> String {
    if trusted.is_empty() {
        return html;
    }
    let mut out =
        String::with_capacity(html.len() + trusted.iter().map(String::len).sum::<usize>());
    let mut rest = html.as_str();
    for (index, expansion) in trusted.iter().enumerate() {
        let token = placeholder(index);
        let token = token.trim_end();
        if let Some(at) = rest.find(token) {
            out.push_str(&rest[..at]);
            out.push_str(expansion);
            rest = &rest[at + token.len()..];
        }
    }
    out.push_str(rest);
    out
}

/// A trusted SVG diagram in a `<figure>` with the author's caption.
fn diagram(arguments: &str) -> Result<String, CallError> {
    let pairs = named_arguments(arguments).ok_or_else(|| {
        CallError::new(ProblemCode::ArgumentSyntax, format!("diagram arguments must be written name=\"value\", separated by commas, as in {DIAGRAM_USAGE}"))
    })?;
    let mut name = None;
    let mut caption = None;
    for (key, value) in pairs {
        match key {
            "name" => name = Some(value),
            "caption" => caption = Some(value),
            other => {
                return Err(CallError::new(
                    ProblemCode::UnknownArgument,
                    format!(
                        "diagram has no argument \"{other}\"; it takes a name and a caption, as in {DIAGRAM_USAGE}"
                    ),
                ));
            }
        }
    }
    let (Some(name), Some(caption)) = (name, caption.filter(|c| !c.trim().is_empty())) else {
        return Err(CallError::new(
            ProblemCode::MissingArgument,
            format!("diagram needs a name and a caption, as in {DIAGRAM_USAGE}"),
        ));
    };
    let svg = DIAGRAMS
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, svg)| svg.trim())
        .ok_or_else(|| {
            let known: Vec<&str> = DIAGRAMS.iter().map(|(known, _)| *known).collect();
            let hint = did_you_mean(&name, known.iter().copied());
            CallError::new(ProblemCode::UnknownDiagram, format!(
                "unknown diagram \"{name}\"{hint}; the diagrams are {}, each an SVG file in templates/diagrams/ that a developer adds",
                known.join(", ")
            ))
        })?;
    check_trusted_svg(svg).map_err(|why| {
        CallError::new(ProblemCode::UnsafeDiagram, format!("diagram \"{name}\" cannot be shown because the SVG file {why}; a developer must fix templates/diagrams/{name}.svg"))
    })?;
    Ok(format!(
        "<figure class=\"diagram diagram-{name}\">\n{svg}\n<figcaption>{}</figcaption>\n</figure>\n",
        escape(caption.trim())
    ))
}

/// Why an SVG must not be inlined into a page, if it must not: it could run code, restyle the
/// page, link away, clash with page ids, or lack a text alternative.
pub fn check_trusted_svg(svg: &str) -> Result<(), String> {
    let lower = svg.to_ascii_lowercase();
    if !lower.starts_with("<svg") || !lower.trim_end().ends_with("</svg>") {
        return Err("is not a single <svg> element".to_owned());
    }
    for forbidden in [
        "<script",
        "<foreignobject",
        "<style",
        "<iframe",
        "<a ",
        "<a>",
        "<use",
        "<image",
        "<!doctype",
        "<!entity",
        "<![cdata[",
        "<?",
        "href",
        "javascript:",
        "url(",
        " id=",
        "style=",
    ] {
        if lower.contains(forbidden) {
            return Err(format!("contains {forbidden}"));
        }
    }
    // Event handlers: an attribute name that starts with "on", such as onload= or onclick=.
    let bytes = lower.as_bytes();
    for (at, _) in lower.match_indices("on") {
        let after_space = at > 0 && bytes[at - 1].is_ascii_whitespace();
        let name_end = lower[at..]
            .find(|c: char| !c.is_ascii_alphabetic())
            .map_or(lower.len(), |end| at + end);
        if after_space && lower[name_end..].trim_start().starts_with('=') {
            return Err(format!("has an event handler {}", &lower[at..name_end]));
        }
    }
    let root = &lower[..lower.find('>').unwrap_or(0)];
    if !root.contains("role=\"img\"") || !lower.contains("<title>") || !lower.contains("<desc>") {
        return Err("needs role=\"img\" on the svg and a <title> and a <desc>".to_owned());
    }
    Ok(())
}

/// One of the caller's lists, chosen by name. A list of several groups heads each group, so a
/// sign for the maternity unit is never read as a "call 999" sign.
fn red_flags(arguments: &str, lists: &NamedLists) -> Result<String, CallError> {
    let value = match arguments.trim().split_once('=') {
        Some((name, value)) if name.trim() == "urgency" => Some(value.trim().trim_matches('"')),
        _ => None,
    };
    value
        .and_then(|value| lists.shown_as(value, list_html))
        .map(str::to_owned)
        .ok_or_else(|| {
            let (names, usage) = (list_names(lists), usage(lists));
            let hint = value
                .map(|value| did_you_mean(value, lists.names()))
                .unwrap_or_default();
            CallError::new(
                ProblemCode::InvalidUrgency,
                format!("red_flags needs urgency set to {names}, as in {usage}{hint}"),
            )
        })
}

/// `; did you mean "emergency"?` when `word` is one of `candidates` misspelt, else nothing.
fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    super::front_matter::closest(word, candidates)
        .map(|guess| format!("; did you mean \"{guess}\"?"))
        .unwrap_or_default()
}

fn list_html(list: &NamedList) -> String {
    let mut html = String::new();
    for group in &list.groups {
        if list.groups.len() > 1 {
            html.push_str(&format!(
                "<p><strong>{}:</strong></p>\n",
                escape(&group.heading)
            ));
        }
        html.push_str(&format!(
            "<ul class=\"red-flags red-flags-{}\">\n",
            list.name
        ));
        let mut seen = Vec::new();
        for item in &group.items {
            // Two rules can share a sign; list it once.
            if seen.contains(&item) {
                continue;
            }
            seen.push(item);
            html.push_str("<li>");
            html.push_str(&escape(&sentence_case(item)));
            html.push_str("</li>\n");
        }
        html.push_str("</ul>\n");
    }
    // The placeholder it replaces keeps its own line break.
    html.truncate(html.trim_end().len());
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::content::lists;

    /// The expansion, or the message of what is wrong (the codes have their own test).
    fn expand(paragraph: &str) -> Result<Expansion, String> {
        super::expand(paragraph, &lists::fixture()).map_err(|error| error.message)
    }

    fn html(paragraph: &str) -> String {
        expand(paragraph).unwrap().0
    }

    #[test]
    fn a_list_of_several_groups_heads_each_group() {
        assert_eq!(
            html("{{ red_flags(urgency=\"emergency\") }}"),
            "<p><strong>Call 999 if you have back pain and:</strong></p>\n\
             <ul class=\"red-flags red-flags-emergency\">\n\
             <li>Chest pain</li>\n\
             <li>Numbness around your bottom</li>\n\
             </ul>\n\
             <p><strong>If you are pregnant, call your maternity unit now if you have:</strong></p>\n\
             <ul class=\"red-flags red-flags-emergency\">\n\
             <li>Cramps that come and go</li>\n\
             </ul>"
        );
    }

    #[test]
    fn a_list_of_one_group_is_escaped_listed_once_and_has_no_heading() {
        assert_eq!(
            html("{{ red_flags(urgency=\"urgent\") }}"),
            "<ul class=\"red-flags red-flags-urgent\">\n<li>A high temperature &amp; &lt;shivers&gt;</li>\n</ul>"
        );
        assert_eq!(
            html("{{ red_flags(urgency=\"soon\") }}"),
            "<ul class=\"red-flags red-flags-soon\">\n<li>Pain that is getting worse</li>\n</ul>"
        );
    }

    #[test]
    fn misspelt_names_and_values_get_a_suggestion() {
        assert!(
            expand("{{ red_flag(urgency=\"soon\") }}")
                .unwrap_err()
                .starts_with("unknown shortcode \"red_flag\"; did you mean \"red_flags\"?; the shortcodes are")
        );
        assert!(
            expand("{{ red_flags(urgency=\"emergancy\") }}")
                .unwrap_err()
                .ends_with("; did you mean \"emergency\"?"),
        );
        assert!(
            expand("{{ diagram(name=\"safe-lfiting\", caption=\"Bend.\") }}")
                .unwrap_err()
                .starts_with("unknown diagram \"safe-lfiting\"; did you mean \"safe-lifting\"?"),
        );
    }

    #[test]
    fn an_unknown_shortcode_names_every_shortcode_and_the_nearest_one() {
        assert_eq!(
            expand("{{ warning_sign(signs=\"injury\") }}").unwrap_err(),
            "unknown shortcode \"warning_sign\"; did you mean \"warning_signs\"?; the shortcodes are \
             {{ red_flags(urgency=\"emergency\") }} with urgency emergency, urgent or soon, \
             {{ warning_signs(signs=\"fall-aged-65-plus, weak-bones\") }}, \
             {{ service(sign=\"upper-back\") }} inside a sentence, and \
             {{ diagram(name=\"safe-lifting\", caption=\"Bend your knees, not your back.\") }}"
        );
        for shortcode in Shortcode::ALL {
            assert_eq!(Shortcode::named(shortcode.name()), Some(shortcode));
            let message = expand("{{ nothing_like_it() }}").unwrap_err();
            assert!(
                message.contains(&format!("{{{{ {}(", shortcode.name())),
                "{message}"
            );
        }
    }

    #[test]
    fn mistakes_are_explained() {
        assert!(
            expand("{{ red_flag(urgency=\"soon\") }}")
                .unwrap_err()
                .starts_with("unknown shortcode \"red_flag\"")
        );
        assert_eq!(
            expand("{{ red_flags(urgency=\"self-care\") }}").unwrap_err(),
            "red_flags needs urgency set to emergency, urgent or soon, as in {{ red_flags(urgency=\"emergency\") }} with urgency emergency, urgent or soon"
        );
        assert_eq!(
            expand("{{ red_flags }}").unwrap_err(),
            "shortcode \"red_flags\" must look like {{ red_flags(urgency=\"emergency\") }} with urgency emergency, urgent or soon"
        );
        assert_eq!(
            expand("{{ diagram name=\"safe-lifting\" }}").unwrap_err(),
            format!("shortcode \"diagram name=\"safe-lifting\"\" must look like {DIAGRAM_USAGE}")
        );
        assert!(
            expand("{{ warnings }}")
                .unwrap_err()
                .starts_with("shortcode \"warnings\" must look like one of {{ red_flags(")
        );
        assert!(
            expand("{{ service(sign=\"fever\") }}")
                .unwrap_err()
                .starts_with("shortcode \"service\" goes inside a sentence")
        );
        // A caller that hands in no lists still gets a message, not a panic.
        assert_eq!(
            super::expand(
                "{{ red_flags(urgency=\"soon\") }}",
                &lists::NamedLists::default()
            )
            .unwrap_err()
            .message,
            "red_flags needs urgency set to NAME, as in {{ red_flags(urgency=\"NAME\") }} with urgency NAME"
        );
    }

    /// Each kind of mistake has its own code, so `check` can name it and AUTHORING.md can say how
    /// to fix it, whichever shortcode it is in.
    #[test]
    fn every_kind_of_mistake_has_its_own_code() {
        use ProblemCode::*;
        let lists = lists::fixture();
        for (call, code) in [
            ("{{ red_flags }}", ShortcodeSyntax),
            ("{{ red_flag(urgency=\"soon\") }}", UnknownShortcode),
            ("{{ service(sign=\"fever\") }}", ServiceOnItsOwnLine),
            ("{{ warning_signs(signs=fever) }}", ArgumentSyntax),
            ("{{ diagram(name=safe-lifting) }}", ArgumentSyntax),
            ("{{ warning_signs(sign=\"fever\") }}", UnknownArgument),
            (
                "{{ diagram(name=\"safe-lifting\", alt=\"x\") }}",
                UnknownArgument,
            ),
            ("{{ diagram(name=\"safe-lifting\") }}", MissingArgument),
            ("{{ red_flags(level=\"soon\") }}", InvalidUrgency),
            ("{{ red_flags(urgency=\"emergancy\") }}", InvalidUrgency),
            ("{{ warning_signs(signs=\"chest-pian\") }}", UnknownSign),
            ("{{ warning_signs(for=\"baby\") }}", UnknownAudience),
            (
                "{{ warning_signs(signs=\"contractions\", for=\"child\") }}",
                NoWordsForParent,
            ),
            (
                "{{ diagram(name=\"back-flip\", caption=\"x\") }}",
                UnknownDiagram,
            ),
        ] {
            let error = super::expand(call, &lists).unwrap_err();
            assert_eq!(error.code, code, "{call}: {}", error.message);
        }
        for (text, code) in [
            ("See {{ service(sign=\"fevr\") }} now.", UnknownSign),
            ("See {{ service() }} now.", ServiceNeedsOneSign),
            (
                "See {{ service(sign=\"fever\", sign=\"chest-pain\") }}.",
                ServiceNeedsOneSign,
            ),
        ] {
            let error = expand_inline(text, &lists).unwrap().unwrap_err();
            assert_eq!(error.code, code, "{text}: {}", error.message);
        }
    }

    #[test]
    fn recognises_calls_only() {
        assert!(is_shortcode("  {{ red_flags(urgency=\"soon\") }}\n"));
        assert!(!is_shortcode("Some {{ text"));
    }

    #[test]
    fn every_diagram_is_safe_to_inline_and_has_a_text_alternative() {
        assert!(DIAGRAMS.len() >= 2);
        for (name, svg) in DIAGRAMS {
            assert_eq!(check_trusted_svg(svg.trim()), Ok(()), "{name}");
            assert!(!svg.contains("aria-hidden"), "{name} must not be hidden");
        }
    }

    #[test]
    fn unsafe_svg_is_refused() {
        let ok = "<svg role=\"img\" viewBox=\"0 0 1 1\"><title>t</title><desc>d</desc></svg>";
        assert_eq!(check_trusted_svg(ok), Ok(()));
        for bad in [
            "<svg role=\"img\"><title>t</title><desc>d</desc><script>alert(1)</script></svg>",
            "<svg role=\"img\" onload=\"alert(1)\"><title>t</title><desc>d</desc></svg>",
            "<svg role=\"img\"><title>t</title><desc>d</desc><rect ONCLICK = \"x()\"/></svg>",
            "<svg role=\"img\"><title>t</title><desc>d</desc><a href=\"javascript:x()\">x</a></svg>",
            "<svg role=\"img\"><title>t</title><desc>d</desc><foreignObject/></svg>",
            "<svg role=\"img\"><title>t</title><desc>d</desc><style>body{}</style></svg>",
            "<svg role=\"img\"><title>t</title><desc>d</desc><use xlink:href=\"#x\"/></svg>",
            "<svg><title>t</title><desc>d</desc></svg>",
            "<svg role=\"img\"><desc>d</desc></svg>",
            "<div><svg role=\"img\"><title>t</title><desc>d</desc></svg></div>",
        ] {
            assert!(check_trusted_svg(bad).is_err(), "{bad}");
        }
        // Words that merely contain "on" are not handlers.
        let words = "<svg role=\"img\"><title>Lifting on one knee</title><desc>d</desc><text font-size=\"14\">on</text></svg>";
        assert_eq!(check_trusted_svg(words), Ok(()));
    }

    #[test]
    fn a_diagram_is_a_trusted_figure_with_an_escaped_caption() {
        let expansion = expand(
            "{{ diagram(name=\"safe-lifting\", caption=\"Knees <bent>, \\\"back\\\" straight\") }}",
        )
        .unwrap();
        let Expansion(html) = expansion;
        assert!(html.starts_with("<figure class=\"diagram diagram-safe-lifting\">\n<svg"));
        assert!(
            html.contains("<figcaption>Knees &lt;bent&gt;, \"back\" straight</figcaption>"),
            "{html}"
        );
        assert!(!html.contains("<script"));
    }

    #[test]
    fn diagram_mistakes_are_explained() {
        let error = |call: &str| expand(call).unwrap_err();
        assert!(
            error("{{ diagram(name=\"back-flip\", caption=\"x\") }}").starts_with(
                "unknown diagram \"back-flip\"; the diagrams are safe-lifting, neutral-sitting"
            )
        );
        assert!(
            error("{{ diagram(name=\"safe-lifting\") }}")
                .starts_with("diagram needs a name and a caption")
        );
        assert!(
            error("{{ diagram(name=\"safe-lifting\", caption=\"  \") }}")
                .starts_with("diagram needs a name and a caption")
        );
        assert!(
            error("{{ diagram(name=safe-lifting, caption=\"x\") }}")
                .starts_with("diagram arguments must be written")
        );
        assert!(
            error("{{ diagram(name=\"safe-lifting\", caption=\"x\", alt=\"y\") }}")
                .starts_with("diagram has no argument \"alt\"")
        );
        assert!(
            error("{{ diagram(name=\"safe-lifting\" caption=\"x\") }}")
                .starts_with("diagram arguments must be written")
        );
    }

    #[test]
    fn trusted_html_replaces_its_placeholder_only() {
        let sanitised = format!("<p>before</p>\n{}<p>after</p>\n", placeholder(0));
        let html = insert_trusted(sanitised, &["<figure>svg</figure>".to_owned()]);
        assert_eq!(html, "<p>before</p>\n<figure>svg</figure>\n<p>after</p>\n");
    }
}
