//! The `kf-sim` binary: the one stdout line harnesses rely on, loopback only, clean SIGTERM exit.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, Stdio};

const BINARY: &str = env!("CARGO_BIN_EXE_kf-sim");

/// A minimal HTTP/1.0 GET (the test runs without an async runtime).
fn http_get(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connect");
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {address}\r\n\r\n").expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}

/// Starts the binary with `args` and reads the line it prints first: the child, the rest of its
/// stdout, and the address it listens on.
fn spawn_listening(args: &[&str], stderr: Stdio) -> (Child, BufReader<ChildStdout>, String) {
    let mut child = Command::new(BINARY)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("spawn kf-sim");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("first line");
    let address = line
        .trim()
        .strip_prefix("kf-sim listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_owned();
    (child, stdout, address)
}

#[test]
fn prints_one_listening_line_serves_logs_and_exits_on_sigterm() {
    let (mut child, mut stdout, address) =
        spawn_listening(&["--port", "0", "--api", "v25"], Stdio::piped());
    assert!(address.starts_with("127.0.0.1:"), "{address}");

    let health = http_get(&address, "/__sim/health");
    assert!(
        health.starts_with("HTTP/1.0 200") || health.starts_with("HTTP/1.1 200"),
        "{health}"
    );
    // Recorded wire shapes by default: the product version of a recorded 25.4.1 server.
    assert!(health.contains("25.4.1+dc0db2c8"), "{health}");
    assert!(health.contains(r#""wire":"recorded""#), "{health}");

    let terminated = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(terminated.success());
    let status = child.wait().expect("exit");
    assert!(status.success(), "clean exit on SIGTERM: {status}");

    let mut rest = String::new();
    stdout.read_to_string(&mut rest).expect("rest of stdout");
    assert!(rest.is_empty(), "exactly one stdout line, then: {rest:?}");
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr");
    assert!(stderr.contains("GET /__sim/health 200"), "{stderr}");
    assert!(
        stderr.contains("KEYEXAMPLE\\alice"),
        "demo users are listed: {stderr}"
    );
}

#[test]
fn refuses_non_loopback_hosts() {
    let output = Command::new(BINARY)
        .args(["--host", "0.0.0.0", "--port", "0"])
        .output()
        .expect("run kf-sim");
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("loopback"));
}

#[test]
fn refuses_unknown_anonymous_users() {
    let output = Command::new(BINARY)
        .args(["--port", "0", "--anonymous-user", "mallory"])
        .output()
        .expect("run kf-sim");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("mallory"));
}

#[test]
fn wire_spec_answers_as_the_openapi_files_read_and_other_shapes_are_refused() {
    let (mut child, _, address) = spawn_listening(
        &["--port", "0", "--api", "v25", "--wire", "spec"],
        Stdio::null(),
    );
    let health = http_get(&address, "/__sim/health");
    let _ = child.kill();
    let _ = child.wait();
    assert!(health.contains(r#""api":"25.1.0.0""#), "{health}");
    assert!(health.contains(r#""wire":"spec""#), "{health}");

    let output = Command::new(BINARY)
        .args(["--port", "0", "--wire", "guessed"])
        .output()
        .expect("run kf-sim");
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
}
