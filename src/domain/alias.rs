//! Alias of a certificate inside a certificate store (reenrollment and deploy requests).

use std::fmt;

use super::text::{describe_char, is_control_or_bidi, Trimmed};

const MAX_CHARS: usize = 255;

/// A trimmed, non-empty alias of at most 255 characters without control characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Alias(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AliasError {
    #[error("An alias is required.")]
    Required,
    #[error("An alias has at most 255 characters; this has {length}.")]
    TooLong { length: usize },
    #[error(
        "The alias contains {} at position {position}; remove it.",
        describe_char(*.character)
    )]
    ControlCharacter { character: char, position: usize },
}

impl Alias {
    pub fn parse(raw: &str) -> Result<Self, AliasError> {
        let trimmed = Trimmed::new(raw);
        let alias = trimmed.text;
        if alias.is_empty() {
            return Err(AliasError::Required);
        }
        // Bidirectional controls count too: they make an alias display differently than it is stored.
        if let Some((index, character)) = alias
            .chars()
            .enumerate()
            .find(|&(_, c)| is_control_or_bidi(c))
        {
            return Err(AliasError::ControlCharacter {
                character,
                position: trimmed.position(index),
            });
        }
        let length = alias.chars().count();
        if length > MAX_CHARS {
            return Err(AliasError::TooLong { length });
        }
        Ok(Alias(alias.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Alias {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(raw: &str) -> Result<String, AliasError> {
        Alias::parse(raw).map(|alias| alias.as_str().to_owned())
    }

    #[test]
    fn accepts_and_trims_aliases() {
        assert_eq!(parsed("  web01 2025 \n").as_deref(), Ok("web01 2025"));
        assert_eq!(parsed("\u{FEFF}tomcat").as_deref(), Ok("tomcat"));
        assert_eq!(parsed("服务器证书").as_deref(), Ok("服务器证书"));
        assert_eq!(
            Alias::parse("web01")
                .map(|alias| alias.to_string())
                .as_deref(),
            Ok("web01")
        );
    }

    #[test]
    fn requires_a_value() {
        assert_eq!(parsed(""), Err(AliasError::Required));
        assert_eq!(parsed(" \t\u{200E} "), Err(AliasError::Required));
        assert_eq!(AliasError::Required.to_string(), "An alias is required.");
    }

    #[test]
    fn limits_length_to_255_characters() {
        assert!(parsed(&"é".repeat(255)).is_ok());
        assert_eq!(
            parsed(&"a".repeat(256)),
            Err(AliasError::TooLong { length: 256 })
        );
        assert_eq!(
            AliasError::TooLong { length: 300 }.to_string(),
            "An alias has at most 255 characters; this has 300."
        );
    }

    #[test]
    fn names_control_characters_and_their_position() {
        assert_eq!(
            parsed("  web\u{0000}01"),
            Err(AliasError::ControlCharacter {
                character: '\u{0000}',
                position: 6
            })
        );
        assert_eq!(
            Alias::parse("web\t01").expect_err("tab").to_string(),
            "The alias contains the invisible character U+0009 at position 4; remove it."
        );
        assert_eq!(
            Alias::parse("evil\u{202E}gpj.exe")
                .expect_err("right-to-left override")
                .to_string(),
            "The alias contains the invisible character U+202E at position 5; remove it."
        );
    }
}
