//! `cors-explain` in a web page: the analysis of the [`cors_explain`] library compiled to
//! WebAssembly (`wasm32-unknown-unknown`), called from the static page in `www/`.
//!
//! This module is the safe half: text in, one JSON answer out, the same analysis and the
//! same text report as the `cors-explain` command. The page's JavaScript reaches it through
//! the small C ABI of [`abi`], the only place with unsafe code.
//!
//! Every answer is one JSON object:
//!
//! - `{"ok": true, "kind": "har" | "raw" | "message", "exit": N, "text": "...", "report": {...}}`
//!   where `exit` is what the command would exit with (0 all pass or message recognized,
//!   1 a fetch blocked or incomplete), `text` the command's text report and `report` its
//!   `--json` output, both with the advice worded for the page ([`Frontend::Web`]: where
//!   the command names a flag such as `--origin`, the page names its field);
//! - `{"ok": false, "kind": ..., "exit": 2, "error": "..."}` for input the tool cannot read.
//!
//! ```
//! let answer = cors_explain_web::explain_message(
//!     "Access to fetch at 'https://api.example/x' from origin 'https://app.example' has been \
//!      blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the \
//!      requested resource.",
//! );
//! let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
//! assert_eq!(v["ok"], true);
//! assert_eq!(v["report"]["engine"], "chromium");
//! ```

pub mod abi;

use cors_explain::{Frontend, Input, RecordedResponse, Report, Status, har, raw};
use fetch_cors::diagnostics::Api;
use fetch_cors::{CredentialsMode, Mode, Origin, Profile};
use serde::Deserialize;
use serde_json::json;

/// The profile a report speaks for, by the page's number for it: 0 lets the recording
/// decide (the engine that recorded a HAR, else Chromium), then 1 Chromium, 2 Firefox,
/// 3 WebKit, 4 the standard itself.
pub fn profile_from_code(code: u32) -> Result<Option<Profile>, String> {
    match code {
        0 => Ok(None),
        1 => Ok(Some(Profile::CHROMIUM)),
        2 => Ok(Some(Profile::FIREFOX)),
        3 => Ok(Some(Profile::WEBKIT)),
        4 => Ok(Some(Profile::SPEC)),
        other => Err(format!("unknown profile number {other} (0 to 4)")),
    }
}

/// The credentials mode of a HAR's fetches, by number: 0 lets the recording decide (as the
/// command without `--credentials`), 1 omit, 2 same-origin, 3 include.
pub fn credentials_from_code(code: u32) -> Result<Option<CredentialsMode>, String> {
    match code {
        0 => Ok(None),
        1 => Ok(Some(CredentialsMode::Omit)),
        2 => Ok(Some(CredentialsMode::SameOrigin)),
        3 => Ok(Some(CredentialsMode::Include)),
        other => Err(format!("unknown credentials number {other} (0 to 3)")),
    }
}

fn failed(kind: &str, error: impl Into<String>) -> String {
    // The analysis words some errors for the command (`--origin '...' is not an origin`):
    // on the page they name its fields instead.
    let input = if kind == "raw" {
        Input::Raw
    } else {
        Input::Har
    };
    let error = Frontend::Web.words(input, &error.into());
    json!({ "ok": false, "kind": kind, "exit": 2, "error": error }).to_string()
}

fn answered(kind: &str, report: &mut Report) -> String {
    // The page shows the JSON in its cards: its advice names the page's controls too.
    report.reword_for(Frontend::Web);
    // The command's rule: a blocked fetch, or one the recording cannot settle, is exit 1.
    let exit = u8::from(
        report
            .fetches
            .iter()
            .any(|f| matches!(f.outcome.status, Status::Blocked | Status::Incomplete)),
    );
    match serde_json::to_value(&*report) {
        Ok(value) => json!({
            "ok": true,
            "kind": kind,
            "exit": exit,
            // The command's text report, its advice naming the page's controls, not flags.
            "text": report.render_for(false, Frontend::Web),
            "report": value,
        })
        .to_string(),
        Err(e) => failed(kind, format!("cannot write the report as JSON: {e}")),
    }
}

