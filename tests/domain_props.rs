//! Property tests for `certportal::domain`: no parser panics on any input, canonical
//! forms re-parse to the same value, and distinguished names survive formatting.
//!
//! Every property runs 10,000 cases. Strings of 10,000 characters are mixed in
//! rarely (1 in 40 inputs) so the whole file stays well under a minute in debug.

use certportal::domain::credentials::BasicCredentials;
use certportal::domain::job_tracking::JobListFilter;
use certportal::domain::renewal::{parse_expiry_window, prefill_from_query};
use certportal::domain::{
    parse_job_property, Alias, CertificateAuthority, CertificateId, DistinguishedName,
    DistinguishedNameError, EntryParameterSpec, Guid, JobPropertyValue, ParameterKind,
    RequestTimestamp, TemplateShortName, Thumbprint,
};
use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 10_000,
        ..ProptestConfig::default()
    }
}

/// Characters that break naive parsers: separators, escapes, quotes, invisible
/// and bidi marks, control characters, combining marks, wide and astral chars.
const NASTY: &[char] = &[
    ',', ';', '+', '=', '"', '\\', '#', '<', '>', ':', '{', '}', '-', '.', '/', ' ', '\t', '\n',
    '\0', '\u{7F}', '\u{85}', '\u{A0}', '\u{200B}', '\u{200E}', '\u{200F}', '\u{202E}', '\u{2066}',
    '\u{3000}', '\u{FEFF}', '\u{301}', 'é', 'ß', 'İ', '名', 'م', '😀', 'a', 'F', 'z', '0', '9',
];

fn nasty_char() -> impl Strategy<Value = char> {
    prop_oneof![select(NASTY), any::<char>()]
}

/// Any input a user could paste, from empty to 10,000 characters.
fn input() -> impl Strategy<Value = String> {
    prop_oneof![
        10 => "\\PC*",
        10 => vec(any::<char>(), 0..64).prop_map(String::from_iter),
        10 => vec(nasty_char(), 0..64).prop_map(String::from_iter),
        1 => long_input(),
    ]
}

/// 10,000 characters: a random pattern repeated. Generating 10,000 independent
/// characters per case made each property take ~45 s in a debug build.
fn long_input() -> impl Strategy<Value = String> {
    vec(nasty_char(), 1..64).prop_map(|pattern| pattern.into_iter().cycle().take(10_000).collect())
}

fn char_count(text: &str) -> usize {
    text.chars().count()
}

