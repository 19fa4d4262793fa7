//! Component tests in headless Chromium (wasm-bindgen-test): the renewal flow's form pieces.

use certportal::app::App;
use certportal::components::secret_value::SecretValue;
use certportal::config::RuntimeConfig;
use certportal::domain::SecretString;
use certportal::hooks::use_secret_vault::SecretVault;
use leptos::mount::mount_to;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::{host, settle};

fn click(host: &web_sys::HtmlElement, selector: &str) {
    let element: web_sys::HtmlElement = host
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .unchecked_into();
    element.click();
}

const PASSWORD: &str = "Gen3rated-PFX-pa55";

#[wasm_bindgen_test]
async fn password_is_masked_until_revealed_and_gone_after_leaving() {
    let host = host();
    let shown = RwSignal::new(true);
    let secret = RwSignal::new(Some(SecretString::from(PASSWORD.to_owned())));
    let _app = mount_to(host.clone(), move || {
        view! {
            <Show when=move || shown.get()>
                <SecretValue id="pw" label="PFX password" secret />
            </Show>
        }
    });
    settle().await;

    let html = host.inner_html();
    assert!(!html.contains(PASSWORD), "masked: {html}");
    let reveal = host
        .query_selector("button[aria-pressed]")
        .unwrap()
        .unwrap();
    assert_eq!(
        reveal.get_attribute("aria-pressed").as_deref(),
        Some("false")
    );

    click(&host, "button[aria-pressed]");
    settle().await;
    assert_eq!(
        reveal.get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    let value = host.query_selector("#pw-value").unwrap().unwrap();
    assert_eq!(value.text_content().as_deref(), Some(PASSWORD));
    // No translation service is offered the revealed password.
    assert_eq!(value.get_attribute("translate").as_deref(), Some("no"));

    click(&host, "button[aria-pressed]");
    settle().await;
    assert!(!host.inner_html().contains(PASSWORD));

    click(&host, "button[aria-pressed]");
    settle().await;
    assert!(host.inner_html().contains(PASSWORD));
    // Leaving the result: the component goes, and the owner drops the secret.
    shown.set(false);
    secret.set(None);
    settle().await;
    assert!(!host.inner_html().contains(PASSWORD));
}

#[wasm_bindgen_test]
async fn a_wiped_password_says_it_is_gone_and_offers_nothing_to_reveal_or_copy() {
    let host = host();
    let vault = SecretVault::new();
    let _app = mount_to(host.clone(), move || {
        let secret = vault.hold();
        secret.set(Some(SecretString::from(PASSWORD.to_owned())));
        view! { <SecretValue id="pw" label="PFX password" secret /> }
    });
    settle().await;
    click(&host, "button[aria-pressed]");
    settle().await;
    assert!(host.inner_html().contains(PASSWORD));

    // Signing out or leaving the page wipes every secret the vault holds.
    vault.wipe_all();
    settle().await;
    let html = host.inner_html();
    assert!(!html.contains(PASSWORD), "{html}");
    assert!(
        html.contains("Cleared: this password is no longer in the portal"),
        "{html}"
    );
    let buttons = host
        .query_selector(".secret-value .button-row")
        .unwrap()
        .unwrap();
    assert!(buttons.has_attribute("hidden"));
}

#[wasm_bindgen_test]
async fn lookup_form_validates_on_submit_and_live_after() {
    let host = host();
    let config = RuntimeConfig::from_json("{}").unwrap();
    let _app = mount_to(
        host.clone(),
        move || view! { <App config=config.clone() /> },
    );
    settle().await;
    settle().await;

    let input: web_sys::HtmlInputElement = host
        .query_selector("input#lookup-value")
        .unwrap()
        .expect("the renew page is the start page")
        .unchecked_into();
    assert_eq!(input.get_attribute("aria-invalid"), None);

    click(&host, "form button[type=submit]");
    settle().await;
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    let error = host.query_selector("#lookup-value-error").unwrap().unwrap();
    assert_eq!(
        error.text_content().as_deref(),
        Some("Enter a certificate ID, e.g. 1234.")
    );
    let summary = host.query_selector(".error-summary").unwrap().unwrap();
    assert_eq!(
        document().active_element().as_ref(),
        Some(&summary),
        "the summary takes focus"
    );

    // Once shown, the message follows the input live.
    input.set_value("0");
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    settle().await;
    assert_eq!(
        error.text_content().as_deref(),
        Some("Certificate IDs start at 1.")
    );
    input.set_value("42");
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    settle().await;
    assert_eq!(input.get_attribute("aria-invalid"), None);
}
