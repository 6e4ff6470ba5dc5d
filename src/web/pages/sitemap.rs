//! `/sitemap.xml` and `/robots.txt`: what crawlers of the published site should index.

use std::collections::BTreeSet;
use std::io;

use time::Date;

use super::feed::{finish_document, latest_review, published, start_document, text_element};
use crate::content::{Article, Category, Library};
use crate::web::base_url::BaseUrl;
use crate::web::paths::{ROBOTS_PATH, SITEMAP_PATH, article_path, tag_path, topic_path};
use crate::web::prerender::{FixedPage, Prerender, RenderError, Sitemap};
use crate::web::representation::{TEXT, XML};

const SITEMAP_NAMESPACE: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// A sitemap of every page a search engine should index: the fixed pages the registry lists,
/// then the topics, articles and tags, with `lastmod` from the review dates.
pub fn sitemap(
    fixed_pages: &[FixedPage],
    articles: &[&Article],
    base_url: &BaseUrl,
) -> io::Result<String> {
    let latest = latest_review(articles.iter().copied());
    let mut urls: Vec<(String, Option<Date>)> = fixed_pages
        .iter()
        .filter_map(|page| match page.sitemap {
            Sitemap::Left => None,
            // Pages that change with the code, not the articles, have no honest lastmod to give.
            Sitemap::Listed => Some((page.path.to_owned(), None)),
            Sitemap::ListedWithArticles => Some((page.path.to_owned(), latest)),
        })
        .collect();
    for category in Category::ALL {
        let in_topic = articles.iter().filter(|a| a.front.category == category);
        urls.push((topic_path(category), latest_review(in_topic.copied())));
    }
    for article in articles {
        urls.push((article_path(&article.slug), Some(article.front.reviewed)));
    }
    let tags: BTreeSet<&str> = articles
        .iter()
        .flat_map(|a| a.front.tags.iter().map(String::as_str))
        .collect();
    for tag in tags {
        let tagged = articles
            .iter()
            .filter(|a| a.front.tags.iter().any(|t| t == tag));
        urls.push((tag_path(tag), latest_review(tagged.copied())));
    }

    let mut writer = start_document()?;
    writer
        .create_element("urlset")
        .with_attribute(("xmlns", SITEMAP_NAMESPACE))
        .write_inner_content(|writer| {
            for (path, lastmod) in &urls {
                writer.create_element("url").write_inner_content(|writer| {
                    text_element(writer, "loc", &base_url.join(path))?;
                    if let Some(date) = lastmod {
                        text_element(writer, "lastmod", &date.to_string())?;
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    finish_document(writer)
}

/// Lets every crawler in and points it at the sitemap, which must be an absolute URL.
pub fn robots_txt(base_url: &BaseUrl) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        base_url.join(SITEMAP_PATH)
    )
}

pub fn prerender(site: &mut Prerender, library: &Library) -> Result<(), RenderError> {
    let sitemap = sitemap(
        site.fixed_pages,
        &published(library),
        &site.settings.base_url,
    )
    .map_err(|source| RenderError::new(SITEMAP_PATH, source))?;
    site.file(SITEMAP_PATH, sitemap, XML);
    Ok(())
}

pub fn prerender_robots(site: &mut Prerender, _: &Library) -> Result<(), RenderError> {
    let robots = robots_txt(&site.settings.base_url);
    site.file(ROBOTS_PATH, robots, TEXT);
    Ok(())
}
