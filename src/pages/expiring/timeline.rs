//! The timeline above the list: how many certificates expire in each of the next weeks.

use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;

use crate::domain::display::day_of_month;
use crate::domain::expiring::{weekly_counts, TIMELINE_WEEKS};
use crate::domain::models::Certificate;

/// How many expire in each of the next weeks, as bars; the numbers are also in the SVG's description.
#[component]
pub(super) fn ExpiryTimeline(certificates: Vec<Certificate>, now: DateTime<Utc>) -> impl IntoView {
    const BAR: usize = 36;
    const GAP: usize = 8;
    const HEIGHT: usize = 100;
    let weeks = weekly_counts(&certificates, now);
    let highest = weeks.iter().copied().max().unwrap_or(0).max(1) as usize;
    let week_start = |week: usize| day_of_month((now + Duration::weeks(week as i64)).date_naive());
    let description = weeks
        .iter()
        .enumerate()
        .map(|(week, count)| format!("week of {}: {count}", week_start(week)))
        .collect::<Vec<_>>()
        .join("; ");
    let width = TIMELINE_WEEKS * (BAR + GAP);
    view! {
        <figure class="expiry-timeline">
            <figcaption id="expiry-timeline-title">"Expiries per week, the next 13 weeks"</figcaption>
            <svg role="img" aria-labelledby="expiry-timeline-title expiry-timeline-desc" viewBox=format!("0 0 {width} {}", HEIGHT + 40) width=width height=HEIGHT + 40>
                <desc id="expiry-timeline-desc">{description}</desc>
                {weeks.iter().enumerate().map(|(week, count)| {
                    let height = *count as usize * HEIGHT / highest;
                    let x = week * (BAR + GAP);
                    view! {
                        <g>
                            <rect class="bar" x=x y=HEIGHT - height + 16 width=BAR height=height />
                            <text class="count" x=x + BAR / 2 y=HEIGHT - height + 12 text-anchor="middle">{*count}</text>
                            <text class="week" x=x + BAR / 2 y=HEIGHT + 32 text-anchor="middle">{week_start(week)}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}
