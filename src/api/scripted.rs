//! A [`Transport`] for native tests: answers scripted per request, every request recorded, no network.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use serde_json::Value;

use crate::api::error::ApiError;
use crate::api::transport::{Expect, Keyfactor, Method, Request, Transport};
use crate::domain::collection::CollectionId;
use crate::domain::command_version::CommandVersion;

/// One request as the flow sent it.
#[derive(Clone, Debug, PartialEq)]
pub struct Sent {
    pub method: &'static str,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
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
}

impl Transport for Scripted {
    async fn exchange(&self, request: Request<'_>, _expect: Expect) -> Result<Value, ApiError> {
        let method = match request.method {
            Method::Get => "GET",
            Method::Post => "POST",
        };
        self.sent.borrow_mut().push(Sent {
            method,
            path: request.path.to_owned(),
            query: request.query.to_vec(),
            headers: request
                .headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body: request
                .body
                .map(|body| serde_json::from_str(body).expect("requests are JSON")),
        });
        let key = format!("{method} {}", request.path);
        self.answers
            .borrow_mut()
            .get_mut(&key)
            .and_then(VecDeque::pop_front)
            .unwrap_or_else(|| panic!("no scripted answer for {key}"))
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

/// One row of `GET /OrchestratorJobs/ScheduledJobs`: a job no orchestrator has picked up yet.
pub fn queued_job(machine: &str, path: &str, requested: &str) -> Value {
    serde_json::json!([{
        "Id": "job-1", "ClientMachine": machine, "Target": path, "JobType": "PEMReenrollment",
        "Requested": requested
    }])
}

/// The endpoints over a script.
pub fn keyfactor(script: Scripted) -> Keyfactor<Scripted> {
    Keyfactor(script)
}