/// Explains a HAR file's text, like `cors-explain page.har [--origin O] [--profile P]
/// [--credentials C]`; an empty `origin` lets the recording tell.
pub fn explain_har(
    text: &str,
    origin: &str,
    profile: Option<Profile>,
    credentials: Option<CredentialsMode>,
) -> String {
    let origin = match origin.trim() {
        "" => None,
        o => match Origin::parse(o) {
            Ok(parsed) => Some(parsed),
            Err(e) => {
                return failed(
                    "har",
                    format!("page origin '{o}' is not an origin such as https://app.example: {e}"),
                );
            }
        },
    };
    let options = har::HarOptions {
        origin,
        credentials,
    };
    let capture = match har::parse(text, &options) {
        Ok(c) => c,
        Err(e) => return failed("har", format!("the HAR file: {e}")),
    };
    // As the command: --profile, else the recording's engine, else Chromium.
    let (profile, source) = match profile {
        Some(p) => (p, "chosen on the page"),
        None => capture.default_profile(),
    };
    let mut report = cors_explain::explain(&capture, &profile);
    report.profile_source = source.to_owned();
    answered("har", &mut report)
}

/// Explains a pasted console message, like `cors-explain message '<text>'`.
pub fn explain_message(text: &str) -> String {
    match cors_explain::message::recognize(text) {
        Ok(found) => match serde_json::to_value(&found) {
            Ok(value) => json!({
                "ok": true,
                "kind": "message",
                "exit": 0,
                "text": found.render(false),
                "report": value,
            })
            .to_string(),
            Err(e) => failed("message", format!("cannot write the answer as JSON: {e}")),
        },
        Err(e) => failed("message", e.to_string()),
    }
}

/// The request and answers of raw mode, as the page sends them (JSON): the fields of
/// `cors-explain raw`'s flags, and the `curl -i` output pasted for the preflight and the
/// response.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawInput {
    /// The page's origin (`--origin`).
    pub origin: String,
    /// The URL fetched (`--url`).
    pub url: String,
    /// The method (`--method`); empty means GET.
    pub method: String,
    /// Headers the page sets, as `Name: value` (`--header`).
    pub headers: Vec<String>,
    /// `omit`, `same-origin` or `include`; empty for fetch()'s default (`--credentials`).
    pub credentials: String,
    /// `cors`, `no-cors` or `same-origin`; empty means cors (`--mode`).
    pub mode: String,
    /// `fetch` or `xhr`; empty means fetch (`--api`).
    pub api: String,
    /// `curl -i -X OPTIONS` output: the preflight's answer(s), or empty.
    pub preflight: String,
    /// `curl -i` (or `curl -i -L`, `curl -v`) output: the response(s), or empty.
    pub response: String,
}

fn raw_request(input: &RawInput) -> Result<raw::RawRequest, String> {
    let method = if input.method.trim().is_empty() {
        "GET"
    } else {
        input.method.trim()
    };
    let mut request = raw::RawRequest::new(input.origin.trim(), method, input.url.trim())
        .map_err(|e| e.to_string())?;
    for h in input.headers.iter().filter(|h| !h.trim().is_empty()) {
        request.header(h).map_err(|e| e.to_string())?;
    }
    let credentials = match input.credentials.trim() {
        "" => None,
        "omit" => Some(CredentialsMode::Omit),
        "same-origin" => Some(CredentialsMode::SameOrigin),
        "include" => Some(CredentialsMode::Include),
        other => {
            return Err(format!(
                "credentials '{other}': omit, same-origin or include"
            ));
        }
    };
    request.credentials_given = credentials.is_some();
    request.credentials = credentials.unwrap_or(CredentialsMode::SameOrigin);
    request.mode = match input.mode.trim() {
        "" | "cors" => Mode::Cors,
        "no-cors" => Mode::NoCors,
        "same-origin" => Mode::SameOrigin,
        other => return Err(format!("mode '{other}': cors, no-cors or same-origin")),
    };
    request.api = match input.api.trim() {
        "" | "fetch" => Api::Fetch,
        "xhr" => Api::Xhr,
        other => return Err(format!("api '{other}': fetch or xhr")),
    };
    Ok(request)
}

