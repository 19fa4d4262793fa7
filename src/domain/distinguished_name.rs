//! X.500 distinguished names as Keyfactor takes them in `SubjectName`.
//!
//! Reads RFC 4514 strings, plus what RFC 1779 and Keyfactor's own example add:
//! `;` between RDNs, quoted values (`O="Key Example, Inc."`), spaces around
//! separators, and `OID.` before dotted OIDs. Writes canonical RFC 4514.

use std::fmt::{self, Write as _};
use std::iter::Peekable;
use std::str::Chars;

use super::text::{describe_char, excerpt, is_edge_ignorable};

/// Accepted attribute type spellings (upper case) and the short name each becomes.
/// Where several are common the canonical one is a name Windows' CertStrToName
/// (which Microsoft CAs behind Keyfactor use) also understands: E, T, G.
const ATTRIBUTE_TYPES: &[(&str, &str)] = &[
    ("CN", "CN"),
    ("COMMONNAME", "CN"),
    ("OU", "OU"),
    ("ORGANIZATIONALUNITNAME", "OU"),
    ("O", "O"),
    ("ORGANIZATIONNAME", "O"),
    ("L", "L"),
    ("LOCALITYNAME", "L"),
    ("ST", "ST"),
    ("S", "ST"),
    ("STATEORPROVINCENAME", "ST"),
    ("C", "C"),
    ("COUNTRYNAME", "C"),
    ("STREET", "STREET"),
    ("STREETADDRESS", "STREET"),
    ("DC", "DC"),
    ("DOMAINCOMPONENT", "DC"),
    ("UID", "UID"),
    ("USERID", "UID"),
    ("SERIALNUMBER", "SERIALNUMBER"),
    ("E", "E"),
    ("EMAIL", "E"),
    ("EMAILADDRESS", "E"),
    ("T", "T"),
    ("TITLE", "T"),
    ("G", "G"),
    ("GN", "G"),
    ("GIVENNAME", "G"),
    ("SN", "SN"),
    ("SURNAME", "SN"),
    ("I", "INITIALS"),
    ("INITIALS", "INITIALS"),
    ("POSTALCODE", "POSTALCODE"),
    ("DNQUALIFIER", "DNQUALIFIER"),
    ("PSEUDONYM", "PSEUDONYM"),
    ("GENERATIONQUALIFIER", "GENERATIONQUALIFIER"),
    ("DESCRIPTION", "DESCRIPTION"),
    ("BUSINESSCATEGORY", "BUSINESSCATEGORY"),
    ("UNSTRUCTUREDNAME", "UNSTRUCTUREDNAME"),
];

/// Characters that may follow a backslash as themselves (RFC 4514 `escaped`).
const ESCAPABLE: [char; 10] = ['\\', ',', '+', '"', '<', '>', ';', '=', '#', ' '];

/// A parsed distinguished name: at least one RDN, each with at least one
/// attribute, every value non-empty and free of control characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DistinguishedName {
    rdns: Vec<Rdn>,
}

/// One relative distinguished name; several attributes when written with `+`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rdn {
    pub attributes: Vec<Attribute>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Attribute {
    /// Canonical upper-case short name (`CN`, `ST`, `E`, …) or a dotted OID.
    pub attribute_type: String,
    /// The value with escapes and quotes removed.
    pub value: String,
}

