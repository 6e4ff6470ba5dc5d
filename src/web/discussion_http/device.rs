//! Device cookies, as OWASP describes them ("Slow Down Online Guessing Attacks with Device
//! Cookies"): a browser where a moderator signed in gets a cookie, signed by the server, naming
//! that moderator. When strangers' wrong passwords have paused an account for browsers without
//! one, the moderator's own browser still signs in: guessing from anywhere stays slow, and the
//! moderator is never locked out by it.
//!
//! The value is `name:nonce:tag`, `tag = HMAC-SHA256(secret, "device", name, nonce)`; the nonce
//! makes each browser's cookie different. Nothing is stored: a copy of the database issues none.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::discussion::moderators::hex;
use crate::web::discussion_http::csrf::{new_random_id, unhex};

pub const DEVICE_COOKIE: &str = "backcare_device";
/// How long a browser stays known; each sign-in there renews it.
pub const DEVICE_LIFETIME: time::Duration = time::Duration::days(180);

/// Issues and checks device cookies with the server secret.
#[derive(Clone)]
pub struct DeviceCookies {
    key: Vec<u8>,
}

impl std::fmt::Debug for DeviceCookies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceCookies(..)")
    }
}

/// Names are compared as sign-in compares them for its limits: trimmed, in lower case.
fn normal(name: &str) -> String {
    name.trim().to_lowercase()
}

impl DeviceCookies {
    pub fn new(key: Vec<u8>) -> Self {
        DeviceCookies { key }
    }

    fn mac(&self, name: &str, nonce: &str) -> Hmac<Sha256> {
        // HMAC takes a key of any length, so this cannot fail.
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC accepts any key");
        for part in ["device", name, nonce] {
            mac.update(part.as_bytes());
            mac.update(b"\0");
        }
        mac
    }

    /// A new cookie value for `name`, who has just signed in.
    pub fn issue(&self, name: &str) -> String {
        let name = normal(name);
        let nonce = new_random_id();
        let tag = hex(&self.mac(&name, &nonce).finalize().into_bytes());
        format!("{name}:{nonce}:{tag}")
    }

    /// A keyed hash of a typed name that is no moderator's, for the log: the same name always
    /// gives the same 16 hex digits, and nobody without the secret can tell what was typed.
    pub fn name_hash_for_log(&self, name: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC accepts any key");
        mac.update(b"log-name\0");
        mac.update(normal(name).as_bytes());
        hex(&mac.finalize().into_bytes()[..8])
    }

    /// Whether `value` is a cookie this server issued for `name`.
    pub fn is_for(&self, value: &str, name: &str) -> bool {
        let mut parts = value.splitn(3, ':');
        let (Some(cookie_name), Some(nonce), Some(tag)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return false;
        };
        if cookie_name != normal(name) {
            return false;
        }
        // `verify_slice` compares in constant time.
        unhex(tag).is_some_and(|tag| self.mac(cookie_name, nonce).verify_slice(&tag).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_cookie_names_one_moderator_and_cannot_be_forged() {
        let devices = DeviceCookies::new(b"a secret of some length".to_vec());
        let value = devices.issue("Alex");
        assert!(devices.is_for(&value, "alex"));
        assert!(devices.is_for(&value, " ALEX "));
        assert!(!devices.is_for(&value, "sam"));
        assert_ne!(value, devices.issue("alex"), "each browser its own");
        let forged = value.replacen("alex", "sam", 1);
        assert!(!devices.is_for(&forged, "sam"));
        let other_server = DeviceCookies::new(b"another secret entirely".to_vec());
        assert!(!other_server.is_for(&value, "alex"));
        for bad in ["", "alex", "alex:1", "alex:1:2:3"] {
            assert!(!devices.is_for(bad, "alex"), "{bad}");
        }
    }
}
