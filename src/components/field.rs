//! Labelled text inputs and selects whose hint and error are linked to them for screen readers.

use leptos::attr::Attribute;
use leptos::prelude::*;

/// What every control of a field carries: its id, whether it is required, and its ARIA state, with an
/// `aria-describedby` that names its hint (`{id}-hint`) and its error (`{id}-error`) only while there is one.
fn control_attributes(
    id: String,
    required: bool,
    has_hint: bool,
    error: Signal<Option<String>>,
) -> impl Attribute {
    let (hint, err) = (format!("{id}-hint"), format!("{id}-error"));
    let described_by = move || {
        let ids: Vec<&str> = [
            has_hint.then_some(hint.as_str()),
            error.with(Option::is_some).then_some(err.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    view! {
        <{..}
            id=id
            required=required
            aria-required=required.then_some("true")
            aria-invalid=move || error.with(Option::is_some).then_some("true")
            aria-describedby=described_by
        />
    }
}

/// What every field has around its control: the label, the hint and the error, with the ids the control's
/// `aria-describedby` names.
#[component]
fn FieldFrame(
    id: String,
    label: String,
    required: bool,
    hint: Option<String>,
    error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    let (hint_id, error_id) = (format!("{id}-hint"), format!("{id}-error"));
    view! {
        <div class="field" class:field-invalid=move || error.with(Option::is_some)>
            <label for=id>{label} {required.then_some(view! { <span class="required" aria-hidden="true">" *"</span> })}</label>
            {hint.map(|hint| view! { <p id=hint_id class="field-hint">{hint}</p> })}
            {children()}
            <p id=error_id class="field-error">{move || error.get()}</p>
        </div>
    }
}

/// `error` is shown (and `aria-invalid` set) only when `Some`; callers decide when a field has been touched.
#[component]
pub fn TextField(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] required: bool,
    /// Called when the user leaves the field, so validation can start showing messages.
    #[prop(optional, into)]
    on_blur: Option<Callback<()>>,
) -> impl IntoView {
    let attributes = control_attributes(id.clone(), required, hint.is_some(), error);
    view! {
        <FieldFrame id label required hint error>
            <input
                {..attributes}
                type=input_type
                autocomplete=autocomplete
                spellcheck="false"
                prop:value=move || value.get()
                on:input:target=move |ev| value.set(ev.target().value())
                on:blur=move |_| {
                    if let Some(on_blur) = on_blur {
                        on_blur.run(());
                    }
                }
            />
        </FieldFrame>
    }
}

/// One `<option>`: what is sent (`value`) and what the user reads (`label`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectOption {
    pub value: String,
    pub label: String,
}

/// A labelled `<select>` with the same hint/error wiring as [`TextField`]. An empty first option
/// (`placeholder`) stands for "nothing chosen yet".
#[component]
pub fn SelectField(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    #[prop(into)] options: Signal<Vec<SelectOption>>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(into, default = "Choose…".to_owned())] placeholder: String,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let attributes = control_attributes(id.clone(), required, hint.is_some(), error);
    view! {
        <FieldFrame id label required hint error>
            <select
                {..attributes}
                prop:value=move || value.get()
                on:change:target=move |ev| value.set(ev.target().value())
            >
                <option value="">{placeholder}</option>
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|o| {
                            let selected = value.with_untracked(|v| *v == o.value);
                            view! { <option value=o.value selected=selected>{o.label}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </FieldFrame>
    }
}
