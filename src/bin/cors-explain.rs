//! `cors-explain`: why a browser blocked a cross-origin request, in its own words, and the fix.
//!
//! ```text
//! cors-explain page.har [--profile chromium|firefox|webkit|spec] [--json] [--no-color]
//! cors-explain raw --origin https://app.example --url https://api.example/x [--method PUT]
//!     [--header 'X-A: 1']... [--credentials omit|same-origin|include] [--mode cors|no-cors|same-origin]
//!     [--preflight-response preflight.txt] [--response response.txt] [--json] [--no-color]
//! ```
//!
//! Exit status: 0 when every fetch passes, 1 when CORS blocks one (or the recording cannot
//! settle one), 2 on a usage or input error. All the analysis is in `fetch_cors::explain`; this file reads files and prints.
#![forbid(unsafe_code)]

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use fetch_cors::explain::{self, Report, Status, har, raw};
use fetch_cors::{CredentialsMode, Mode, Origin, Profile};

const USAGE: &str = "\
cors-explain: explain CORS failures from a HAR file or raw HTTP responses

USAGE:
    cors-explain [OPTIONS] <page.har | ->
    cors-explain raw --origin <ORIGIN> --url <URL> [REQUEST OPTIONS] [OPTIONS]

HAR input (exported from Chromium, Firefox or WebKit devtools):
    --origin <ORIGIN>          the page's origin, if it cannot be read from the HAR
    --credentials <MODE>       omit | same-origin | include, for every request
                               (default: include when a cookie was sent, else same-origin)

Raw input (`cors-explain raw`), for checking a server before any browser is involved:
    --origin <ORIGIN>          the page's origin, e.g. https://app.example (required)
    --url <URL>                the URL fetched (required)
    --method <METHOD>          default GET
    --header <'Name: value'>   a header the page sets (repeatable)
    --credentials <MODE>       omit | same-origin | include (default same-origin)
    --mode <MODE>              cors | no-cors | same-origin (default cors)
    --api <API>                fetch | xhr (console wording only; default fetch)
    --preflight-response <FILE>  the preflight's answer, as `curl -i -X OPTIONS` prints it
    --response <FILE>          the answer(s), as `curl -i` (or `curl -i -L`) prints them;
                               with several blocks each is one redirect hop

OPTIONS:
    --profile <ENGINE>         chromium | firefox | webkit | spec: whose rules and console
                               messages to report (default: the engine that recorded the
                               HAR, else chromium); all four are always compared
    --json                     machine-readable output (schema in the README)
    --no-color                 no ANSI colours (they are only used on a terminal anyway)
    -h, --help                 this text
    -V, --version              the version

EXIT STATUS: 0 everything passes; 1 a request is blocked, or the recording cannot settle
whether it passes (incomplete); 2 usage or input error.
";

struct Usage(String);

struct Args {
    raw: bool,
    file: Option<String>,
    profile: Option<Profile>,
    json: bool,
    no_color: bool,
    origin: Option<String>,
    url: Option<String>,
    method: String,
    headers: Vec<String>,
    credentials: Option<CredentialsMode>,
    mode: Mode,
    xhr: bool,
    preflight_file: Option<String>,
    response_file: Option<String>,
}

fn parse_credentials(v: &str) -> Result<CredentialsMode, Usage> {
    match v {
        "omit" => Ok(CredentialsMode::Omit),
        "same-origin" => Ok(CredentialsMode::SameOrigin),
        "include" => Ok(CredentialsMode::Include),
        _ => Err(Usage(format!(
            "--credentials must be omit, same-origin or include, not '{v}'"
        ))),
    }
}

