//! Integration tests: each starts the real server on a free port and talks HTTP to it.
//! One test binary (this file plus its modules) keeps link time down.

mod content_errors;
mod helpers;
mod pages;
mod security;
