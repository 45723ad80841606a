//! `cors-explain`: why a browser blocked a cross-origin request, in its own words, and the fix.
//!
//! ```text
//! cors-explain page.har [--profile chromium|firefox|webkit|spec] [--json] [--no-color]
//! cors-explain raw --origin https://app.example --url https://api.example/x [--method PUT]
//!     [--header 'X-A: 1']... [--credentials omit|same-origin|include] [--mode cors|no-cors|same-origin]
//!     [--preflight-response preflight.txt]... [--response response.txt]... [--json] [--no-color]
//! cors-explain message '<console message>' | - [--json] [--no-color]
//! cors-explain probe http://127.0.0.1:3000/api --allow https://app.example [--credentials]
//!     [--method PUT]... [--header authorization]... [--max-requests N] [--delay-ms MS] [--json]
//! ```
//!
//! Exit status: 0 when every fetch passes, 1 when CORS blocks one (or the recording cannot
//! settle one), 2 on a usage or input error. `message`: 0 when the message is recognized,
//! 2 when it is not. All the analysis is in the `cors_explain`
//! library; this file parses the command line, reads files and prints.
#![forbid(unsafe_code)]

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, Parser, Subcommand, ValueEnum};
use cors_explain::{MAX_INPUT_BYTES, RecordedResponse, Report, Status, har, raw};
// The binary's only uses of fetch-cors; the library part's are in `cors_explain::core`.
use fetch_cors::diagnostics::Api;
use fetch_cors::{CredentialsMode, Mode, Origin, Profile};

const AFTER_HELP: &str = "\
Examples:
  cors-explain page.har                      explained for the engine that recorded it
  cors-explain page.har --profile firefox    in Firefox's words (all four are compared)
  cors-explain page.har --json | jq .summary for tools
  curl -si -X OPTIONS https://api.example/x -H 'Origin: https://app.example' \\
       -H 'Access-Control-Request-Method: PUT' > preflight.txt
  curl -si https://api.example/x -H 'Origin: https://app.example' > response.txt
  cors-explain raw --origin https://app.example --url https://api.example/x --method PUT \\
       --preflight-response preflight.txt --response response.txt
  cors-explain message \"Access to fetch at 'https://api.example/x' from origin \\
       'https://app.example' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' \\
       header is present on the requested resource.\"
                                             a pasted console message (any engine's words;
                                             `-` reads it from standard input)

Caveats:
  - Chromium's default HAR export leaves out Cookie and Authorization; export \"with
    sensitive data\" (or pass --credentials include) when the page sends credentials.
  - WebKit's export lists no preflights and leaves out requests that failed: paste its
    console lines to `cors-explain message -` instead.
  - curl sends no Origin header of its own: pass -H 'Origin: <page origin>' so the server
    answers as it would a browser.

Exit status: 0 everything passes; 1 a request is blocked, or the recording cannot settle
whether it passes (incomplete); 2 usage or input error. `message`: 0 recognized, 2 not. Colour only on a terminal, never
with NO_COLOR set or TERM=dumb.";

/// Explain CORS failures from a HAR file or raw HTTP responses.
#[derive(Parser, Debug)]
#[command(
    name = "cors-explain",
    version,
    about,
    after_help = AFTER_HELP,
    override_usage = "cors-explain [OPTIONS] <page.har | ->\n       \
                      cors-explain raw --origin <ORIGIN> --url <URL> [OPTIONS] \
                      [--preflight-response <FILE>]... [--response <FILE>]...\n       \
                      cors-explain message <TEXT | ->\n       \
                      cors-explain probe <URL> --allow <ORIGIN>... [--credentials] [OPTIONS]",
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    raw: Option<Command>,

    /// A HAR file exported from Chromium, Firefox or WebKit devtools, or `-` for standard input.
    #[arg(value_name = "page.har | -", required = true)]
    file: Option<String>,

    /// The page's origin, if it cannot be read from the HAR.
    #[arg(long, value_name = "ORIGIN")]
    origin: Option<String>,

    /// The credentials mode of every request (default: include when a cookie was sent, else
    /// same-origin).
    #[arg(long, value_name = "MODE")]
    credentials: Option<Credentials>,

    #[command(flatten)]
    output: Output,
}

#[derive(Args, Debug)]
struct Output {
    /// Whose rules and console messages to report (default: the engine that recorded the
    /// HAR, else chromium); all four are always compared.
    #[arg(long, global = true, value_name = "ENGINE", value_parser = parse_profile)]
    profile: Option<Profile>,

    /// Machine-readable output (schema in the README).
    #[arg(long, global = true)]
    json: bool,

