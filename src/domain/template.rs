//! AD certificate template short name (Keyfactor's `Template` / `CertificateTemplate`).

use std::fmt;

use super::text::{describe_char, excerpt, Trimmed};

const MAX_CHARS: usize = 64;

/// A template short name (the `CommonName` from `GET /Templates`), not its display name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TemplateShortName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateShortNameError {
    #[error("Enter the template's short name, e.g. WebServer2y.")]
    Empty,
    #[error(
        "{} has spaces, so it looks like the template's display name; enter its short name instead (no spaces, e.g. WebServer2y).",
        excerpt(.name)
    )]
    LooksLikeDisplayName { name: String },
    #[error(
        "A template short name has only letters, digits, '-', '_' and '.'; found {} at position {position}.",
        describe_char(*.character)
    )]
    InvalidCharacter { character: char, position: usize },
    #[error("A template short name has at most 64 characters; this has {length}.")]
    TooLong { length: usize },
}

impl TemplateShortName {
    pub fn parse(raw: &str) -> Result<Self, TemplateShortNameError> {
        let trimmed = Trimmed::new(raw);
        let name = trimmed.text;
        if name.is_empty() {
            return Err(TemplateShortNameError::Empty);
        }
        if name.contains(char::is_whitespace) {
            return Err(TemplateShortNameError::LooksLikeDisplayName {
                name: name.to_owned(),
            });
        }
        // Letters and digits in any script: AD allows localised template names.
        if let Some((index, character)) = name
            .chars()
            .enumerate()
            .find(|&(_, c)| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')))
        {
            return Err(TemplateShortNameError::InvalidCharacter {
                character,
                position: trimmed.position(index),
            });
        }
        let length = name.chars().count();
        if length > MAX_CHARS {
            return Err(TemplateShortNameError::TooLong { length });
        }
        Ok(TemplateShortName(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TemplateShortName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TemplateShortNameError as E;

    fn parsed(raw: &str) -> Result<String, TemplateShortNameError> {
        TemplateShortName::parse(raw).map(|name| name.to_string())
    }

    #[test]
    fn accepts_short_names_and_trims() {
        assert_eq!(parsed("WebServer2y").as_deref(), Ok("WebServer2y"));
        assert_eq!(
            parsed("  Web_Server-v2.1\t").as_deref(),
            Ok("Web_Server-v2.1")
        );
        assert_eq!(
            parsed("Zertifikat-Wébserver").as_deref(),
            Ok("Zertifikat-Wébserver")
        );
        let name = TemplateShortName::parse("User").expect("valid name");
        assert_eq!(name.as_str(), "User");
    }

    #[test]
    fn rejects_empty_input() {
        assert_eq!(parsed(" "), Err(E::Empty));
        assert_eq!(
            E::Empty.to_string(),
            "Enter the template's short name, e.g. WebServer2y."
        );
    }

    #[test]
    fn spots_display_names() {
        assert_eq!(
            parsed(" Web Server 2 Year "),
            Err(E::LooksLikeDisplayName {
                name: "Web Server 2 Year".to_owned()
            })
        );
        assert_eq!(
            TemplateShortName::parse("Web Server")
                .expect_err("display name")
                .to_string(),
            "'Web Server' has spaces, so it looks like the template's display name; enter its short name instead (no spaces, e.g. WebServer2y)."
        );
    }

    #[test]
    fn names_invalid_characters() {
        assert_eq!(
            parsed(" Web/Server"),
            Err(E::InvalidCharacter {
                character: '/',
                position: 5
            })
        );
        assert_eq!(
            TemplateShortName::parse("Web\u{200B}Server")
                .expect_err("zero-width space")
                .to_string(),
            "A template short name has only letters, digits, '-', '_' and '.'; found the invisible character U+200B at position 4."
        );
    }

    #[test]
    fn limits_length_to_64_characters() {
        assert!(parsed(&"ä".repeat(64)).is_ok());
        assert_eq!(parsed(&"a".repeat(65)), Err(E::TooLong { length: 65 }));
        assert_eq!(
            E::TooLong { length: 65 }.to_string(),
            "A template short name has at most 64 characters; this has 65."
        );
    }
}
