//! `tamis playground`: the server hands out the page with the policy of `--policy` in it (no
//! text of the policy can end its element), to 127.0.0.1 and localhost only, and nothing else.
//! The page itself is tested in Chromium (bindings-js/test/playground.test.mjs).

#![expect(clippy::unwrap_used, reason = "test code")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

const PAGE: &str = "<!doctype html><title>p</title>\n\
    <script id=\"tamis-initial\" type=\"application/json\">null</script>\n";

fn temp(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tamis-playground-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

/// A running `tamis playground` and its address; killed when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[&str]) -> Server {
    start_with_path(args, None)
}

/// `tamis playground ARGS`, with `PATH` set when given; waits for the line with its URL.
fn start_with_path(args: &[&str], path: Option<&str>) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tamis"));
    if let Some(path) = path {
        command.env("PATH", path);
    }
    let mut child = command
        .arg("playground")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.split_whitespace().nth(2).unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    let port = url
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches('/')
        .parse()
        .unwrap();
    Server { child, port }
}

/// One request; the status line and the body.
fn request(port: u16, head: &str) -> (String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    let (top, body) = answer.split_once("\r\n\r\n").unwrap();
    (top.lines().next().unwrap().to_owned(), body.to_owned())
}

fn get(port: u16, path: &str, host: &str) -> (String, String) {
    request(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n"),
    )
}

#[test]
fn serves_the_page_with_the_policy_that_no_text_can_end() {
    let page = temp("page.html", PAGE);
    let policy_text = "version = 1\nname = \"p\" # </script><script>alert(1)</script> & <!--\n";
    let policy = temp("my-policy.toml", policy_text);
    let server = start(&[
        "--page",
        page.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
    ]);
    let host = format!("127.0.0.1:{}", server.port);
    let (status, body) = get(server.port, "/", &host);
    assert_eq!(status, "HTTP/1.1 200 OK");
    // One element, ended once; the policy inside as JSON whose `<`, `>`, `&` are escapes.
    assert_eq!(body.matches("</script>").count(), 1, "{body}");
    let start = body.find("application/json\">").unwrap() + "application/json\">".len();
    let end = body.find("</script>").unwrap();
    let json: serde_json::Value = serde_json::from_str(&body[start..end]).unwrap();
    assert_eq!(json["policy"], policy_text);
    assert_eq!(json["file"], "my-policy.toml");
    assert!(!body[start..end].contains(['<', '>', '&']));
    // The same under `localhost` and `/index.html`.
    let (status, same) = get(
        server.port,
        "/index.html",
        &format!("localhost:{}", server.port),
    );
    assert_eq!(
        (status.as_str(), same.as_str()),
        ("HTTP/1.1 200 OK", body.as_str())
    );
}

#[test]
fn refuses_other_hosts_paths_and_methods() {
    let page = temp("page2.html", PAGE);
    let server = start(&["--page", page.to_str().unwrap()]);
    let port = server.port;
    let host = format!("127.0.0.1:{port}");
    let (status, body) = get(port, "/", &host);
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(
        body.contains(">null</script>"),
        "no policy given: the page's own examples"
    );
    // A name that points here from elsewhere (DNS rebinding) reads nothing.
    assert_eq!(get(port, "/", "evil.example").0, "HTTP/1.1 403 Forbidden");
    assert_eq!(
        request(port, "GET / HTTP/1.1\r\n\r\n").0,
        "HTTP/1.1 403 Forbidden"
    );
    assert_eq!(
        get(port, "/../Cargo.toml", &host).0,
        "HTTP/1.1 404 Not Found"
    );
    assert_eq!(get(port, "/tamis.wasm", &host).0, "HTTP/1.1 404 Not Found");
    let post = format!("POST / HTTP/1.1\r\nHost: {host}\r\ncontent-length: 0\r\n\r\n");
    assert_eq!(request(port, &post).0, "HTTP/1.1 405 Method Not Allowed");
    // Still serving after all that.
    assert_eq!(get(port, "/", &host).0, "HTTP/1.1 200 OK");
}

#[test]
fn a_page_without_its_marker_a_missing_page_or_policy_is_an_error() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_tamis"))
            .arg("playground")
            .args(args)
            .output()
            .unwrap()
    };
    let not_page = temp("other.html", "<!doctype html><p>hello</p>");
    let out = run(&["--page", not_page.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("build-playground.sh"));

    let out = run(&["--page", "/nonexistent/page.html"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read the playground page"));

    let page = temp("page3.html", PAGE);
    let out = run(&[
        "--page",
        page.to_str().unwrap(),
        "--policy",
        "/nonexistent/p.toml",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read the policy"));
}

#[test]
fn open_starts_the_system_browser_on_the_url() {
    // A stand-in `xdg-open` on PATH that writes down the URL it was given.
    let dir = std::env::temp_dir().join(format!("tamis-open-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let seen = dir.join("seen");
    let opener = dir.join("xdg-open");
    std::fs::write(
        &opener,
        format!("#!/bin/sh\necho \"$1\" > {}\n", seen.display()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let page = temp("page4.html", PAGE);
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let server = start_with_path(&["--open", "--page", page.to_str().unwrap()], Some(&path));
    let url = format!("http://127.0.0.1:{}/", server.port);
    let mut opened = String::new();
    for _ in 0..100 {
        opened = std::fs::read_to_string(&seen).unwrap_or_default();
        if !opened.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    drop(server);
    assert_eq!(opened.trim(), url);
}

#[test]
fn a_slow_or_huge_request_holds_only_itself() {
    let page = temp("page5.html", PAGE);
    let server = start(&["--page", page.to_str().unwrap()]);
    let port = server.port;
    let host = format!("127.0.0.1:{port}");
    // A client that sends its head a byte at a time and never ends it.
    let mut slow = TcpStream::connect(("127.0.0.1", port)).unwrap();
    slow.write_all(b"GET / HT").unwrap();
    let started = std::time::Instant::now();
    assert_eq!(get(port, "/", &host).0, "HTTP/1.1 200 OK");
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    // A head past the limit: 431, not an answer to what came before the cut.
    let huge = format!(
        "GET / HTTP/1.1\r\nHost: {host}\r\n{}\r\n",
        "x-filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".repeat(400)
    );
    // The answer, then the connection may be reset (the client was still sending).
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let _ = s.write_all(huge.as_bytes());
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = s.read(&mut buf) {
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
    }
    assert!(
        String::from_utf8_lossy(&answer)
            .starts_with("HTTP/1.1 431 Request Header Fields Too Large"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    let (status, _) = get(port, "/", &host);
    assert_eq!(status, "HTTP/1.1 200 OK");
    drop(slow);
}