/// What is wrong with a subject name; positions are 1-based, in characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DistinguishedNameError {
    #[error("Enter a subject name, e.g. CN=web01.example.com,O=Example,C=US.")]
    Empty,
    #[error("Empty part at position {position}: remove the extra separator or add a TYPE=value pair there.")]
    EmptyRdn { position: usize },
    #[error(
        "Expected '=' after {} at position {position}; each part looks like TYPE=value. If a value contains a comma, escape it as \\, or put the value in quotes.",
        excerpt(.attribute_type)
    )]
    MissingEquals {
        position: usize,
        attribute_type: String,
    },
    #[error("The attribute type is missing before the '=' at position {position}, e.g. CN=value.")]
    MissingAttributeType { position: usize },
    #[error(
        "Unknown attribute type {} at position {position}; use e.g. CN, OU, O, L, ST, C or a dotted OID.",
        excerpt(.attribute_type)
    )]
    UnknownAttributeType {
        position: usize,
        attribute_type: String,
    },
    #[error(
        "{} at position {position} is not a valid OID; write numbers separated by single dots, e.g. 2.5.4.3.",
        excerpt(.oid)
    )]
    InvalidOid { position: usize, oid: String },
    #[error("{attribute_type} at position {position} has no value.")]
    EmptyValue {
        position: usize,
        attribute_type: String,
    },
    #[error(
        "The country (C) at position {position} must be a two-letter code such as US; found {}.",
        excerpt(.value)
    )]
    InvalidCountry { position: usize, value: String },
    #[error("Values starting with '#' (hex-encoded BER) are not supported (position {position}); write \\# for a literal '#'.")]
    BerValue { position: usize },
    #[error("The quote at position {position} is never closed.")]
    UnbalancedQuote { position: usize },
    #[error("The quote at position {position} must be escaped as \\\", or the whole value put in quotes.")]
    UnescapedQuote { position: usize },
    #[error(
        "Unexpected text at position {position} after a closing quote; separate parts with ','."
    )]
    TextAfterQuote { position: usize },
    #[error("The backslash at position {position} has nothing after it; write \\\\ for a literal backslash.")]
    DanglingEscape { position: usize },
    #[error(
        "The escape at position {position} ('\\' followed by {}) is not valid; write \\\\ for a literal backslash.",
        describe_char(*.character)
    )]
    InvalidEscape { position: usize, character: char },
    #[error("The escape at position {position} needs two hexadecimal digits, e.g. \\2C.")]
    InvalidHexEscape { position: usize },
    #[error("The hex escapes starting at position {position} do not form valid UTF-8 text.")]
    InvalidUtf8 { position: usize },
    #[error(
        "A subject name cannot contain control characters; found {} at position {position}.",
        describe_char(*.character)
    )]
    ControlCharacter { position: usize, character: char },
}

impl DistinguishedNameError {
    /// Where the problem is (1-based, in characters of the raw input), if it has a place.
    pub fn position(&self) -> Option<usize> {
        use DistinguishedNameError as E;
        match self {
            E::Empty => None,
            E::EmptyRdn { position }
            | E::MissingEquals { position, .. }
            | E::MissingAttributeType { position }
            | E::UnknownAttributeType { position, .. }
            | E::InvalidOid { position, .. }
            | E::EmptyValue { position, .. }
            | E::InvalidCountry { position, .. }
            | E::BerValue { position }
            | E::UnbalancedQuote { position }
            | E::UnescapedQuote { position }
            | E::TextAfterQuote { position }
            | E::DanglingEscape { position }
            | E::InvalidEscape { position, .. }
            | E::InvalidHexEscape { position }
            | E::InvalidUtf8 { position }
            | E::ControlCharacter { position, .. } => Some(*position),
        }
    }
}

type ParseResult<T> = Result<T, DistinguishedNameError>;

impl DistinguishedName {
    /// Parses in a single pass over the characters.
    pub fn parse(raw: &str) -> ParseResult<Self> {
        let mut scanner = Scanner::new(raw);
        scanner.skip_ignorable();
        if scanner.peek().is_none() {
            return Err(DistinguishedNameError::Empty);
        }
        let mut rdns = Vec::new();
        let mut attributes = Vec::new();
        let mut previous_separator = None;
        loop {
            attributes.push(parse_attribute(&mut scanner, previous_separator)?);
            let separator_position = scanner.next_position();
            match scanner.bump() {
                None => break,
                Some('+') => {}
                // ',' or ';': `parse_attribute` stops only at these or the end.
                Some(_) => rdns.push(Rdn {
                    attributes: std::mem::take(&mut attributes),
                }),
            }
            previous_separator = Some(separator_position);
        }
        rdns.push(Rdn { attributes });
        Ok(DistinguishedName { rdns })
    }

    pub fn rdns(&self) -> &[Rdn] {
        &self.rdns
    }

    /// The first (most specific, leftmost) common name.
    pub fn common_name(&self) -> Option<&str> {
        self.rdns
            .iter()
            .flat_map(|rdn| &rdn.attributes)
            .find(|attribute| attribute.attribute_type == "CN")
            .map(|attribute| attribute.value.as_str())
    }
}

