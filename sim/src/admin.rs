//! Test support under `/__sim` (never behind SSO): health, reset, faults, request log, session
//! expiry and the job clock.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Duration;
use serde::Deserialize;
use serde_json::json;

use crate::model::iso;
use crate::state::faults::Fault;
use crate::state::Sim;

pub fn router(sim: Arc<Sim>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/reset", post(reset))
        .route(
            "/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/requests", get(requests).delete(clear_requests))
        .route("/session/expire", post(expire_sessions))
        .route("/jobs/advance", post(advance_jobs))
        .route("/seed/hostile", post(hostile_seed))
        .route("/seed/expiring", post(expiring_seed))
        .with_state(sim)
}

async fn health(State(sim): State<Arc<Sim>>) -> Json<serde_json::Value> {
    Json(json!({
        "status": "ok",
        "api": sim.config.product_version(),
        "wire": sim.config.wire.as_str(),
    }))
}

async fn reset(State(sim): State<Arc<Sim>>) -> StatusCode {
    sim.reset();
    StatusCode::NO_CONTENT
}

async fn list_faults(State(sim): State<Arc<Sim>>) -> Json<Vec<Fault>> {
    Json(sim.state().faults.clone())
}

async fn add_fault(State(sim): State<Arc<Sim>>, Json(fault): Json<Fault>) -> Response {
    match fault.armed() {
        Ok(fault) => {
            sim.state().faults.push(fault);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(message) => {
            (StatusCode::BAD_REQUEST, Json(json!({ "error": message }))).into_response()
        }
    }
}

async fn clear_faults(State(sim): State<Arc<Sim>>) -> StatusCode {
    sim.state().faults.clear();
    StatusCode::NO_CONTENT
}

async fn requests(State(sim): State<Arc<Sim>>) -> Response {
    Json(sim.state().requests.entries()).into_response()
}

async fn clear_requests(State(sim): State<Arc<Sim>>) -> StatusCode {
    sim.state().requests.clear();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct Expiring {
    count: usize,
}

/// At most this many at once: enough for any list test, bounded for the simulator's memory.
const MAX_EXPIRING: usize = 1_000;

async fn expiring_seed(State(sim): State<Arc<Sim>>, Json(expiring): Json<Expiring>) -> StatusCode {
    let mut state = sim.state();
    let state = &mut *state;
    crate::seed::add_expiring(
        &mut state.world,
        &mut state.rng,
        expiring.count.min(MAX_EXPIRING),
    );
    StatusCode::NO_CONTENT
}

async fn hostile_seed(State(sim): State<Arc<Sim>>) -> StatusCode {
    crate::hostile::make_hostile(&mut sim.state().world);
    StatusCode::NO_CONTENT
}

async fn expire_sessions(State(sim): State<Arc<Sim>>) -> StatusCode {
    sim.state().sessions.clear();
    StatusCode::NO_CONTENT
}

/// Far beyond any job; keeps the clock arithmetic in range.
const MAX_ADVANCE_MS: u64 = 10 * 365 * 24 * 3_600_000;

#[derive(Deserialize)]
struct Advance {
    ms: u64,
}

async fn advance_jobs(
    State(sim): State<Arc<Sim>>,
    Json(advance): Json<Advance>,
) -> Json<serde_json::Value> {
    let mut state = sim.state();
    let ms = i64::try_from(advance.ms.min(MAX_ADVANCE_MS)).unwrap_or_default();
    state.clock_offset += Duration::milliseconds(ms);
    Json(json!({ "now": iso(state.now()) }))
}
