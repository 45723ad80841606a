//! The text report for each front end: the command's (`Frontend::Cli`, what `render` gives and
//! the binary prints) and the web page's (`Frontend::Web`), whose advice names the page's
//! fields instead of the command's flags and is otherwise the same text.
use std::path::Path;
use std::process::Command;

use cors_explain::{Frontend, Report, har, raw};
use fetch_cors::{CredentialsMode, Origin, Profile};

fn data(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

/// What the binary prints, without colour.
fn cli(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_cors-explain"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run cors-explain");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The flag names of the command that the page must not show.
const FLAGS: &[&str] = &[
    "--origin",
    "--credentials",
    "--profile",
    "--url",
    "--method",
    "--header",
    "--mode",
    "--api",
    "--preflight-response",
    "--response",
    "--json",
];

fn flags_in(text: &str) -> Vec<&'static str> {
    FLAGS.iter().copied().filter(|f| text.contains(f)).collect()
}

/// The command's text is `render`'s and the binary's, byte for byte; the page's text has no
/// flag name, and differs from the command's only on the lines that name one.
fn check(report: &Report, printed: &str) -> (String, String) {
    let text = report.render_for(false, Frontend::Cli);
    assert_eq!(text, report.render(false));
    assert_eq!(text, printed, "the command's text report is unchanged");
    let web = report.render_for(false, Frontend::Web);
    assert_eq!(flags_in(&web), Vec::<&str>::new(), "{web}");
    let (cli_lines, web_lines): (Vec<_>, Vec<_>) = (text.lines().collect(), web.lines().collect());
    assert_eq!(cli_lines.len(), web_lines.len(), "{text}\n---\n{web}");
    for (c, w) in cli_lines.iter().zip(&web_lines) {
        if flags_in(c).is_empty() {
            assert_eq!(c, w);
        } else {
            assert_ne!(c, w);
            assert!(w.contains('"'), "the page's line names a control: {w}");
        }
    }
    (text, web)
}

fn har_report(file: &str, origin: Option<&str>, credentials: Option<CredentialsMode>) -> Report {
    let text = std::fs::read_to_string(data(file)).expect("fixture");
    let options = har::HarOptions {
        origin: origin.map(|o| Origin::parse(o).expect("origin")),
        credentials,
    };
    let capture = har::parse(&text, &options).expect("HAR");
    let (profile, source) = capture.default_profile();
    let mut report = cors_explain::explain(&capture, &profile);
    report.profile_source = source.to_owned();
    report
}

#[test]
fn har_reports_name_the_flags_on_the_command_and_the_fields_on_the_page() {
    for file in [
        "har/chromium-cdp.har",
        "har/firefox-netmonitor.har",
        "har/chromium-observed.har",
        "har/firefox-observed.har",
        "har/webkit-observed.har",
    ] {
        check(&har_report(file, None, None), &cli(&[&data(file)]));
        let (text, web) = check(
            &har_report(file, Some("http://127.0.0.1:9999"), None),
            &cli(&[&data(file), "--origin", "http://127.0.0.1:9999"]),
        );
        assert!(text.starts_with("Page origin: http://127.0.0.1:9999 (from --origin)\n"));
        assert!(web.starts_with(
            "Page origin: http://127.0.0.1:9999 (from \"Page origin, if the file does not tell\")\n"
        ));
        let (text, web) = check(
            &har_report(file, None, Some(CredentialsMode::Include)),
            &cli(&[&data(file), "--credentials", "include"]),
        );
        if text.contains("from --credentials") {
            assert!(
                web.contains("(from \"Credentials of every fetch\")"),
                "{web}"
            );
        }
    }
}

fn raw_report(preflight: Option<&str>, response: &str) -> Report {
    let mut request = raw::RawRequest::new("https://app.example", "PUT", "https://api.example/x")
        .expect("request");
    request
        .header("Content-Type: application/json")
        .expect("header");
    let read = |f: &str| raw::parse_blocks(&std::fs::read_to_string(data(f)).expect("fixture"));
    let preflights = preflight
        .map(|f| read(f).expect("blocks"))
        .unwrap_or_default();
    let responses = read(response).expect("blocks");
    let mut report = raw::explain(&request, &preflights, &responses, &Profile::CHROMIUM);
    report.profile_source = "default".to_owned();
    report
}

#[test]
fn raw_advice_names_the_flags_on_the_command_and_the_fields_on_the_page() {
    let base = [
        "raw",
        "--origin",
        "https://app.example",
        "--url",
        "https://api.example/x",
        "--method",
        "PUT",
        "--header",
        "Content-Type: application/json",
    ];
    // No preflight answer given: the advice says where to give it.
    let response = data("raw/response-ok.txt");
    let mut args = base.to_vec();
    args.extend(["--response", &response]);
    let (text, web) = check(&raw_report(None, "raw/response-ok.txt"), &cli(&args));
    assert!(text.contains("--preflight-response"), "{text}");
    assert!(text.contains("the default of fetch(); --credentials to change it"));
    assert!(web.contains("\"The preflight's answer\""), "{web}");
    assert!(web.contains("the default of fetch(); \"Credentials\" to change it"));
    // With the preflight's answer.
    let preflight = data("raw/preflight-put-missing.txt");
    args.extend(["--preflight-response", &preflight]);
    check(
        &raw_report(Some("raw/preflight-put-missing.txt"), "raw/response-ok.txt"),
        &cli(&args),
    );
}

#[test]
fn words_leave_the_command_alone_and_give_the_page_its_controls() {
    let e = "--origin 'x' is not an origin such as https://app.example";
    assert_eq!(Frontend::Cli.words(cors_explain::Input::Raw, e), e);
    assert_eq!(Frontend::default(), Frontend::Cli);
    assert_eq!(
        Frontend::Web.words(cors_explain::Input::Raw, e),
        "\"Page origin\" 'x' is not an origin such as https://app.example"
    );
    let har_hint = "could not work out the page's origin (no page URL); pass --origin";
    assert_eq!(
        Frontend::Web.words(cors_explain::Input::Har, har_hint),
        "could not work out the page's origin (no page URL); type it into \"Page origin, if the file does not tell\""
    );
}
