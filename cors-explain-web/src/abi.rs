//! The C ABI the page's JavaScript calls (`www/app.js`), with no wasm-bindgen: the page
//! copies its input (UTF-8) into a buffer from [`cx_alloc`], calls one `cx_explain_*`
//! function, reads the answer and hands both buffers back ([`cx_free`], [`cx_free_result`]).
//!
//! An answer is a buffer of a 4-byte little-endian length `n`, then `n` bytes of UTF-8: the
//! JSON answer of the crate's safe functions ([`crate::explain_har`] and the others).
//!
//! This is the crate's only unsafe code: raw pointers cross the boundary here and nowhere
//! else. Every buffer is a `Box<[u8]>` turned into a raw pointer and back, so allocation and
//! release go through the same allocator with the same length.
#![allow(unsafe_code)]

use std::ptr;

/// Bytes before the text of an answer: its length, `u32` little-endian.
const HEADER: usize = 4;

/// A buffer of `len` bytes for the page to write its input into; release it with
/// [`cx_free`] and the same `len`.
#[unsafe(no_mangle)]
pub extern "C" fn cx_alloc(len: usize) -> *mut u8 {
    Box::into_raw(vec![0u8; len].into_boxed_slice()).cast::<u8>()
}

/// Releases a buffer from [`cx_alloc`].
///
/// # Safety
///
/// `ptr` and `len` are a pointer returned by [`cx_alloc`] and the length it was given, not
/// released before; or `ptr` is null (then nothing happens).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cx_free(ptr: *mut u8, len: usize) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: by the contract above, `ptr` came from `Box::<[u8]>::into_raw` of a slice of
    // exactly `len` bytes in `cx_alloc`, and is released once.
    drop(unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(ptr, len)) });
}

/// Releases an answer returned by a `cx_explain_*` function.
///
/// # Safety
///
/// `ptr` is a pointer returned by a `cx_explain_*` function, not released before; or null.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cx_free_result(ptr: *mut u8) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: an answer starts with its text's length (see `answer`), and is `HEADER` plus
    // that many bytes long, all allocated as one boxed slice there.
    let len = unsafe { answer_len(ptr) };
    // SAFETY: the same boxed slice `answer` made, of `HEADER + len` bytes, released once.
    drop(unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(ptr, HEADER + len)) });
}

/// The text length an answer starts with.
///
/// # Safety
///
/// `ptr` points to at least `HEADER` readable bytes.
unsafe fn answer_len(ptr: *const u8) -> usize {
    let mut bytes = [0u8; HEADER];
    // SAFETY: the caller guarantees `HEADER` readable bytes; `bytes` is a distinct local.
    unsafe { ptr::copy_nonoverlapping(ptr, bytes.as_mut_ptr(), HEADER) };
    u32::from_le_bytes(bytes) as usize
}

/// The page's input as text (invalid UTF-8 replaced, as the command does with a file).
///
/// # Safety
///
/// `ptr` points to `len` initialized bytes that stay unchanged during the call, or `len`
/// is 0.
unsafe fn input(ptr: *const u8, len: usize) -> String {
    if len == 0 || ptr.is_null() {
        return String::new();
    }
    // SAFETY: the caller guarantees `len` initialized bytes at `ptr`, not written while
    // this borrow lives (it ends before the function returns).
    let bytes = unsafe { std::slice::from_raw_parts(ptr, len) };
    String::from_utf8_lossy(bytes).into_owned()
}

/// `text` as an answer buffer: its length (u32 LE), then its bytes.
fn answer(text: &str) -> *mut u8 {
    // wasm32 memory is at most 4 GiB, so the length fits; a longer text on a 64-bit host
    // is cut at a character boundary rather than mislabelled.
    let mut end = text.len().min(u32::MAX as usize - HEADER);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = &text[..end];
    let mut buf = Vec::with_capacity(HEADER + text.len());
    buf.extend_from_slice(&(text.len() as u32).to_le_bytes());
    buf.extend_from_slice(text.as_bytes());
    Box::into_raw(buf.into_boxed_slice()).cast::<u8>()
}

/// Explains a HAR file (`ptr`, `len`: its bytes) for the page origin given as UTF-8
/// (`origin_ptr`, `origin_len`; empty: the recording's); `profile` and `credentials` are the
/// codes of [`crate::profile_from_code`] and [`crate::credentials_from_code`].
///
/// # Safety
///
/// `ptr` points to `len` initialized bytes (a [`cx_alloc`] buffer), or `len` is 0; the same
/// for `origin_ptr` and `origin_len`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cx_explain_har(
    ptr: *const u8,
    len: usize,
    origin_ptr: *const u8,
    origin_len: usize,
    profile: u32,
    credentials: u32,
) -> *mut u8 {
    // SAFETY: passed on from this function's contract.
    let text = unsafe { input(ptr, len) };
    // SAFETY: passed on from this function's contract.
    let origin = unsafe { input(origin_ptr, origin_len) };
    let answer_text = match (
        crate::profile_from_code(profile),
        crate::credentials_from_code(credentials),
    ) {
        (Ok(p), Ok(c)) => crate::explain_har(&text, &origin, p, c),
        (Err(e), _) | (_, Err(e)) => crate::failed("har", e),
    };
    answer(&answer_text)
}

