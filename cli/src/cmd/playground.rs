//! `tamis playground`: serves the playground page (built by `scripts/build-playground.sh`) on
//! 127.0.0.1, with the policy of `--policy` loaded into it. The page computes everything
//! itself with the npm package's web build and makes no request; this server hands out that
//! one page, to this machine only (any other `Host` is refused, so a web page elsewhere cannot
//! read it through a name that points here).

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tamis_core::MAX_POLICY_BYTES;

use crate::{Fail, say};

#[derive(Debug, clap::Args)]
pub(crate) struct PlaygroundArgs {
    /// A policy file to open the page with (shown as it is: the page marks its errors).
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Open the page in the system's browser (xdg-open, or open on macOS).
    #[arg(long)]
    open: bool,
    /// The port on 127.0.0.1 (default: one the system picks).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The page (default: `playground/index.html` in the directory above the binary's, where
    /// scripts/build-playground.sh puts it for target/*/tamis, or `share/tamis/playground/`).
    #[arg(long, value_name = "FILE")]
    page: Option<PathBuf>,
}

/// What the page holds in place of the initial policy: `null` until the server fills it in.
const INITIAL: &str = r#"<script id="tamis-initial" type="application/json">null</script>"#;
/// A request's head larger than this is refused.
const MAX_HEAD: usize = 16 * 1024;
/// A connection's whole request head must arrive within this.
const DEADLINE: Duration = Duration::from_secs(5);

pub(crate) fn run(args: &PlaygroundArgs) -> Result<u8, Fail> {
    let page_path = find_page(args.page.as_deref())?;
    let page = std::fs::read_to_string(&page_path)
        .map_err(|e| Fail::io("read the playground page", &page_path, &e))?;
    if page.matches(INITIAL).count() != 1 {
        return Err(Fail::usage(format!(
            "error: `{}` is not the playground page (it has no place for the policy); \
             build it with scripts/build-playground.sh",
            page_path.display()
        )));
    }
    let page = match &args.policy {
        Some(path) => page.replacen(INITIAL, &initial_script(path)?, 1),
        None => page,
    };

    let listener = TcpListener::bind(("127.0.0.1", args.port)).map_err(|e| {
        Fail::usage(format!(
            "error: cannot listen on 127.0.0.1:{}: {e}",
            args.port
        ))
    })?;
    let port = listener
        .local_addr()
        .map_err(|e| Fail::usage(format!("error: cannot read the listening address: {e}")))?
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    say(&format!("tamis playground: {url} (Ctrl-C stops it)"))?;
    if args.open {
        open_in_browser(&url);
    }
    let hosts = [format!("127.0.0.1:{port}"), format!("localhost:{port}")];
    // Each connection on its own thread, with its own deadline: a client that stalls holds
    // only itself. One connection's failure (a client gone, a timeout) ends that connection.
    let page = std::sync::Arc::new(page);
    let hosts = std::sync::Arc::new(hosts);
    for stream in listener.incoming().flatten() {
        let (page, hosts) = (page.clone(), hosts.clone());
        std::thread::spawn(move || {
            let _ = serve(stream, &page, &hosts[..]);
        });
    }
    Ok(0)
}

/// The page: `--page`, else beside the binary (`<dir>/../playground/index.html`, as
/// target/release/tamis finds target/playground/index.html), else `<dir>/../share/tamis/`.
fn find_page(given: Option<&Path>) -> Result<PathBuf, Fail> {
    if let Some(p) = given {
        return Ok(p.to_path_buf());
    }
    let exe = std::env::current_exe().map_err(|e| {
        Fail::usage(format!(
            "error: cannot find the tamis binary's directory: {e}"
        ))
    })?;
    let dir = exe.parent().and_then(Path::parent).map(Path::to_path_buf);
    let candidates: Vec<PathBuf> = dir
        .iter()
        .flat_map(|d| {
            [
                d.join("playground").join("index.html"),
                d.join("share")
                    .join("tamis")
                    .join("playground")
                    .join("index.html"),
            ]
        })
        .collect();
    candidates
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .ok_or_else(|| {
            let looked: Vec<String> = candidates
                .iter()
                .map(|p| format!("`{}`", p.display()))
                .collect();
            Fail::usage(format!(
                "error: the playground page is not built (looked at {})\n  \
             help: run scripts/build-js.sh and scripts/build-playground.sh, or give --page FILE",
                looked.join(", ")
            ))
        })
}