/// Reads `TYPE=value` and leaves the scanner at the following separator or the end.
fn parse_attribute(
    scanner: &mut Scanner,
    previous_separator: Option<usize>,
) -> ParseResult<Attribute> {
    scanner.skip_ignorable();
    let type_position = scanner.next_position();
    match scanner.peek() {
        // Only reachable after a separator: the caller rejects empty input.
        None => {
            return Err(DistinguishedNameError::EmptyRdn {
                position: previous_separator.unwrap_or(type_position),
            })
        }
        Some(',' | ';' | '+') => {
            return Err(DistinguishedNameError::EmptyRdn {
                position: type_position,
            })
        }
        Some(_) => {}
    }
    let attribute_type = read_attribute_type(scanner, type_position)?;
    scanner.skip_ignorable();
    let value_position = scanner.next_position();
    let mut value = match scanner.peek() {
        Some('"') => read_quoted_value(scanner)?,
        Some('#') => {
            return Err(DistinguishedNameError::BerValue {
                position: value_position,
            })
        }
        _ => read_plain_value(scanner)?,
    };
    if value.is_empty() {
        return Err(DistinguishedNameError::EmptyValue {
            position: type_position,
            attribute_type,
        });
    }
    if attribute_type == "C" {
        if value.chars().count() != 2 || !value.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(DistinguishedNameError::InvalidCountry {
                position: value_position,
                value,
            });
        }
        value.make_ascii_uppercase();
    }
    Ok(Attribute {
        attribute_type,
        value,
    })
}

/// Reads up to and including the `=`, and returns the canonical type.
fn read_attribute_type(scanner: &mut Scanner, type_position: usize) -> ParseResult<String> {
    let mut written = String::new();
    loop {
        match scanner.peek() {
            Some('=') => break,
            None | Some(',' | ';' | '+') => {
                return Err(DistinguishedNameError::MissingEquals {
                    position: type_position,
                    attribute_type: written.trim_end_matches(is_edge_ignorable).to_owned(),
                })
            }
            Some(c) => {
                written.push(c);
                scanner.bump();
            }
        }
    }
    let equals_position = scanner.next_position();
    scanner.bump();
    let name = written.trim_end_matches(is_edge_ignorable);
    if name.is_empty() {
        return Err(DistinguishedNameError::MissingAttributeType {
            position: equals_position,
        });
    }
    canonical_attribute_type(name, type_position)
}

fn canonical_attribute_type(name: &str, position: usize) -> ParseResult<String> {
    // RFC 1779 and .NET write dotted OIDs as `OID.2.5.4.3`.
    let oid = match name.get(..4).zip(name.get(4..)) {
        Some((prefix, rest)) if prefix.eq_ignore_ascii_case("OID.") => rest,
        _ => name,
    };
    if oid.starts_with(|c: char| c.is_ascii_digit()) {
        return if is_numeric_oid(oid) {
            Ok(oid.to_owned())
        } else {
            Err(DistinguishedNameError::InvalidOid {
                position,
                oid: name.to_owned(),
            })
        };
    }
    ATTRIBUTE_TYPES
        .iter()
        .find(|(spelling, _)| spelling.eq_ignore_ascii_case(name))
        .map(|(_, canonical)| (*canonical).to_owned())
        .ok_or_else(|| DistinguishedNameError::UnknownAttributeType {
            position,
            attribute_type: name.to_owned(),
        })
}

/// RFC 4512 `numericoid`: at least two arcs, digits only, no leading zeros.
fn is_numeric_oid(oid: &str) -> bool {
    let mut arcs = 0usize;
    let all_valid = oid.split('.').all(|arc| {
        arcs = arcs.saturating_add(1);
        !arc.is_empty()
            && arc.bytes().all(|byte| byte.is_ascii_digit())
            && (arc == "0" || !arc.starts_with('0'))
    });
    all_valid && arcs >= 2
}

