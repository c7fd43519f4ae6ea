//! Sealing a filer's identity and contact details with the configured key, and the keyed tag that
//! links a case to its filer's account without revealing it.
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use rand::RngCore;

/// The secret that seals filers' identities: 32 bytes, from the configuration.
#[derive(Clone)]
pub struct CaseKey([u8; 32]);

impl std::fmt::Debug for CaseKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CaseKey(…)")
    }
}

/// Why a key or a sealed value could not be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    #[error("the case key must be 64 hexadecimal characters (32 bytes)")]
    BadKey,
    #[error("sealed data is damaged or was sealed with another key")]
    Unreadable,
}

impl CaseKey {
    /// A key from 64 hex characters.
    pub fn from_hex(hex: &str) -> Result<CaseKey, SealError> {
        let mut key = [0u8; 32];
        hex::decode_to_slice(hex.trim(), &mut key).map_err(|_| SealError::BadKey)?;
        Ok(CaseKey(key))
    }

    /// A fresh random key, as 64 hex characters.
    pub fn generate_hex() -> String {
        crate::codes::random_hex(32)
    }

    /// Encrypt and authenticate `plain` for case `case_id`: the case id is authenticated with it,
    /// so a sealed identity moved to another case's row does not open there (it would otherwise
    /// name the wrong person without any error). The result is `v2:` and hex of the random nonce
    /// and the ciphertext.
    pub fn seal_for(&self, case_id: i64, plain: &[u8]) -> String {
        format!("{BOUND}{}", self.seal_with(plain, &case_binding(case_id)))
    }

    /// Open what [`CaseKey::seal_for`] sealed for this very case; anything else is `Unreadable`.
    pub fn open_for(&self, case_id: i64, sealed: &str) -> Result<Vec<u8>, SealError> {
        let hex = sealed.strip_prefix(BOUND).ok_or(SealError::Unreadable)?;
        self.open_with(hex, &case_binding(case_id))
    }

    /// Open a value sealed before identities were bound to their case (only to re-seal it bound).
    pub fn open_unbound(&self, sealed: &str) -> Result<Vec<u8>, SealError> {
        self.open_with(sealed, b"")
    }

    fn seal_with(&self, plain: &[u8], aad: &[u8]) -> String {
        let cipher = XChaCha20Poly1305::new(Key::from_slice(&self.0));
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        // Encryption into a Vec cannot fail for inputs of any size we handle.
        let sealed = cipher.encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad }).unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend(sealed);
        to_hex(&out)
    }

    fn open_with(&self, sealed: &str, aad: &[u8]) -> Result<Vec<u8>, SealError> {
        let bytes = from_hex(sealed).ok_or(SealError::Unreadable)?;
        if bytes.len() < 24 {
            return Err(SealError::Unreadable);
        }
        let cipher = XChaCha20Poly1305::new(Key::from_slice(&self.0));
        let payload = Payload { msg: &bytes[24..], aad };
        cipher.decrypt(XNonce::from_slice(&bytes[..24]), payload).map_err(|_| SealError::Unreadable)
    }

    /// A keyed tag (HMAC-SHA-256) of an account, so cases can be found by their filer's account
    /// without storing the account with the case.
    pub fn filer_tag(&self, user_id: i64) -> String {
        to_hex(&self.mac(format!("filer:{user_id}").as_bytes()))
    }

    /// HMAC-SHA-256 of `message` under this key.
    pub fn mac(&self, message: &[u8]) -> [u8; 32] {
        hmac_sha256(&self.0, message)
    }
}

/// The prefix of values sealed bound to their case.
pub const BOUND: &str = "v2:";

fn case_binding(case_id: i64) -> Vec<u8> {
    format!("canyu case identity {case_id}").into_bytes()
}

pub use crate::codes::to_hex;
use crate::codes::{from_hex, hmac_sha256};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_sealed_opens_only_with_the_same_key_and_untouched() {
        let key = CaseKey::from_hex(&CaseKey::generate_hex()).unwrap();
        let sealed = key.seal_for(7, "张三 13900001111".as_bytes());
        assert!(!sealed.contains("13900001111"));
        assert_eq!(key.open_for(7, &sealed).unwrap(), "张三 13900001111".as_bytes());
        assert_ne!(key.seal_for(7, b"x"), key.seal_for(7, b"x"), "a fresh nonce each time");
        let other = CaseKey::from_hex(&CaseKey::generate_hex()).unwrap();
        assert_eq!(other.open_for(7, &sealed), Err(SealError::Unreadable));
        let mut tampered = sealed.clone();
        tampered.replace_range(60..62, if &sealed[60..62] == "00" { "01" } else { "00" });
        assert_eq!(key.open_for(7, &tampered), Err(SealError::Unreadable));
    }

    #[test]
    fn a_sealed_identity_moved_to_another_case_does_not_open_there() {
        let key = CaseKey::from_hex(&CaseKey::generate_hex()).unwrap();
        let sealed = key.seal_for(41, b"reporter of case 41");
        assert_eq!(key.open_for(42, &sealed), Err(SealError::Unreadable));
        assert_eq!(
            key.open_for(41, sealed.trim_start_matches(BOUND)),
            Err(SealError::Unreadable),
            "unbound form refused"
        );
        let legacy = key.seal_with(b"old", b"");
        assert_eq!(key.open_unbound(&legacy).unwrap(), b"old");
        assert_eq!(key.open_for(1, &legacy), Err(SealError::Unreadable));
    }

    #[test]
    fn keys_are_64_hex_characters() {
        assert_eq!(CaseKey::from_hex("abc").unwrap_err(), SealError::BadKey);
        assert_eq!(CaseKey::from_hex(&"zz".repeat(32)).unwrap_err(), SealError::BadKey);
        assert!(CaseKey::from_hex(&"ab".repeat(32)).is_ok());
    }

    #[test]
    fn the_filer_tag_is_a_keyed_hmac() {
        // RFC 4231, test case 1: a 20-byte key is zero-padded to the block, like this 32-byte one.
        let mut key = [0u8; 32];
        key[..20].copy_from_slice(&[0x0b; 20]);
        assert_eq!(
            to_hex(&hmac_sha256(&key, b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        let k = CaseKey([7; 32]);
        assert_eq!(k.filer_tag(1), k.filer_tag(1));
        assert_ne!(k.filer_tag(1), k.filer_tag(2));
        assert_ne!(k.filer_tag(1), CaseKey([8; 32]).filer_tag(1));
    }
}
