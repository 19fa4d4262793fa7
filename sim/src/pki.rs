//! Real X.509 for the simulated CAs and the certificates they issue, and the files Download and
//! Recover hand out (PEM, DER, PKCS#7 `certs-only`, PKCS#12).
//!
//! Every key is ECDSA P-256 and every signature RFC 6979 (deterministic), so the same seed gives the
//! same certificates and thumbprints on every run, at a cost start-up can afford (RSA key generation
//! is far too slow, even optimised). A certificate whose model says RSA therefore still holds a P-256
//! key (the crate docs list this among the ways the simulator differs from Command). Each CA is a
//! self-signed root (the model has no hierarchy), so a chain is the leaf then its CA. Only the
//! password-protected files differ between runs: their salts and IVs are random, as they must be.

use std::str::FromStr;
use std::time::SystemTime;

use cms::cert::CertificateChoices;
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{CertificateSet, EncapsulatedContentInfo, SignedData, SignerInfos};
use der::asn1::{Ia5String, SetOfVec};
use der::{Any, Decode, Encode};
use p256::ecdsa::{DerSignature, SigningKey};
use p256::pkcs8::EncodePrivateKey;
use sha2::{Digest, Sha256};
use x509_cert::builder::{Builder, CertificateBuilder};
use x509_cert::certificate::TbsCertificate;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages,
    SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::ext::{Extension, ToExtension};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{ObjectIdentifier, SubjectPublicKeyInfo, SubjectPublicKeyInfoRef};
use x509_cert::time::{Time, Validity};
use x509_cert::Certificate as X509;

/// A UTC instant, as the model keeps them (not imported: the model depends on this module).
type Timestamp = chrono::DateTime<chrono::Utc>;

/// Content types of RFC 5652 (`id-data`, `id-signedData`).
const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");

/// A CA's key and self-signed certificate.
#[derive(Clone, Debug)]
pub struct CaCredentials {
    pub key: SigningKey,
    pub name: Name,
    pub der: Vec<u8>,
}

/// What a leaf certificate says besides its key; all from the simulator's model.
pub struct LeafProfile<'a> {
    pub subject_dn: &'a str,
    pub common_name: &'a str,
    pub dns_names: &'a [String],
    /// Upper-case hex, as Command prints it.
    pub serial_number: &'a str,
    pub not_before: Timestamp,
    pub not_after: Timestamp,
    /// OIDs of the template's extended key usages.
    pub extended_key_usages: Vec<&'a str>,
}

/// A P-256 key from `material` (any bytes): SHA-256 of it, hashed again in the (≈2⁻³²) case that
/// it is not a valid scalar.
pub fn key_from(material: &[u8]) -> SigningKey {
    let mut digest = Sha256::digest(material);
    loop {
        if let Ok(key) = SigningKey::from_slice(&digest) {
            return key;
        }
        digest = Sha256::digest(digest);
    }
}

/// The CA's deterministic key and its self-signed certificate, valid 2016–2046 so that it covers
/// every seeded and renewed certificate.
pub fn authority(qualified_name: &str, issuer_dn: &str, serial: u32) -> CaCredentials {
    let key = key_from(format!("kf-sim CA key\n{qualified_name}").as_bytes());
    let name = parse_name(issuer_dn, qualified_name);
    let validity = Validity::new(utc(2016, 1, 1), utc(2046, 1, 1));
    let profile = Profile {
        subject: name.clone(),
        issuer: name.clone(),
        kind: Kind::Authority,
    };
    let der = sign(profile, SerialNumber::from(serial), validity, &key, &key);
    CaCredentials { key, name, der }
}

