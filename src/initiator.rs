//! The requests other initiators make: elements, fonts, `EventSource` and `sendBeacon`.
//!
//! `fetch()` and `XMLHttpRequest` choose a request's mode and credentials mode from their
//! arguments. Every other request a page causes gets them from the standard that defines its
//! initiator:
//!
//! - `<img>`, `<script>`, `<link rel=stylesheet>`, `<audio>` and `<video>`: HTML's *create a
//!   potential-CORS request* from the element's `crossorigin` attribute (absent: `no-cors` with
//!   credentials `include`; `anonymous` or any other value: `cors` with `same-origin`;
//!   `use-credentials`: `cors` with `include`);
//! - module scripts: always `cors`, `same-origin` unless `use-credentials`;
//! - fonts (CSS Fonts): `cors` with `same-origin`;
//! - `EventSource`: `cors`, `include` with `withCredentials`, else `same-origin`;
//! - `sendBeacon`: credentials `include`, and `cors` only when the data's type is not a
//!   CORS-safelisted `Content-Type`.
//!
//! [`Initiator::settings`] gives those, with the destination and the `Accept` value fetch gives
//! it; [`Request::with_initiator`](crate::Request::with_initiator) applies them; and
//! [`Initiator::page_can_read`] says what the page may then do with the response (read a
//! canvas, see a script's errors, read `cssRules`).
//!
//! ```
//! use fetch_cors::{Classification, CredentialsMode, Initiator, Mode, Origin, Profile, Request};
//!
//! let page = Origin::parse("https://app.example").unwrap();
//! let (parts, ()) = http::Request::get("https://cdn.example/logo.png").body(()).unwrap().into_parts();
//! // <img src="https://cdn.example/logo.png" crossorigin="anonymous">
//! let image = Request::from_parts(&parts, &page).unwrap()
//!     .with_initiator(&Initiator::Image { crossorigin: Some("anonymous") }, &Profile::SPEC);
//! assert_eq!(image.mode(), Mode::Cors);
//! assert_eq!(image.credentials_mode(), CredentialsMode::SameOrigin);
//! assert_eq!(fetch_cors::classify_request(&image, &Profile::SPEC), Classification::Cors);
//!
//! // <script type=module src=...>: always CORS, even without the attribute.
//! let module = Request::from_parts(&parts, &page).unwrap()
//!     .with_initiator(&Initiator::ModuleScript { crossorigin: None }, &Profile::SPEC);
//! assert_eq!(module.mode(), Mode::Cors);
//! ```

use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderValue};

use crate::error::console::Api;
use crate::header::mime::extract_mime_type;
use crate::header::safelist::is_cors_safelisted_request_header;
#[allow(unused_imports)] // for rustdoc links
use crate::profile::InitiatorRules;
use crate::profile::Profile;
use crate::request::{CredentialsMode, Destination, Mode, Request};
use crate::response::ResponseType;

/// An element's `crossorigin` attribute, as HTML's CORS settings attribute reads it.
/// <https://html.spec.whatwg.org/multipage/urls-and-fetching.html#cors-settings-attributes>
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CorsSettings {
    /// No attribute: the No CORS state.
    NoCors,
    /// `anonymous`, the empty string, or any invalid value.
    Anonymous,
    /// `use-credentials`, in any ASCII case.
    UseCredentials,
}

impl CorsSettings {
    /// The state of an attribute with this value (`None`: the attribute is absent).
    pub fn parse(value: Option<&str>) -> Self {
        match value {
            None => CorsSettings::NoCors,
            Some(v) if v.eq_ignore_ascii_case("use-credentials") => CorsSettings::UseCredentials,
            Some(_) => CorsSettings::Anonymous,
        }
    }

    /// HTML's *create a potential-CORS request*: the mode and credentials mode, where `default`
    /// is the mode an absent attribute gives (`no-cors` for most elements, `cors` for module
    /// scripts).
    fn potential_cors(self, default: Mode) -> (Mode, CredentialsMode) {
        match self {
            CorsSettings::NoCors if default == Mode::NoCors => {
                (Mode::NoCors, CredentialsMode::Include)
            }
            CorsSettings::NoCors | CorsSettings::Anonymous => {
                (Mode::Cors, CredentialsMode::SameOrigin)
            }
            CorsSettings::UseCredentials => (Mode::Cors, CredentialsMode::Include),
        }
    }
}

