//! Codes and digests every feature shares, on well-kept crates: hex, SHA-256 and HMAC-SHA-256,
//! random secrets, and the readable random groups that receipt numbers and query codes are made
//! of. A module of its own, so features need not import each other's stores for them.
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Bytes as lowercase hex.
pub fn to_hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// Hex (either case) as bytes; None for anything else.
pub fn from_hex(s: &str) -> Option<Vec<u8>> {
    hex::decode(s).ok()
}

/// A random secret as lowercase hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    to_hex(&buf)
}

/// SHA-256 of a text, in hex (stored in place of session tokens and client addresses).
pub fn sha256_hex(s: &str) -> String {
    to_hex(&Sha256::digest(s.as_bytes()))
}

/// HMAC-SHA-256 of `message` under `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    // HMAC takes a key of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// Crockford's base-32 alphabet: no I, L, O or U, so what is read aloud or typed is hard to get wrong.
const CROCKFORD: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// `groups` random groups of four Crockford characters (20 random bits each), joined by hyphens.
pub fn crockford_groups(groups: usize) -> String {
    let mut bytes = vec![0u8; groups * 4];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let chars: Vec<char> = bytes.iter().map(|b| CROCKFORD[(*b & 31) as usize] as char).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// Receipt numbers as typed are read in `numbers`, shared with the browser.
pub use crate::numbers::normalise_receipt;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keyed_digests_every_record_relies_on_are_standard_hmac_sha256() {
        // Computed independently (Python's hmac module) for a 32-byte key, like the case key.
        let key: Vec<u8> = (0u8..32).collect();
        assert_eq!(
            to_hex(&hmac_sha256(&key, b"filer:42")),
            "89ee7ab8b6769a5d7ea234df46861663ddd5b1fa3103055ba32321bbdc464600"
        );
    }

    #[test]
    fn hex_and_codes_read_back_and_stay_readable() {
        assert_eq!(from_hex(&to_hex(&[0, 15, 255])), Some(vec![0, 15, 255]));
        assert_eq!(from_hex("ABcd"), Some(vec![0xab, 0xcd]));
        assert_eq!(from_hex("abc"), None);
        assert_eq!(random_hex(16).len(), 32);
        let code = crockford_groups(3);
        assert_eq!(code.len(), 14);
        assert!(code.chars().all(|c| c == '-' || CROCKFORD.contains(&(c as u8))), "{code}");
    }
}
