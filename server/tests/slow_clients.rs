//! Slow clients cannot hold the server: a real `server serve` process with
//! a short header timeout and a small connection limit, and raw TCP
//! clients that send half a request and wait (slowloris); and SIGTERM
//! lets what is in flight finish.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One at a time: these tests time what the server does, and the suite
/// runs tests in parallel on two cores.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

struct Server {
    child: Child,
    addr: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(env: &[(&str, &str)]) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("serve")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("slow.db").display()),
        )
        .env("LINLI_PHOTO_DIR", dir.path().join("photos"))
        .env("LINLI_SEED", "0")
        .envs(env.iter().copied())
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_OUTPUT_NAME", "linli")
        .env("LEPTOS_SITE_ROOT", concat!(env!("CARGO_MANIFEST_DIR"), "/../public"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("the server starts");
    let server = Server {
        child,
        addr: format!("127.0.0.1:{port}"),
        _dir: dir,
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while get(&server.addr, "/healthz").is_none() {
        assert!(Instant::now() < deadline, "the server never became healthy");
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

/// One whole request on its own connection; the status line's code.
fn get(addr: &str, path: &str) -> Option<u16> {
    let mut tcp = TcpStream::connect(addr).ok()?;
    tcp.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(tcp, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").ok()?;
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).ok()?;
    answer.split(' ').nth(1)?.parse().ok()
}

/// A connection that sent half a request header and nothing more.
fn dribbler(addr: &str) -> TcpStream {
    let mut tcp = TcpStream::connect(addr).unwrap();
    tcp.write_all(b"GET / HTTP/1.1\r\nHost: linli\r\nX-Slow: ").unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    tcp
}

/// Whether the server closed `tcp` (end of stream, perhaps after a 408).
fn closed_by_server(tcp: &mut TcpStream) -> bool {
    let mut rest = Vec::new();
    match tcp.read_to_end(&mut rest) {
        Ok(_) => rest.is_empty() || rest.starts_with(b"HTTP/1.1 408"),
        Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
    }
}

#[test]
fn half_sent_and_silent_connections_are_cut_off_and_others_are_served_meanwhile() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let server = start(&[("LINLI_HEADER_TIMEOUT_MS", "500")]);
    let started = Instant::now();
    let mut slow: Vec<TcpStream> = (0..100).map(|_| dribbler(&server.addr)).collect();
    // And some that connect and say nothing at all.
    for _ in 0..20 {
        let silent = TcpStream::connect(&server.addr).unwrap();
        silent.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        slow.push(silent);
    }
    // Everyone else is served while they wait.
    assert_eq!(get(&server.addr, "/healthz"), Some(200));
    assert_eq!(
        get(&server.addr, "/api/v1/sorting/search?q=%E7%94%B5%E6%B1%A0"),
        Some(200)
    );
    for tcp in &mut slow {
        assert!(closed_by_server(tcp), "a half-sent request was cut off");
    }
    // By the timeout, not by the 5 s read timeout of this test.
    assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
    assert_eq!(get(&server.addr, "/healthz"), Some(200));
}

#[test]
fn at_the_connection_limit_the_next_client_waits_its_turn() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let server = start(&[("LINLI_HEADER_TIMEOUT_MS", "800"), ("LINLI_MAX_CONNECTIONS", "4")]);
    let held: Vec<TcpStream> = (0..4).map(|_| dribbler(&server.addr)).collect();
    std::thread::sleep(Duration::from_millis(100));
    // A fifth client waits in the kernel's queue until the timeout frees a
    // place, then is answered: neither refused nor lost.
    let asked = Instant::now();
    assert_eq!(get(&server.addr, "/healthz"), Some(200));
    let waited = asked.elapsed();
    assert!(
        waited >= Duration::from_millis(500),
        "it waited for a place ({waited:?})"
    );
    drop(held);
}

#[test]
fn sigterm_lets_the_request_in_flight_finish_and_refuses_new_ones() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut server = start(&[("LINLI_SEED", "1")]);
    let body = r#"{"category":"seating","title":"门口的长椅坏了","lat":30.6291,"lng":104.0591}"#;
    let mut tcp = TcpStream::connect(&server.addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        tcp,
        "POST /api/v1/suggestions HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        server.addr,
        body.len()
    )
    .unwrap();
    // Half the body, then the signal, then the rest.
    let (first, rest) = body.as_bytes().split_at(20);
    tcp.write_all(first).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let term = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    std::thread::sleep(Duration::from_millis(300));
    // Stopped accepting: a new client is refused.
    assert!(TcpStream::connect(&server.addr).is_err(), "new connections are refused");
    tcp.write_all(rest).unwrap();
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    assert!(answer.contains("receipt_code"));
    // Then the process ends by itself, cleanly.
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the server is still running after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
}

#[test]
fn a_body_dribbled_in_is_cut_off_with_408_after_its_own_limit_and_others_are_served() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // Uploads get the shorter limit here, to tell the two apart.
    let server = start(&[("LINLI_UPLOAD_TIMEOUT_MS", "700"), ("LINLI_REQUEST_TIMEOUT_MS", "2500")]);
    let started = Instant::now();
    // A suggestion (an upload) and a sign-in form (a small form), each
    // saying it is 4 KB long and sending a byte now and then.
    let mut slow: Vec<(TcpStream, Duration)> = [("/api/v1/suggestions", 700), ("/login", 2500)]
        .iter()
        .map(|(path, limit)| {
            let mut tcp = TcpStream::connect(&server.addr).unwrap();
            tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            write!(
                tcp,
                "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
                 Content-Length: 4096\r\n\r\n{{\"title\":",
                server.addr
            )
            .unwrap();
            (tcp, Duration::from_millis(*limit))
        })
        .collect();
    for _ in 0..3 {
        std::thread::sleep(Duration::from_millis(200));
        for (tcp, _) in &mut slow {
            // Writes may fail once the server has answered and closed.
            let _ = tcp.write_all(b" ");
        }
        assert_eq!(get(&server.addr, "/healthz"), Some(200), "others are served");
    }
    for (tcp, limit) in &mut slow {
        let mut answer = String::new();
        let _ = tcp.read_to_string(&mut answer);
        let after = started.elapsed();
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(after >= *limit, "cut off after its own limit: {after:?} < {limit:?}");
    }
    assert!(started.elapsed() < Duration::from_secs(8), "{:?}", started.elapsed());
}