/// What made a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Initiator<'a> {
    /// `fetch()`: its `RequestInit` chose the mode and credentials mode.
    Fetch,
    /// `XMLHttpRequest`: mode `cors`, credentials by `withCredentials`.
    Xhr {
        /// `withCredentials`.
        with_credentials: bool,
    },
    /// `<img>`.
    Image {
        /// The `crossorigin` attribute (`None`: absent).
        crossorigin: Option<&'a str>,
    },
    /// A classic `<script>`.
    Script {
        /// The `crossorigin` attribute (`None`: absent).
        crossorigin: Option<&'a str>,
    },
    /// `<script type=module>` and the modules it imports.
    ModuleScript {
        /// The `crossorigin` attribute (`None`: absent).
        crossorigin: Option<&'a str>,
    },
    /// `<link rel=stylesheet>`.
    Stylesheet {
        /// The `crossorigin` attribute (`None`: absent).
        crossorigin: Option<&'a str>,
    },
    /// `<audio>`.
    Audio {
        /// The `crossorigin` attribute (`None`: absent).
        crossorigin: Option<&'a str>,
    },
    /// `<video>`.
    Video {
        /// The `crossorigin` attribute (`None`: absent).
        crossorigin: Option<&'a str>,
    },
    /// A web font (`@font-face`, `FontFace`).
    Font,
    /// `new EventSource(url, {withCredentials})`.
    EventSource {
        /// `withCredentials`.
        with_credentials: bool,
    },
    /// `navigator.sendBeacon(url, data)`.
    Beacon {
        /// The `Content-Type` the data gives the request: `text/plain;charset=UTF-8` for a
        /// string, a `Blob`'s type (none for an untyped `Blob` or no data).
        content_type: Option<&'a str>,
    },
}

/// What an initiator sets on its request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct InitiatorSettings {
    /// The destination.
    pub destination: Destination,
    /// The mode, or `None` when the caller chose it (`fetch()`).
    pub mode: Option<Mode>,
    /// The credentials mode, or `None` when the caller chose it (`fetch()`).
    pub credentials: Option<CredentialsMode>,
    /// The keepalive flag (`sendBeacon`).
    pub keepalive: bool,
}

