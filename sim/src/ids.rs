//! Identifiers and secrets drawn from the simulator's seeded generator.

use rand::Rng;
use sha1::{Digest, Sha1};

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Upper-case hex, the way Command prints thumbprints and serial numbers.
pub fn hex_upper(bytes: &[u8]) -> String {
    bytes
        .iter()
        .flat_map(|b| {
            [
                HEX_UPPER[usize::from(b >> 4)],
                HEX_UPPER[usize::from(b & 0xF)],
            ]
        })
        .map(char::from)
        .collect()
}

/// A random (version 4) UUID in its lower-case hyphenated form.
pub fn uuid(rng: &mut impl Rng) -> String {
    uuid_from(rng.random())
}

/// A version 4 UUID made of `name`'s SHA-1, for identifiers that must not draw on a generator (so
/// that adding them leaves every seeded value as it was).
pub fn uuid_of(name: &str) -> String {
    let digest = Sha1::digest(name.as_bytes());
    let mut bytes = [0_u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid_from(bytes)
}

fn uuid_from(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0F) | 0x40;
    bytes[8] = (bytes[8] & 0x3F) | 0x80;
    let hex = hex_upper(&bytes).to_lowercase();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A certificate serial number: 16 random bytes with the high bit clear (positive, as RFC 5280 wants).
pub fn serial_number(rng: &mut impl Rng) -> String {
    let mut bytes: [u8; 16] = rng.random();
    bytes[0] &= 0x7F;
    hex_upper(&bytes)
}

/// Command-style generated PFX password: 16 characters without look-alikes.
pub fn pfx_password(rng: &mut impl Rng) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    (0..16)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// An opaque session token for the SSO stand-in.
pub fn token(rng: &mut impl Rng) -> String {
    let bytes: [u8; 24] = rng.random();
    hex_upper(&bytes).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn uuids_are_version_4_and_hyphenated() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let id = uuid(&mut rng);
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
        assert_eq!(id.matches('-').count(), 4);
    }

    #[test]
    fn name_based_uuids_are_stable_and_distinct() {
        assert_eq!(uuid_of("a"), uuid_of("a"));
        assert_ne!(uuid_of("a"), uuid_of("b"));
        assert_eq!(&uuid_of("a")[14..15], "4");
    }

    #[test]
    fn hex_is_upper_case_two_digits_per_byte() {
        assert_eq!(hex_upper(&[0x0A, 0xFF, 0x10]), "0AFF10");
    }
}
