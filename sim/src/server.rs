//! The accept loop. Not `axum::serve`: each connection gets a [`ConnectionKill`] so the `drop`
//! fault can close it without sending a response.

use std::future::Future;
use std::io;
use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower::ServiceExt;

use crate::faults::ConnectionKill;

/// Serves `router` on `listener` (loopback only) until `shutdown` completes.
pub async fn run(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    if !listener.local_addr()?.ip().is_loopback() {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "kf-sim only listens on loopback addresses",
        ));
    }
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            () = &mut shutdown => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                // Transient (e.g. too many open files): keep serving the others.
                Err(error) => {
                    eprintln!("kf-sim: accept failed: {error}");
                    continue;
                }
            },
        };
        // As nginx does (`tcp_nodelay on`): without it a response written in two parts (headers, then a file
        // body) waits for the browser's delayed ACK, some 40 ms per file on loopback.
        if let Err(error) = stream.set_nodelay(true) {
            eprintln!("kf-sim: cannot disable Nagle's algorithm: {error}");
        }
        let router = router.clone();
        tokio::spawn(async move {
            let kill = Arc::new(Notify::new());
            let handle = ConnectionKill(kill.clone());
            let service = service_fn(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(handle.clone());
                router.clone().oneshot(request.map(Body::new))
            });
            let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                // Errors here are the client's (reset, bad request); nothing to do.
                _ = connection => {}
                // Dropping the connection closes the socket with nothing sent.
                () = kill.notified() => {}
            }
        });
    }
}
