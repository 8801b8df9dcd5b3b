//! Secret tokens (session ids, invitation, reset and API tokens): 256 random
//! bits from the operating system, written as URL-safe base64. Only their
//! SHA-256 digest is stored, so a copy of the database gives no way in.

use accord_store::TokenHash;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// A new secret token of 256 bits.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    fill_random(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Fills `bytes` from the operating system's random source.
pub fn fill_random(bytes: &mut [u8]) {
    // The OS random source failing is unrecoverable for a server that must
    // never hand out guessable secrets.
    #[allow(clippy::expect_used)]
    getrandom::fill(bytes).expect("the operating system's random source failed");
}

/// The digest under which a token is stored.
pub fn digest(token: &str) -> TokenHash {
    let hex: String = Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    // 32 bytes always make 64 hex digits.
    #[allow(clippy::expect_used)]
    TokenHash::from_hex(&hex).expect("a SHA-256 digest is 64 hex digits")
}

/// Compares two secrets in constant time.
pub fn same_secret(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_256_bits_and_differ() {
        let a = new_token();
        let b = new_token();
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).map(|v| v.len()).ok(), Some(32));
        assert_ne!(a, b);
    }

    #[test]
    fn digests_are_stable_and_hide_the_token() {
        let t = new_token();
        assert_eq!(digest(&t), digest(&t));
        assert!(!digest(&t).as_str().contains(&t));
    }

    #[test]
    fn secrets_compare_exactly() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
    }
}
