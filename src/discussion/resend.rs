//! Recognising a post sent again: a retry after a lost answer, a resend after a crash, a replay.
//! Each post is stored with a keyed digest of who sent what where (client, article, name, text)
//! and the 12-hour window it was sent in; the same post in that window or the next one is the
//! same digest, so it is stored once. Keyed with the server secret, so the digest names no client.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::OffsetDateTime;

use super::moderators::hex;
use super::post::NewPost;

/// A post is recognised when sent again within one to two of these.
pub const RESEND_WINDOW: time::Duration = time::Duration::hours(12);

/// Digests older than this are cleared by the daily purge: they recognise nothing any more.
pub const DIGEST_KEPT: time::Duration = time::Duration::days(2);

/// What makes a post the same post: who sent it (a rate-limit key such as an address or its
/// /64), where, under which name, and its text.
pub struct Sent<'a> {
    pub client: &'a str,
    pub article_slug: &'a str,
    pub post: &'a NewPost,
}

/// The key that post digests are made with.
#[derive(Clone)]
pub struct DigestKey(Vec<u8>);

impl std::fmt::Debug for DigestKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DigestKey(..)")
    }
}

impl DigestKey {
    pub fn new(secret: &[u8]) -> Self {
        DigestKey(secret.to_vec())
    }

    /// The digest to store with `sent` at `now`, then the one it had in the window before: a
    /// post matching either was sent already.
    pub fn digests(&self, sent: &Sent, now: OffsetDateTime) -> [String; 2] {
        let window = now
            .unix_timestamp()
            .div_euclid(RESEND_WINDOW.whole_seconds());
        [self.digest(sent, window), self.digest(sent, window - 1)]
    }

    fn digest(&self, sent: &Sent, window: i64) -> String {
        // HMAC takes a key of any length, so this cannot fail.
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC accepts any key");
        let window = window.to_string();
        for part in [
            "post",
            sent.client,
            sent.article_slug,
            sent.post.display_name.as_str(),
            sent.post.text.as_str(),
            &window,
        ] {
            // Lengths first, so no two different posts run together into the same bytes.
            mac.update(&(part.len() as u64).to_le_bytes());
            mac.update(part.as_bytes());
        }
        hex(&mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discussion::RawPost;

    fn post(name: &str, text: &str) -> NewPost {
        NewPost::parse(&RawPost {
            display_name: name.to_owned(),
            text: text.to_owned(),
            ..RawPost::default()
        })
        .unwrap()
    }

    #[test]
    fn the_same_post_is_the_same_digest_for_a_day_and_anything_else_is_not() {
        let key = DigestKey::new(b"a secret of sixteen+");
        let jo = post("Jo", "My back hurts after lifting.");
        let sent = |client, slug, post| Sent {
            client,
            article_slug: slug,
            post,
        };
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let [current, previous] = key.digests(&sent("1.2.3.4", "a", &jo), now);
        assert_ne!(current, previous);
        let later = key.digests(&sent("1.2.3.4", "a", &jo), now + RESEND_WINDOW);
        assert_eq!(later[1], current, "recognised in the next window");
        for other in [
            key.digests(&sent("1.2.3.5", "a", &jo), now),
            key.digests(&sent("1.2.3.4", "b", &jo), now),
            key.digests(
                &sent("1.2.3.4", "a", &post("Sam", "My back hurts after lifting.")),
                now,
            ),
            key.digests(
                &sent("1.2.3.4", "a", &post("Jo", "My back hurts after lifting!")),
                now,
            ),
            DigestKey::new(b"another secret 0123").digests(&sent("1.2.3.4", "a", &jo), now),
        ] {
            assert!(!other.contains(&current));
        }
    }
}