impl Initiator<'_> {
    /// The destination, mode and credentials mode the initiator's standard gives its request,
    /// with `profile`'s departures (WebKit's fonts).
    pub fn settings(&self, profile: &Profile) -> InitiatorSettings {
        let element = |destination, crossorigin: &Option<&str>, default| {
            let (mode, credentials) = CorsSettings::parse(*crossorigin).potential_cors(default);
            InitiatorSettings {
                destination,
                mode: Some(mode),
                credentials: Some(credentials),
                keepalive: false,
            }
        };
        let cors = |destination, credentials| InitiatorSettings {
            destination,
            mode: Some(Mode::Cors),
            credentials: Some(credentials),
            keepalive: false,
        };
        let by_flag = |with: bool| {
            if with {
                CredentialsMode::Include
            } else {
                CredentialsMode::SameOrigin
            }
        };
        match self {
            Initiator::Fetch => InitiatorSettings {
                destination: Destination::Empty,
                mode: None,
                credentials: None,
                keepalive: false,
            },
            Initiator::Xhr { with_credentials } => {
                cors(Destination::Empty, by_flag(*with_credentials))
            }
            Initiator::Image { crossorigin } => {
                element(Destination::Image, crossorigin, Mode::NoCors)
            }
            Initiator::Script { crossorigin } => {
                element(Destination::Script, crossorigin, Mode::NoCors)
            }
            Initiator::ModuleScript { crossorigin } => {
                element(Destination::Script, crossorigin, Mode::Cors)
            }
            Initiator::Stylesheet { crossorigin } => {
                element(Destination::Style, crossorigin, Mode::NoCors)
            }
            Initiator::Audio { crossorigin } => {
                element(Destination::Audio, crossorigin, Mode::NoCors)
            }
            Initiator::Video { crossorigin } => {
                element(Destination::Video, crossorigin, Mode::NoCors)
            }
            Initiator::Font => InitiatorSettings {
                destination: Destination::Font,
                mode: Some(profile.initiators.font_mode),
                credentials: Some(profile.initiators.font_credentials),
                keepalive: false,
            },
            Initiator::EventSource { with_credentials } => {
                cors(Destination::Empty, by_flag(*with_credentials))
            }
            Initiator::Beacon { content_type } => {
                // Beacon: `cors` only for data whose type a simple request could not carry.
                let safelisted = content_type.is_none_or(|t| {
                    HeaderValue::from_str(t).is_ok_and(|v| {
                        is_cors_safelisted_request_header(
                            &CONTENT_TYPE,
                            v.as_bytes(),
                            &profile.safelist,
                        )
                    })
                });
                InitiatorSettings {
                    destination: Destination::Empty,
                    mode: Some(if safelisted { Mode::NoCors } else { Mode::Cors }),
                    credentials: Some(CredentialsMode::Include),
                    keepalive: true,
                }
            }
        }
    }

    /// Whether the page can use what it got, given the response type the fetch produced (its
    /// [`ResponseType`]; a network error reads nothing at all):
    ///
    /// - an image drawn into a canvas leaves it readable (`getImageData`) unless opaque;
    /// - a classic script's errors are reported in full unless opaque (then muted to
    ///   "Script error.", where [`InitiatorRules::mute_opaque_script_errors`] says so);
    /// - a stylesheet's `cssRules` can be read unless opaque;
    /// - a module script, a font, an `EventSource` run only with a CORS or basic response, and
    ///   give the page their content;
    /// - `fetch()`, XHR and audio/video: their data unless opaque; a beacon's response is never
    ///   seen.
    pub fn page_can_read(&self, response: ResponseType, profile: &Profile) -> bool {
        match self {
            Initiator::Beacon { .. } => false,
            Initiator::Script { .. }
                if response == ResponseType::Opaque
                    && !profile.initiators.mute_opaque_script_errors =>
            {
                true
            }
            _ => matches!(response, ResponseType::Basic | ResponseType::Cors),
        }
    }

    /// Whether the element refuses what it fetched for its MIME type, before using it: an
    /// `error` event although the fetch (and the CORS check) succeeded. `headers` are the
    /// internal response's, which an opaque response still has.
    ///
    /// - A module script needs a JavaScript MIME type (HTML, *fetch a single module script*).
    /// - A stylesheet needs `text/css` where [`InitiatorRules::stylesheet_needs_text_css`] says
    ///   so (HTML, in a no-quirks document).
    ///
    /// Other initiators never refuse here.
    pub fn refuses_mime_type(&self, headers: &HeaderMap, profile: &Profile) -> bool {
        let essence = || extract_mime_type(headers).map(|m| m.essence());
        match self {
            Initiator::ModuleScript { .. } => {
                !essence().is_some_and(|e| is_javascript_mime_type_essence(&e))
            }
            Initiator::Stylesheet { .. } => {
                profile.initiators.stylesheet_needs_text_css
                    && essence().as_deref() != Some("text/css")
            }
            _ => false,
        }
    }

    /// The [`Api`] a console message names for this initiator's requests
    /// ([`console_message`](crate::diagnostics::console_message)). `None` for `<audio>` and
    /// `<video>`, whose console wording has not been recorded.
    pub fn console_api(&self) -> Option<Api> {
        Some(match self {
            Initiator::Fetch => Api::Fetch,
            Initiator::Xhr { .. } => Api::Xhr,
            Initiator::Image { .. } => Api::Image,
            Initiator::Script { .. } => Api::Script,
            Initiator::ModuleScript { .. } => Api::ModuleScript,
            Initiator::Stylesheet { .. } => Api::Stylesheet,
            Initiator::Font => Api::Font,
            Initiator::EventSource { .. } => Api::EventSource,
            Initiator::Beacon { .. } => Api::Beacon,
            Initiator::Audio { .. } | Initiator::Video { .. } => return None,
        })
    }
}

/// MIME Sniffing's *JavaScript MIME type essence match*.
/// <https://mimesniff.spec.whatwg.org/#javascript-mime-type>
fn is_javascript_mime_type_essence(essence: &str) -> bool {
    matches!(
        essence,
        "application/ecmascript"
            | "application/javascript"
            | "application/x-ecmascript"
            | "application/x-javascript"
            | "text/ecmascript"
            | "text/javascript"
            | "text/javascript1.0"
            | "text/javascript1.1"
            | "text/javascript1.2"
            | "text/javascript1.3"
            | "text/javascript1.4"
            | "text/javascript1.5"
            | "text/jscript"
            | "text/livescript"
            | "text/x-ecmascript"
            | "text/x-javascript"
    )
}

