//! Certificate authority as renew and reenrollment requests take it: `host\logical-name`, where the host
//! is a DNS name or, for CAs behind a gateway, a URL (`http://ejbca-ca.example:8082/ejbca\Sub-CA`,
//! recorded on Command 25.4.1; docs/observed/README.md, divergence 13), split on the last backslash. A
//! logical name alone is accepted too: Command 25.x enrolled with `"CertificateAuthority":"Sub-CA"`, and
//! whether `Context/My` names CAs with their host is not known, so a name Keyfactor handed out is never
//! refused here; Command has the last word.

use std::fmt;

use super::text::{describe_char, excerpt, is_control_or_bidi, Trimmed};

const MAX_HOST_CHARS: usize = 253;
const MAX_LABEL_CHARS: usize = 63;
const MAX_LOGICAL_NAME_CHARS: usize = 64;

/// Longest URL-shaped host accepted (well above any real gateway address).
const MAX_URL_HOST_CHARS: usize = 2048;

/// A CA reference `host\logical-name` (Keyfactor's `HostName` + `\` + `LogicalName`), or the logical
/// name alone. In JSON the single backslash is written `\\`; serde does that.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CertificateAuthority {
    value: String,
    /// Byte index of the backslash in `value`; `None` for a logical name alone.
    separator: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateAuthorityError {
    #[error("Enter the certificate authority as host\\logical-name, e.g. ca01.corp.local\\CorpIssuingCA.")]
    Empty,
    #[error("Use a backslash (\\), not a forward slash (/), between the host and the logical name, e.g. ca01.corp.local\\CorpIssuingCA.")]
    ForwardSlash,
    #[error("Use a single backslash between the host and the logical name; a double backslash is only how JSON writes it.")]
    DoubledBackslash,
    #[error("Use exactly one backslash, between the host and the logical name; this has {count}.")]
    TooManyBackslashes { count: usize },
    #[error("The host name before the backslash is missing, e.g. ca01.corp.local\\CorpIssuingCA.")]
    EmptyHost,
    #[error("The CA's logical name after the backslash is missing, e.g. ca01.corp.local\\CorpIssuingCA.")]
    EmptyLogicalName,
    #[error(
        "The host name contains {}; use only letters, digits, hyphens and dots.",
        describe_char(*.character)
    )]
    HostCharacter { character: char },
    #[error("The host name has an empty part (two dots in a row, or a dot at the start or end).")]
    HostEmptyLabel,
    #[error(
        "The host name part {} is {length} characters; each part between dots can have at most 63.",
        excerpt(.label)
    )]
    HostLabelTooLong { label: String, length: usize },
    #[error("The host name part '{label}' starts or ends with a hyphen, which DNS names cannot.")]
    HostLabelHyphen { label: String },
    #[error("The host name is {length} characters; DNS names can have at most 253.")]
    HostTooLong { length: usize },
    #[error("The host {} starts like a web address but is not one: use http(s)://name[:port][/path].", excerpt(.host))]
    HostUrl { host: String },
    #[error("The logical name is {length} characters; at most 64 are allowed.")]
    LogicalNameTooLong { length: usize },
    #[error("The logical name contains {}, which is not allowed.", describe_char(*.character))]
    LogicalNameControl { character: char },
}

impl CertificateAuthority {
    pub fn parse(raw: &str) -> Result<Self, CertificateAuthorityError> {
        let text = Trimmed::new(raw).text;
        if text.is_empty() {
            return Err(CertificateAuthorityError::Empty);
        }
        let Some((host, logical_name)) = text.rsplit_once('\\') else {
            if text.contains('/') {
                return Err(CertificateAuthorityError::ForwardSlash);
            }
            validate_logical_name(text)?;
            return Ok(CertificateAuthority {
                value: text.to_owned(),
                separator: None,
            });
        };
        // Neither a DNS name nor a URL holds a backslash, so more than one is a typing slip.
        let count = text.matches('\\').count();
        if count > 1 {
            return Err(if count == 2 && text.contains("\\\\") {
                CertificateAuthorityError::DoubledBackslash
            } else {
                CertificateAuthorityError::TooManyBackslashes { count }
            });
        }
        let host = Trimmed::new(host).text;
        let logical_name = Trimmed::new(logical_name).text;
        validate_host(host)?;
        validate_logical_name(logical_name)?;
        Ok(CertificateAuthority {
            value: format!("{host}\\{logical_name}"),
            separator: Some(host.len()),
        })
    }

