//! GUIDs as Keyfactor uses them for store and orchestrator ids (`KeystoreId`, `AgentGuid`).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::text::{describe_char, Trimmed};

const GROUP_LENGTHS: [usize; 5] = [8, 4, 4, 4, 12];

/// Beyond this many groups the message gives a count instead of listing them.
const MAX_GROUPS_LISTED: usize = 8;

/// A GUID in canonical form: lower-case, hyphenated 8-4-4-4-12.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Guid(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuidError {
    #[error("Enter a GUID, e.g. 3f2504e0-4f89-11d3-9a0c-0305e82c3301.")]
    Empty,
    #[error("The braces around the GUID do not match; use both {{ and }} or neither.")]
    UnmatchedBrace,
    #[error(
        "A GUID contains only 0-9, a-f and hyphens; found {} at position {position}.",
        describe_char(*.character)
    )]
    NotHex { character: char, position: usize },
    #[error("A GUID has groups of 8-4-4-4-12 hexadecimal digits; this has {found}.")]
    WrongGroups { found: String },
}

impl Guid {
    /// Accepts upper or lower case, with or without surrounding `{}`.
    pub fn parse(raw: &str) -> Result<Self, GuidError> {
        let trimmed = Trimmed::new(raw);
        let text = trimmed.text;
        if text.is_empty() {
            return Err(GuidError::Empty);
        }
        let braced = text
            .strip_prefix('{')
            .and_then(|inner| inner.strip_suffix('}'));
        let (body, body_offset) = match braced {
            Some(inner) => (inner, 1),
            None if text.starts_with('{') || text.ends_with('}') => {
                return Err(GuidError::UnmatchedBrace)
            }
            None => (text, 0),
        };
        if let Some((index, character)) = body
            .chars()
            .enumerate()
            .find(|&(_, c)| c != '-' && !c.is_ascii_hexdigit())
        {
            return Err(GuidError::NotHex {
                character,
                position: trimmed.position(body_offset + index),
            });
        }
        // Only ASCII remains, so byte lengths are digit counts.
        let lengths: Vec<usize> = body.split('-').map(str::len).collect();
        if lengths != GROUP_LENGTHS {
            return Err(GuidError::WrongGroups {
                found: describe_groups(&lengths),
            });
        }
        Ok(Guid(body.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether two ids as servers write them name the same GUID: Command may answer in another case than it
    /// listed them, or with braces. Text that is no GUID equals only itself (trimmed).
    pub fn same(a: &str, b: &str) -> bool {
        match (Guid::parse(a), Guid::parse(b)) {
            (Ok(a), Ok(b)) => a == b,
            _ => a.trim() == b.trim(),
        }
    }
}

fn describe_groups(lengths: &[usize]) -> String {
    if lengths.len() > MAX_GROUPS_LISTED {
        return format!("{} groups", lengths.len());
    }
    lengths
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join("-")
}

/// Written as Keyfactor reads it: lower-case, hyphenated, no braces.
impl Serialize for Guid {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// An id Command sends, in whatever case or braces; anything else is a decode error naming the problem.
impl<'de> Deserialize<'de> for Guid {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Guid::parse(&text).map_err(|error| serde::de::Error::custom(format!("{text:?}: {error}")))
    }
}

impl Guid {
    /// For optional references (a location's store, a store's orchestrator): absent, `null` or not a GUID
    /// all mean there is nothing the portal can address, so one odd row does not fail a whole list.
    pub fn lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Guid>, D::Error> {
        let text = Option::<String>::deserialize(deserializer)?;
        Ok(text.and_then(|text| Guid::parse(&text).ok()))
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANONICAL: &str = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

    fn parsed(raw: &str) -> Result<String, GuidError> {
        Guid::parse(raw).map(|guid| guid.as_str().to_owned())
    }

    #[test]
    fn accepts_canonical_form() {
        assert_eq!(parsed(CANONICAL).as_deref(), Ok(CANONICAL));
    }

    #[test]
    fn normalises_case_braces_and_whitespace() {
        assert_eq!(parsed(&CANONICAL.to_uppercase()).as_deref(), Ok(CANONICAL));
        assert_eq!(
            parsed("{3F2504E0-4F89-11D3-9A0C-0305E82C3301}").as_deref(),
            Ok(CANONICAL)
        );
        assert_eq!(
            parsed(&format!("  {CANONICAL}\n")).as_deref(),
            Ok(CANONICAL)
        );
        assert_eq!(
            Guid::parse(CANONICAL)
                .map(|guid| guid.to_string())
                .as_deref(),
            Ok(CANONICAL)
        );
    }

    #[test]
    fn rejects_empty_input() {
        assert_eq!(parsed("   "), Err(GuidError::Empty));
        assert_eq!(
            GuidError::Empty.to_string(),
            "Enter a GUID, e.g. 3f2504e0-4f89-11d3-9a0c-0305e82c3301."
        );
    }

    #[test]
    fn rejects_unmatched_braces() {
        assert_eq!(
            parsed(&format!("{{{CANONICAL}")),
            Err(GuidError::UnmatchedBrace)
        );
        assert_eq!(
            parsed(&format!("{CANONICAL}}}")),
            Err(GuidError::UnmatchedBrace)
        );
        assert_eq!(parsed("{"), Err(GuidError::UnmatchedBrace));
        assert_eq!(
            GuidError::UnmatchedBrace.to_string(),
            "The braces around the GUID do not match; use both { and } or neither."
        );
    }

    #[test]
    fn names_non_hex_characters_with_their_position() {
        assert_eq!(
            parsed("{3f2504e0-4f89-11d3-9a0c-0305e82c330z}"),
            Err(GuidError::NotHex {
                character: 'z',
                position: 37
            })
        );
        assert_eq!(
            Guid::parse("3f2504e0 4f89-11d3-9a0c-0305e82c3301")
                .expect_err("space inside")
                .to_string(),
            "A GUID contains only 0-9, a-f and hyphens; found a space at position 9."
        );
        // "{}" alone: the braces match but there is nothing inside.
        assert_eq!(
            parsed("{}"),
            Err(GuidError::WrongGroups {
                found: "0".to_owned()
            })
        );
    }

    #[test]
    fn describes_wrong_group_lengths() {
        assert_eq!(
            parsed("3f2504e0-4f89-9a0c-0305e82c3301"),
            Err(GuidError::WrongGroups {
                found: "8-4-4-12".to_owned()
            })
        );
        assert_eq!(
            Guid::parse("3f2504e04f8911d39a0c0305e82c3301")
                .expect_err("hyphens are required")
                .to_string(),
            "A GUID has groups of 8-4-4-4-12 hexadecimal digits; this has 32."
        );
        assert_eq!(
            parsed(&"-".repeat(10_000)),
            Err(GuidError::WrongGroups {
                found: "10001 groups".to_owned()
            })
        );
    }

    #[test]
    fn ids_name_the_same_guid_whatever_their_case_or_braces_and_other_text_only_itself() {
        let id = "3F2504E0-4F89-11D3-9A0C-0305E82C3301";
        assert!(Guid::same(id, "{3f2504e0-4f89-11d3-9a0c-0305e82c3301}"));
        assert!(!Guid::same(id, "3f2504e0-4f89-11d3-9a0c-0305e82c3302"));
        assert!(Guid::same(" job-7 ", "job-7"));
        assert!(!Guid::same("job-7", "JOB-7"));
    }
}
