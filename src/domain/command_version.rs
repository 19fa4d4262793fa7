//! Which Keyfactor Command the portal talks to, and the wire rules that follow from it: list-parameter
//! spelling (v10's `pq.` prefixes, unprefixed from v11), templates (≤ v24) vs enrollment patterns (v25),
//! renewal flag sets (v25); see `docs/api-coverage.md`.

use std::fmt;
use std::str::FromStr;

/// A Command release, `major.minor` (build numbers do not change the contract).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CommandVersion {
    pub major: u32,
    pub minor: u32,
}

impl Default for CommandVersion {
    /// 10.5: what Keyfactor's own auth client assumes when the server sends no version header.
    fn default() -> Self {
        Self {
            major: 10,
            minor: 5,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a Keyfactor Command version; write it like 10.5 or 25.1")]
pub struct VersionParseError(String);

impl FromStr for CommandVersion {
    type Err = VersionParseError;

    /// Config strings (`"10"`, `"25.1"`) and the `x-keyfactor-product-version` header, which real servers
    /// send as `25.4.1+<build hash>`, `25.5.1` or four parts like `10.5.0.0` (docs/observed/README.md,
    /// divergence 16): SemVer build metadata is dropped, a missing minor is 0, parts after the minor are
    /// ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || VersionParseError(text.to_owned());
        let number = |part: &str| -> Result<u32, VersionParseError> {
            // `u32::from_str` alone would accept a leading '+'.
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(error());
            }
            part.parse().map_err(|_| error())
        };
        let release = text.trim().split('+').next().unwrap_or_default();
        let mut parts = release.split('.');
        let major = number(parts.next().unwrap_or_default())?;
        let minor = parts.next().map_or(Ok(0), number)?;
        Ok(Self { major, minor })
    }
}

impl CommandVersion {
    /// From the `x-keyfactor-product-version` response header; absent or unreadable means 10.5, as in
    /// Keyfactor's own client (an unreadable header must not stop the portal).
    pub fn from_header(value: Option<&str>) -> Self {
        value.and_then(|text| text.parse().ok()).unwrap_or_default()
    }

    /// v25 replaced templates with enrollment patterns: renewal and reenrollment send
    /// `EnrollmentPatternId` instead of `Template` / `CertificateTemplate`.
    pub fn uses_enrollment_patterns(self) -> bool {
        self.major >= 25
    }

    /// v10 spells list parameters with an endpoint prefix (`pq.queryString`); v11 and later unprefixed.
    pub fn prefixed_list_params(self) -> bool {
        self.major <= 10
    }

    /// v25 documents `AvailableRenewalType` as OR-able flags (adds 4 = Seeded CSR).
    pub fn renewal_flags(self) -> bool {
        self.major >= 25
    }
}

impl fmt::Display for CommandVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_product_version_headers_parse() {
        for (header, major, minor) in [
            ("25.4.1+dc0db2c8af1baf68b4c0043ec0f0f41a77aee11e", 25, 4),
            ("25.5.1", 25, 5),
            ("10.5.0.0", 10, 5),
            (" 24.4 ", 24, 4),
            ("11+build.7", 11, 0),
        ] {
            assert_eq!(
                CommandVersion::from_header(Some(header)),
                CommandVersion { major, minor },
                "{header}"
            );
        }
        assert!("25.x".parse::<CommandVersion>().is_err());
        assert!("+25".parse::<CommandVersion>().is_err());
    }

    fn version(major: u32, minor: u32) -> CommandVersion {
        CommandVersion { major, minor }
    }

    #[test]
    fn parses_header_and_config_forms() {
        for (text, expected) in [
            ("25.1.1.0", version(25, 1)),
            ("10.5.0.0", version(10, 5)),
            ("10", version(10, 0)),
            ("25.1", version(25, 1)),
            (" 12.4 ", version(12, 4)),
        ] {
            assert_eq!(text.parse::<CommandVersion>(), Ok(expected), "{text}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_version() {
        for text in [
            "",
            "latest",
            "25,1",
            "v25",
            "25.x",
            "+25",
            "25..1",
            "99999999999",
        ] {
            let err = text.parse::<CommandVersion>().unwrap_err();
            assert!(
                err.to_string().contains("like 10.5 or 25.1"),
                "{text}: {err}"
            );
        }
    }

    #[test]
    fn missing_or_unreadable_header_means_10_5() {
        assert_eq!(CommandVersion::from_header(None), version(10, 5));
        assert_eq!(CommandVersion::from_header(Some("unknown")), version(10, 5));
        assert_eq!(
            CommandVersion::from_header(Some("25.1.1.0")),
            version(25, 1)
        );
    }

    #[test]
    fn rules_switch_at_the_documented_versions() {
        let v10 = version(10, 5);
        let v11 = version(11, 0);
        let v24 = version(24, 4);
        let v25 = version(25, 1);
        assert!(
            v10.prefixed_list_params()
                && !v11.prefixed_list_params()
                && !v25.prefixed_list_params()
        );
        assert!(!v24.uses_enrollment_patterns() && v25.uses_enrollment_patterns());
        assert!(!v24.renewal_flags() && v25.renewal_flags());
    }

    #[test]
    fn displays_major_dot_minor() {
        assert_eq!(version(25, 1).to_string(), "25.1");
    }
}