/// An unquoted value: runs to the next unescaped `,`, `;`, `+` or the end.
fn read_plain_value(scanner: &mut Scanner) -> ParseResult<String> {
    let mut value = ValueBuilder::default();
    loop {
        let position = scanner.next_position();
        match scanner.peek() {
            None | Some(',' | ';' | '+') => break,
            Some('"') => return Err(DistinguishedNameError::UnescapedQuote { position }),
            Some('\\') => {
                scanner.bump();
                read_escape(scanner, position, &mut value)?;
            }
            Some(c) => {
                scanner.bump();
                // Unescaped spaces at the end are not part of the value (RFC 4514).
                let keep = if is_edge_ignorable(c) {
                    Keep::UnlessTrailing
                } else {
                    Keep::Always
                };
                value.push(c, keep, position)?;
            }
        }
    }
    value.finish()
}

/// A quoted value (RFC 1779): everything up to the closing quote is kept.
fn read_quoted_value(scanner: &mut Scanner) -> ParseResult<String> {
    let opening_position = scanner.next_position();
    scanner.bump();
    let mut value = ValueBuilder::default();
    loop {
        let position = scanner.next_position();
        match scanner.bump() {
            None => {
                return Err(DistinguishedNameError::UnbalancedQuote {
                    position: opening_position,
                })
            }
            Some('"') => break,
            Some('\\') => read_escape(scanner, position, &mut value)?,
            Some(c) => value.push(c, Keep::Always, position)?,
        }
    }
    scanner.skip_ignorable();
    match scanner.peek() {
        None | Some(',' | ';' | '+') => value.finish(),
        Some(_) => Err(DistinguishedNameError::TextAfterQuote {
            position: scanner.next_position(),
        }),
    }
}

/// Reads what follows a backslash (already consumed at `position`).
fn read_escape(
    scanner: &mut Scanner,
    position: usize,
    value: &mut ValueBuilder,
) -> ParseResult<()> {
    let Some(escaped) = scanner.bump() else {
        return Err(DistinguishedNameError::DanglingEscape { position });
    };
    if let Some(high) = escaped.to_digit(16) {
        let low = scanner
            .peek()
            .and_then(|c| c.to_digit(16))
            .ok_or(DistinguishedNameError::InvalidHexEscape { position })?;
        scanner.bump();
        // Two digits below 16 always fit in a byte.
        value.push_byte((high * 16 + low) as u8, position);
        Ok(())
    } else if ESCAPABLE.contains(&escaped) {
        value.push(escaped, Keep::Always, position)
    } else {
        Err(DistinguishedNameError::InvalidEscape {
            position,
            character: escaped,
        })
    }
}

/// Whether a character stays in the value when nothing significant follows it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    Always,
    UnlessTrailing,
}

/// Collects a value: decodes runs of `\XX` escapes as UTF-8 and drops
/// unescaped whitespace at the end.
#[derive(Default)]
struct ValueBuilder {
    text: String,
    /// Length of `text` up to its last character that must be kept.
    kept_len: usize,
    pending_bytes: Vec<u8>,
    pending_position: usize,
}

impl ValueBuilder {
    fn push(&mut self, c: char, keep: Keep, position: usize) -> ParseResult<()> {
        self.decode_pending()?;
        self.push_decoded(c, keep, position)
    }

    fn push_byte(&mut self, byte: u8, position: usize) {
        if self.pending_bytes.is_empty() {
            self.pending_position = position;
        }
        self.pending_bytes.push(byte);
    }

    fn push_decoded(&mut self, c: char, keep: Keep, position: usize) -> ParseResult<()> {
        if c.is_control() {
            return Err(DistinguishedNameError::ControlCharacter {
                position,
                character: c,
            });
        }
        self.text.push(c);
        if keep == Keep::Always {
            self.kept_len = self.text.len();
        }
        Ok(())
    }

    fn decode_pending(&mut self) -> ParseResult<()> {
        if self.pending_bytes.is_empty() {
            return Ok(());
        }
        let position = self.pending_position;
        let decoded = String::from_utf8(std::mem::take(&mut self.pending_bytes))
            .map_err(|_| DistinguishedNameError::InvalidUtf8 { position })?;
        decoded
            .chars()
            .try_for_each(|c| self.push_decoded(c, Keep::Always, position))
    }

    fn finish(mut self) -> ParseResult<String> {
        self.decode_pending()?;
        self.text.truncate(self.kept_len);
        Ok(self.text)
    }
}