    /// No ANSI colours (they are only used on a terminal anyway).
    #[arg(long, global = true, alias = "no-colour")]
    no_color: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check a server before any browser is involved: the request described by flags, the
    /// answers as `curl -i` (or `curl -v`) prints them.
    #[command(after_help = AFTER_HELP)]
    Raw(RawArgs),
    /// Explain a console message pasted from Chromium, Firefox or WebKit (fetch or XHR, one
    /// line or all of them): the rule that failed, the fix, and the other engines' words.
    #[command(after_help = MESSAGE_HELP)]
    Message(MessageArgs),
    /// Probe a live server (any language) with real preflights and requests from adversarial
    /// origins, judged under all four profiles: who can read it, and what intended access is
    /// blocked. For servers you own or test.
    #[command(after_help = PROBE_HELP)]
    Probe(ProbeArgs),
}

const PROBE_HELP: &str = "\
Examples:
  cors-explain probe http://127.0.0.1:3000/api/me --allow https://app.example --credentials
  cors-explain probe http://127.0.0.1:8080/items --allow https://app.example \\
      --method PUT --header authorization --json

The probe states the intent (--allow, --credentials, --method, --header), then plays the
library's adversarial origins (look-alikes, suffixes and prefixes, other schemes and ports,
null, combinations of the allowed origins, ...) against the server: a preflight where a browser
sends one, then the request. Identical requests go out once. It sends at most --max-requests
(default 2000) requests, --delay-ms (default 5) apart, over plain http:// only; probe a TLS
server at its local http:// address. Use it on servers you own or test.

Exit status: 0 no finding; 1 findings; 2 usage error or the server could not be reached.";

#[derive(Args, Debug)]
struct ProbeArgs {
    /// The URL to probe, e.g. http://127.0.0.1:3000/api/me.
    #[arg(value_name = "URL")]
    url: String,

    /// An origin meant to read the URL (repeatable).
    #[arg(long, value_name = "ORIGIN", required = true)]
    allow: Vec<String>,

    /// The allowed origins read with credentials (cookies).
    #[arg(long)]
    credentials: bool,

    /// A method the allowed origins use beyond GET, HEAD and POST (repeatable).
    #[arg(long, value_name = "METHOD")]
    method: Vec<String>,

    /// A request header the allowed origins send that needs a preflight (repeatable).
    #[arg(long, value_name = "NAME")]
    header: Vec<String>,

    /// A response header the allowed origins are meant to read (repeatable).
    #[arg(long, value_name = "NAME")]
    expose: Vec<String>,

    /// The most requests to send.
    #[arg(long, value_name = "N", default_value_t = cors_explain::probe::ProbeOptions::MAX_REQUESTS)]
    max_requests: usize,

    /// Milliseconds between two requests.
    #[arg(long, value_name = "MS", default_value_t = 5)]
    delay_ms: u64,
}

const MESSAGE_HELP: &str = "\
Examples:
  cors-explain message \"Access to fetch at 'https://api.example/x' from origin \\
      'https://app.example' has been blocked by CORS policy: Method PUT is not allowed by \\
      Access-Control-Allow-Methods in preflight response.\"
  pbpaste | cors-explain message -           several lines (WebKit prints two) from stdin
  cors-explain message --json '...'          for tools