/// A position a message points at must be inside the input (or just past its end).
fn assert_position_inside(position: usize, raw: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        (1..=char_count(raw) + 1).contains(&position),
        "position {} outside {:?}",
        position,
        raw
    );
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    // ---- certificate id ----

    #[test]
    fn certificate_id_never_panics_and_round_trips(raw in input()) {
        if let Ok(id) = CertificateId::parse(&raw) {
            prop_assert!(id.get() >= 1);
            prop_assert_eq!(CertificateId::parse(&id.to_string()), Ok(id));
        }
    }

    #[test]
    fn certificate_id_accepts_exactly_1_to_int32_max(digits in "[0-9]{1,30}") {
        let value: u128 = digits.parse().expect("at most 30 digits fit in u128");
        let in_range = (1..=i32::MAX as u128).contains(&value);
        let parsed = CertificateId::parse(&digits);
        prop_assert_eq!(parsed.is_ok(), in_range);
        if let Ok(id) = parsed {
            prop_assert_eq!(id.get() as u128, value);
        }
    }

    // ---- thumbprint ----

    #[test]
    fn thumbprint_never_panics_and_round_trips(raw in input()) {
        match Thumbprint::parse(&raw) {
            Ok(thumbprint) => {
                prop_assert_eq!(thumbprint.as_str().len(), 40);
                prop_assert_eq!(Thumbprint::parse(&thumbprint.to_string()), Ok(thumbprint));
            }
            Err(certportal::domain::ThumbprintError::NotHex { position, .. }) => {
                assert_position_inside(position, &raw)?;
            }
            Err(_) => {}
        }
    }

    #[test]
    fn thumbprint_accepts_what_viewers_paste(
        bytes in any::<[u8; 20]>(),
        separator in select(vec!["", " ", ":", "\u{A0}"]),
        lower in any::<bool>(),
        mark in select(vec!["", "\u{200E}", "\u{200F}", "\u{FEFF}", " \u{200E}"]),
    ) {
        let pairs: Vec<String> = bytes.iter().map(|byte| format!("{byte:02X}")).collect();
        let canonical = pairs.concat();
        let mut pasted = format!("{mark}{}", pairs.join(separator));
        if lower {
            pasted = pasted.to_lowercase();
        }
        let parsed = Thumbprint::parse(&pasted);
        prop_assert_eq!(parsed.map(|t| t.to_string()), Ok(canonical));
    }

    // ---- guid ----

    #[test]
    fn guid_never_panics_and_round_trips(raw in input()) {
        match Guid::parse(&raw) {
            Ok(guid) => prop_assert_eq!(Guid::parse(&guid.to_string()), Ok(guid)),
            Err(certportal::domain::GuidError::NotHex { position, .. }) => {
                assert_position_inside(position, &raw)?;
            }
            Err(_) => {}
        }
    }

    #[test]
    fn guid_accepts_any_case_and_braces(
        bytes in any::<[u8; 16]>(),
        upper in any::<bool>(),
        braces in any::<bool>(),
    ) {
        let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
        let canonical = format!(
            "{}-{}-{}-{}-{}",
            &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..]
        );
        let mut written = if upper { canonical.to_uppercase() } else { canonical.clone() };
        if braces {
            written = format!("{{{written}}}");
        }
        prop_assert_eq!(Guid::parse(&written).map(|g| g.to_string()), Ok(canonical));
    }

    // ---- certificate authority ----

    #[test]
    fn certificate_authority_never_panics_and_round_trips(raw in input()) {
        if let Ok(ca) = CertificateAuthority::parse(&raw) {
            let written = match ca.host() {
                Some(host) => format!("{host}\\{}", ca.logical_name()),
                None => ca.logical_name().to_owned(),
            };
            prop_assert_eq!(ca.as_str(), written);
            prop_assert_eq!(CertificateAuthority::parse(&ca.to_string()), Ok(ca));
        }
    }

    #[test]
    fn certificate_authority_accepts_valid_parts(
        labels in vec("[a-zA-Z0-9]([a-zA-Z0-9-]{0,20}[a-zA-Z0-9])?", 1..5),
        logical_name in logical_name(),
    ) {
        let name = labels.join(".");
        // As a DNS name and as the URL of a CA gateway, the forms real servers hand out.
        for host in [name.clone(), format!("https://{name}:8443/AnyGatewayREST/{}", labels[0])] {
            let ca = CertificateAuthority::parse(&format!("{host}\\{logical_name}"));
            prop_assert!(ca.is_ok(), "{:?}", ca);
            let ca = ca.expect("checked above");
            prop_assert_eq!(ca.host(), Some(host.as_str()));
            prop_assert_eq!(ca.logical_name(), logical_name.as_str());
        }
    }

    // ---- template ----

    #[test]
    fn template_never_panics_and_round_trips(raw in input()) {
        match TemplateShortName::parse(&raw) {
            Ok(name) => {
                prop_assert!(!name.as_str().contains(char::is_whitespace));
                prop_assert_eq!(TemplateShortName::parse(&name.to_string()), Ok(name));
            }
            Err(certportal::domain::TemplateShortNameError::InvalidCharacter { position, .. }) => {
                assert_position_inside(position, &raw)?;
            }
            Err(_) => {}
        }
    }

    #[test]
    fn template_accepts_short_names(name in "[A-Za-z0-9_.-]{1,64}") {
        let parsed = TemplateShortName::parse(&name).map(|n| n.to_string());
        prop_assert_eq!(parsed, Ok(name));
    }

    // ---- alias ----

    #[test]
    fn alias_never_panics_and_round_trips(raw in input()) {
        match Alias::parse(&raw) {
            Ok(alias) => {
                prop_assert!((1..=255).contains(&char_count(alias.as_str())));
                prop_assert!(!alias.as_str().chars().any(char::is_control));
                prop_assert_eq!(Alias::parse(&alias.to_string()), Ok(alias));
            }
            Err(certportal::domain::AliasError::ControlCharacter { position, character }) => {
                assert_position_inside(position, &raw)?;
                prop_assert_eq!(raw.chars().nth(position - 1), Some(character));
            }
            Err(_) => {}
        }
    }

    // ---- timestamp ----

    #[test]
    fn timestamp_never_panics_and_round_trips(raw in input()) {
        if let Ok(timestamp) = RequestTimestamp::parse(&raw) {
            prop_assert_eq!(RequestTimestamp::parse(&timestamp.to_string()), Ok(timestamp));
        }
    }

    #[test]
    fn timestamp_converts_offsets_and_displays_wire_form(
        // Years 2..9998, so every offset keeps the year at four digits.
        millis in -62_104_060_800_000i64..253_370_764_800_000i64,
        offset_minutes in -(23 * 60 + 59)..=(23 * 60 + 59),
    ) {
        let instant = DateTime::<Utc>::from_timestamp_millis(millis).expect("in range");
        let offset = FixedOffset::east_opt(offset_minutes * 60).expect("under a day");
        let written = instant.with_timezone(&offset).to_rfc3339_opts(SecondsFormat::Millis, false);
        let parsed = RequestTimestamp::parse(&written);
        prop_assert_eq!(parsed, Ok(RequestTimestamp::from_datetime(instant)));
        let wire = RequestTimestamp::from_datetime(instant).to_string();
        prop_assert_eq!(&wire, &instant.to_rfc3339_opts(SecondsFormat::Millis, true));
        prop_assert!(wire.ends_with('Z') && wire.len() == 24, "{}", wire);
    }

    // ---- job properties ----

    #[test]
    fn job_property_never_panics(raw in input(), kind in parameter_kind(), required in any::<bool>()) {
        let spec = EntryParameterSpec {
            name: "Key".to_owned(),
            display_name: "Label".to_owned(),
            kind: kind.clone(),
            required,
            default_value: None,
        };
        match parse_job_property(&spec, &raw) {
            Ok(Some(JobPropertyValue::Bool(flag))) => {
                prop_assert_eq!(trim_pasted(&raw).to_ascii_lowercase(), flag.to_string());
            }
            Ok(Some(JobPropertyValue::Choice(choice))) => {
                let ParameterKind::MultipleChoice { options } = kind else {
                    return Err(TestCaseError::fail("choice from a non-choice kind"));
                };
                prop_assert!(options.contains(&choice));
            }
            Ok(Some(JobPropertyValue::Secret(secret))) => prop_assert_eq!(secret.expose(), raw.as_str()),
            Ok(None) => prop_assert!(!required),
            Ok(Some(JobPropertyValue::Text(_))) | Err(_) => {}
        }
    }

    // ---- credentials and help-desk deep links ----

    #[test]
    fn credentials_never_panic_and_never_show_the_password(account in input(), password in input()) {
        if let Ok(credentials) = BasicCredentials::parse(&account, &password) {
            prop_assert!(credentials.authorization_header().starts_with("Basic "));
            // Debug output (logs, panics) never carries the password.
            let shown = format!("{credentials:?}");
            prop_assert!(password.chars().count() < 8 || !shown.contains(&password));
        }
    }

    #[test]
    fn renewal_deep_links_never_panic_and_never_keep_more_than_a_bounded_value(
        id in proptest::option::of(input()),
        thumbprint in proptest::option::of(input()),
    ) {
        if let Ok(Some(prefill)) = prefill_from_query(id.as_deref(), thumbprint.as_deref()) {
            prop_assert!(prefill.raw.chars().count() <= 10_000);
        }
    }

    #[test]
    fn job_list_links_never_panic_and_write_only_url_safe_text(machine in input(), path in input(), page in input()) {
        let filter = JobListFilter::from_query([("machine", machine.as_str()), ("path", path.as_str()), ("page", page.as_str())]);
        prop_assert!(filter.page >= 1);
        let link = filter.to_url_query();
        prop_assert!(
            link.chars().all(|c| c.is_ascii_alphanumeric() || "-._~%=&".contains(c)),
            "{}", link
        );
    }

    #[test]
    fn expiry_windows_never_panic(raw in input()) {
        if let Ok(Some(days)) = parse_expiry_window(&raw) {
            prop_assert!(days >= 1);
        }
    }

    // ---- distinguished name ----

    #[test]
    fn dn_never_panics_and_reformatting_is_stable(raw in prop_oneof![3 => input(), 7 => dn_like()]) {
        match DistinguishedName::parse(&raw) {
            Ok(name) => {
                let reparsed = DistinguishedName::parse(&name.to_string());
                prop_assert_eq!(reparsed, Ok(name));
            }
            Err(error) => {
                if let Some(position) = error.position() {
                    assert_position_inside(position, &raw)?;
                }
                prop_assert!(!error.to_string().is_empty());
            }
        }
    }

    #[test]
    fn dn_written_any_legal_way_parses_to_its_parts(dn in structured_dn()) {
        let (written, expected) = dn;
        let parsed = DistinguishedName::parse(&written);
        prop_assert!(parsed.is_ok(), "{:?} from {:?}", parsed, written);
        let parsed = parsed.expect("checked above");
        let parts: Vec<Vec<(String, String)>> = parsed
            .rdns()
            .iter()
            .map(|rdn| {
                rdn.attributes
                    .iter()
                    .map(|a| (a.attribute_type.clone(), a.value.clone()))
                    .collect()
            })
            .collect();
        prop_assert_eq!(&parts, &expected, "written as {:?}", written);
        let formatted = parsed.to_string();
        prop_assert_eq!(DistinguishedName::parse(&formatted), Ok(parsed), "formatted as {:?}", formatted);
    }
}

