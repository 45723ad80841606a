//! The body the page gets: the last response's, or none.

use std::pin::Pin;
use std::task::{Context, Poll};

use http_body::{Body, Frame, SizeHint};

/// The page's response body: the final response's body, or empty (an opaque or
/// opaque-redirect response, whose body script cannot read).
#[derive(Debug)]
pub struct PageBody<B> {
    inner: Option<B>,
}

impl<B> PageBody<B> {
    pub(crate) fn new(inner: B) -> Self {
        PageBody { inner: Some(inner) }
    }

    pub(crate) fn empty() -> Self {
        PageBody { inner: None }
    }

    /// Whether the body is the empty one given for opaque responses.
    pub fn is_withheld(&self) -> bool {
        self.inner.is_none()
    }

    /// The response body, unless withheld.
    pub fn into_inner(self) -> Option<B> {
        self.inner
    }
}

impl<B: Body + Unpin> Body for PageBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        match &mut self.get_mut().inner {
            Some(b) => Pin::new(b).poll_frame(cx),
            None => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.as_ref().is_none_or(Body::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.inner
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), Body::size_hint)
    }
}
