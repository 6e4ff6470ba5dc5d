//! `serve --watch` only: tells open pages that the site was rebuilt, so the browser reloads by
//! itself. A small script (served under `/static`) listens to server-sent events; both exist, and
//! the Content-Security-Policy lets the script run, only in watch mode.

use std::sync::Arc;
use std::time::Duration;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use bytes::Bytes;
use tokio::sync::watch;

pub const SCRIPT_PATH: &str = "/static/backcare-live-reload.js";
pub const EVENTS_PATH: &str = "/__backcare/live-reload";
const SCRIPT: &str = include_str!("live_reload.js");

/// The production policy (`security_headers`) plus scripts from this site, for the script above.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// A comment line now and then keeps proxies from closing an idle stream, and lets the server
/// notice a closed tab.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// What the open pages are told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signal {
    /// The n-th generation is being served.
    Generation(u64),
    /// The server is stopping: end every stream, so open tabs do not hold up the shutdown.
    Closing,
}

/// Shared by the reloader (which announces each new generation) and the event streams, which
/// find it as app data of its own (`web::AppData`).
#[derive(Debug, Clone)]
pub struct LiveEvents(Arc<watch::Sender<Signal>>);

impl Default for LiveEvents {
    fn default() -> Self {
        LiveEvents(Arc::new(watch::Sender::new(Signal::Generation(0))))
    }
}

impl LiveEvents {
    pub fn announce_new_generation(&self) {
        self.0.send_modify(|signal| {
            if let Signal::Generation(n) = signal {
                *n += 1;
            }
        });
    }

    pub fn close(&self) {
        self.0.send_replace(Signal::Closing);
    }
}

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route(SCRIPT_PATH, web::get().to(script))
        .route(EVENTS_PATH, web::get().to(events));
}

async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/javascript; charset=utf-8"),
        ))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-cache")))
        .body(SCRIPT)
}

/// A server-sent event stream: `event: reload` after each rebuild, until the server stops.
async fn events(request: HttpRequest) -> HttpResponse {
    let Some(live) = request.app_data::<web::Data<LiveEvents>>() else {
        return HttpResponse::NotFound().finish();
    };
    let receiver = live.0.subscribe();
    // First a retry hint: if the server restarts, the browser reconnects within a second.
    let first = Bytes::from_static(b"retry: 1000\n\n");
    let stream = futures_util::stream::unfold(
        (Some(first), receiver),
        |(pending, mut receiver)| async move {
            if let Some(bytes) = pending {
                return Some((Ok::<_, actix_web::Error>(bytes), (None, receiver)));
            }
            if *receiver.borrow() == Signal::Closing {
                return None;
            }
            let bytes = tokio::select! {
                changed = receiver.changed() => {
                    let signal = *receiver.borrow_and_update();
                    match (changed, signal) {
                        (Err(_), _) | (_, Signal::Closing) => return None,
                        (Ok(()), Signal::Generation(n)) => {
                            Bytes::from(format!("event: reload\ndata: {n}\n\n"))
                        }
                    }
                }
                () = tokio::time::sleep(KEEP_ALIVE) => Bytes::from_static(b": still here\n\n"),
            };
            Some((Ok(bytes), (None, receiver)))
        },
    );
    HttpResponse::Ok()
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream"),
        ))
        .insert_header((
            header::CACHE_CONTROL,
            HeaderValue::from_static(super::representation::NO_STORE),
        ))
        .streaming(stream)
}