/// What the parsers trim: whitespace and the invisible marks pasted along.
fn trim_pasted(raw: &str) -> &str {
    raw.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '\u{200E}' | '\u{200F}' | '\u{FEFF}')
    })
}

/// Bidirectional controls, which no name may contain.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A CA logical name: up to 64 characters of anything but backslashes and control
/// characters, spaces included, starting and ending with something visible.
fn logical_name() -> impl Strategy<Value = String> {
    let inner = prop_oneof![
        select(vec![' ', '-', '_', '(', 'é', '名', '😀', '\u{A0}']),
        any::<char>()
    ]
    .prop_filter("allowed in a logical name", |&c| {
        c != '\\' && !c.is_control() && !is_bidi_control(c)
    });
    ("[A-Za-z0-9]", vec(inner, 0..=62), "[A-Za-z0-9]")
        .prop_map(|(first, middle, last)| format!("{first}{}{last}", String::from_iter(middle)))
}

fn parameter_kind() -> impl Strategy<Value = ParameterKind> {
    prop_oneof![
        Just(ParameterKind::String),
        Just(ParameterKind::Bool),
        Just(ParameterKind::Secret),
        "[a-zA-Z ,]{0,30}".prop_map(|csv| ParameterKind::choices_from_csv(&csv)),
    ]
}

