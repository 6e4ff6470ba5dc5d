//! `/feed.xml`: the Atom feed of the published articles, and the XML helpers `sitemap` shares.
//! XML is written with quick-xml, which escapes every text and attribute value.

use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use time::{Date, OffsetDateTime};

use super::layout::SITE_NAME;
use crate::content::{Article, Library};
use crate::web::base_url::BaseUrl;
use crate::web::paths::{FEED_PATH, article_path};
use crate::web::prerender::{Prerender, RenderError};
use crate::web::representation::ATOM;

const ATOM_NAMESPACE: &str = "http://www.w3.org/2005/Atom";
const FEED_SUBTITLE: &str =
    "Plain, sourced information on back cramps and back pain, reviewed by date.";

pub(super) type XmlWriter = Writer<Vec<u8>>;

/// Atom wants a full timestamp; articles carry a review date, taken as midnight UTC.
fn atom_timestamp(date: Date) -> String {
    format!("{date}T00:00:00Z")
}

pub(super) fn latest_review<'a>(articles: impl IntoIterator<Item = &'a Article>) -> Option<Date> {
    articles.into_iter().map(|a| a.front.reviewed).max()
}

pub(super) fn text_element(writer: &mut XmlWriter, name: &str, text: &str) -> io::Result<()> {
    writer
        .create_element(name)
        .write_text_content(BytesText::new(text))?;
    Ok(())
}

fn link_element(writer: &mut XmlWriter, rel: &str, kind: &str, href: &str) -> io::Result<()> {
    writer
        .create_element("link")
        .with_attribute(("rel", rel))
        .with_attribute(("type", kind))
        .with_attribute(("href", href))
        .write_empty()?;
    Ok(())
}

pub(super) fn start_document() -> io::Result<XmlWriter> {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    Ok(writer)
}

pub(super) fn finish_document(writer: XmlWriter) -> io::Result<String> {
    let mut bytes = writer.into_inner();
    bytes.push(b'\n');
    // Every piece written was a &str and quick-xml only adds ASCII, so this cannot fail.
    String::from_utf8(bytes).map_err(io::Error::other)
}

/// An Atom feed of `articles`, newest review first. Entries carry the summary, not the whole
/// text: health advice should be read on its page, with its warnings and sources around it.
pub fn atom_feed(articles: &[&Article], base_url: &BaseUrl) -> io::Result<String> {
    let mut entries = articles.to_vec();
    entries.sort_by(|a, b| {
        (b.front.reviewed, &a.front.title).cmp(&(a.front.reviewed, &b.front.title))
    });
    // A feed must say when it last changed; with no articles yet, that is now.
    let updated =
        latest_review(entries.iter().copied()).unwrap_or_else(|| OffsetDateTime::now_utc().date());

    let mut writer = start_document()?;
    writer
        .create_element("feed")
        .with_attribute(("xmlns", ATOM_NAMESPACE))
        .with_attribute(("xml:lang", "en-GB"))
        .write_inner_content(|writer| {
            text_element(writer, "id", &base_url.join("/"))?;
            text_element(writer, "title", SITE_NAME)?;
            text_element(writer, "subtitle", FEED_SUBTITLE)?;
            text_element(writer, "updated", &atom_timestamp(updated))?;
            link_element(
                writer,
                "self",
                "application/atom+xml",
                &base_url.join(FEED_PATH),
            )?;
            link_element(writer, "alternate", "text/html", &base_url.join("/"))?;
            writer
                .create_element("author")
                .write_inner_content(|writer| text_element(writer, "name", SITE_NAME))?;
            for article in &entries {
                write_entry(writer, article, base_url)?;
            }
            Ok(())
        })?;
    finish_document(writer)
}

fn write_entry(writer: &mut XmlWriter, article: &Article, base_url: &BaseUrl) -> io::Result<()> {
    let front = &article.front;
    let url = base_url.join(&article_path(&article.slug));
    writer
        .create_element("entry")
        .write_inner_content(|writer| {
            text_element(writer, "id", &url)?;
            text_element(writer, "title", &front.title)?;
            text_element(writer, "updated", &atom_timestamp(front.reviewed))?;
            link_element(writer, "alternate", "text/html", &url)?;
            writer
                .create_element("summary")
                .with_attribute(("type", "text"))
                .write_text_content(BytesText::new(&front.summary))?;
            let topic = front.category;
            writer
                .create_element("category")
                .with_attribute(("term", topic.slug()))
                .with_attribute(("label", topic.title()))
                .write_empty()?;
            for tag in &front.tags {
                writer
                    .create_element("category")
                    .with_attribute(("term", tag.as_str()))
                    .write_empty()?;
            }
            Ok(())
        })?;
    Ok(())
}

/// Feeds and sitemaps are for readers and crawlers of the published site, so drafts stay out of
/// them even when `--drafts` shows drafts on the pages.
pub(super) fn published(library: &Library) -> Vec<&Article> {
    library
        .articles()
        .iter()
        .filter(|article| !article.front.draft)
        .collect()
}

pub fn prerender(site: &mut Prerender, library: &Library) -> Result<(), RenderError> {
    let feed = atom_feed(&published(library), &site.settings.base_url)
        .map_err(|source| RenderError::new(FEED_PATH, source))?;
    site.file(FEED_PATH, feed, ATOM);
    Ok(())
}