fn parse_args(argv: Vec<String>) -> Result<Option<Args>, Usage> {
    let mut args = Args {
        raw: false,
        file: None,
        profile: None,
        json: false,
        no_color: false,
        origin: None,
        url: None,
        method: "GET".to_owned(),
        headers: Vec::new(),
        credentials: None,
        mode: Mode::Cors,
        xhr: false,
        preflight_file: None,
        response_file: None,
    };
    let mut it = argv.into_iter().peekable();
    if it.peek().map(String::as_str) == Some("raw") {
        args.raw = true;
        it.next();
    }
    while let Some(arg) = it.next() {
        // Accept --flag=value as well as --flag value.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, Usage> {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| Usage(format!("{name} needs a value")))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "-V" | "--version" => {
                println!("cors-explain {}", env!("CARGO_PKG_VERSION"));
                std::process::exit(0);
            }
            "--json" => args.json = true,
            "--no-color" | "--no-colour" => args.no_color = true,
            "--profile" => {
                let v = value("--profile")?;
                args.profile = Some(Profile::by_name(&v).ok_or_else(|| {
                    Usage(format!(
                        "--profile must be chromium, firefox, webkit or spec, not '{v}'"
                    ))
                })?);
            }
            "--origin" => args.origin = Some(value("--origin")?),
            "--credentials" => {
                args.credentials = Some(parse_credentials(&value("--credentials")?)?)
            }
            "--url" if args.raw => args.url = Some(value("--url")?),
            "--method" if args.raw => args.method = value("--method")?,
            "--header" | "-H" if args.raw => args.headers.push(value("--header")?),
            "--mode" if args.raw => {
                let v = value("--mode")?;
                args.mode = match v.as_str() {
                    "cors" => Mode::Cors,
                    "no-cors" => Mode::NoCors,
                    "same-origin" => Mode::SameOrigin,
                    _ => {
                        return Err(Usage(format!(
                            "--mode must be cors, no-cors or same-origin, not '{v}'"
                        )));
                    }
                };
            }
            "--api" if args.raw => {
                let v = value("--api")?;
                args.xhr = match v.as_str() {
                    "fetch" => false,
                    "xhr" => true,
                    _ => return Err(Usage(format!("--api must be fetch or xhr, not '{v}'"))),
                };
            }
            "--preflight-response" if args.raw => {
                args.preflight_file = Some(value("--preflight-response")?);
            }
            "--response" if args.raw => args.response_file = Some(value("--response")?),
            f if f.starts_with('-') && f != "-" => {
                let hint = if !args.raw
                    && matches!(
                        f,
                        "--url"
                            | "--method"
                            | "--header"
                            | "-H"
                            | "--mode"
                            | "--api"
                            | "--preflight-response"
                            | "--response"
                    ) {
                    " (it belongs to `cors-explain raw ...`)"
                } else {
                    ""
                };
                return Err(Usage(format!("unknown option '{f}'{hint}")));
            }
            _ => {
                if args.raw {
                    return Err(Usage(format!(
                        "unexpected argument '{arg}' (raw mode takes files through --preflight-response and --response)"
                    )));
                }
                if args.file.is_some() {
                    return Err(Usage("give one HAR file".to_owned()));
                }
                args.file = Some(arg);
            }
        }
    }
    if args.raw {
        if args.origin.is_none() || args.url.is_none() {
            return Err(Usage("raw mode needs --origin and --url".to_owned()));
        }
        if args.preflight_file.is_none() && args.response_file.is_none() {
            return Err(Usage(
                "raw mode needs --response and/or --preflight-response".to_owned(),
            ));
        }
    } else if args.file.is_none() {
        return Err(Usage("no HAR file given".to_owned()));
    }
    Ok(Some(args))
}

fn read(path: &str) -> Result<String, String> {
    let bytes = if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        buf
    } else {
        std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?
    };
    // Header values may hold bytes 0x80-0xFF; keep going with replacement characters.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn build(args: &Args) -> Result<(Report, Profile), String> {
    if args.raw {
        let origin = args.origin.as_deref().unwrap_or_default();
        let url = args.url.as_deref().unwrap_or_default();
        let mut request =
            raw::RawRequest::new(origin, &args.method, url).map_err(|e| e.to_string())?;
        for h in &args.headers {
            request.header(h).map_err(|e| e.to_string())?;
        }
        request.credentials = args.credentials.unwrap_or(CredentialsMode::SameOrigin);
        request.mode = args.mode;
        if args.xhr {
            request.api = fetch_cors::diagnostics::Api::Xhr;
        }
        let blocks = |file: &Option<String>| -> Result<Vec<explain::RecordedResponse>, String> {
            match file {
                None => Ok(Vec::new()),
                Some(path) => {
                    let text = read(path)?;
                    raw::parse_blocks(&text).map_err(|e| format!("{path}: {e}"))
                }
            }
        };
        let preflights = blocks(&args.preflight_file)?;
        let responses = blocks(&args.response_file)?;
        let capture = raw::capture(&request, &preflights, &responses);
        let (profile, source) = match args.profile {
            Some(p) => (p, "--profile"),
            None => (Profile::CHROMIUM, "default"),
        };
        let mut report = explain::explain(&capture, &profile);
        report.profile_source = source.to_owned();
        Ok((report, profile))
    } else {
        let path = args.file.as_deref().unwrap_or("-");
        let text = read(path)?;
        let options = har::HarOptions {
            origin: match &args.origin {
                Some(o) => Some(Origin::parse(o).map_err(|e| {
                    format!("--origin '{o}' is not an origin such as https://app.example: {e}")
                })?),
                None => None,
            },
            credentials: args.credentials,
        };
        let capture = har::parse(&text, &options).map_err(|e| format!("{path}: {e}"))?;
        let (profile, source) = match (args.profile, capture.browser) {
            (Some(p), _) => (p, "--profile".to_owned()),
            (None, Some(engine)) => (
                Profile::ALL
                    .into_iter()
                    .find(|p| p.engine == engine)
                    .unwrap_or(Profile::CHROMIUM),
                "the recording's engine".to_owned(),
            ),
            (None, None) => (Profile::CHROMIUM, "default".to_owned()),
        };
        let mut report = explain::explain(&capture, &profile);
        report.profile_source = source;
        Ok((report, profile))
    }
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse_args(argv) {
        Ok(Some(a)) => a,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(Usage(msg)) => {
            eprintln!("cors-explain: {msg}\n\nRun `cors-explain --help` for usage.");
            return ExitCode::from(2);
        }
    };
    let (report, _profile) = match build(&args) {
        Ok(r) => r,
        Err(msg) => {
            eprintln!("cors-explain: {msg}");
            return ExitCode::from(2);
        }
    };
    let text = if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(mut s) => {
                s.push('\n');
                s
            }
            Err(e) => {
                eprintln!("cors-explain: cannot write JSON: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        let color = !args.no_color
            && std::env::var_os("NO_COLOR").is_none()
            && std::io::stdout().is_terminal();
        report.render(color)
    };
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    // Everything must pass: a blocked request, or one the recording cannot settle, is 1.
    if report
        .fetches
        .iter()
        .any(|f| matches!(f.outcome.status, Status::Blocked | Status::Incomplete))
    {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
