//! Character helpers shared by every parser: trimming pasted input and naming
//! offending characters in a way that is safe to show next to a form field.

/// Characters a user does not see but copy along when pasting: Windows certmgr
/// puts a left-to-right mark in front of thumbprints, and editors add BOMs.
const PASTE_MARKS: [char; 3] = ['\u{200E}', '\u{200F}', '\u{FEFF}'];

/// Longest piece of user text repeated inside a message, so a 10,000-character
/// paste does not turn into a 10,000-character error.
const EXCERPT_CHARS: usize = 32;

/// Whitespace or an invisible paste mark: dropped at the edges of input.
pub(crate) fn is_edge_ignorable(c: char) -> bool {
    c.is_whitespace() || PASTE_MARKS.contains(&c)
}

/// Control characters plus the Unicode bidirectional controls, which can make
/// text display in a different order than it is stored (spoofing).
pub(crate) fn is_control_or_bidi(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that would be invisible, or would merge with the quotes around
/// them, if shown literally in a message.
fn is_invisible(c: char) -> bool {
    (c.is_whitespace() && c != ' ')
        || is_control_or_bidi(c)
        || matches!(c,
            // format characters: soft hyphen, zero-width and word joiners, BOM, tags
            '\u{00AD}' | '\u{180E}' | '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}'
            | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}'
            // combining marks and variation selectors attach to the previous character
            | '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}' | '\u{FE00}'..='\u{FE0F}' | '\u{FE20}'..='\u{FE2F}'
            | '\u{E0100}'..='\u{E01EF}')
}

/// Names a character for a message: `'g'`, `a space`, or
/// `the invisible character U+202E` for anything that would not show.
pub(crate) fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        c if is_invisible(c) => format!("the invisible character U+{:04X}", u32::from(c)),
        c => format!("'{c}'"),
    }
}

/// Quotes user text for a message: invisible characters become `U+XXXX`, and
/// long text is cut short with an ellipsis.
pub(crate) fn excerpt(text: &str) -> String {
    let mut shown = String::from("'");
    for (index, c) in text.chars().enumerate() {
        if index == EXCERPT_CHARS {
            shown.push('…');
            break;
        }
        if is_invisible(c) {
            shown.push_str(&format!("U+{:04X}", u32::from(c)));
        } else {
            shown.push(c);
        }
    }
    shown.push('\'');
    shown
}

/// Input with whitespace and paste marks trimmed from both ends, remembering
/// how many characters were cut from the front so errors can point at the
/// position the user sees in the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Trimmed<'a> {
    pub text: &'a str,
    offset: usize,
}

impl<'a> Trimmed<'a> {
    pub fn new(raw: &'a str) -> Self {
        let text = raw.trim_start_matches(is_edge_ignorable);
        let offset = raw.chars().count() - text.chars().count();
        Trimmed {
            text: text.trim_end_matches(is_edge_ignorable),
            offset,
        }
    }

    /// 1-based position in the raw input of the char at `char_index` in `text`.
    pub fn position(&self, char_index: usize) -> usize {
        self.offset.saturating_add(char_index).saturating_add(1)
    }
}

/// A query string value with everything but RFC 3986's unreserved characters percent-encoded, so a link
/// built from user text is plain ASCII that cannot end the value or the attribute it is written into.
pub(crate) fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(byte).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_characters_are_quoted() {
        assert_eq!(describe_char('g'), "'g'");
        assert_eq!(describe_char('é'), "'é'");
    }

    #[test]
    fn space_is_named() {
        assert_eq!(describe_char(' '), "a space");
    }

    #[test]
    fn invisible_characters_show_their_code_point() {
        assert_eq!(describe_char('\u{202E}'), "the invisible character U+202E");
        assert_eq!(describe_char('\u{0007}'), "the invisible character U+0007");
        assert_eq!(describe_char('\t'), "the invisible character U+0009");
        assert_eq!(describe_char('\u{0301}'), "the invisible character U+0301");
        assert_eq!(
            describe_char('\u{E0041}'),
            "the invisible character U+E0041"
        );
    }

    #[test]
    fn excerpt_escapes_invisible_and_truncates() {
        assert_eq!(excerpt("a\u{200B}b"), "'aU+200Bb'");
        let long = "x".repeat(1000);
        assert_eq!(excerpt(&long), format!("'{}…'", "x".repeat(32)));
        assert_eq!(excerpt(&"x".repeat(32)), format!("'{}'", "x".repeat(32)));
    }

    #[test]
    fn trimming_drops_paste_marks_and_counts_the_front() {
        let trimmed = Trimmed::new("\u{200E} \u{FEFF}ab\u{200F}\t ");
        assert_eq!(trimmed.text, "ab");
        assert_eq!(trimmed.position(0), 4);
        assert_eq!(trimmed.position(1), 5);
    }

    #[test]
    fn trimming_keeps_inner_whitespace() {
        assert_eq!(Trimmed::new("  a b  ").text, "a b");
        assert_eq!(Trimmed::new(" \u{200E} ").text, "");
    }
}
