//! Getting a certificate out of Command as a file: `POST /Certificates/Download` (the certificate, with its
//! chain where the format carries one) and `POST /Certificates/Recover` (with the private key Command holds,
//! as a password-protected PFX). Both name the format in the `x-certificateformat` header and answer with
//! the file base64-encoded (docs/keyfactor.md, "Getting a certificate out").

use base64::Engine as _;

use super::secret::overwrite_with_zeros;
use super::SecretString;

/// The header both endpoints read the format from.
pub const FORMAT_HEADER: &str = "x-certificateformat";
/// Recover's one format the portal asks for.
pub const PFX_FORMAT: &str = "PFX";

/// The downloads offered, in the order shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertificateFormat {
    /// What most servers and appliances want: the certificate, then its issuers, as text.
    PemWithChain,
    Pem,
    Der,
    /// PKCS#7 with the chain (Windows' `.p7b`).
    Pkcs7,
}

impl CertificateFormat {
    pub const ALL: [CertificateFormat; 4] = [
        CertificateFormat::PemWithChain,
        CertificateFormat::Pem,
        CertificateFormat::Der,
        CertificateFormat::Pkcs7,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::PemWithChain => "PEM with chain (.pem)",
            Self::Pem => "PEM, certificate only (.pem)",
            Self::Der => "DER, certificate only (.cer)",
            Self::Pkcs7 => "PKCS#7 with chain (.p7b)",
        }
    }

    /// How the option is named in a form and a URL.
    pub fn key(self) -> &'static str {
        match self {
            Self::PemWithChain => "pem-chain",
            Self::Pem => "pem",
            Self::Der => "der",
            Self::Pkcs7 => "p7b",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|format| format.key() == key)
    }

    /// The `x-certificateformat` value.
    pub fn header_value(self) -> &'static str {
        match self {
            Self::PemWithChain | Self::Pem => "PEM",
            Self::Der => "DER",
            Self::Pkcs7 => "P7B",
        }
    }

    /// DER holds one certificate whatever is asked; PKCS#7 exists to carry the chain.
    pub fn include_chain(self) -> bool {
        matches!(self, Self::PemWithChain | Self::Pkcs7)
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::PemWithChain | Self::Pem => "pem",
            Self::Der => "cer",
            Self::Pkcs7 => "p7b",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Self::PemWithChain | Self::Pem => "application/x-pem-file",
            Self::Der => "application/pkix-cert",
            Self::Pkcs7 => "application/pkcs7-mime",
        }
    }
}

/// The media type of a PFX file.
pub const PFX_MEDIA_TYPE: &str = "application/x-pkcs12";

/// A file name from the certificate's name and id: letters, digits, `.`, `-` and `_` only (a wildcard's `*`
/// and anything else becomes `_`), so no browser or file system reads it as a path.
pub fn file_name(certificate_name: &str, certificate_id: i32, extension: &str) -> String {
    let stem: String = certificate_name
        .trim()
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '-' | '_' => c,
            _ => '_',
        })
        .take(64)
        .collect();
    let stem = stem.trim_matches(['.', '_']);
    match stem.is_empty() {
        true => format!("certificate-{certificate_id}.{extension}"),
        false => format!("{stem}-{certificate_id}.{extension}"),
    }
}

/// The file's bytes from Command's base64 answer.
pub fn decode_file(content: &str) -> Result<Vec<u8>, String> {
    let compact: String = content.split_whitespace().collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| "Keyfactor's answer did not contain a readable file.".to_owned())
        .and_then(|bytes| match bytes.is_empty() {
            true => Err("Keyfactor's answer contained an empty file.".to_owned()),
            false => Ok(bytes),
        })
}

/// A PFX's bytes: wiped when dropped, like the password that opens it.
pub struct SecretBytes(Vec<u8>);

impl SecretBytes {
    pub fn decode(content: &SecretString) -> Result<Self, String> {
        decode_file(content.expose()).map(SecretBytes)
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for SecretBytes {
    fn drop(&mut self) {
        overwrite_with_zeros(&mut self.0);
    }
}

/// Shortest password the portal sends for a PFX it recovers: Command's own generated ones are longer.
const MIN_PASSWORD_CHARS: usize = 12;

/// A password the user types for a recovered PFX. Kept exactly as typed (spaces count), so only its length
/// is checked, and that it is not spaces alone.
pub fn parse_pfx_password(raw: &str) -> Result<SecretString, String> {
    let length = raw.chars().count();
    if raw.trim().is_empty() {
        return Err("Enter a password to protect the PFX file.".to_owned());
    }
    if length < MIN_PASSWORD_CHARS {
        return Err(format!(
            "Use at least {MIN_PASSWORD_CHARS} characters; this has {length}."
        ));
    }
    Ok(SecretString::from(raw.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_names_its_header_chain_and_file() {
        let shown: Vec<_> = CertificateFormat::ALL
            .into_iter()
            .map(|f| (f.header_value(), f.include_chain(), f.extension()))
            .collect();
        assert_eq!(
            shown,
            [
                ("PEM", true, "pem"),
                ("PEM", false, "pem"),
                ("DER", false, "cer"),
                ("P7B", true, "p7b")
            ]
        );
        for format in CertificateFormat::ALL {
            assert_eq!(CertificateFormat::from_key(format.key()), Some(format));
        }
        assert_eq!(CertificateFormat::from_key("pfx"), None);
    }

    #[test]
    fn file_names_keep_only_safe_characters() {
        assert_eq!(
            file_name("*.keyexample.com", 7, "pem"),
            "keyexample.com-7.pem"
        );
        assert_eq!(file_name("../../etc/passwd", 3, "cer"), "etc_passwd-3.cer");
        assert_eq!(file_name("<img src=x>", 4, "p7b"), "img_src_x-4.p7b");
        assert_eq!(file_name("", 9, "pfx"), "certificate-9.pfx");
        assert_eq!(
            file_name(&"a".repeat(200), 1, "pem").len(),
            64 + "-1.pem".len()
        );
    }

    #[test]
    fn content_is_base64_possibly_wrapped_and_never_empty() {
        assert_eq!(decode_file("aGVs\nbG8=").unwrap(), b"hello");
        assert!(decode_file("").is_err());
        assert!(decode_file("not base64!").is_err());
        let secret = SecretString::from("aGVsbG8=".to_owned());
        assert_eq!(SecretBytes::decode(&secret).unwrap().expose(), b"hello");
    }

    #[test]
    fn a_typed_pfx_password_is_kept_as_typed_and_long_enough() {
        assert_eq!(
            parse_pfx_password("short").unwrap_err(),
            "Use at least 12 characters; this has 5."
        );
        assert!(parse_pfx_password("            ").is_err());
        assert_eq!(
            parse_pfx_password(" correct horse ").unwrap().expose(),
            " correct horse "
        );
    }
}
