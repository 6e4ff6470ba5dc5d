//! Reading form posts, for every form on the site: the content type, size and time limits, and
//! why a body was refused (`BodyRefusal`, shown by `PageError::Refused`). Then the fields of a
//! form, each with whether it was valid UTF-8 (serde's decoders replace it silently), so a
//! writer can be told and keep their text.

use std::time::Duration;

use bytes::BytesMut;
use futures_core::Stream;
use futures_util::StreamExt as _;
use percent_encoding::percent_decode;

use actix_web::HttpRequest;
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::web::{Bytes, Payload};

use crate::discussion::post::{EMAIL_MAX, NAME_MAX, TEXT_MAX};

/// The symptom checker's answers are small; anything bigger is not our form.
pub const MAX_ANSWERS_BYTES: usize = 16 * 1024;

/// The largest post body: a post of `TEXT_MAX` four-byte characters (emoji, many CJK
/// extensions), each percent-encoded as 12 bytes, plus the longest name and email the same way
/// and room for the other fields. Counted in characters, the 5,000 limit is then the one a
/// writer meets in every script. 64 KiB in all.
pub const MAX_POST_BYTES: usize = 64 * 1024;
const _: () = assert!(MAX_POST_BYTES >= (TEXT_MAX + NAME_MAX + EMAIL_MAX) * 12 + 1024);

/// A form this small arrives in well under a second; a client still sending after this long is
/// holding a connection open on purpose (or has lost it).
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// Which form a body was posted from: it sets the size limit and the words of a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    /// The symptom checker's answers (`/symptom-checker`, `/symptom-checker/change`).
    Answers,
    /// A reader's post to an article's discussion.
    Post,
    /// The moderators' forms: sign in, sign out, approve, reject, remove.
    Moderation,
}

impl FormKind {
    pub const fn max_bytes(self) -> usize {
        match self {
            FormKind::Answers => MAX_ANSWERS_BYTES,
            // The moderators' forms are tiny, but share the discussion's limit: they are
            // behind a session and a token, and a sign-in name can be long.
            FormKind::Post | FormKind::Moderation => MAX_POST_BYTES,
        }
    }
}

/// Why a posted body was refused before it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalReason {
    NotAForm,
    TooLarge,
    Unreadable,
    TooSlow,
}

/// A body refused before its fields were read, and the form it claimed to come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyRefusal {
    pub form: FormKind,
    pub reason: RefusalReason,
}

fn is_form_content_type(request: &HttpRequest) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| {
            essence
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// The body of a form post, or why it was refused: the wrong content type, more than the form's
/// `max_bytes`, or slower than `BODY_TIMEOUT`.
pub async fn read_body(
    request: &HttpRequest,
    payload: Payload,
    form: FormKind,
) -> Result<Bytes, BodyRefusal> {
    let refused = |reason| BodyRefusal { form, reason };
    if !is_form_content_type(request) {
        return Err(refused(RefusalReason::NotAForm));
    }
    let max_bytes = form.max_bytes();
    let declared_length = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if declared_length.is_some_and(|length| length > max_bytes) {
        return Err(refused(RefusalReason::TooLarge));
    }
    match tokio::time::timeout(BODY_TIMEOUT, gather(payload, max_bytes)).await {
        Ok(Gathered::Whole(body)) => Ok(body),
        Ok(Gathered::Unreadable) => Err(refused(RefusalReason::Unreadable)),
        Ok(Gathered::TooLarge) => Err(refused(RefusalReason::TooLarge)),
        Err(_) => Err(refused(RefusalReason::TooSlow)),
    }
}

enum Gathered {
    Whole(Bytes),
    TooLarge,
    Unreadable,
}

/// The body, if it is at most `limit` bytes. A body that came in one chunk, as this site's own
/// forms do, is that chunk as it is; only a body in several is copied into one buffer.
///
/// Why not actix's `Payload::to_bytes_limited`: it reserves 32 KiB for every body whose length
/// its stream does not know (a request's payload never says) and copies the body into it. For
/// the checker's 165 bytes that was a copy and a large allocation per POST, and glibc tidies
/// all its small free lists before each large one (`malloc_consolidate`, 1% of the server's CPU
/// under wrk, `perf`).
async fn gather(
    mut payload: impl Stream<Item = Result<Bytes, PayloadError>> + Unpin,
    limit: usize,
) -> Gathered {
    let mut body = Bytes::new();
    let mut gathering: Option<BytesMut> = None;
    while let Some(chunk) = payload.next().await {
        let Ok(chunk) = chunk else {
            return Gathered::Unreadable;
        };
        let length = gathering.as_ref().map_or(body.len(), BytesMut::len) + chunk.len();
        if length > limit {
            return Gathered::TooLarge;
        }
        match &mut gathering {
            Some(gathered) => gathered.extend_from_slice(&chunk),
            None if body.is_empty() => body = chunk,
            None => {
                let mut gathered = BytesMut::with_capacity(length);
                gathered.extend_from_slice(&body);
                gathered.extend_from_slice(&chunk);
                gathering = Some(gathered);
            }
        }
    }
    Gathered::Whole(gathering.map_or(body, BytesMut::freeze))
}

/// One decoded value: its text (lossy if need be) and whether its bytes were valid UTF-8.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Value {
    pub text: String,
    pub readable: bool,
}