/// The initial policy as the page reads it: `{"policy": text, "file": name}` in a JSON script
/// element, with `<`, `>` and `&` escaped so that no text of the policy can end the element.
fn initial_script(path: &Path) -> Result<String, Fail> {
    let bytes = std::fs::read(path).map_err(|e| Fail::io("read the policy", path, &e))?;
    if bytes.len() > MAX_POLICY_BYTES {
        return Err(Fail::policy(format!(
            "error: `{}` is larger than a policy may be ({MAX_POLICY_BYTES} bytes)",
            path.display()
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| Fail::policy(format!("error: `{}` is not UTF-8 text", path.display())))?;
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let json = serde_json::json!({ "policy": text, "file": file }).to_string();
    let json = json
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    Ok(INITIAL.replace(">null<", &format!(">{json}<")))
}

/// Answers one HTTP/1.1 request: the page for `GET /` (or `/index.html`) from this machine's
/// names, 404 for any other path, 403 for another `Host`, 405 for another method, 431 for a
/// head over [`MAX_HEAD`].
fn serve(stream: TcpStream, page: &str, hosts: &[String]) -> std::io::Result<()> {
    let Some(head) = read_head(&stream)? else {
        return respond(
            stream,
            "431 Request Header Fields Too Large",
            "text/plain",
            b"",
        );
    };
    let head = String::from_utf8_lossy(&head);
    let mut lines = head.split("\r\n");
    let mut parts = lines.next().unwrap_or("").split(' ');
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let host = lines.find_map(|h| {
        let (name, value) = h.split_once(':')?;
        name.eq_ignore_ascii_case("host")
            .then(|| value.trim().to_ascii_lowercase())
    });
    if !host.is_some_and(|h| hosts.contains(&h)) {
        return respond(
            stream,
            "403 Forbidden",
            "text/plain",
            b"only 127.0.0.1 and localhost\n",
        );
    }
    if method != "GET" {
        return respond(stream, "405 Method Not Allowed", "text/plain", b"");
    }
    match target.split('?').next() {
        Some("/" | "/index.html") => respond(
            stream,
            "200 OK",
            "text/html; charset=utf-8",
            page.as_bytes(),
        ),
        _ => respond(stream, "404 Not Found", "text/plain", b"not found\n"),
    }
}

/// A request's head, up to its blank line, read within [`DEADLINE`] in all; `None` when it is
/// larger than [`MAX_HEAD`].
fn read_head(mut stream: &TcpStream) -> std::io::Result<Option<Vec<u8>>> {
    let until = Instant::now() + DEADLINE;
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    loop {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "request head too slow",
            ));
        }
        stream.set_read_timeout(Some(left))?;
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        head.extend_from_slice(buf.get(..n).unwrap_or_default());
        if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            head.truncate(end);
            return Ok(Some(head));
        }
        if head.len() > MAX_HEAD {
            return Ok(None);
        }
    }
}

fn respond(mut stream: TcpStream, status: &str, kind: &str, body: &[u8]) -> std::io::Result<()> {
    stream.set_write_timeout(Some(DEADLINE))?;
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {kind}\r\ncontent-length: {}\r\n\
         cache-control: no-store\r\nx-content-type-options: nosniff\r\n\
         referrer-policy: no-referrer\r\ncross-origin-opener-policy: same-origin\r\n\
         cross-origin-resource-policy: same-origin\r\nx-frame-options: DENY\r\n\
         content-security-policy: frame-ancestors 'none'\r\n\
         connection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()
}

/// Starts the system's browser on `url`; when it cannot, says so (the URL is printed already).
fn open_in_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    match std::process::Command::new(opener).arg(url).spawn() {
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(e) => eprintln!("note: cannot start `{opener}` ({e}); open {url} yourself"),
    }
}
