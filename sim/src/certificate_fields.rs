//! What a certificate search filters on: the fields of `GET /Certificates`' `QueryString` (which a
//! certificate collection's saved search uses too), and how a certificate reads for them.

use crate::model::{Certificate, World};
use crate::query::{field, Field, FieldKind, Query, QueryError, Record, Value as FieldValue};

/// The fields a certificate search may name.
pub const FIELDS: &[Field] = &[
    field("Id", FieldKind::Int),
    field("IssuedCN", FieldKind::Text),
    field("IssuedDN", FieldKind::Text),
    field("IssuerDN", FieldKind::Text),
    field("IssuedOU", FieldKind::Text),
    field("IssuedEmail", FieldKind::Text),
    field("Thumbprint", FieldKind::Text),
    field("SerialNumber", FieldKind::Text),
    field("NotBefore", FieldKind::Date),
    field("NotAfter", FieldKind::Date),
    field("ImportDate", FieldKind::Date),
    field("RevocationEffDate", FieldKind::Date),
    field("CertRequestId", FieldKind::Int),
    field("CertState", FieldKind::Int),
    field("TemplateId", FieldKind::Int),
    field("TemplateShortName", FieldKind::Text),
    field("TemplateName", FieldKind::Text),
    field("EnrollmentPatternId", FieldKind::Int),
    field("CA", FieldKind::Text),
    field("SAN", FieldKind::TextList),
    field("RequesterName", FieldKind::Text),
    field("PrincipalName", FieldKind::Text),
    field("KeySizeInBits", FieldKind::Int),
    field("KeyType", FieldKind::Text),
    field("HasPrivateKey", FieldKind::Bool),
    field("ArchivedKey", FieldKind::Bool),
];

/// A certificate with the world that names its CA and template.
pub struct CertificateRecord<'a> {
    pub certificate: &'a Certificate,
    world: &'a World,
}

/// A `QueryString` over these fields (collections' saved searches are parsed with it too).
pub fn parse_query(text: &str) -> Result<Query, QueryError> {
    Query::parse(text, FIELDS)
}

/// `certificate` as a query sees it.
pub fn record<'a>(world: &'a World, certificate: &'a Certificate) -> CertificateRecord<'a> {
    CertificateRecord { certificate, world }
}

impl Record for CertificateRecord<'_> {
    fn value(&self, name: &str) -> FieldValue {
        let c = self.certificate;
        let text = |s: &str| FieldValue::Text(s.to_owned());
        let template = self.world.template(c.template_id);
        match name {
            "Id" => FieldValue::Int(c.id.into()),
            "IssuedCN" => text(&c.common_name),
            "IssuedDN" => text(&c.subject_dn),
            "IssuerDN" => self
                .world
                .authority(c.ca_id)
                .map(|ca| ca.issuer_dn.to_owned())
                .into(),
            "IssuedOU" => text("IT"),
            "Thumbprint" => text(&c.thumbprint),
            "SerialNumber" => text(&c.serial_number),
            "NotBefore" => FieldValue::Date(c.not_before),
            "NotAfter" => FieldValue::Date(c.not_after),
            "ImportDate" => FieldValue::Date(c.import_date),
            "RevocationEffDate" => c
                .revocation
                .as_ref()
                .map_or(FieldValue::Null, |r| FieldValue::Date(r.date)),
            "CertRequestId" => FieldValue::Int(c.request_id.into()),
            "CertState" => FieldValue::Int(cert_state(c).0.into()),
            "TemplateId" => FieldValue::Int(c.template_id.into()),
            "TemplateShortName" => template.map(|t| t.short_name.to_owned()).into(),
            "TemplateName" => template.map(|t| t.display_name.to_owned()).into(),
            "EnrollmentPatternId" => {
                template.map_or(FieldValue::Null, |t| FieldValue::Int(t.pattern_id.into()))
            }
            "CA" => self
                .world
                .authority(c.ca_id)
                .map(|ca| ca.qualified_name())
                .into(),
            "SAN" => FieldValue::TextList(c.dns_names.clone()),
            "RequesterName" => text(&c.requester),
            "KeySizeInBits" => FieldValue::Int(c.key.size_in_bits().into()),
            "KeyType" => text(c.key.key_type_name()),
            "HasPrivateKey" => FieldValue::Bool(c.has_private_key),
            "ArchivedKey" => FieldValue::Bool(c.archived_key),
            // IssuedEmail, PrincipalName: never set on these certificates.
            _ => FieldValue::Null,
        }
    }
}

/// `CertState` (1 Active, 2 Revoked) and its text.
pub fn cert_state(certificate: &Certificate) -> (i32, &'static str) {
    if certificate.revocation.is_some() {
        (2, "Revoked")
    } else {
        (1, "Active")
    }
}
