//! "Add to a calendar": the shown certificates' expiry dates as an iCalendar file, each linking back to its
//! renewal page.

use chrono::Utc;
use leptos::prelude::*;

use crate::domain::calendar::{expiry_calendar, CALENDAR_FILE_NAME, CALENDAR_MEDIA_TYPE};
use crate::domain::models::Certificate;
use crate::hooks::save_file::save_file;
use crate::routes::href;

#[component]
pub(super) fn CalendarExport(
    list: StoredValue<Vec<Certificate>>,
    shown: RwSignal<usize>,
) -> impl IntoView {
    let status = RwSignal::new(String::new());
    // Read here: the router's context is the component's, not the click's.
    let renew_page = href("/renew?id=");
    let export = move |_| {
        let location = window().location();
        let renew_page = format!("{}{renew_page}", location.origin().unwrap_or_default());
        let host = location.host().unwrap_or_default();
        let (count, text) = list.with_value(|list| {
            let shown = &list[..shown.get_untracked().min(list.len())];
            expiry_calendar(shown, &renew_page, &host, Utc::now())
        });
        status.set(match save_file(text.as_bytes(), CALENDAR_FILE_NAME, CALENDAR_MEDIA_TYPE) {
            Ok(()) => format!("{CALENDAR_FILE_NAME} with {count} expiry dates was handed to your browser's downloads."),
            Err(error) => error.to_string(),
        });
    };
    view! {
        <div class="button-row">
            <button type="button" class="secondary" on:click=export>
                {move || format!("Add the {} shown expiry dates to a calendar (.ics)", shown.get())}
            </button>
        </div>
        <p role="status" class="status-line">{move || status.get()}</p>
    }
}
