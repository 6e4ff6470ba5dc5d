//! backcare: a server-rendered site about back cramps and back pain.
//! `content` loads articles and `triage` runs the symptom checker, sharing only `vocabulary`;
//! `search` and the readers' `discussion` build on them; `web` serves it all and `authoring`
//! checks and starts articles; `startup` wires them. tests/api/layering.rs keeps that order.

pub mod authoring;
pub mod cli;
pub mod content;
pub mod discussion;
pub mod live_reload;
pub mod memory;
pub mod parallel;
pub mod publish_schedule;
pub mod rate_limit;
pub mod search;
pub mod site_config;
pub mod site_source;
pub mod startup;
pub mod static_build;
pub mod telemetry;
pub mod triage;
pub mod vocabulary;
pub mod web;