/// Fragments of distinguished names glued at random: often valid, often nearly so.
fn dn_like() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        select(vec![
            "CN=",
            "o=",
            "OU =",
            "C=",
            "c=us",
            "2.5.4.3=",
            "OID.2.5.4.10=",
            "XX=",
            ",",
            ";",
            "+",
            " , ",
            "\"",
            "\\",
            "\\,",
            "\\2C",
            "\\C3\\A9",
            "\\ ",
            "#",
            " ",
            "\u{200E}",
            "\u{A0}",
            "=",
            "a",
            "Key Example, Inc.",
            "\\\"",
            "\\#",
        ])
        .prop_map(str::to_owned),
        nasty_char().prop_map(String::from),
    ];
    vec(fragment, 1..24).prop_map(|fragments| fragments.concat())
}

/// (written type, canonical type) pairs the parser must accept.
const TYPES: &[(&str, &str)] = &[
    ("CN", "CN"),
    ("cn", "CN"),
    ("OU", "OU"),
    ("O", "O"),
    ("L", "L"),
    ("S", "ST"),
    ("st", "ST"),
    ("STREET", "STREET"),
    ("DC", "DC"),
    ("UID", "UID"),
    ("emailAddress", "E"),
    ("title", "T"),
    ("GN", "G"),
    ("SN", "SN"),
    ("serialNumber", "SERIALNUMBER"),
    ("2.5.4.3", "2.5.4.3"),
    ("OID.1.2.840.113549.1.9.1", "1.2.840.113549.1.9.1"),
];

#[derive(Clone, Copy, Debug)]
enum ValueStyle {
    /// RFC 4514 backslash escapes for specials; edge whitespace as hex pairs.
    Escaped,
    /// RFC 1779 double quotes.
    Quoted,
    /// Every character as `\XX` UTF-8 hex pairs.
    AllHex,
}

fn hex_escape(c: char) -> String {
    let mut buffer = [0; 4];
    c.encode_utf8(&mut buffer)
        .bytes()
        .map(|byte| format!("\\{byte:02x}"))
        .collect()
}

/// The test's own encoder, written independently of the library's `Display`.
fn encode_value(value: &str, style: ValueStyle) -> String {
    match style {
        ValueStyle::Quoted => {
            let inner: String = value
                .chars()
                .map(|c| match c {
                    '"' | '\\' => format!("\\{c}"),
                    c => c.to_string(),
                })
                .collect();
            format!("\"{inner}\"")
        }
        ValueStyle::AllHex => value.chars().map(hex_escape).collect(),
        ValueStyle::Escaped => {
            let last = char_count(value).saturating_sub(1);
            value
                .chars()
                .enumerate()
                .map(|(index, c)| {
                    let at_edge = index == 0 || index == last;
                    match c {
                        ',' | '+' | '"' | '\\' | ';' | '<' | '>' => format!("\\{c}"),
                        '#' if index == 0 => "\\#".to_owned(),
                        c if at_edge
                            && (c.is_whitespace()
                                || matches!(c, '\u{200E}' | '\u{200F}' | '\u{FEFF}')) =>
                        {
                            hex_escape(c)
                        }
                        c => c.to_string(),
                    }
                })
                .collect()
        }
    }
}