impl Request<'_> {
    /// The same request as `initiator` makes it in `profile`'s engine: its destination, and
    /// the mode and credentials mode its standard gives (left as they are for
    /// [`Initiator::Fetch`]).
    #[must_use]
    pub fn with_initiator(self, initiator: &Initiator<'_>, profile: &Profile) -> Self {
        let settings = initiator.settings(profile);
        let mut request = self.with_destination(settings.destination);
        if let Some(mode) = settings.mode {
            request = request.with_mode(mode);
        }
        if let Some(credentials) = settings.credentials {
            request = request.with_credentials(credentials);
        }
        request
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mc(i: Initiator<'_>) -> (Option<Mode>, Option<CredentialsMode>) {
        let s = i.settings(&Profile::SPEC);
        (s.mode, s.credentials)
    }

    #[test]
    fn potential_cors_requests_follow_the_crossorigin_attribute() {
        use CredentialsMode::{Include, SameOrigin};
        for make in [
            (|c| Initiator::Image { crossorigin: c })
                as fn(Option<&'static str>) -> Initiator<'static>,
            |c| Initiator::Script { crossorigin: c },
            |c| Initiator::Stylesheet { crossorigin: c },
            |c| Initiator::Audio { crossorigin: c },
            |c| Initiator::Video { crossorigin: c },
        ] {
            assert_eq!(mc(make(None)), (Some(Mode::NoCors), Some(Include)));
            for anonymous in ["anonymous", "", "bogus", "credentials"] {
                assert_eq!(
                    mc(make(Some(anonymous))),
                    (Some(Mode::Cors), Some(SameOrigin))
                );
            }
            for use_credentials in ["use-credentials", "USE-CREDENTIALS", "Use-Credentials"] {
                assert_eq!(
                    mc(make(Some(use_credentials))),
                    (Some(Mode::Cors), Some(Include))
                );
            }
        }
        // Module scripts are CORS even without the attribute.
        let module = |c| Initiator::ModuleScript { crossorigin: c };
        assert_eq!(mc(module(None)), (Some(Mode::Cors), Some(SameOrigin)));
        assert_eq!(
            mc(module(Some("anonymous"))),
            (Some(Mode::Cors), Some(SameOrigin))
        );
        assert_eq!(
            mc(module(Some("use-credentials"))),
            (Some(Mode::Cors), Some(Include))
        );
    }

    #[test]
    fn fonts_event_source_and_beacon() {
        use CredentialsMode::{Include, SameOrigin};
        assert_eq!(mc(Initiator::Font), (Some(Mode::Cors), Some(SameOrigin)));
        assert_eq!(
            Initiator::Font.settings(&Profile::SPEC).destination,
            Destination::Font
        );
        assert_eq!(
            mc(Initiator::EventSource {
                with_credentials: true
            }),
            (Some(Mode::Cors), Some(Include))
        );
        assert_eq!(
            mc(Initiator::EventSource {
                with_credentials: false
            }),
            (Some(Mode::Cors), Some(SameOrigin))
        );
        for safelisted in [
            None,
            Some("text/plain;charset=UTF-8"),
            Some("application/x-www-form-urlencoded"),
            Some("multipart/form-data; boundary=x"),
        ] {
            let s = Initiator::Beacon {
                content_type: safelisted,
            }
            .settings(&Profile::SPEC);
            assert_eq!(
                (s.mode, s.credentials),
                (Some(Mode::NoCors), Some(Include)),
                "{safelisted:?}"
            );
            assert!(s.keepalive);
        }
        for not in ["application/json", "text/xml", "x y"] {
            let s = Initiator::Beacon {
                content_type: Some(not),
            }
            .settings(&Profile::SPEC);
            assert_eq!(s.mode, Some(Mode::Cors), "{not}");
        }
        assert_eq!(mc(Initiator::Fetch), (None, None));
    }

    #[test]
    fn accept_per_destination() {
        assert_eq!(
            Destination::Image.accept(),
            "image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5"
        );
        assert_eq!(Destination::Style.accept(), "text/css,*/*;q=0.1");
        assert_eq!(Destination::Script.accept(), "*/*");
        assert_eq!(Destination::Empty.accept(), "*/*");
    }

    #[test]
    fn what_the_page_can_read() {
        let spec = &Profile::SPEC;
        let img = Initiator::Image { crossorigin: None };
        assert!(
            !img.page_can_read(ResponseType::Opaque, spec),
            "the canvas is tainted"
        );
        assert!(img.page_can_read(ResponseType::Cors, spec));
        assert!(img.page_can_read(ResponseType::Basic, spec));
        let script = Initiator::Script { crossorigin: None };
        assert!(
            !script.page_can_read(ResponseType::Opaque, spec),
            "errors are muted"
        );
        assert!(!Initiator::Beacon { content_type: None }.page_can_read(ResponseType::Cors, spec));
    }

    #[test]
    fn firefox_does_not_mute_opaque_script_errors() {
        // init-script-none-b-none: the error's message and line reach window.onerror.
        let script = Initiator::Script { crossorigin: None };
        assert!(script.page_can_read(ResponseType::Opaque, &Profile::FIREFOX));
        for muted in [Profile::SPEC, Profile::CHROMIUM, Profile::WEBKIT] {
            assert!(!script.page_can_read(ResponseType::Opaque, &muted));
        }
        // Only script errors: an opaque image still taints the canvas in Firefox.
        let img = Initiator::Image { crossorigin: None };
        assert!(!img.page_can_read(ResponseType::Opaque, &Profile::FIREFOX));
    }

    #[test]
    fn webkit_fetches_fonts_without_cors() {
        // init-font-b-none: Sec-Fetch-Mode no-cors; init-font-b-exactcred: the cookie goes.
        assert_eq!(
            Initiator::Font.settings(&Profile::WEBKIT).mode,
            Some(Mode::NoCors)
        );
        assert_eq!(
            Initiator::Font.settings(&Profile::WEBKIT).credentials,
            Some(CredentialsMode::Include)
        );
        for cors in [Profile::SPEC, Profile::CHROMIUM, Profile::FIREFOX] {
            assert_eq!(
                mc_in(Initiator::Font, &cors),
                (Some(Mode::Cors), Some(CredentialsMode::SameOrigin))
            );
        }
    }

    fn mc_in(i: Initiator<'_>, p: &Profile) -> (Option<Mode>, Option<CredentialsMode>) {
        let s = i.settings(p);
        (s.mode, s.credentials)
    }

    fn content_type(v: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(CONTENT_TYPE, HeaderValue::from_static(v));
        h
    }

    #[test]
    fn module_scripts_need_a_javascript_mime_type() {
        let module = Initiator::ModuleScript { crossorigin: None };
        for p in &Profile::ALL {
            // init-mime-module-none-b-textplain fails in every engine.
            assert!(module.refuses_mime_type(&content_type("text/plain"), p));
            assert!(module.refuses_mime_type(&HeaderMap::new(), p));
            for ok in [
                "text/javascript",
                "application/javascript; charset=utf-8",
                "TEXT/ECMASCRIPT",
            ] {
                assert!(!module.refuses_mime_type(&content_type(ok), p), "{ok}");
            }
        }
        // A classic script runs whatever its type says.
        let script = Initiator::Script { crossorigin: None };
        assert!(!script.refuses_mime_type(&content_type("text/plain"), &Profile::SPEC));
    }

    #[test]
    fn stylesheets_need_text_css_except_in_chromium() {
        let sheet = Initiator::Stylesheet { crossorigin: None };
        let plain = content_type("text/plain");
        // init-mime-stylesheet-none-a-textplain: load in Chromium, error in Firefox and WebKit.
        assert!(!sheet.refuses_mime_type(&plain, &Profile::CHROMIUM));
        for strict in [Profile::SPEC, Profile::FIREFOX, Profile::WEBKIT] {
            assert!(sheet.refuses_mime_type(&plain, &strict));
            assert!(!sheet.refuses_mime_type(&content_type("text/css; charset=utf-8"), &strict));
        }
    }

    #[test]
    fn console_api_per_initiator() {
        let module = Initiator::ModuleScript { crossorigin: None };
        assert_eq!(module.console_api(), Some(Api::ModuleScript));
        assert_eq!(Initiator::Font.console_api(), Some(Api::Font));
        let es = Initiator::EventSource {
            with_credentials: true,
        };
        assert_eq!(es.console_api(), Some(Api::EventSource));
        let xhr = Initiator::Xhr {
            with_credentials: false,
        };
        assert_eq!(xhr.console_api(), Some(Api::Xhr));
        assert_eq!(Initiator::Video { crossorigin: None }.console_api(), None);
    }
}
