//! Request bodies nobody reads: a response sent before its request's body has fully arrived
//! closes the connection instead of waiting for the rest.
//!
//! Why this exists: once a handler drops an unfinished *chunked* body, actix-http (3.19,
//! `h1/dispatcher.rs`, `should_close_for_unread_payload`) drains it with no timer running, so a
//! client that sends `Transfer-Encoding: chunked` and then nothing (or a byte now and then) holds
//! the connection for ever, and a few thousand of them fill a worker. actix-http does close the
//! connection, after `client_disconnect_timeout`, when the body is still *held* at the moment the
//! response ends. So every declared body is moved into a shared cell that the handler reads
//! through and that the response body keeps alive until it has been written.
//!
//! A request that declares a body on a method that never takes one (GET, HEAD, ...) is also told
//! `Connection: close`: a body there is either a mistake or an attempt to smuggle a second
//! request past a proxy, and the connection is not worth keeping. actix-http (3.19) still starts
//! any request already pipelined behind such a response, and keeps the connection if that one
//! allows it; so the connection is marked (`ConnectionClosing`, set up by `on_connect`) and every
//! later request on it is refused unprocessed with a bodyless 400 and `Connection: close`. A 405
//! to a request with a body (a POST to a page) closes the same way: its body was never read.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use actix_web::body::{BodySize, BoxBody, EitherBody, MessageBody};
use actix_web::dev::Extensions;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::header::{CONTENT_LENGTH, TRANSFER_ENCODING};
use actix_web::http::{ConnectionType, Method, StatusCode};
use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpResponse};

/// The request's body, shared by the handler (which reads it) and the response (which holds it).
type SharedPayload = Rc<RefCell<Payload>>;

/// True when the request announces a body: `Transfer-Encoding` or a `Content-Length` above 0.
pub fn declares_body(request: &ServiceRequest) -> bool {
    let headers = request.headers();
    let content_length_above_zero = headers
        .get(CONTENT_LENGTH)
        .is_some_and(|value| value.to_str().map_or(true, |value| value.trim() != "0"));
    headers.contains_key(TRANSFER_ENCODING) || content_length_above_zero
}

/// Only POST routes read a body; on any other method a body is never read.
fn method_takes_body(method: &Method) -> bool {
    method == Method::POST
}

/// Per connection: set once a request on it declared a body where none is allowed.
#[derive(Default)]
pub struct ConnectionClosing(Cell<bool>);

/// For `HttpServer::on_connect`: gives every connection its `ConnectionClosing` mark.
pub fn on_connect(_connection: &dyn Any, data: &mut Extensions) {
    data.insert(ConnectionClosing::default());
}

/// True when an earlier request on this connection sent a body on a bodiless method.
pub fn connection_is_closing(request: &ServiceRequest) -> bool {
    request
        .conn_data::<ConnectionClosing>()
        .is_some_and(|closing| closing.0.get())
}

/// The answer to a request pipelined behind a refused body: it is not processed.
pub fn refuse_on_closing_connection() -> HttpResponse {
    let mut response = HttpResponse::BadRequest()
        .content_type("text/plain; charset=utf-8")
        .body("This connection is closing because an earlier request on it sent a body where none is allowed. Send this request again on a new connection.\n");
    response
        .head_mut()
        .set_connection_type(ConnectionType::Close);
    response
}

/// Before the handler: moves a declared body into a shared cell and gives the handler a reader
/// of it. Returns the cell for `hold_until_sent`, or `None` when there is no body.
pub fn share_body(request: &mut ServiceRequest) -> Option<SharedPayload> {
    if !declares_body(request) {
        return None;
    }
    let shared = Rc::new(RefCell::new(request.take_payload()));
    let reader = SharedReader(Rc::clone(&shared));
    request.set_payload(Payload::from(
        Box::pin(reader) as Pin<Box<dyn futures_core::Stream<Item = _>>>
    ));
    Some(shared)
}

/// After the handler: the response keeps the body alive until it is written, so actix-http closes
/// the connection if the body is still unfinished then, and a bodiless method closes it anyway.
pub fn hold_until_sent(
    method: &Method,
    shared: SharedPayload,
    mut response: ServiceResponse<EitherBody<BoxBody>>,
) -> ServiceResponse<EitherBody<BoxBody>> {
    // A 405 never read the body it was sent (a POST to a page, say): treated like a body on a
    // bodiless method, so nothing pipelined behind it is served on a connection said to close.
    if !method_takes_body(method) || response.status() == StatusCode::METHOD_NOT_ALLOWED {
        if let Some(closing) = response.request().conn_data::<ConnectionClosing>() {
            closing.0.set(true);
        }
        response
            .response_mut()
            .head_mut()
            .set_connection_type(ConnectionType::Close);
    }
    response.map_body(|_, body| {
        EitherBody::left(BoxBody::new(HoldingBody {
            body,
            _payload: shared,
        }))
    })
}

struct SharedReader(SharedPayload);

impl futures_core::Stream for SharedReader {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Only the handler polls; the response merely holds the cell, so this never conflicts.
        Pin::new(&mut *self.0.borrow_mut()).poll_next(cx)
    }
}

/// A response body that keeps the request's body alive for as long as it lives.
struct HoldingBody {
    body: EitherBody<BoxBody>,
    _payload: SharedPayload,
}

impl MessageBody for HoldingBody {
    type Error = <EitherBody<BoxBody> as MessageBody>::Error;

    fn size(&self) -> BodySize {
        self.body.size()
    }

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Pin::new(&mut self.body).poll_next(cx)
    }
}