fn blocks(
    what: &str,
    text: &str,
    request: &mut raw::RawRequest,
) -> Result<Vec<RecordedResponse>, String> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let parsed = raw::parse_blocks(text).map_err(|e| format!("{what}: {e}"))?;
    request.notes.extend(
        raw::curl_notes(text, &request.origin)
            .into_iter()
            .map(|n| format!("{what}: {n}")),
    );
    Ok(parsed)
}

/// Explains a request and its `curl -i` answers, like `cors-explain raw ...`; `input` is a
/// [`RawInput`] as JSON.
pub fn explain_raw(input: &str, profile: Option<Profile>) -> String {
    let input: RawInput = match serde_json::from_str(input) {
        Ok(i) => i,
        Err(e) => return failed("raw", format!("the page sent an unreadable request: {e}")),
    };
    let built = raw_request(&input).and_then(|mut request| {
        let preflights = blocks("preflight response", &input.preflight, &mut request)?;
        let responses = blocks("response", &input.response, &mut request)?;
        if preflights.is_empty() && responses.is_empty() {
            return Err("paste the response (curl -i output), the preflight's, or both".into());
        }
        Ok((request, preflights, responses))
    });
    let (request, preflights, responses) = match built {
        Ok(b) => b,
        Err(e) => return failed("raw", e),
    };
    let (profile, source) = match profile {
        Some(p) => (p, "chosen on the page"),
        None => (Profile::CHROMIUM, "default"),
    };
    let mut report = raw::explain(&request, &preflights, &responses, &profile);
    report.profile_source = source.to_owned();
    answered("raw", &mut report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn parse(answer: &str) -> Value {
        serde_json::from_str(answer).expect("every answer is JSON")
    }

    const CDP_HAR: &str = include_str!("../../cors-explain/tests/data/har/chromium-cdp.har");
    const NO_ACAO: &str = "Access to fetch at 'https://api.example/data' from origin \
        'https://app.example' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' \
        header is present on the requested resource.";

    #[test]
    fn har_answer_carries_the_report_and_its_text() {
        let v = parse(&explain_har(CDP_HAR, "", None, None));
        assert_eq!(v["ok"], true, "{v}");
        assert_eq!(v["kind"], "har");
        let blocked = v["report"]["summary"]["blocked"].as_u64().unwrap();
        assert!(blocked > 0, "the CDP recording holds blocked fetches: {v}");
        assert_eq!(v["exit"], 1);
        let text = v["text"].as_str().unwrap();
        assert!(
            text.contains(&format!("{blocked} blocked")),
            "the text report gives the same count: {text}"
        );
        assert_eq!(v["report"]["recorded_by"], "chromium");
    }

    #[test]
    fn chosen_profile_is_the_one_reported() {
        let v = parse(&explain_har(
            CDP_HAR,
            "",
            profile_from_code(2).unwrap(),
            None,
        ));
        assert_eq!(v["report"]["profile"], "firefox");
        assert_eq!(v["report"]["profile_source"], "chosen on the page");
    }

    #[test]
    fn given_origin_replaces_the_recordings() {
        let v = parse(&explain_har(CDP_HAR, "http://127.0.0.1:9999", None, None));
        assert_eq!(v["ok"], true, "{v}");
        assert_eq!(v["report"]["page_origin"], "http://127.0.0.1:9999");
        let v = parse(&explain_har(CDP_HAR, "not an origin", None, None));
        assert_eq!(v["ok"], false);
        assert!(v["error"].as_str().unwrap().contains("not an origin"));
    }

    #[test]
    fn unreadable_har_is_an_error_answer() {
        for text in ["", "{", "{\"log\": 3}", "\u{0}\u{1}"] {
            let v = parse(&explain_har(text, "", None, None));
            assert_eq!(v["ok"], false, "{text:?}: {v}");
            assert_eq!(v["exit"], 2);
            assert!(v["error"].as_str().unwrap().starts_with("the HAR file"));
        }
    }

    #[test]
    fn message_gives_rule_and_fix() {
        let v = parse(&explain_message(NO_ACAO));
        assert_eq!(v["ok"], true, "{v}");
        assert_eq!(v["report"]["error"], "MissingAllowOrigin");
        let fix = &v["report"]["fix"]["set_headers"][0];
        assert_eq!(fix[0], "Access-Control-Allow-Origin");
        assert_eq!(fix[1], "https://app.example");
        let firefox = v["report"]["readings"][0]["messages"]["firefox"]
            .as_str()
            .unwrap();
        assert!(firefox.contains("CORS header ‘Access-Control-Allow-Origin’ missing"));
        assert!(v["text"].as_str().unwrap().contains(firefox));
    }

    #[test]
    fn unknown_message_is_an_error_answer() {
        let v = parse(&explain_message("hello world"));
        assert_eq!(v["ok"], false);
        assert_eq!(v["exit"], 2);
    }

    fn raw_input(response: &str) -> String {
        json!({
            "origin": "https://app.example",
            "url": "https://api.example/x",
            "method": "PUT",
            "preflight": "HTTP/2 204\r\naccess-control-allow-origin: https://app.example\r\n\r\n",
            "response": response,
        })
        .to_string()
    }

    #[test]
    fn raw_put_without_allow_methods_is_blocked_with_the_fix() {
        let ok = "HTTP/2 200\r\naccess-control-allow-origin: https://app.example\r\n\r\n";
        let v = parse(&explain_raw(&raw_input(ok), None));
        assert_eq!(v["ok"], true, "{v}");
        assert_eq!(v["exit"], 1);
        let fetch = &v["report"]["fetches"][0];
        assert_eq!(fetch["outcome"]["status"], "blocked");
        assert_eq!(
            fetch["failure"]["fix"]["set_headers"][0],
            json!(["Access-Control-Allow-Methods", "PUT"])
        );
    }

    #[test]
    fn raw_errors_are_answers() {
        let bad = [
            "not json".to_owned(),
            json!({"origin": "nope", "url": "https://api.example/"}).to_string(),
            json!({"origin": "https://a.example", "url": "https://b.example/"}).to_string(),
            json!({"origin": "https://a.example", "url": "https://b.example/",
                   "response": "HTTP/1.1 200\r\n\r\n", "credentials": "sometimes"})
            .to_string(),
            json!({"origin": "https://a.example", "url": "https://b.example/", "extra": 1})
                .to_string(),
        ];
        for input in &bad {
            let v = parse(&explain_raw(input, None));
            assert_eq!(v["ok"], false, "{input}: {v}");
            assert_eq!(v["kind"], "raw");
        }
    }

    #[test]
    fn the_page_is_told_of_its_fields_not_the_commands_flags() {
        let v = parse(&explain_har(CDP_HAR, "http://127.0.0.1:9999", None, None));
        let text = v["text"].as_str().unwrap();
        assert!(text.starts_with(
            "Page origin: http://127.0.0.1:9999 (from \"Page origin, if the file does not tell\")"
        ));
        assert_eq!(
            v["report"]["origin_source"],
            "\"Page origin, if the file does not tell\""
        );
        // A PUT with no preflight answer pasted: the advice names the page's field.
        let no_preflight = json!({
            "origin": "https://app.example", "url": "https://api.example/x", "method": "PUT",
            "response": "HTTP/2 200\r\naccess-control-allow-origin: https://app.example\r\n\r\n",
        });
        let v = parse(&explain_raw(&no_preflight.to_string(), None));
        let all = v.to_string();
        for flag in [
            "--origin",
            "--credentials",
            "--preflight-response",
            "--response",
        ] {
            assert!(!all.contains(flag), "{flag}: {all}");
        }
        assert!(all.contains("The preflight's answer"), "{all}");
        let v = parse(&explain_raw(
            &json!({"origin": "nope", "url": "https://api.example/"}).to_string(),
            None,
        ));
        assert!(
            v["error"]
                .as_str()
                .unwrap()
                .starts_with("\"Page origin\" 'nope'"),
            "{v}"
        );
    }

    #[test]
    fn codes_out_of_range_are_refused() {
        assert!(profile_from_code(5).is_err());
        assert!(credentials_from_code(4).is_err());
        assert_eq!(
            profile_from_code(3).unwrap().map(|p| p.engine),
            Some(fetch_cors::Engine::WebKit)
        );
        assert_eq!(
            credentials_from_code(3).unwrap(),
            Some(CredentialsMode::Include)
        );
    }
}