/// A character cursor that counts positions (1-based, in characters).
struct Scanner<'a> {
    chars: Peekable<Chars<'a>>,
    consumed: usize,
}

impl<'a> Scanner<'a> {
    fn new(raw: &'a str) -> Self {
        Scanner {
            chars: raw.chars().peekable(),
            consumed: 0,
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.chars.peek().copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        self.consumed += 1;
        Some(c)
    }

    /// Position of the character `peek` shows.
    fn next_position(&self) -> usize {
        self.consumed + 1
    }

    fn skip_ignorable(&mut self) {
        while self.peek().is_some_and(is_edge_ignorable) {
            self.bump();
        }
    }
}

impl fmt::Display for DistinguishedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, rdn) in self.rdns.iter().enumerate() {
            if index > 0 {
                f.write_char(',')?;
            }
            write!(f, "{rdn}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Rdn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, attribute) in self.attributes.iter().enumerate() {
            if index > 0 {
                f.write_char('+')?;
            }
            write!(f, "{attribute}")?;
        }
        Ok(())
    }
}

/// RFC 4514 form: specials escaped with a backslash, a leading `#` and edge
/// spaces escaped, other invisible edge characters hex-escaped so they survive.
impl fmt::Display for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}=", self.attribute_type)?;
        let value = &self.value;
        for (index, c) in value.char_indices() {
            let at_edge = index == 0 || index + c.len_utf8() == value.len();
            match c {
                '\\' | '"' | '+' | ',' | ';' | '<' | '>' => write!(f, "\\{c}")?,
                '#' if index == 0 => f.write_str("\\#")?,
                ' ' if at_edge => f.write_str("\\ ")?,
                c if at_edge && is_edge_ignorable(c) => {
                    let mut buffer = [0; 4];
                    for byte in c.encode_utf8(&mut buffer).bytes() {
                        write!(f, "\\{byte:02X}")?;
                    }
                }
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DistinguishedNameError as E;

    const KEYFACTOR_EXAMPLE: &str =
        r#"CN=websrvr14.keyexample.com,OU=IT,O="Key Example, Inc.",L=Independence,ST=OH,C=US"#;

    fn attributes(raw: &str) -> Vec<Vec<(String, String)>> {
        let name = DistinguishedName::parse(raw).expect("valid DN");
        name.rdns()
            .iter()
            .map(|rdn| {
                rdn.attributes
                    .iter()
                    .map(|a| (a.attribute_type.clone(), a.value.clone()))
                    .collect()
            })
            .collect()
    }

    fn single(raw: &str) -> (String, String) {
        let mut rdns = attributes(raw);
        assert_eq!(rdns.len(), 1, "one RDN expected in {raw:?}");
        let mut attributes = rdns.remove(0);
        assert_eq!(attributes.len(), 1, "one attribute expected in {raw:?}");
        attributes.remove(0)
    }

    fn pair(attribute_type: &str, value: &str) -> (String, String) {
        (attribute_type.to_owned(), value.to_owned())
    }

    fn canonical(raw: &str) -> String {
        DistinguishedName::parse(raw).expect("valid DN").to_string()
    }

    fn error(raw: &str) -> DistinguishedNameError {
        DistinguishedName::parse(raw).expect_err("invalid DN")
    }

    #[test]
    fn parses_keyfactors_example() {
        assert_eq!(
            attributes(KEYFACTOR_EXAMPLE),
            vec![
                vec![pair("CN", "websrvr14.keyexample.com")],
                vec![pair("OU", "IT")],
                vec![pair("O", "Key Example, Inc.")],
                vec![pair("L", "Independence")],
                vec![pair("ST", "OH")],
                vec![pair("C", "US")],
            ]
        );
        assert_eq!(
            canonical(KEYFACTOR_EXAMPLE),
            r"CN=websrvr14.keyexample.com,OU=IT,O=Key Example\, Inc.,L=Independence,ST=OH,C=US"
        );
        let name = DistinguishedName::parse(KEYFACTOR_EXAMPLE).expect("valid DN");
        assert_eq!(name.common_name(), Some("websrvr14.keyexample.com"));
    }

    #[test]
    fn accepts_semicolons_spaces_and_multi_valued_rdns() {
        assert_eq!(
            attributes(" cn = web01 + uid=42 ; o=Example ; c=us "),
            vec![
                vec![pair("CN", "web01"), pair("UID", "42")],
                vec![pair("O", "Example")],
                vec![pair("C", "US")],
            ]
        );
        assert_eq!(
            canonical("cn = web01 + uid=42 ; o=Example"),
            "CN=web01+UID=42,O=Example"
        );
    }

    #[test]
    fn canonicalises_attribute_type_spellings() {
        for (spelling, canonical_name) in [
            ("commonName", "CN"),
            ("S", "ST"),
            ("emailAddress", "E"),
            ("email", "E"),
            ("Title", "T"),
            ("GN", "G"),
            ("givenName", "G"),
            ("surname", "SN"),
            ("i", "INITIALS"),
            ("serialNumber", "SERIALNUMBER"),
            ("street", "STREET"),
            ("dc", "DC"),
            ("PostalCode", "POSTALCODE"),
        ] {
            assert_eq!(single(&format!("{spelling}=x")), pair(canonical_name, "x"));
        }
        assert_eq!(single("2.5.4.3=x"), pair("2.5.4.3", "x"));
        assert_eq!(single("OID.2.5.4.3=x"), pair("2.5.4.3", "x"));
        assert_eq!(
            single("oid.1.2.840.113549.1.9.1=a@b"),
            pair("1.2.840.113549.1.9.1", "a@b")
        );
    }

    #[test]
    fn unescapes_rfc_4514_escapes() {
        assert_eq!(
            single(r#"CN=a\,b\+c\"d\\e\<f\>g\;h\=i"#),
            pair("CN", r#"a,b+c"d\e<f>g;h=i"#)
        );
        assert_eq!(single(r"CN=\#1"), pair("CN", "#1"));
        assert_eq!(single(r"CN=\ padded\ "), pair("CN", " padded "));
        assert_eq!(single(r"CN=caf\C3\A9 \E2\82\AC"), pair("CN", "café €"));
        assert_eq!(single(r"CN=\2c\2B"), pair("CN", ",+"));
    }

    #[test]
    fn trims_unescaped_edge_whitespace_only() {
        assert_eq!(single("CN=  a  b  "), pair("CN", "a  b"));
        assert_eq!(single(r"CN=a \ "), pair("CN", "a  "));
        assert_eq!(single(r"CN=a\20 "), pair("CN", "a "));
        assert_eq!(single("CN=a\u{200E}"), pair("CN", "a"));
        assert_eq!(single(r"CN=\ "), pair("CN", " "));
    }

    #[test]
    fn quoted_values_keep_everything_inside() {
        assert_eq!(single(r#"O=" a, b + c; #d ""#), pair("O", " a, b + c; #d "));
        assert_eq!(
            single(r#"O="say \"hi\" \\ \2C""#),
            pair("O", r#"say "hi" \ ,"#)
        );
        assert_eq!(single(r#"O = "x"  "#), pair("O", "x"));
        assert_eq!(single(r##"O="#x""##), pair("O", "#x"));
    }

    #[test]
    fn accepts_unicode_and_literal_equals_and_angle_brackets() {
        assert_eq!(
            single("CN=Ünïcødé 名前 مرحبا"),
            pair("CN", "Ünïcødé 名前 مرحبا")
        );
        assert_eq!(single("CN=e\u{0301}"), pair("CN", "e\u{0301}"));
        assert_eq!(single("CN=a=b<c>"), pair("CN", "a=b<c>"));
    }

    #[test]
    fn displays_canonical_rfc_4514() {
        assert_eq!(canonical(r#"CN=" lead""#), r"CN=\ lead");
        assert_eq!(canonical(r#"CN="trail ""#), r"CN=trail\ ");
        assert_eq!(canonical(r##"CN="#x#""##), r"CN=\#x#");
        assert_eq!(canonical(r#"CN="a<b>;c""#), r"CN=a\<b\>\;c");
        assert_eq!(canonical(r#"CN="\"q\"""#), r#"CN=\"q\""#);
        assert_eq!(
            canonical("CN=\"\u{00A0}x\u{200E}\""),
            r"CN=\C2\A0x\E2\80\8E"
        );
        assert_eq!(canonical(r"CN=a\=b"), "CN=a=b");
        assert_eq!(canonical(r"CN=\ "), r"CN=\ ");
    }

    #[test]
    fn display_round_trips() {
        for raw in [
            KEYFACTOR_EXAMPLE,
            r#"CN=" lead, trail "+O=\#\\x;C=de"#,
            "CN=\"\u{3000}ideographic\u{3000}\"",
            r"CN=\ ",
        ] {
            let parsed = DistinguishedName::parse(raw).expect("valid DN");
            assert_eq!(DistinguishedName::parse(&parsed.to_string()), Ok(parsed));
        }
    }

    #[test]
    fn common_name_is_the_first_cn_or_none() {
        let name = DistinguishedName::parse("OU=x+CN=first,CN=second").expect("valid DN");
        assert_eq!(name.common_name(), Some("first"));
        let without = DistinguishedName::parse("O=Example,C=US").expect("valid DN");
        assert_eq!(without.common_name(), None);
    }

    #[test]
    fn rejects_empty_input() {
        assert_eq!(error(""), E::Empty);
        assert_eq!(error(" \u{200E} "), E::Empty);
        assert_eq!(error("").position(), None);
        assert_eq!(
            error("").to_string(),
            "Enter a subject name, e.g. CN=web01.example.com,O=Example,C=US."
        );
    }

    #[test]
    fn rejects_empty_rdns_at_the_separator() {
        assert_eq!(error(",CN=a"), E::EmptyRdn { position: 1 });
        assert_eq!(error("CN=a,,O=b"), E::EmptyRdn { position: 6 });
        assert_eq!(error("CN=a, "), E::EmptyRdn { position: 5 });
        assert_eq!(error("CN=a+;O=b"), E::EmptyRdn { position: 6 });
        assert_eq!(
            error("CN=a,").to_string(),
            "Empty part at position 5: remove the extra separator or add a TYPE=value pair there."
        );
    }

    #[test]
    fn explains_a_missing_equals_sign() {
        assert_eq!(
            error("CN=a,O=Key Example, Inc."),
            E::MissingEquals {
                position: 21,
                attribute_type: "Inc.".to_owned()
            }
        );
        assert_eq!(
            error("CN").to_string(),
            "Expected '=' after 'CN' at position 1; each part looks like TYPE=value. If a value contains a comma, escape it as \\, or put the value in quotes."
        );
    }

    #[test]
    fn rejects_missing_and_unknown_attribute_types() {
        assert_eq!(error("CN=a, =b"), E::MissingAttributeType { position: 7 });
        assert_eq!(
            error("=b").to_string(),
            "The attribute type is missing before the '=' at position 1, e.g. CN=value."
        );
        assert_eq!(
            error("CN=a,XX=b"),
            E::UnknownAttributeType {
                position: 6,
                attribute_type: "XX".to_owned()
            }
        );
        assert_eq!(
            error("XX=b").to_string(),
            "Unknown attribute type 'XX' at position 1; use e.g. CN, OU, O, L, ST, C or a dotted OID."
        );
        assert_eq!(
            error("C\u{200B}N=x").to_string(),
            "Unknown attribute type 'CU+200BN' at position 1; use e.g. CN, OU, O, L, ST, C or a dotted OID."
        );
    }

    #[test]
    fn rejects_malformed_oids() {
        for oid in ["2..5", "2.5.", "2", "2.05.4", "2.5.x", "OID.2.5."] {
            assert_eq!(
                error(&format!("{oid}=x")),
                E::InvalidOid {
                    position: 1,
                    oid: oid.to_owned()
                },
                "{oid}"
            );
        }
        assert_eq!(
            error("O=a,2..5=x").to_string(),
            "'2..5' at position 5 is not a valid OID; write numbers separated by single dots, e.g. 2.5.4.3."
        );
        assert_eq!(single("0.9.2342=x"), pair("0.9.2342", "x"));
    }

    #[test]
    fn rejects_empty_values() {
        assert_eq!(
            error("CN=a,O=,C=US"),
            E::EmptyValue {
                position: 6,
                attribute_type: "O".to_owned()
            }
        );
        assert_eq!(
            error(r#"CN="""#),
            E::EmptyValue {
                position: 1,
                attribute_type: "CN".to_owned()
            }
        );
        assert_eq!(
            error("cn=   ").to_string(),
            "CN at position 1 has no value."
        );
    }

    #[test]
    fn country_must_be_two_letters() {
        assert_eq!(
            error("CN=a,C=USA"),
            E::InvalidCountry {
                position: 8,
                value: "USA".to_owned()
            }
        );
        assert!(matches!(error("C=U1"), E::InvalidCountry { .. }));
        assert!(matches!(error("C=ÜS"), E::InvalidCountry { .. }));
        assert_eq!(
            error("C=U").to_string(),
            "The country (C) at position 3 must be a two-letter code such as US; found 'U'."
        );
    }

    #[test]
    fn rejects_ber_values() {
        assert_eq!(error("CN=#04024869"), E::BerValue { position: 4 });
        assert_eq!(
            error("CN= #04").to_string(),
            "Values starting with '#' (hex-encoded BER) are not supported (position 5); write \\# for a literal '#'."
        );
        assert_eq!(single("CN=a#b"), pair("CN", "a#b"));
    }

    #[test]
    fn rejects_quote_problems() {
        assert_eq!(
            error(r#"O="Key Example, Inc."#),
            E::UnbalancedQuote { position: 3 }
        );
        assert_eq!(
            error(r#"O="abc\""#).to_string(),
            "The quote at position 3 is never closed."
        );
        assert_eq!(
            error(r#"O=Key "Example""#),
            E::UnescapedQuote { position: 7 }
        );
        assert_eq!(
            error(r#"O=a""#).to_string(),
            "The quote at position 4 must be escaped as \\\", or the whole value put in quotes."
        );
        assert_eq!(
            error(r#"O="Key" Example"#),
            E::TextAfterQuote { position: 9 }
        );
        assert_eq!(
            error(r#"O="a"b"#).to_string(),
            "Unexpected text at position 6 after a closing quote; separate parts with ','."
        );
    }

    #[test]
    fn rejects_bad_escapes() {
        assert_eq!(error(r"CN=abc\"), E::DanglingEscape { position: 7 });
        assert_eq!(
            error(r"CN=\").to_string(),
            "The backslash at position 4 has nothing after it; write \\\\ for a literal backslash."
        );
        assert_eq!(
            error(r"CN=a\qb"),
            E::InvalidEscape {
                position: 5,
                character: 'q'
            }
        );
        assert_eq!(
            error(r"CN=a\qb").to_string(),
            "The escape at position 5 ('\\' followed by 'q') is not valid; write \\\\ for a literal backslash."
        );
        assert_eq!(error(r"CN=a\4"), E::InvalidHexEscape { position: 5 });
        assert_eq!(error(r"CN=a\4x"), E::InvalidHexEscape { position: 5 });
        assert_eq!(
            error(r"CN=\4").to_string(),
            "The escape at position 4 needs two hexadecimal digits, e.g. \\2C."
        );
        assert_eq!(error(r"CN=a\C3\28"), E::InvalidUtf8 { position: 5 });
        assert_eq!(error(r"CN=a\C3b"), E::InvalidUtf8 { position: 5 });
        assert_eq!(
            error(r"CN=\FF").to_string(),
            "The hex escapes starting at position 4 do not form valid UTF-8 text."
        );
    }

    #[test]
    fn rejects_control_characters() {
        assert_eq!(
            error("CN=a\u{0007}b"),
            E::ControlCharacter {
                position: 5,
                character: '\u{0007}'
            }
        );
        assert_eq!(
            error(r"CN=a\00"),
            E::ControlCharacter {
                position: 5,
                character: '\u{0000}'
            }
        );
        assert_eq!(
            error("CN=\"a\nb\"").to_string(),
            "A subject name cannot contain control characters; found the invisible character U+000A at position 6."
        );
    }

    #[test]
    fn every_positioned_error_reports_its_position() {
        assert_eq!(error("CN=a,,O=b").position(), Some(6));
        assert_eq!(error(r"CN=a\qb").position(), Some(5));
    }
}
