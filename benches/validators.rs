//! What one keystroke costs: each domain validator on a typical input, as `cargo xtask bench` reports it
//! (`cargo bench --bench validators`). The DN parser's budget is 50 µs for a 10-RDN name.

use std::hint::black_box;

use certportal::domain::{
    Alias, CertificateAuthority, CertificateId, DistinguishedName, Guid, RequestTimestamp,
    TemplateShortName, Thumbprint,
};
use criterion::{criterion_group, criterion_main, Criterion};

/// Ten RDNs, with the escapes and quoting users paste.
const DN_10_RDNS: &str = r#"CN=web01.eu.keyexample.com,OU=Platform\, Web,OU=IT,O="Key Example, Inc.",L=Independence,ST=OH,C=US,DC=eu,DC=keyexample,DC=com"#;

fn validators(c: &mut Criterion) {
    c.bench_function("distinguished name, 10 RDNs", |b| {
        b.iter(|| DistinguishedName::parse(black_box(DN_10_RDNS)))
    });
    c.bench_function("thumbprint, pasted with spaces", |b| {
        b.iter(|| {
            Thumbprint::parse(black_box(
                "70 44 18 09 ec 54 7d d6 50 6d a7 5b 9f 85 d2 ab ab 48 9e e7",
            ))
        })
    });
    c.bench_function("GUID, braced", |b| {
        b.iter(|| Guid::parse(black_box("{fd19e55b-d07e-46d4-aa71-8805cb87e85e}")))
    });
    c.bench_function("certificate id", |b| {
        b.iter(|| CertificateId::parse(black_box("123456")))
    });
    c.bench_function("certificate authority", |b| {
        b.iter(|| CertificateAuthority::parse(black_box(r"ca01.keyexample.com\CorpIssuingCA1")))
    });
    c.bench_function("template short name", |b| {
        b.iter(|| TemplateShortName::parse(black_box("WebServer2Years")))
    });
    c.bench_function("alias", |b| {
        b.iter(|| Alias::parse(black_box("web01-2026")))
    });
    c.bench_function("timestamp", |b| {
        b.iter(|| RequestTimestamp::parse(black_box("2026-11-25T03:59:00Z")))
    });
}

criterion_group!(benches, validators);
criterion_main!(benches);
