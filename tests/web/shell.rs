//! Component tests in headless Chromium (wasm-bindgen-test): the app shell and the shared form pieces.

use certportal::app::App;
use certportal::components::field::TextField;
use certportal::config::RuntimeConfig;
use leptos::mount::mount_to;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::{host, settle};

fn config(json: &str) -> RuntimeConfig {
    RuntimeConfig::from_json(json).unwrap()
}

#[wasm_bindgen_test]
async fn app_shell_mounts_with_navigation_and_a_main_landmark() {
    let host = host();
    let _app = mount_to(host.clone(), || view! { <App config=config("{}") /> });
    settle().await;

    let links: Vec<(String, String)> = {
        let nodes = host.query_selector_all("nav[aria-label='Main'] a").unwrap();
        (0..nodes.length())
            .map(|i| {
                let a: web_sys::Element = nodes.item(i).unwrap().unchecked_into();
                (a.text_content().unwrap(), a.get_attribute("href").unwrap())
            })
            .collect()
    };
    assert_eq!(
        links,
        [
            ("Renew a certificate", "/renew"),
            ("Expiring soon", "/expiring"),
            ("Reenroll a store", "/reenroll"),
            ("My requests", "/requests"),
            ("Jobs", "/jobs"),
            ("This session", "/activity")
        ]
        .map(|(t, h)| (t.to_owned(), h.to_owned()))
    );
    assert!(host
        .query_selector("a.skip-link[href='#main']")
        .unwrap()
        .is_some());
    assert!(host.query_selector("main#main").unwrap().is_some());
    // No certificate collection configured or linked: the header names none.
    assert!(host.query_selector(".collection-note").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn the_header_names_the_certificate_collection_requests_are_made_in() {
    let host = host();
    // Basic mode keeps the router from navigating (the sign-in form stands before every page), so this
    // test leaves the test page's address as it found it; the header is there all the same.
    let _app = mount_to(
        host.clone(),
        || view! { <App config=config(r#"{"auth":"basic","collection_id":7}"#) /> },
    );
    settle().await;
    let note = host
        .query_selector(".collection-note")
        .unwrap()
        .expect("the configured collection is shown");
    assert_eq!(
        note.text_content().as_deref(),
        Some("Certificate collection 7")
    );
}

#[wasm_bindgen_test]
async fn basic_auth_mode_asks_for_credentials_before_any_page() {
    let host = host();
    let _app = mount_to(
        host.clone(),
        || view! { <App config=config(r#"{"auth":"basic"}"#) /> },
    );
    settle().await;

    let heading = host.query_selector("main h1").unwrap().unwrap();
    assert_eq!(
        heading.text_content().unwrap(),
        "Sign in to Keyfactor Command"
    );
    let password = host.query_selector("input#password").unwrap().unwrap();
    assert_eq!(password.get_attribute("type").as_deref(), Some("password"));
}

#[wasm_bindgen_test]
async fn text_field_links_its_error_only_while_there_is_one() {
    let host = host();
    let value = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let _field = mount_to(host.clone(), move || {
        view! { <TextField id="thumb" label="Thumbprint" hint="40 hex digits" value error=error /> }
    });
    settle().await;
    let input = host.query_selector("input#thumb").unwrap().unwrap();
    assert_eq!(input.get_attribute("aria-invalid"), None);
    assert_eq!(
        input.get_attribute("aria-describedby").as_deref(),
        Some("thumb-hint")
    );
    let label = host.query_selector("label[for='thumb']").unwrap().unwrap();
    assert!(label.text_content().unwrap().contains("Thumbprint"));

    error.set(Some(
        "A thumbprint has 40 hexadecimal characters; this has 38.".into(),
    ));
    settle().await;
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        input.get_attribute("aria-describedby").as_deref(),
        Some("thumb-hint thumb-error")
    );
    let message = host
        .query_selector("#thumb-error")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert_eq!(
        message,
        "A thumbprint has 40 hexadecimal characters; this has 38."
    );

    // Typing updates the bound signal.
    let input: web_sys::HtmlInputElement = input.unchecked_into();
    input.set_value("AB");
    input
        .dispatch_event(
            &web_sys::Event::new_with_event_init_dict("input", &{
                let init = web_sys::EventInit::new();
                init.set_bubbles(true);
                init
            })
            .unwrap(),
        )
        .unwrap();
    settle().await;
    assert_eq!(value.get_untracked(), "AB");
}
