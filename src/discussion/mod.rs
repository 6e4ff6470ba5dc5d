//! Reader discussion under each article: posts checked and normalised (`post`), shown as plain
//! text with mentions (`render`), scanned for warning signs (`red_flags`), stored (`store`),
//! moderated by accounts with hashed passwords (`moderators`) and an optional second factor
//! (`totp`). No HTTP here: `web::discussion_http` serves it.

pub mod changes;
pub mod commands;
pub mod config;
pub mod feedback;
pub mod hygiene;
pub mod moderators;
pub mod post;
pub mod posting;
pub mod red_flags;
pub mod render;
pub mod resend;
pub mod secret;
pub mod sign_in;
pub mod store;
pub mod totp;

use time::OffsetDateTime;

pub use config::{DEFAULT_RETENTION, DiscussionConfig, read_secret};
pub use post::{Field, NewPost, PostError, RawPost};
pub use red_flags::{RED_FLAGS, RedFlag, red_flags};
pub use render::{EarlierPosters, Paragraph, Segment, render_text};
pub use store::{
    ApprovedPost, DEFAULT_DATABASE_URL, Moderated, Moderation, ModeratorAccount, PendingPost,
    PostState, Purged, Stamp, Status, Storage, StoreError, StoredPost,
};

/// How often a running server purges what is past the retention period.
pub const PURGE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// Reads a retention period: `30d` or `30` days, at least one day.
pub fn parse_retention(text: &str) -> Result<time::Duration, String> {
    let days = text.trim().strip_suffix('d').unwrap_or(text.trim());
    match days.parse::<u32>() {
        Ok(days) if days >= 1 => Ok(time::Duration::days(i64::from(days))),
        _ => Err(format!(
            "expected a number of days such as 30d or 90d, got {text:?}"
        )),
    }
}

/// How many of an article's newest posts its page shows.
pub const SHOWN_POSTS: i64 = 500;

/// One approved post ready to show: its text split into paragraphs with mentions resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadPost {
    pub number: i64,
    pub display_name: String,
    pub created_at: OffsetDateTime,
    pub paragraphs: Vec<Paragraph>,
    /// Taken down by a moderator: only its number is shown.
    pub removed: bool,
}

/// Turns an article's approved posts (in any order) into the thread shown under it, newest
/// first. A mention links only to a poster who posted before the post that mentions them.
pub fn thread(mut posts: Vec<ApprovedPost>) -> Vec<ThreadPost> {
    posts.sort_by_key(|post| post.number);
    let mut earlier = EarlierPosters::new();
    let mut thread: Vec<ThreadPost> = posts
        .into_iter()
        .map(|post| {
            if post.removed {
                // Nothing of a removed post is shown, and mentions never link to it.
                return ThreadPost {
                    number: post.number,
                    display_name: String::new(),
                    created_at: post.created_at,
                    paragraphs: Vec::new(),
                    removed: true,
                };
            }
            let paragraphs = render_text(&post.text, &earlier);
            earlier.add(&post.display_name, post.number);
            ThreadPost {
                number: post.number,
                display_name: post.display_name,
                created_at: post.created_at,
                paragraphs,
                removed: false,
            }
        })
        .collect();
    thread.reverse();
    thread
}

#[cfg(test)]
mod tests {
    use super::*;

    fn approved(number: i64, name: &str, text: &str) -> ApprovedPost {
        ApprovedPost {
            id: number * 10,
            number,
            display_name: name.to_owned(),
            text: text.to_owned(),
            created_at: OffsetDateTime::UNIX_EPOCH,
            removed: false,
        }
    }

    #[test]
    fn thread_is_newest_first_and_mentions_only_look_back() {
        let posts = vec![
            approved(3, "Sam", "@Ali and @Jo: same here"),
            approved(1, "Ali", "@Sam hello"),
            approved(2, "Jo", "Hi @ali"),
        ];
        let thread = thread(posts);
        assert_eq!(
            thread.iter().map(|p| p.number).collect::<Vec<_>>(),
            [3, 2, 1]
        );
        let first_segments = |post: &ThreadPost| post.paragraphs[0].lines[0].clone();
        assert_eq!(
            first_segments(&thread[2]),
            [Segment::Text("@Sam hello".to_owned())],
            "Sam had not posted yet"
        );
        assert_eq!(
            first_segments(&thread[1])[1],
            Segment::Mention {
                text: "@ali".to_owned(),
                number: 1
            }
        );
        assert_eq!(
            first_segments(&thread[0]),
            [
                Segment::Mention {
                    text: "@Ali".to_owned(),
                    number: 1
                },
                Segment::Text(" and ".to_owned()),
                Segment::Mention {
                    text: "@Jo".to_owned(),
                    number: 2
                },
                Segment::Text(": same here".to_owned()),
            ]
        );
    }
}