    /// The DNS name or URL before the backslash, if there is one.
    pub fn host(&self) -> Option<&str> {
        self.separator.map(|separator| &self.value[..separator])
    }

    pub fn logical_name(&self) -> &str {
        self.separator.map_or(self.value.as_str(), |separator| {
            &self.value[separator + 1..]
        })
    }

    /// The wire form `host\logical-name` (or the logical name alone).
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// A DNS name, or an `http(s)://` URL whose authority is one (with an optional port) and whose path has
/// no white space or control characters.
fn validate_host(host: &str) -> Result<(), CertificateAuthorityError> {
    let lower = host.get(..8).unwrap_or(host).to_ascii_lowercase();
    let Some(rest) = ["http://", "https://"]
        .into_iter()
        .find(|scheme| lower.starts_with(scheme))
        .map(|scheme| &host[scheme.len()..])
    else {
        return validate_dns_name(host);
    };
    let not_a_url = || CertificateAuthorityError::HostUrl {
        host: host.to_owned(),
    };
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (name, port) = authority.split_once(':').unwrap_or((authority, "80"));
    let port_ok = !port.is_empty()
        && port.len() <= 5
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u16>().is_ok_and(|port| port > 0);
    let path_ok = path
        .chars()
        .all(|c| !c.is_whitespace() && !is_control_or_bidi(c));
    if host.len() > MAX_URL_HOST_CHARS || !port_ok || !path_ok || validate_dns_name(name).is_err() {
        return Err(not_a_url());
    }
    Ok(())
}

/// A DNS name: dot-separated labels of letters, digits and inner hyphens.
/// A single label (a short host name) is allowed.
fn validate_dns_name(host: &str) -> Result<(), CertificateAuthorityError> {
    if host.is_empty() {
        return Err(CertificateAuthorityError::EmptyHost);
    }
    if let Some(character) = host
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || c == '-' || c == '.'))
    {
        return Err(CertificateAuthorityError::HostCharacter { character });
    }
    // Only ASCII remains, so byte lengths are character counts.
    for label in host.split('.') {
        if label.is_empty() {
            return Err(CertificateAuthorityError::HostEmptyLabel);
        }
        if label.len() > MAX_LABEL_CHARS {
            return Err(CertificateAuthorityError::HostLabelTooLong {
                label: label.to_owned(),
                length: label.len(),
            });
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(CertificateAuthorityError::HostLabelHyphen {
                label: label.to_owned(),
            });
        }
    }
    if host.len() > MAX_HOST_CHARS {
        return Err(CertificateAuthorityError::HostTooLong { length: host.len() });
    }
    Ok(())
}

/// AD CA names may contain spaces, so only emptiness, length and control characters are checked.
fn validate_logical_name(logical_name: &str) -> Result<(), CertificateAuthorityError> {
    if logical_name.is_empty() {
        return Err(CertificateAuthorityError::EmptyLogicalName);
    }
    if let Some(character) = logical_name.chars().find(|&c| is_control_or_bidi(c)) {
        return Err(CertificateAuthorityError::LogicalNameControl { character });
    }
    let length = logical_name.chars().count();
    if length > MAX_LOGICAL_NAME_CHARS {
        return Err(CertificateAuthorityError::LogicalNameTooLong { length });
    }
    Ok(())
}