/// The leaf certificate's DER: `key`'s public half, issued and signed by `ca`.
pub fn leaf(profile: &LeafProfile<'_>, key: &SigningKey, ca: &CaCredentials) -> Vec<u8> {
    let serial = hex_bytes(profile.serial_number);
    let validity = Validity::new(time(profile.not_before), time(profile.not_after));
    let builder_profile = Profile {
        subject: parse_name(profile.subject_dn, profile.common_name),
        issuer: ca.name.clone(),
        kind: Kind::Leaf {
            dns_names: profile.dns_names.to_vec(),
            extended_key_usages: profile
                .extended_key_usages
                .iter()
                .filter_map(|oid| ObjectIdentifier::new(oid).ok())
                .collect(),
        },
    };
    let serial = SerialNumber::new(&serial).unwrap_or_else(|_| SerialNumber::from(1_u32));
    sign(builder_profile, serial, validity, key, &ca.key)
}

/// The private key as PKCS#8 DER (what a PFX or an unencrypted PEM key holds).
pub fn private_key_der(key: &SigningKey) -> Vec<u8> {
    key.to_pkcs8_der()
        .map(|document| document.as_bytes().to_vec())
        .unwrap_or_default()
}

/// A degenerate SignedData (no signers, no content: `certs-only`) holding `certificates`, as a
/// `.p7b` file is. DER sorts a SET, so the order inside is the encoding's, not the chain's.
pub fn pkcs7_certs_only(certificates: &[Vec<u8>]) -> Vec<u8> {
    let set = certificates
        .iter()
        .filter_map(|der| X509::from_der(der).ok())
        .map(CertificateChoices::Certificate)
        .collect::<Vec<_>>();
    let signed_data = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::new(),
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: ID_DATA,
            econtent: None,
        },
        certificates: SetOfVec::try_from(set).ok().map(CertificateSet),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::new()),
    };
    Any::encode_from(&signed_data)
        .and_then(|content| {
            ContentInfo {
                content_type: ID_SIGNED_DATA,
                content,
            }
            .to_der()
        })
        .unwrap_or_default()
}

/// A PKCS#12 file holding the key and `chain` (leaf first) under `password`: PBES2 with PBKDF2
/// (HMAC-SHA-256) and AES-256-CBC, and an HMAC-SHA-256 MAC, which OpenSSL 3 opens without its
/// legacy provider. Its salts and IVs are random, as every PKCS#12 writer's are.
pub fn pkcs12(
    friendly_name: &str,
    key: &SigningKey,
    chain: &[Vec<u8>],
    password: &str,
) -> Option<Vec<u8>> {
    use p12_keystore::{
        Certificate, EncryptionAlgorithm, KeyStore, KeyStoreEntry, MacAlgorithm, PrivateKey,
        PrivateKeyChain,
    };
    let certificates = chain
        .iter()
        .map(|der| Certificate::from_der(der))
        .collect::<Result<Vec<_>, _>>()
        .ok()?;
    let private_key = PrivateKey::from_der(&private_key_der(key)).ok()?;
    let local_key_id = Sha256::digest(chain.first()?).to_vec();
    let mut store = KeyStore::new();
    store.add_entry(
        friendly_name,
        KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(
            local_key_id,
            private_key,
            certificates,
        )),
    );
    store
        .writer(password)
        .encryption_algorithm(EncryptionAlgorithm::PbeWithHmacSha256AndAes256)
        .encryption_iterations(PASSWORD_ITERATIONS)
        .mac_algorithm(MacAlgorithm::HmacSha256)
        .mac_iterations(PASSWORD_ITERATIONS)
        .write()
        .ok()
}

/// PBKDF2 rounds of every password-protected file, as PKCS#12 writers commonly use.
const PASSWORD_ITERATIONS: u32 = 10_000;

/// The key as an encrypted PKCS#8 (PBES2: PBKDF2-HMAC-SHA-256, AES-256-CBC) under `password`, which
/// `openssl pkey -passin` opens. Salt and IV come from the generator p12-keystore draws its own from.
pub fn encrypted_pkcs8(key: &SigningKey, password: &str) -> Option<Vec<u8>> {
    let der = private_key_der(key);
    let salt: [u8; 16] = p12_keystore::rand::random();
    let iv: [u8; 16] = p12_keystore::rand::random();
    let params =
        pkcs5::pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(PASSWORD_ITERATIONS, &salt, iv)
            .ok()?;
    let document = pkcs8::PrivateKeyInfoRef::from_der(&der)
        .ok()?
        .encrypt_with_params(params, password)
        .ok()?;
    Some(document.as_bytes().to_vec())
}

