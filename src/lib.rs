//! backcare: a server-rendered site about back cramps and back pain.
//! `content` loads articles, `triage` runs the symptom checker, `web` serves both; `startup` wires them.

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
pub mod web;
