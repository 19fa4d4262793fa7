//! The filter form. It edits a draft of the URL's filter; applying it changes the URL, which the list follows.

use chrono::{NaiveDate, Utc};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::Certificates;
use crate::components::field::{SelectField, SelectOption, TextField};
use crate::domain::display;
use crate::domain::expiring::{choices, ExpiringFilter, ExpiryWindow, WINDOW_CHOICES};

/// What the form's fields hold. It lives with the page, not the form, so what the user typed and did not
/// apply is still there after a bulk renewal.
#[derive(Clone, Copy)]
pub(super) struct FilterDraft {
    days: RwSignal<String>,
    until: RwSignal<String>,
    text: RwSignal<String>,
    authority: RwSignal<String>,
    template: RwSignal<String>,
    until_error: RwSignal<Option<String>>,
}

impl FilterDraft {
    /// A draft that takes the URL's filter whenever it changes.
    pub(super) fn following(filter: Memo<ExpiringFilter>) -> Self {
        let field = || RwSignal::new(String::new());
        let draft = Self {
            days: field(),
            until: field(),
            text: field(),
            authority: field(),
            template: field(),
            until_error: RwSignal::new(None),
        };
        Effect::new(move |_| filter.with(|f| draft.show(f)));
        draft
    }

    fn show(self, filter: &ExpiringFilter) {
        match filter.window {
            ExpiryWindow::Days(n) => {
                self.days.set(n.to_string());
                self.until.set(String::new());
            }
            ExpiryWindow::Until(date) => {
                self.days.set(String::new());
                self.until.set(display::day(date));
            }
        }
        self.text.set(filter.text.clone());
        self.authority.set(filter.authority.clone());
        self.template.set(filter.template.clone());
    }

    /// The filter the fields ask for: a typed date wins over the chosen window; `Err` says what is wrong
    /// with the date.
    fn read(self, today: NaiveDate) -> Result<ExpiringFilter, String> {
        let typed_until = self.until.get_untracked();
        let window = if typed_until.trim().is_empty() {
            ExpiryWindow::parse_days(&self.days.get_untracked()).unwrap_or_default()
        } else {
            ExpiryWindow::parse_until(&typed_until, today)?
        };
        Ok(ExpiringFilter {
            window,
            text: self.text.get_untracked().trim().to_owned(),
            authority: self.authority.get_untracked(),
            template: self.template.get_untracked(),
        })
    }
}

fn route(filter: &ExpiringFilter) -> String {
    format!("/expiring?{}", filter.to_url_query())
}

fn options(values: Vec<String>) -> Vec<SelectOption> {
    values
        .into_iter()
        .map(|value| SelectOption {
            label: value.clone(),
            value,
        })
        .collect()
}

#[component]
pub(super) fn FilterForm(draft: FilterDraft, certificates: Certificates) -> impl IntoView {
    let navigate = use_navigate();
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match draft.read(Utc::now().date_naive()) {
            Ok(wanted) => {
                draft.until_error.set(None);
                navigate(&route(&wanted), Default::default());
            }
            Err(message) => draft.until_error.set(Some(message)),
        }
    };
    // The pickers offer what the loaded list contains.
    let loaded = move || certificates.get().and_then(Result::ok).unwrap_or_default();
    let authority_options = Signal::derive(move || {
        options(choices(&loaded(), |c| {
            c.certificate_authority_name.as_ref()
        }))
    });
    let template_options =
        Signal::derive(move || options(choices(&loaded(), |c| c.template_name.as_ref())));
    let window_options = Signal::stored(
        WINDOW_CHOICES
            .iter()
            .map(|days| SelectOption {
                value: days.to_string(),
                label: format!("{days} days"),
            })
            .collect::<Vec<_>>(),
    );
    let no_error = || Signal::stored(None::<String>);
    let FilterDraft {
        days,
        until,
        text,
        authority,
        template,
        until_error,
    } = draft;
    view! {
        <form class="expiring-filter" on:submit=apply aria-label="Filter the list" novalidate>
            <SelectField id="expiring-days" label="Expiring within" value=days options=window_options error=no_error() placeholder="Choose a window" />
            <TextField id="expiring-until" label="Or expiring by (YYYY-MM-DD)" value=until error=until_error.read_only() />
            <TextField id="expiring-text" label="Name contains" hint="Part of the common name or of a subject alternative name" value=text error=no_error() />
            <SelectField id="expiring-ca" label="Certificate authority" value=authority options=authority_options error=no_error() placeholder="Any" />
            <SelectField id="expiring-template" label="Template" value=template options=template_options error=no_error() placeholder="Any" />
            <div class="button-row"><button type="submit">"Show certificates"</button></div>
        </form>
    }
}
