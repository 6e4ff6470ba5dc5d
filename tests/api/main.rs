//! Integration tests: each starts the real server on a free port and talks HTTP to it.
//! One test binary (this file plus its modules) keeps link time down.

mod about;
mod authoring_site;
mod checker;
mod checker_hazards;
mod cli;
mod connections;
mod content_errors;
mod discussion;
mod external_links;
mod feedback;
mod hardening;
mod helpers;
mod images;
mod index_pages;
mod layering;
mod live_reload;
mod moderation_queue;
mod moderators;
mod nginx;
mod pages;
mod production;
mod request_bodies;
mod search;
mod search_limits;
mod security;
mod static_build;
mod stylesheet;
