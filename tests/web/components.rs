//! The shared form and feedback pieces: what a keyboard or screen-reader user meets, and what a click does.

use certportal::api::error::ApiError;
use certportal::components::api_error::ApiErrorNotice;
use certportal::components::error_summary::{ErrorSummary, FieldProblem};
use certportal::components::field::{SelectField, SelectOption};
use leptos::mount::mount_to;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::{host, settle};

fn options() -> Vec<SelectOption> {
    ["WebServer", "Client"]
        .map(|name| SelectOption {
            value: name.to_owned(),
            label: format!("{name} template"),
        })
        .to_vec()
}

#[wasm_bindgen_test]
async fn a_select_field_offers_nothing_chosen_first_and_writes_the_choice() {
    let host = host();
    let value = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let _field = mount_to(host.clone(), move || {
        view! { <SelectField id="tpl" label="Template" value options=options() error placeholder="Choose…" required=true /> }
    });
    settle().await;
    let select = host.query_selector("select#tpl").unwrap().unwrap();
    let texts: Vec<String> = {
        let nodes = select.query_selector_all("option").unwrap();
        (0..nodes.length())
            .map(|i| nodes.item(i).unwrap().text_content().unwrap())
            .collect()
    };
    assert_eq!(texts, ["Choose…", "WebServer template", "Client template"]);
    assert_eq!(
        select.get_attribute("aria-required").as_deref(),
        Some("true")
    );
    assert_eq!(select.get_attribute("aria-describedby"), None);

    js_sys::Reflect::set(&select, &"value".into(), &JsValue::from_str("Client")).unwrap();
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    assert_eq!(value.get_untracked(), "Client");

    error.set(Some("Choose a template.".into()));
    settle().await;
    assert_eq!(
        select.get_attribute("aria-invalid").as_deref(),
        Some("true")
    );
    assert_eq!(
        select.get_attribute("aria-describedby").as_deref(),
        Some("tpl-error")
    );
}

#[wasm_bindgen_test]
async fn the_error_summary_takes_focus_on_each_failed_submit_and_links_every_problem() {
    let host = host();
    let problems = RwSignal::new(Vec::<FieldProblem>::new());
    let attempt = RwSignal::new(0_u32);
    let _summary = mount_to(
        host.clone(),
        move || view! { <ErrorSummary problems attempt /> },
    );
    settle().await;
    assert!(host.query_selector(".error-summary").unwrap().is_none());

    problems.set(vec![
        FieldProblem {
            field_id: "alias".into(),
            message: "Enter an alias.".into(),
        },
        FieldProblem {
            field_id: "subject-name".into(),
            message: "Enter a subject.".into(),
        },
    ]);
    attempt.set(1);
    settle().await;
    let summary = host
        .query_selector(".error-summary")
        .unwrap()
        .expect("shown");
    assert_eq!(summary.get_attribute("role").as_deref(), Some("alert"));
    assert_eq!(document().active_element(), Some(summary.clone()));
    let links: Vec<(String, String)> = {
        let nodes = summary.query_selector_all("a").unwrap();
        (0..nodes.length())
            .map(|i| {
                let a: web_sys::Element = nodes.item(i).unwrap().unchecked_into();
                (a.get_attribute("href").unwrap(), a.text_content().unwrap())
            })
            .collect()
    };
    assert_eq!(
        links,
        [
            ("#alias".to_owned(), "Enter an alias.".to_owned()),
            ("#subject-name".to_owned(), "Enter a subject.".to_owned())
        ]
    );

    // Focus moves away, the user submits again with the same problems: the summary takes focus again.
    let outside = document().body().unwrap();
    outside.focus().unwrap();
    attempt.set(2);
    settle().await;
    assert_eq!(document().active_element(), Some(summary));
}

#[wasm_bindgen_test]
async fn an_api_error_offers_try_again_only_where_asking_again_can_help() {
    let host = host();
    let retried = RwSignal::new(0_u32);
    let retry = Callback::new(move |()| retried.update(|n| *n += 1));
    let _notices = mount_to(host.clone(), move || {
        view! {
            <div id="server"><ApiErrorNotice error=ApiError::Timeout { after_ms: 15_000 } retry /></div>
            <div id="refused"><ApiErrorNotice error=ApiError::Forbidden { message: "Missing permission.".into(), hint: String::new() } retry /></div>
        }
    });
    settle().await;
    let server = host
        .query_selector("#server [role=alert]")
        .unwrap()
        .expect("an alert");
    assert!(
        server.text_content().unwrap().contains("15"),
        "names the time-out"
    );
    let button: web_sys::HtmlElement = host
        .query_selector("#server button")
        .unwrap()
        .expect("Try again")
        .unchecked_into();
    assert_eq!(button.text_content().unwrap(), "Try again");
    button.click();
    assert_eq!(retried.get_untracked(), 1);

    let refused = host
        .query_selector("#refused [role=alert]")
        .unwrap()
        .expect("an alert");
    assert!(refused
        .text_content()
        .unwrap()
        .contains("Missing permission."));
    assert!(host.query_selector("#refused button").unwrap().is_none());
}