/// A non-empty value full of characters that need escaping; no control characters.
fn nasty_value() -> impl Strategy<Value = String> {
    let printable = nasty_char().prop_map(|c| if c.is_control() { '\u{FFFD}' } else { c });
    vec(printable, 1..16).prop_map(String::from_iter)
}

fn style() -> impl Strategy<Value = ValueStyle> {
    select(vec![
        ValueStyle::Escaped,
        ValueStyle::Quoted,
        ValueStyle::AllHex,
    ])
}

/// One attribute: (written `TYPE=value`, (canonical type, expected value)).
fn attribute() -> impl Strategy<Value = (String, (String, String))> {
    let country = ("[a-zA-Z]{2}", style()).prop_map(|(code, style)| {
        (
            format!("c = {}", encode_value(&code, style)),
            ("C".to_owned(), code.to_uppercase()),
        )
    });
    let other =
        (select(TYPES), nasty_value(), style()).prop_map(|((written, canonical), value, style)| {
            (
                format!("{written}={}", encode_value(&value, style)),
                (canonical.to_owned(), value),
            )
        });
    prop_oneof![1 => country, 9 => other]
}

/// A DN string written with varied separators and spacing, and the parts it must parse to.
fn structured_dn() -> impl Strategy<Value = (String, Vec<Vec<(String, String)>>)> {
    let rdn = vec(attribute(), 1..3);
    (
        vec(rdn, 1..6),
        select(vec![",", ";", ", ", " ; "]),
        select(vec!["+", " + "]),
        select(vec!["", "  ", "\u{FEFF}"]),
    )
        .prop_map(|(rdns, rdn_separator, attribute_separator, padding)| {
            let written = rdns
                .iter()
                .map(|rdn| {
                    rdn.iter()
                        .map(|(text, _)| text.as_str())
                        .collect::<Vec<_>>()
                        .join(attribute_separator)
                })
                .collect::<Vec<_>>()
                .join(rdn_separator);
            let expected = rdns
                .into_iter()
                .map(|rdn| rdn.into_iter().map(|(_, part)| part).collect())
                .collect();
            (format!("{padding}{written}{padding}"), expected)
        })
}

#[test]
fn every_parser_survives_10k_character_inputs() {
    for raw in [
        "9".repeat(10_000),
        "a".repeat(10_000),
        "\\".repeat(10_000),
        "\"".repeat(10_000),
        "\u{202E}".repeat(10_000),
        "e\u{301},".repeat(5_000),
        format!("CN={}", "\\2C".repeat(3_333)),
        format!("CN=\"{}", "x".repeat(10_000)),
    ] {
        // Results do not matter here; finishing without a panic does.
        let _ = CertificateId::parse(&raw);
        let _ = Thumbprint::parse(&raw);
        let _ = Guid::parse(&raw);
        let _ = CertificateAuthority::parse(&raw);
        let _ = TemplateShortName::parse(&raw);
        let _ = Alias::parse(&raw);
        let _ = RequestTimestamp::parse(&raw);
        let _ = DistinguishedName::parse(&raw);
    }
    let long_value = DistinguishedName::parse(&format!("CN={}", "\\2C".repeat(3_333)))
        .expect("3,333 escaped commas are a valid value");
    assert_eq!(long_value.common_name().map(str::len), Some(3_333));
}

#[test]
fn dn_error_positions_count_characters_not_bytes() {
    // 'é' and '名' take several bytes each; the position must still be the 8th character.
    let error = DistinguishedName::parse("CN=é名ab\\q").expect_err("invalid escape");
    assert_eq!(
        error,
        DistinguishedNameError::InvalidEscape {
            position: 8,
            character: 'q'
        }
    );
}

#[test]
fn dn_parses_a_ten_rdn_name_with_quotes_and_escapes() {
    // Its speed is measured by `cargo xtask bench`, not asserted here: timed tests flake on shared machines.
    let name = r#"CN=websrvr14.keyexample.com,OU=IT,O="Key Example, Inc.",L=Independence,ST=OH,C=US,DC=corp,DC=example,STREET=1 Main St\, Suite 2,E=admin@keyexample.com"#;
    let dn = DistinguishedName::parse(name).expect("a valid name");
    assert_eq!(dn.rdns().len(), 10);
    assert_eq!(dn.rdns()[2].to_string(), "O=Key Example\\, Inc.");
    assert_eq!(dn.rdns()[8].attributes[0].value, "1 Main St, Suite 2");
}