enum Kind {
    Authority,
    Leaf {
        dns_names: Vec<String>,
        extended_key_usages: Vec<ObjectIdentifier>,
    },
}

/// The subject, issuer and extensions of one certificate, as the builder asks for them.
struct Profile {
    subject: Name,
    issuer: Name,
    kind: Kind,
}

impl x509_cert::builder::profile::BuilderProfile for Profile {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.issuer.clone()
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        spk: SubjectPublicKeyInfoRef<'_>,
        issuer_spk: SubjectPublicKeyInfoRef<'_>,
        tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        let subject = tbs.subject();
        let mut extensions = Vec::new();
        let ski = SubjectKeyIdentifier::try_from(spk)?;
        let (ca, usages) = match self.kind {
            Kind::Authority => (true, KeyUsages::KeyCertSign | KeyUsages::CRLSign),
            Kind::Leaf { .. } => (false, KeyUsages::DigitalSignature.into()),
        };
        extensions.push(
            BasicConstraints {
                ca,
                path_len_constraint: None,
            }
            .to_extension(subject, &extensions)?,
        );
        extensions.push(KeyUsage(usages).to_extension(subject, &extensions)?);
        if let Kind::Leaf {
            dns_names,
            extended_key_usages,
        } = &self.kind
        {
            if !extended_key_usages.is_empty() {
                extensions.push(
                    ExtendedKeyUsage(extended_key_usages.clone())
                        .to_extension(subject, &extensions)?,
                );
            }
            let names = dns_names
                .iter()
                .filter_map(|name| Ia5String::new(name).ok())
                .map(GeneralName::DnsName)
                .collect::<Vec<_>>();
            if !names.is_empty() {
                extensions.push(SubjectAltName(names).to_extension(subject, &extensions)?);
            }
            let aki = SubjectKeyIdentifier::try_from(issuer_spk)?;
            extensions.push(
                AuthorityKeyIdentifier {
                    key_identifier: Some(aki.0),
                    ..Default::default()
                }
                .to_extension(subject, &extensions)?,
            );
        }
        extensions.push(ski.to_extension(subject, &extensions)?);
        Ok(extensions)
    }
}

/// Builds and signs (ECDSA with SHA-256, RFC 6979) the certificate of `subject_key`.
fn sign(
    profile: Profile,
    serial: SerialNumber,
    validity: Validity,
    subject_key: &SigningKey,
    issuer_key: &SigningKey,
) -> Vec<u8> {
    SubjectPublicKeyInfo::from_key(subject_key.verifying_key())
        .map_err(x509_cert::builder::Error::from)
        .and_then(|spki| CertificateBuilder::new(profile, serial, validity, spki))
        .and_then(|builder| builder.build::<_, DerSignature>(issuer_key))
        .and_then(|certificate| Ok(certificate.to_der()?))
        .unwrap_or_default()
}

/// An RFC 4514 DN as Command prints it; a DN the parser refuses becomes `CN=<fallback>`.
fn parse_name(dn: &str, fallback_common_name: &str) -> Name {
    Name::from_str(dn)
        .or_else(|_| Name::from_str(&format!("CN={fallback_common_name}")))
        .unwrap_or_default()
}

fn time(at: Timestamp) -> Time {
    Time::try_from(SystemTime::from(at)).unwrap_or(Time::INFINITY)
}

fn utc(year: i32, month: u32, day: u32) -> Time {
    let at = chrono::NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(|naive| naive.and_utc())
        .unwrap_or_default();
    time(at)
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    hex.as_bytes()
        .chunks(2)
        .filter_map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect()
}
