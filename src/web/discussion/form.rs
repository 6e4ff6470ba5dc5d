//! Reading the discussion's form posts: content type, size and time limits as for the symptom
//! checker, then a strict `application/x-www-form-urlencoded` decoder that notices invalid UTF-8
//! (serde's decoders replace it silently) so the reader can be told and keep their text.

use percent_encoding::percent_decode;

use actix_web::HttpRequest;
use actix_web::web::{Bytes, Payload};

use crate::discussion::post::{EMAIL_MAX, NAME_MAX, TEXT_MAX};
use crate::web::checker::{BodyRefusal, read_body_up_to};

/// The largest form body: a post of `TEXT_MAX` four-byte characters (emoji, many CJK
/// extensions), each percent-encoded as 12 bytes, plus the longest name and email the same way
/// and room for the other fields. Counted in characters, the 5,000 limit is then the one a
/// writer meets in every script. 64 KiB in all.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
const _: () = assert!(MAX_BODY_BYTES >= (TEXT_MAX + NAME_MAX + EMAIL_MAX) * 12 + 1024);

/// The body is read as the checker reads its own, with the same refusals and time limit, up to
/// `MAX_BODY_BYTES`.
pub async fn read_body(request: &HttpRequest, payload: Payload) -> Result<Bytes, BodyRefusal> {
    read_body_up_to(request, payload, MAX_BODY_BYTES).await
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

fn decode(part: &[u8]) -> Value {
    let spaced: Vec<u8> = part
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    let bytes: Vec<u8> = percent_decode(&spaced).collect();
    match String::from_utf8(bytes) {
        Ok(text) => Value {
            text,
            readable: true,
        },
        Err(error) => Value {
            text: String::from_utf8_lossy(error.as_bytes()).into_owned(),
            readable: false,
        },
    }
}

impl Form {
    pub fn parse(body: &[u8]) -> Form {
        let fields = body
            .split(|&b| b == b'&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = match pair.iter().position(|&b| b == b'=') {
                    Some(at) => (&pair[..at], &pair[at + 1..]),
                    None => (pair, &[][..]),
                };
                (decode(name).text, decode(value))
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
