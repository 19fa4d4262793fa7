//! Keyfactor certificate id (`CertificateId`, int32 in every spec version).

use std::fmt;

use super::text::{describe_char, Trimmed};

/// A Keyfactor certificate id: a whole number from 1 to `i32::MAX`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CertificateId(i32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateIdError {
    #[error("Enter a certificate ID, e.g. 1234.")]
    Empty,
    #[error("Leave out the '+': a certificate ID is a whole number such as 1234.")]
    PlusSign,
    #[error("A certificate ID cannot be negative; IDs start at 1.")]
    Negative,
    #[error("A certificate ID is a whole number, without decimals or separators.")]
    NotWholeNumber,
    #[error("A certificate ID has only digits; found {}.", describe_char(*.character))]
    NotADigit { character: char },
    #[error("Certificate IDs start at 1.")]
    Zero,
    #[error("That number is too large; certificate IDs go up to 2147483647.")]
    TooLarge,
}

impl CertificateId {
    pub fn parse(raw: &str) -> Result<Self, CertificateIdError> {
        let text = Trimmed::new(raw).text;
        if text.is_empty() {
            return Err(CertificateIdError::Empty);
        }
        let (sign, digits) = match text.strip_prefix(['+', '-']) {
            Some(rest) => (text.chars().next(), rest),
            None => (None, text),
        };
        if let Some(character) = digits.chars().find(|c| !c.is_ascii_digit()) {
            let only_digits_and_separators = digits
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == ',');
            return Err(
                if only_digits_and_separators && digits.chars().any(|c| c.is_ascii_digit()) {
                    CertificateIdError::NotWholeNumber
                } else {
                    CertificateIdError::NotADigit { character }
                },
            );
        }
        match sign {
            Some('+') => return Err(CertificateIdError::PlusSign),
            Some(_) => return Err(CertificateIdError::Negative),
            None => {}
        }
        // Only ASCII digits remain, so the only way `parse` can fail is overflow.
        let value: i32 = digits.parse().map_err(|_| CertificateIdError::TooLarge)?;
        if value == 0 {
            return Err(CertificateIdError::Zero);
        }
        Ok(CertificateId(value))
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

impl fmt::Display for CertificateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_message(raw: &str) -> String {
        CertificateId::parse(raw)
            .expect_err("input should be rejected")
            .to_string()
    }

    #[test]
    fn accepts_whole_numbers_with_surrounding_whitespace() {
        assert_eq!(
            CertificateId::parse("1234").map(CertificateId::get),
            Ok(1234)
        );
        assert_eq!(
            CertificateId::parse("  42\n").map(CertificateId::get),
            Ok(42)
        );
        assert_eq!(CertificateId::parse("0007").map(CertificateId::get), Ok(7));
        assert_eq!(CertificateId::parse("1").map(CertificateId::get), Ok(1));
        assert_eq!(
            CertificateId::parse("2147483647").map(CertificateId::get),
            Ok(i32::MAX)
        );
    }

    #[test]
    fn display_is_the_plain_number() {
        assert_eq!(
            CertificateId::parse("0042").map(|id| id.to_string()),
            Ok("42".to_owned())
        );
    }

    #[test]
    fn rejects_empty_input() {
        assert_eq!(CertificateId::parse(""), Err(CertificateIdError::Empty));
        assert_eq!(CertificateId::parse(" \t "), Err(CertificateIdError::Empty));
        assert_eq!(error_message(""), "Enter a certificate ID, e.g. 1234.");
    }

    #[test]
    fn rejects_signs() {
        assert_eq!(
            CertificateId::parse("+5"),
            Err(CertificateIdError::PlusSign)
        );
        assert_eq!(CertificateId::parse("+"), Err(CertificateIdError::PlusSign));
        assert_eq!(
            CertificateId::parse("-5"),
            Err(CertificateIdError::Negative)
        );
        assert_eq!(
            CertificateId::parse("-0"),
            Err(CertificateIdError::Negative)
        );
        assert_eq!(
            error_message("+5"),
            "Leave out the '+': a certificate ID is a whole number such as 1234."
        );
        assert_eq!(
            error_message("-5"),
            "A certificate ID cannot be negative; IDs start at 1."
        );
    }

    #[test]
    fn rejects_decimals_and_separators() {
        assert_eq!(
            CertificateId::parse("12.5"),
            Err(CertificateIdError::NotWholeNumber)
        );
        assert_eq!(
            CertificateId::parse("1,234"),
            Err(CertificateIdError::NotWholeNumber)
        );
        assert_eq!(
            CertificateId::parse("-1.0"),
            Err(CertificateIdError::NotWholeNumber)
        );
        assert_eq!(
            error_message("12.0"),
            "A certificate ID is a whole number, without decimals or separators."
        );
    }

    #[test]
    fn names_the_first_non_digit() {
        assert_eq!(
            CertificateId::parse("12a4"),
            Err(CertificateIdError::NotADigit { character: 'a' })
        );
        assert_eq!(
            error_message("1e3"),
            "A certificate ID has only digits; found 'e'."
        );
        assert_eq!(
            error_message("12 34"),
            "A certificate ID has only digits; found a space."
        );
        assert_eq!(
            error_message("1\u{202E}2"),
            "A certificate ID has only digits; found the invisible character U+202E."
        );
        // Non-ASCII digits are digits to Unicode, but not to Keyfactor.
        assert_eq!(
            error_message("١٢"),
            "A certificate ID has only digits; found '١'."
        );
        assert_eq!(
            error_message("."),
            "A certificate ID has only digits; found '.'."
        );
    }

    #[test]
    fn rejects_zero() {
        assert_eq!(CertificateId::parse("0"), Err(CertificateIdError::Zero));
        assert_eq!(CertificateId::parse("000"), Err(CertificateIdError::Zero));
        assert_eq!(error_message("0"), "Certificate IDs start at 1.");
    }

    #[test]
    fn rejects_numbers_beyond_int32() {
        assert_eq!(
            CertificateId::parse("2147483648"),
            Err(CertificateIdError::TooLarge)
        );
        assert_eq!(
            CertificateId::parse(&"9".repeat(10_000)),
            Err(CertificateIdError::TooLarge)
        );
        assert_eq!(
            error_message("99999999999"),
            "That number is too large; certificate IDs go up to 2147483647."
        );
    }
}
