//! `kf-sim` command line: binds a loopback port, prints one line with the URL on stdout (test
//! harnesses read it to learn the port), then logs one line per request on stderr.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use kf_sim::{find_user, ApiFlavor, SimConfig, WireShape, DEMO_USERS};
use tokio::net::TcpListener;

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Api {
    V10,
    V25,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Wire {
    /// As real Command servers were recorded answering (docs/observed/README.md).
    Recorded,
    /// As Keyfactor's OpenAPI files read.
    Spec,
}

/// Local Keyfactor Command API simulator (loopback only).
#[derive(Parser, Debug)]
#[command(version)]
struct Cli {
    /// Loopback address to bind (127.0.0.1, ::1 or localhost).
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to bind; 0 picks a free one.
    #[arg(long, default_value_t = 8089)]
    port: u16,
    /// Which Command generation to imitate.
    #[arg(long, value_enum, default_value = "v10")]
    api: Api,
    /// Answer shapes: as real servers were recorded sending them, or spec-literal.
    #[arg(long, value_enum, default_value = "recorded")]
    wire: Wire,
    /// Directory of the built SPA to serve.
    #[arg(long)]
    dist: Option<PathBuf>,
    /// Where the SPA is served (e.g. /certs/); the API is also under it.
    #[arg(long, default_value = "/")]
    public_path: String,
    /// Play the SSO proxy in front of the app and the API.
    #[arg(long)]
    sso: bool,
    /// Run unauthenticated API requests as this demo user.
    #[arg(long)]
    anonymous_user: Option<String>,
    /// Length of each job phase (waiting, running) in milliseconds.
    #[arg(long, default_value_t = 2000)]
    job_phase_ms: u64,
    /// Seed of the generated data.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

fn loopback_address(host: &str) -> Result<IpAddr, String> {
    let address = if host.eq_ignore_ascii_case("localhost") {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        host.parse::<IpAddr>()
            .map_err(|_| format!("--host {host} is not an IP address"))?
    };
    if address.is_loopback() {
        Ok(address)
    } else {
        Err(format!(
            "--host {host} is not a loopback address; kf-sim only listens on loopback"
        ))
    }
}

/// Registers the SIGINT/SIGTERM handlers now (before the listening line is printed, so a harness
/// may signal at once) and returns a future that completes on the first of them.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("kf-sim: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let address = loopback_address(&cli.host)?;
    if let Some(name) = &cli.anonymous_user {
        if find_user(name).is_none() {
            return Err(format!("--anonymous-user {name} is not a demo user"));
        }
    }
    if let Some(dist) = &cli.dist {
        if !dist.join("index.html").is_file() {
            return Err(format!("--dist {} has no index.html", dist.display()));
        }
    }
    let config = SimConfig {
        api: match cli.api {
            Api::V10 => ApiFlavor::V10,
            Api::V25 => ApiFlavor::V25,
        },
        wire: match cli.wire {
            Wire::Recorded => WireShape::Recorded,
            Wire::Spec => WireShape::Spec,
        },
        dist: cli.dist,
        sso: cli.sso,
        anonymous_user: cli.anonymous_user,
        job_phase: Duration::from_millis(cli.job_phase_ms),
        seed: cli.seed,
        public_path: cli.public_path,
        log_requests: true,
    };
    let shutdown = shutdown_signal().map_err(|e| format!("cannot install signal handlers: {e}"))?;
    let listener = TcpListener::bind(SocketAddr::new(address, cli.port))
        .await
        .map_err(|e| format!("cannot bind {address}:{}: {e}", cli.port))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "kf-sim listening on http://{bound}")
        .and_then(|()| stdout.flush())
        .map_err(|e| e.to_string())?;
    drop(stdout);
    eprintln!(
        "kf-sim: Command {} flavour, {} wire shapes; demo users (Basic KEYEXAMPLE\\user:password):",
        config.product_version(),
        config.wire.as_str()
    );
    for user in DEMO_USERS {
        eprintln!(
            "  {} / {}  {}",
            user.account(),
            user.password,
            user.description
        );
    }
    kf_sim::serve(config, listener, shutdown)
        .await
        .map_err(|e| e.to_string())
}