The message is matched against every failure as each engine words it, so the browser's log
prefix, a line of a two-line message, or the lines joined into one are all fine. Where an
engine words several failures alike (WebKit's 'Origin ... is not allowed by
Access-Control-Allow-Origin' is a missing header, a mismatch or an invalid value), every
reading is listed; the other engines' wordings tell them apart.

Exit status: 0 recognized; 2 not recognized, or a usage error.";

#[derive(Args, Debug)]
struct MessageArgs {
    /// The console message (quote it), or `-` to read it from standard input; several
    /// arguments are joined by spaces.
    #[arg(value_name = "TEXT | -", required = true, num_args = 1..)]
    text: Vec<String>,
}

#[derive(Args, Debug)]
struct RawArgs {
    /// The page's origin, e.g. https://app.example.
    #[arg(long, value_name = "ORIGIN")]
    origin: String,

    /// The URL fetched.
    #[arg(long, value_name = "URL")]
    url: String,

    /// The method.
    #[arg(long, value_name = "METHOD", default_value = "GET")]
    method: String,

    /// A header the page sets, as 'Name: value' (repeatable).
    #[arg(long, short = 'H', value_name = "'Name: value'")]
    header: Vec<String>,

    /// The credentials mode (default same-origin).
    #[arg(long, value_name = "MODE")]
    credentials: Option<Credentials>,

    /// The request mode.
    #[arg(long, value_name = "MODE", default_value = "cors")]
    mode: RequestMode,

    /// fetch() or XMLHttpRequest (changes console wording only).
    #[arg(long, value_name = "API", default_value = "fetch")]
    api: ApiFlag,

    /// The preflight's answer, as `curl -i -X OPTIONS` prints it; repeat (or give several
    /// blocks) for the preflights of later redirect hops.
    #[arg(long, value_name = "FILE", required_unless_present = "response")]
    preflight_response: Vec<String>,

    /// The answer(s), as `curl -i` (or `curl -i -L`) prints them; each block is one
    /// redirect hop, and repeated files are hops in the order given.
    #[arg(long, value_name = "FILE")]
    response: Vec<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Credentials {
    Omit,
    SameOrigin,
    Include,
}

impl From<Credentials> for CredentialsMode {
    fn from(c: Credentials) -> Self {
        match c {
            Credentials::Omit => CredentialsMode::Omit,
            Credentials::SameOrigin => CredentialsMode::SameOrigin,
            Credentials::Include => CredentialsMode::Include,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum RequestMode {
    Cors,
    NoCors,
    SameOrigin,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ApiFlag {
    Fetch,
    Xhr,
}

fn parse_profile(v: &str) -> Result<Profile, String> {
    Profile::by_name(v)
        .ok_or_else(|| format!("must be chromium, firefox, webkit or spec, not '{v}'"))
}

/// Flags that only `cors-explain raw` takes, for a hint when given with a HAR file.
const RAW_ONLY: &[&str] = &[
    "--url",
    "--method",
    "--header",
    "-H",
    "--mode",
    "--api",
    "--preflight-response",
    "--response",
];

fn read(path: &str) -> Result<String, String> {
    let (source, name): (Box<dyn Read>, &str) = if path == "-" {
        (Box::new(std::io::stdin()), "standard input")
    } else {
        let file = std::fs::File::open(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        (Box::new(file), path)
    };
    let mut bytes = Vec::new();
    source
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {name}: {e}"))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(format!(
            "{name} is larger than {} MiB, the most cors-explain reads",
            MAX_INPUT_BYTES >> 20
        ));
    }
    // Header values may hold bytes 0x80-0xFF; keep going with replacement characters.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The response blocks of every file, in the order given, with remarks on how curl sent
/// them.
fn blocks(
    files: &[String],
    request: &mut raw::RawRequest,
) -> Result<Vec<RecordedResponse>, String> {
    let mut all = Vec::new();
    for path in files {
        let text = read(path)?;
        all.extend(raw::parse_blocks(&text).map_err(|e| format!("{path}: {e}"))?);
        request.notes.extend(
            raw::curl_notes(&text, &request.origin)
                .into_iter()
                .map(|n| format!("{path}: {n}")),
        );
    }
    Ok(all)
}

fn build_raw(args: &RawArgs, profile: Option<Profile>) -> Result<Report, String> {
    let mut request =
        raw::RawRequest::new(&args.origin, &args.method, &args.url).map_err(|e| e.to_string())?;
    for h in &args.header {
        request.header(h).map_err(|e| e.to_string())?;
    }
    request.credentials_given = args.credentials.is_some();
    request.credentials = args
        .credentials
        .map_or(CredentialsMode::SameOrigin, Into::into);
    request.mode = match args.mode {
        RequestMode::Cors => Mode::Cors,
        RequestMode::NoCors => Mode::NoCors,
        RequestMode::SameOrigin => Mode::SameOrigin,
    };
    if let ApiFlag::Xhr = args.api {
        request.api = Api::Xhr;
    }
    let preflights = blocks(&args.preflight_response, &mut request)?;
    let responses = blocks(&args.response, &mut request)?;
    let (profile, source) = match profile {
        Some(p) => (p, "--profile"),
        None => (Profile::CHROMIUM, "default"),
    };
    let mut report = raw::explain(&request, &preflights, &responses, &profile);
    report.profile_source = source.to_owned();
    Ok(report)
}

fn build_har(cli: &Cli) -> Result<Report, String> {
    let path = cli.file.as_deref().unwrap_or("-");
    let text = read(path)?;
    let options = har::HarOptions {
        origin: match &cli.origin {
            Some(o) => Some(Origin::parse(o).map_err(|e| {
                format!("--origin '{o}' is not an origin such as https://app.example: {e}")
            })?),
            None => None,
        },
        credentials: cli.credentials.map(Into::into),
    };
    let capture = har::parse(&text, &options).map_err(|e| format!("{path}: {e}"))?;
    let (profile, source) = match cli.output.profile {
        Some(p) => (p, "--profile"),
        None => capture.default_profile(),
    };
    let mut report = cors_explain::explain(&capture, &profile);
    report.profile_source = source.to_owned();
    Ok(report)
}

/// `cors-explain probe`.
fn probe(args: &ProbeArgs, output: &Output) -> ExitCode {
    use cors_explain::probe::{ProbeOptions, TcpTransport};
    let options = (|| -> Result<ProbeOptions, String> {
        let allow = args
            .allow
            .iter()
            .map(|o| {
                Origin::parse(o).map_err(|e| {
                    format!("--allow '{o}' is not an origin such as https://app.example: {e}")
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let methods = args
            .method
            .iter()
            .map(|m| {
                http::Method::from_bytes(m.as_bytes())
                    .map_err(|_| format!("--method '{m}' is not a method name"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let headers = args
            .header
            .iter()
            .map(|h| {
                http::HeaderName::from_bytes(h.trim().as_bytes())
                    .map_err(|_| format!("--header '{h}' is not a header name"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let expose = args
            .expose
            .iter()
            .map(|h| {
                http::HeaderName::from_bytes(h.trim().as_bytes())
                    .map_err(|_| format!("--expose '{h}' is not a header name"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ProbeOptions {
            url: args.url.clone(),
            allow,
            credentials: args.credentials,
            methods,
            headers,
            expose,
            max_requests: args.max_requests,
            delay: std::time::Duration::from_millis(args.delay_ms),
        })
    })();
    let report = match options.and_then(|o| {
        cors_explain::probe::probe(&o, &mut TcpTransport::default()).map_err(|e| e.to_string())
    }) {
        Ok(r) => r,
        Err(msg) => {
            eprintln!("cors-explain: {msg}");
            return ExitCode::from(2);
        }
    };
    if let Err(code) = emit(&report, output, |color| report.render(color)) {
        return code;
    }
    if report.findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `cors-explain message`.
fn message(args: &MessageArgs, output: &Output) -> ExitCode {
    let text = if args.text.len() == 1 && args.text[0] == "-" {
        match read("-") {
            Ok(t) => t,
            Err(msg) => {
                eprintln!("cors-explain: {msg}");
                return ExitCode::from(2);
            }
        }
    } else {
        args.text.join(" ")
    };
    let found = match cors_explain::message::recognize(&text) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("cors-explain: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(code) = emit(&found, output, |color| found.render(color)) {
        return code;
    }
    ExitCode::SUCCESS
}

/// Writes `value` to standard output as JSON (`--json`) or as the text `render` makes. JSON
/// is written as it is produced, not built as one string first. A closed pipe (`| head`) is
/// not an error worth a panic or a message; a value that cannot become JSON is exit 2.
fn emit(
    value: &impl serde::Serialize,
    output: &Output,
    render: impl FnOnce(bool) -> String,
) -> Result<(), ExitCode> {
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    if output.json {
        if let Err(e) = serde_json::to_writer_pretty(&mut stdout, value) {
            if !e.is_io() {
                eprintln!("cors-explain: cannot write JSON: {e}");
                return Err(ExitCode::from(2));
            }
        }
        let _ = stdout.write_all(b"\n");
    } else {
        let _ = stdout.write_all(render(use_color(output.no_color)).as_bytes());
    }
    let _ = stdout.flush();
    Ok(())
}

/// Whether to colour the text report: only on a terminal, and never with `NO_COLOR` set
/// (<https://no-color.org>) or `TERM=dumb`.
fn use_color(no_color_flag: bool) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    !no_color_flag && !no_color && !dumb && std::io::stdout().is_terminal()
}

fn parse_cli() -> Result<Cli, ExitCode> {
    match Cli::try_parse() {
        Ok(cli) => Ok(cli),
        Err(err) => {
            if err.kind() == ErrorKind::UnknownArgument {
                if let Some(ContextValue::String(arg)) = err.get(ContextKind::InvalidArg) {
                    let flag = arg.split('=').next().unwrap_or(arg);
                    if RAW_ONLY.contains(&flag) {
                        let _ = err.print();
                        eprintln!(
                            "note: '{flag}' belongs to `cors-explain raw ...` (a request described by flags)"
                        );
                        return Err(ExitCode::from(2));
                    }
                }
            }
            // Usage errors exit 2, --help and --version 0.
            let code = err.exit_code();
            let _ = err.print();
            Err(ExitCode::from(u8::try_from(code).unwrap_or(2)))
        }
    }
}

fn main() -> ExitCode {
    let cli = match parse_cli() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let built = match &cli.raw {
        Some(Command::Raw(args)) => build_raw(args, cli.output.profile),
        Some(Command::Message(args)) => return message(args, &cli.output),
        Some(Command::Probe(args)) => return probe(args, &cli.output),
        None => build_har(&cli),
    };
    let report = match built {
        Ok(r) => r,
        Err(msg) => {
            eprintln!("cors-explain: {msg}");
            return ExitCode::from(2);
        }
    };
    if let Err(code) = emit(&report, &cli.output, |color| report.render(color)) {
        return code;
    }
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