/// Explains a pasted console message (`ptr`, `len`: its UTF-8 bytes).
///
/// # Safety
///
/// As [`cx_explain_har`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cx_explain_message(ptr: *const u8, len: usize) -> *mut u8 {
    // SAFETY: passed on from this function's contract.
    let text = unsafe { input(ptr, len) };
    answer(&crate::explain_message(&text))
}

/// Explains a request and its `curl -i` answers (`ptr`, `len`: a [`crate::RawInput`] as
/// JSON); `profile` as for [`cx_explain_har`].
///
/// # Safety
///
/// As [`cx_explain_har`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cx_explain_raw(ptr: *const u8, len: usize, profile: u32) -> *mut u8 {
    // SAFETY: passed on from this function's contract.
    let text = unsafe { input(ptr, len) };
    let answer_text = match crate::profile_from_code(profile) {
        Ok(p) => crate::explain_raw(&text, p),
        Err(e) => crate::failed("raw", e),
    };
    answer(&answer_text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the page does: copy in, call, read out, release both.
    fn call(input_text: &str, f: impl FnOnce(*const u8, usize) -> *mut u8) -> String {
        let len = input_text.len();
        let buf = cx_alloc(len);
        // SAFETY: `buf` holds `len` bytes from `cx_alloc`.
        unsafe { ptr::copy_nonoverlapping(input_text.as_ptr(), buf, len) };
        let out = f(buf, len);
        // SAFETY: `out` is an answer: `HEADER` bytes of length, then that many bytes.
        let text = unsafe {
            let n = answer_len(out);
            String::from_utf8(std::slice::from_raw_parts(out.add(HEADER), n).to_vec())
        };
        // SAFETY: both buffers came from this module and are released once.
        unsafe {
            cx_free_result(out);
            cx_free(buf, len);
        }
        text.expect("answers are UTF-8")
    }

    #[test]
    fn message_through_the_abi_equals_the_safe_call() {
        let msg = "Access to fetch at 'https://api.example/x' from origin 'https://app.example' \
                   has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is \
                   present on the requested resource.";
        // SAFETY: `call` passes a live buffer of the given length.
        let got = call(msg, |p, n| unsafe { cx_explain_message(p, n) });
        assert_eq!(got, crate::explain_message(msg));
        assert!(got.contains("MissingAllowOrigin"));
    }

    #[test]
    fn har_codes_are_checked() {
        // SAFETY: as above.
        let bad = call("{}", |p, n| unsafe {
            cx_explain_har(p, n, ptr::null(), 0, 9, 0)
        });
        assert!(bad.contains("unknown profile number 9"), "{bad}");
        // SAFETY: as above.
        let bad = call("{}", |p, n| unsafe {
            cx_explain_har(p, n, ptr::null(), 0, 0, 7)
        });
        assert!(bad.contains("unknown credentials number 7"), "{bad}");
        // SAFETY: as above.
        let raw = call("{}", |p, n| unsafe { cx_explain_raw(p, n, 5) });
        assert!(raw.contains("unknown profile number 5"), "{raw}");
    }

    #[test]
    fn har_origin_goes_through() {
        let har = include_str!("../../cors-explain/tests/data/har/chromium-cdp.har");
        let origin = "http://127.0.0.1:9999";
        // SAFETY: `call` passes a live buffer; `origin` lives for the call.
        let got = call(har, |p, n| unsafe {
            cx_explain_har(p, n, origin.as_ptr(), origin.len(), 0, 0)
        });
        assert_eq!(got, crate::explain_har(har, origin, None, None));
        assert!(
            got.contains(r#""page_origin":"http://127.0.0.1:9999""#),
            "{got}"
        );
    }

    #[test]
    fn empty_and_invalid_utf8_input_are_answers() {
        // SAFETY: a null pointer with length 0 is allowed.
        let out = unsafe { cx_explain_message(ptr::null(), 0) };
        // SAFETY: `out` is an answer from this module.
        let n = unsafe { answer_len(out) };
        assert!(n > 0);
        // SAFETY: released once.
        unsafe { cx_free_result(out) };
        let bytes = [0xffu8, 0xfe, b'{'];
        // SAFETY: `bytes` is live for the call.
        let out = unsafe { cx_explain_har(bytes.as_ptr(), bytes.len(), ptr::null(), 0, 0, 0) };
        // SAFETY: as above.
        unsafe { cx_free_result(out) };
        // SAFETY: null is allowed and does nothing.
        unsafe {
            cx_free(ptr::null_mut(), 3);
            cx_free_result(ptr::null_mut());
        }
    }

    #[test]
    fn answer_length_prefix_matches_the_text() {
        let text = "ünïcode ✓";
        let out = answer(text);
        // SAFETY: `out` was just made by `answer`.
        let n = unsafe { answer_len(out) };
        assert_eq!(n, text.len());
        // SAFETY: released once.
        unsafe { cx_free_result(out) };
    }
}
