//! SHA-1 certificate thumbprint, as Keyfactor's `Thumbprint` fields carry it (hex, not base64).

use std::fmt;

use super::text::{describe_char, Trimmed};

const HEX_DIGITS: usize = 40;

/// A SHA-1 thumbprint: exactly 40 upper-case hexadecimal digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Thumbprint(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThumbprintError {
    #[error("Enter a thumbprint (40 hexadecimal characters).")]
    Empty,
    #[error("A thumbprint has 40 hexadecimal characters; this has {found}.")]
    WrongLength { found: usize },
    #[error(
        "A thumbprint contains only 0-9 and A-F; found {} at position {position}.",
        describe_char(*.character)
    )]
    NotHex { character: char, position: usize },
}

/// Separators certificate viewers put between byte pairs.
fn is_separator(c: char) -> bool {
    c == ':' || c.is_whitespace()
}

impl Thumbprint {
    /// Accepts what users paste from certificate viewers: any case, byte pairs
    /// separated by spaces or colons, and the invisible mark certmgr puts in front.
    pub fn parse(raw: &str) -> Result<Self, ThumbprintError> {
        let trimmed = Trimmed::new(raw);
        if trimmed.text.is_empty() {
            return Err(ThumbprintError::Empty);
        }
        let mut hex = String::with_capacity(HEX_DIGITS);
        for (index, c) in trimmed.text.chars().enumerate() {
            if c.is_ascii_hexdigit() {
                hex.push(c.to_ascii_uppercase());
            } else if !is_separator(c) {
                return Err(ThumbprintError::NotHex {
                    character: c,
                    position: trimmed.position(index),
                });
            }
        }
        if hex.len() != HEX_DIGITS {
            return Err(ThumbprintError::WrongLength { found: hex.len() });
        }
        Ok(Thumbprint(hex))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Thumbprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANONICAL: &str = "5A3F0C1D2E4B6A7980ABCDEF0123456789ABCDEF";

    fn parsed(raw: &str) -> Result<String, ThumbprintError> {
        Thumbprint::parse(raw).map(|thumbprint| thumbprint.to_string())
    }

    #[test]
    fn accepts_canonical_form() {
        assert_eq!(parsed(CANONICAL).as_deref(), Ok(CANONICAL));
    }

    #[test]
    fn normalises_case_separators_and_paste_marks() {
        let lower = CANONICAL.to_lowercase();
        assert_eq!(parsed(&lower).as_deref(), Ok(CANONICAL));
        let spaced = "5a 3f 0c 1d 2e 4b 6a 79 80 ab cd ef 01 23 45 67 89 ab cd ef";
        assert_eq!(parsed(spaced).as_deref(), Ok(CANONICAL));
        let coloned = "5A:3F:0C:1D:2E:4B:6A:79:80:AB:CD:EF:01:23:45:67:89:AB:CD:EF";
        assert_eq!(parsed(coloned).as_deref(), Ok(CANONICAL));
        // Windows certmgr copies a left-to-right mark in front of the digits.
        let certmgr = format!("\u{200E}{spaced}");
        assert_eq!(parsed(&certmgr).as_deref(), Ok(CANONICAL));
        let wrapped = format!("\u{FEFF} {CANONICAL}\u{200F}\n");
        assert_eq!(parsed(&wrapped).as_deref(), Ok(CANONICAL));
    }

    #[test]
    fn as_str_matches_display() {
        let thumbprint = Thumbprint::parse(CANONICAL).expect("valid thumbprint");
        assert_eq!(thumbprint.as_str(), CANONICAL);
    }

    #[test]
    fn rejects_empty_input() {
        assert_eq!(parsed(""), Err(ThumbprintError::Empty));
        assert_eq!(parsed(" \u{200E} "), Err(ThumbprintError::Empty));
        assert_eq!(
            ThumbprintError::Empty.to_string(),
            "Enter a thumbprint (40 hexadecimal characters)."
        );
    }

    #[test]
    fn reports_how_many_digits_were_found() {
        assert_eq!(
            parsed(&CANONICAL[..38]),
            Err(ThumbprintError::WrongLength { found: 38 })
        );
        assert_eq!(
            parsed(&format!("{CANONICAL}AB")),
            Err(ThumbprintError::WrongLength { found: 42 })
        );
        assert_eq!(
            parsed(":::"),
            Err(ThumbprintError::WrongLength { found: 0 })
        );
        assert_eq!(
            ThumbprintError::WrongLength { found: 38 }.to_string(),
            "A thumbprint has 40 hexadecimal characters; this has 38."
        );
    }

    #[test]
    fn names_the_offending_character_and_its_position() {
        let with_g = format!("5G{}", &CANONICAL[2..]);
        assert_eq!(
            parsed(&with_g),
            Err(ThumbprintError::NotHex {
                character: 'G',
                position: 2
            })
        );
        assert_eq!(
            Thumbprint::parse(&format!(" \u{200E}5G{}", &CANONICAL[2..]))
                .expect_err("G is not hex")
                .to_string(),
            "A thumbprint contains only 0-9 and A-F; found 'G' at position 4."
        );
        let hidden = format!("5A\u{202E}{}", &CANONICAL[2..]);
        assert_eq!(
            Thumbprint::parse(&hidden)
                .expect_err("an override mark is not hex")
                .to_string(),
            "A thumbprint contains only 0-9 and A-F; found the invisible character U+202E at position 3."
        );
        // Full-width digits look like hex but are not.
        assert!(matches!(
            parsed(&format!("\u{FF21}{}", &CANONICAL[1..])),
            Err(ThumbprintError::NotHex { position: 1, .. })
        ));
    }
}
