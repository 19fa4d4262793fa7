//! A string that must not leak into logs: secret entry parameters, generated PFX passwords.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Holds a secret. `Debug` prints `SecretString(***)`, there is no `Display`,
/// and the bytes are overwritten with zeros when it is dropped (best effort:
/// copies made by serialisation or by `expose` callers are not tracked).
///
/// Serialises as a plain JSON string because Keyfactor needs it back (PFX
/// Deploy/Replace `Password`, secret `JobProperties`).
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    /// The secret itself; call only where it is sent or shown on purpose.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for SecretString {
    fn from(secret: String) -> Self {
        SecretString(secret)
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString(***)")
    }
}

impl Serialize for SecretString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(SecretString)
    }
}

impl Drop for SecretString {
    fn drop(&mut self) {
        let mut bytes = std::mem::take(&mut self.0).into_bytes();
        overwrite_with_zeros(&mut bytes);
    }
}

/// Overwrites the whole allocation, including spare capacity that may still hold
/// an older, longer secret.
pub(super) fn overwrite_with_zeros(bytes: &mut Vec<u8>) {
    let capacity = bytes.capacity();
    bytes.clear();
    bytes.resize(capacity, 0);
    // Keeps the optimiser from dropping the writes as dead stores before the free.
    std::hint::black_box(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let secret = SecretString::from("hunter2".to_owned());
        assert_eq!(format!("{secret:?}"), "SecretString(***)");
        assert_eq!(format!("{:?}", Some(&secret)), "Some(SecretString(***))");
    }

    #[test]
    fn expose_gives_the_value() {
        assert_eq!(SecretString::from("hunter2".to_owned()).expose(), "hunter2");
    }

    #[test]
    fn serialises_as_a_plain_json_string() {
        let secret = SecretString::from("p\"ss\\word".to_owned());
        let json = serde_json::to_string(&secret).expect("serialisable");
        assert_eq!(json, r#""p\"ss\\word""#);
        let back: SecretString = serde_json::from_str(&json).expect("deserialisable");
        assert_eq!(back.expose(), "p\"ss\\word");
        assert!(serde_json::from_str::<SecretString>("42").is_err());
    }

    #[test]
    fn wipe_zeroes_every_byte_of_the_allocation() {
        let mut bytes = Vec::with_capacity(32);
        bytes.extend_from_slice(b"an older, longer secret");
        bytes.truncate(6);
        overwrite_with_zeros(&mut bytes);
        assert_eq!(bytes.len(), bytes.capacity());
        assert!(bytes.len() >= 32);
        assert!(bytes.iter().all(|&byte| byte == 0));
    }
}