/// A decoded form: the first value of each field name.
#[derive(Debug, Default)]
pub struct Form {
    fields: Vec<(String, Value)>,
}

impl Form {
    /// Decoded by `form_urlencoded`, like the symptom checker's answers, which keeps every pair
    /// in order and skips empty ones (`a=1&&b=2`). It replaces invalid UTF-8 without a word, so
    /// which values had it is read from the same pairs undecoded: the one thing this adds.
    pub fn parse(body: &[u8]) -> Form {
        let readable = body
            .split(|&b| b == b'&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let value = pair.splitn(2, |&b| b == b'=').nth(1).unwrap_or_default();
                percent_decode(value).decode_utf8().is_ok()
            });
        let fields = form_urlencoded::parse(body)
            .zip(readable)
            .map(|((name, text), readable)| {
                let text = text.into_owned();
                (name.into_owned(), Value { text, readable })
            })
            .collect();
        Form { fields }
    }

    pub fn value(&self, name: &str) -> Value {
        self.fields
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_else(|| Value {
                text: String::new(),
                readable: true,
            })
    }

    pub fn text(&self, name: &str) -> String {
        self.value(name).text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request body that arrives in `chunks`, then ends (or fails, if `fails`).
    fn body_in(
        chunks: &[&'static str],
        fails: bool,
    ) -> impl Stream<Item = Result<Bytes, PayloadError>> + Unpin {
        let mut items: Vec<Result<Bytes, PayloadError>> = chunks
            .iter()
            .map(|chunk| Ok(Bytes::from_static(chunk.as_bytes())))
            .collect();
        if fails {
            items.push(Err(PayloadError::Incomplete(None)));
        }
        futures_util::stream::iter(items)
    }

    #[tokio::test]
    async fn a_body_is_gathered_whole_and_one_chunk_is_not_copied() {
        let one = "location=lower&onset=sudden";
        match gather(body_in(&[one], false), 100).await {
            Gathered::Whole(body) => assert_eq!(body.as_ptr(), one.as_ptr(), "the chunk as sent"),
            _ => panic!("one chunk under the limit is the body"),
        }
        match gather(body_in(&["", "ab", "cd", "", "ef"], false), 6).await {
            Gathered::Whole(body) => assert_eq!(body, "abcdef"),
            _ => panic!("chunks adding up to the limit are the body"),
        }
        match gather(body_in(&[], false), 6).await {
            Gathered::Whole(body) => assert!(body.is_empty()),
            _ => panic!("no body is an empty one"),
        }
        assert!(matches!(
            gather(body_in(&["abcd", "efg"], false), 6).await,
            Gathered::TooLarge
        ));
        assert!(matches!(
            gather(body_in(&["abcdefg"], false), 6).await,
            Gathered::TooLarge
        ));
        assert!(matches!(
            gather(body_in(&["ab"], true), 6).await,
            Gathered::Unreadable
        ));
    }

    #[test]
    fn decodes_plus_percent_and_first_values() {
        let form = Form::parse(b"a=x+y%2B%26z&b=%C3%A9&a=second&flag&=empty");
        assert_eq!(form.text("a"), "x y+&z");
        assert_eq!(form.text("b"), "é");
        assert_eq!(form.text("flag"), "");
        assert_eq!(form.text("missing"), "");
        assert!(form.value("b").readable);
    }

    #[test]
    fn invalid_utf8_is_kept_lossily_and_flagged() {
        let form = Form::parse(b"text=ok%FF%FEthen");
        let value = form.value("text");
        assert!(!value.readable);
        assert_eq!(value.text, "ok\u{fffd}\u{fffd}then");
        let raw = Form::parse(b"text=caf\xe9");
        assert!(!raw.value("text").readable);
    }
}
