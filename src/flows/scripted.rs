//! A [`Transport`] for native tests: answers scripted per request, every request recorded, no network.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

use crate::api::error::ApiError;
use crate::api::transport::{Keyfactor, Transport};
use crate::domain::collection::CollectionId;
use crate::domain::command_version::CommandVersion;

/// One request as the flow sent it.
#[derive(Clone, Debug, PartialEq)]
pub struct Sent {
    pub method: &'static str,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
}

impl Sent {
    /// `METHOD path` for compact assertions.
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Answers queued per `METHOD path`, taken in order; a request with no answer left fails the test.
pub struct Scripted {
    answers: RefCell<HashMap<String, VecDeque<Result<Value, ApiError>>>>,
    sent: RefCell<Vec<Sent>>,
    version: CommandVersion,
    collection: Option<CollectionId>,
}

impl Scripted {
    pub fn new(version: CommandVersion) -> Self {
        Self {
            answers: RefCell::default(),
            sent: RefCell::default(),
            version,
            collection: None,
        }
    }

    pub fn in_collection(mut self, collection: CollectionId) -> Self {
        self.collection = Some(collection);
        self
    }

    /// Queues the answer to the next `method path` request.
    pub fn answer(self, method: &str, path: &str, answer: Result<Value, ApiError>) -> Self {
        self.answers
            .borrow_mut()
            .entry(format!("{method} {path}"))
            .or_default()
            .push_back(answer);
        self
    }

    pub fn ok(self, method: &str, path: &str, body: Value) -> Self {
        self.answer(method, path, Ok(body))
    }

    pub fn sent(&self) -> Vec<Sent> {
        self.sent.borrow().clone()
    }

    pub fn lines(&self) -> Vec<String> {
        self.sent.borrow().iter().map(Sent::line).collect()
    }

    fn exchange(
        &self,
        method: &'static str,
        path: &str,
        query: &[(String, String)],
        body: Option<Value>,
    ) -> Result<Value, ApiError> {
        self.sent.borrow_mut().push(Sent {
            method,
            path: path.to_owned(),
            query: query.to_vec(),
            body,
        });
        let key = format!("{method} {path}");
        self.answers
            .borrow_mut()
            .get_mut(&key)
            .and_then(VecDeque::pop_front)
            .unwrap_or_else(|| panic!("no scripted answer for {key}"))
    }
}

fn decode<R: DeserializeOwned>(answer: Result<Value, ApiError>) -> Result<R, ApiError> {
    Ok(serde_json::from_value(answer?).expect("scripted answers match the model"))
}

fn body_of<B: Serialize>(body: &B) -> Option<Value> {
    Some(serde_json::to_value(body).expect("requests serialize"))
}

impl Transport for Scripted {
    async fn get_json<R: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(String, String)],
    ) -> Result<R, ApiError> {
        decode(self.exchange("GET", path, query, None))
    }

    async fn post_json<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(String, String)],
        body: &B,
    ) -> Result<R, ApiError> {
        decode(self.exchange("POST", path, query, body_of(body)))
    }

    async fn post_no_content<B: Serialize>(
        &self,
        path: &str,
        query: &[(String, String)],
        body: &B,
    ) -> Result<(), ApiError> {
        self.exchange("POST", path, query, body_of(body)).map(drop)
    }

    async fn command_version(&self) -> Result<CommandVersion, ApiError> {
        Ok(self.version)
    }

    fn collection_id(&self) -> Option<CollectionId> {
        self.collection
    }
}

/// Runs a flow to its end: scripted answers never wait, so one poll finishes it.
pub fn run<F: Future>(flow: F) -> F::Output {
    match pin!(flow).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("a scripted flow never waits"),
    }
}

/// The endpoints over a script.
pub fn keyfactor(script: Scripted) -> Keyfactor<Scripted> {
    Keyfactor(script)
}