impl fmt::Display for CertificateAuthority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CertificateAuthorityError as E;

    fn parsed(raw: &str) -> Result<(String, String), CertificateAuthorityError> {
        CertificateAuthority::parse(raw).map(|ca| {
            (
                ca.host().unwrap_or_default().to_owned(),
                ca.logical_name().to_owned(),
            )
        })
    }

    fn message(raw: &str) -> String {
        CertificateAuthority::parse(raw)
            .expect_err("input should be rejected")
            .to_string()
    }

    fn pair(host: &str, logical_name: &str) -> Result<(String, String), CertificateAuthorityError> {
        Ok((host.to_owned(), logical_name.to_owned()))
    }

    #[test]
    fn splits_host_and_logical_name() {
        assert_eq!(
            parsed("ca01.corp.local\\CorpIssuingCA"),
            pair("ca01.corp.local", "CorpIssuingCA")
        );
        let ca = CertificateAuthority::parse("corpca01.keyexample.com\\CorpIssuingCA1")
            .expect("valid CA");
        assert_eq!(ca.to_string(), "corpca01.keyexample.com\\CorpIssuingCA1");
        assert_eq!(ca.as_str(), "corpca01.keyexample.com\\CorpIssuingCA1");
    }

    #[test]
    fn accepts_single_label_hosts_and_spaces_in_logical_names() {
        assert_eq!(
            parsed("CA01\\Corp Issuing CA 2"),
            pair("CA01", "Corp Issuing CA 2")
        );
        assert_eq!(parsed("10.0.0.5\\Root"), pair("10.0.0.5", "Root"));
    }

    #[test]
    fn trims_around_the_parts() {
        assert_eq!(
            parsed("  ca01.corp.local \\ Corp CA \n"),
            pair("ca01.corp.local", "Corp CA")
        );
    }

    #[test]
    fn a_logical_name_alone_is_accepted() {
        // Command 25.x enrolled with `"CertificateAuthority":"Sub-CA"`.
        let ca = CertificateAuthority::parse(" Sub-CA ").unwrap();
        assert_eq!(
            (ca.host(), ca.logical_name(), ca.as_str()),
            (None, "Sub-CA", "Sub-CA")
        );
        assert_eq!(
            parsed("Corp\u{0007}CA").unwrap_err(),
            E::LogicalNameControl {
                character: '\u{0007}'
            }
        );
    }

    #[test]
    fn url_shaped_hosts_as_real_servers_hand_them_out_are_accepted() {
        for (raw, host, logical_name) in [
            (
                r"http://ejbca-ca.int25-4-1.svc.cluster.local:8082/ejbca\Sub-CA",
                "http://ejbca-ca.int25-4-1.svc.cluster.local:8082/ejbca",
                "Sub-CA",
            ),
            (
                r"https://gateway-gateway-certinext.127.0.0.1.nip.io/AnyGatewayREST/ejbca\certinext-caplugin",
                "https://gateway-gateway-certinext.127.0.0.1.nip.io/AnyGatewayREST/ejbca",
                "certinext-caplugin",
            ),
            (
                r"HTTPS://gw01.keyexample.com\Cloud CA",
                "HTTPS://gw01.keyexample.com",
                "Cloud CA",
            ),
        ] {
            assert_eq!(parsed(raw), pair(host, logical_name), "{raw}");
        }
    }

    #[test]
    fn broken_urls_are_explained() {
        for raw in [
            r"http://\CA",
            r"https://ca01:99999/x\CA",
            r"http://ca01:/x\CA",
            r"http://ca 01/x\CA",
            r"http://ca01/a b\CA",
            r"http://ca_01/\CA",
        ] {
            assert!(matches!(parsed(raw), Err(E::HostUrl { .. })), "{raw}");
        }
        assert_eq!(
            message(r"http://ca 01\CA"),
            "The host 'http://ca 01' starts like a web address but is not one: use http(s)://name[:port][/path]."
        );
    }

    #[test]
    fn an_empty_name_is_explained() {
        assert_eq!(
            message(" "),
            "Enter the certificate authority as host\\logical-name, e.g. ca01.corp.local\\CorpIssuingCA."
        );
    }

    #[test]
    fn recognises_a_forward_slash() {
        assert_eq!(
            parsed("ca01.corp.local/CorpIssuingCA"),
            Err(E::ForwardSlash)
        );
        assert_eq!(
            message("ca01/CA"),
            "Use a backslash (\\), not a forward slash (/), between the host and the logical name, e.g. ca01.corp.local\\CorpIssuingCA."
        );
    }

    #[test]
    fn recognises_json_style_double_backslash() {
        assert_eq!(
            parsed("ca01.corp.local\\\\CorpIssuingCA"),
            Err(E::DoubledBackslash)
        );
        assert_eq!(
            message("a\\\\b"),
            "Use a single backslash between the host and the logical name; a double backslash is only how JSON writes it."
        );
        assert_eq!(parsed("a\\b\\c"), Err(E::TooManyBackslashes { count: 2 }));
        assert_eq!(
            message("a\\b\\c\\d"),
            "Use exactly one backslash, between the host and the logical name; this has 3."
        );
    }

    #[test]
    fn rejects_empty_parts() {
        assert_eq!(parsed("\\CorpIssuingCA"), Err(E::EmptyHost));
        assert_eq!(parsed("ca01\\  "), Err(E::EmptyLogicalName));
        assert_eq!(
            message("\\CA"),
            "The host name before the backslash is missing, e.g. ca01.corp.local\\CorpIssuingCA."
        );
        assert_eq!(
            message("ca01\\"),
            "The CA's logical name after the backslash is missing, e.g. ca01.corp.local\\CorpIssuingCA."
        );
    }

    #[test]
    fn rejects_bad_host_names() {
        assert_eq!(
            parsed("ca_01\\CA"),
            Err(E::HostCharacter { character: '_' })
        );
        assert_eq!(
            message("ca 01\\CA"),
            "The host name contains a space; use only letters, digits, hyphens and dots."
        );
        assert_eq!(parsed("ca01..corp\\CA"), Err(E::HostEmptyLabel));
        assert_eq!(parsed("ca01.corp.\\CA"), Err(E::HostEmptyLabel));
        assert_eq!(
            message(".ca01\\CA"),
            "The host name has an empty part (two dots in a row, or a dot at the start or end)."
        );
        assert_eq!(
            parsed("-ca01.corp\\CA"),
            Err(E::HostLabelHyphen {
                label: "-ca01".to_owned()
            })
        );
        assert_eq!(
            message("ca01.corp-\\CA"),
            "The host name part 'corp-' starts or ends with a hyphen, which DNS names cannot."
        );
        let long_label = "a".repeat(64);
        assert_eq!(
            parsed(&format!("{long_label}.corp\\CA")),
            Err(E::HostLabelTooLong {
                label: long_label.clone(),
                length: 64
            })
        );
        assert_eq!(
            message(&format!("{long_label}\\CA")),
            format!(
                "The host name part '{}…' is 64 characters; each part between dots can have at most 63.",
                "a".repeat(32)
            )
        );
    }

    #[test]
    fn limits_host_length_to_253() {
        let label = "a".repeat(63);
        let host_253 = format!("{label}.{label}.{label}.{}", "b".repeat(61));
        assert_eq!(host_253.len(), 253);
        assert!(parsed(&format!("{host_253}\\CA")).is_ok());
        let host_255 = format!("{host_253}.c");
        assert_eq!(
            parsed(&format!("{host_255}\\CA")),
            Err(E::HostTooLong { length: 255 })
        );
        assert_eq!(
            message(&format!("{host_255}\\CA")),
            "The host name is 255 characters; DNS names can have at most 253."
        );
    }

    #[test]
    fn limits_logical_name() {
        let name_64 = "é".repeat(64);
        assert!(parsed(&format!("ca01\\{name_64}")).is_ok());
        assert_eq!(
            parsed(&format!("ca01\\{name_64}x")),
            Err(E::LogicalNameTooLong { length: 65 })
        );
        assert_eq!(
            message(&format!("ca01\\{}", "x".repeat(70))),
            "The logical name is 70 characters; at most 64 are allowed."
        );
        assert_eq!(
            parsed("ca01\\Corp\u{0007}CA"),
            Err(E::LogicalNameControl {
                character: '\u{0007}'
            })
        );
        assert_eq!(
            message("ca01\\Corp\u{202E}CA"),
            "The logical name contains the invisible character U+202E, which is not allowed."
        );
    }
}
