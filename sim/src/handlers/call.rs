//! A handler's usual inputs in one argument: the simulator, the authenticated caller and the query
//! string (and, for a POST, the headers and raw body, which each handler parses where its checks put
//! it). Extracted in the order the handlers listed them one by one: `State`, `Extension<Caller>`,
//! `Query<Vec<(String, String)>>`, `HeaderMap`, `Bytes`, with the same rejections. Also the steps
//! every list endpoint takes: bind the list parameters, settle the state, filter, sort and page.

use std::sync::{Arc, MutexGuard};

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::Value;

use crate::auth::Caller;
use crate::body::JsonBody;
use crate::error::ApiResult;
use crate::listing::{ListRequest, Prefix, QueryParams};
use crate::model::World;
use crate::query::{Context, Field, Record};
use crate::state::{Sim, SimState};

/// A GET's inputs (see the module comment).
pub struct Reading {
    pub sim: Arc<Sim>,
    pub caller: Caller,
    pub params: QueryParams,
}

impl FromRequestParts<Arc<Sim>> for Reading {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, sim: &Arc<Sim>) -> Result<Self, Response> {
        let Extension(caller) = Extension::<Caller>::from_request_parts(parts, sim)
            .await
            .map_err(IntoResponse::into_response)?;
        let Query(params) = Query::<Vec<(String, String)>>::from_request_parts(parts, sim)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Reading {
            sim: sim.clone(),
            caller,
            params: QueryParams(params),
        })
    }
}

impl Reading {
    /// The paging, sorting and `QueryString` asked for, bound as the v10 action binding `prefix`
    /// (or the v25 one) binds them.
    pub fn list_request(&self, prefix: Prefix) -> ApiResult<ListRequest> {
        ListRequest::from_params(self.sim.config.api, prefix, &self.params)
    }

    /// Binds the list parameters, then settles the state: parameters refused with 400 settle nothing.
    pub fn listing(&self, prefix: Prefix) -> ApiResult<Listing<'_>> {
        let request = self.list_request(prefix)?;
        Ok(self.settle_for(request))
    }

    /// `request` over the settled state, for lists that check more between binding and settling.
    pub fn settle_for(&self, request: ListRequest) -> Listing<'_> {
        let state = self.sim.settled();
        let context = self.caller.query_context(state.now());
        Listing {
            request,
            state,
            context,
        }
    }
}

/// A list request over the settled state (held locked until the answer is made).
pub struct Listing<'a> {
    request: ListRequest,
    state: MutexGuard<'a, SimState>,
    /// `%TODAY%` and `%ME%` for this caller, at the time the state was settled.
    pub context: Context,
}

impl Listing<'_> {
    pub fn world(&self) -> &World {
        &self.state.world
    }

    /// The `records` that match `QueryString` (on the endpoint's `fields`), rendered, sorted, paged.
    pub fn respond<R: Record>(
        &self,
        records: impl IntoIterator<Item = R>,
        fields: &[Field],
        render: impl Fn(&R) -> Value,
    ) -> ApiResult<Json<Vec<Value>>> {
        self.request
            .respond(records, fields, &self.context, render)
            .map(Json)
    }

    /// Rows of an endpoint without `QueryString`, sorted and paged.
    pub fn page(&self, rows: Vec<Value>) -> ApiResult<Json<Vec<Value>>> {
        self.request.sort_and_page(rows).map(Json)
    }
}

/// A POST's inputs (see the module comment).
pub struct Posting {
    pub sim: Arc<Sim>,
    pub caller: Caller,
    pub params: QueryParams,
    pub headers: HeaderMap,
    pub bytes: Bytes,
}

impl Posting {
    /// The body as JSON (`JsonBody::parse`).
    pub fn json(&self) -> ApiResult<JsonBody> {
        JsonBody::parse(&self.headers, &self.bytes)
    }
}

impl FromRequest<Arc<Sim>> for Posting {
    type Rejection = Response;

    async fn from_request(request: Request, sim: &Arc<Sim>) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let Reading {
            sim,
            caller,
            params,
        } = Reading::from_request_parts(&mut parts, sim).await?;
        let headers = parts.headers.clone();
        let bytes = Bytes::from_request(Request::from_parts(parts, body), &sim)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Posting {
            sim,
            caller,
            params,
            headers,
            bytes,
        })
    }
}
