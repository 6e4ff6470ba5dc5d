//! backcare: a server-rendered site about back cramps and back pain.
//! `content` loads articles, `triage` runs the symptom checker, `web` serves both; `startup` wires them.

pub mod cli;
pub mod content;
pub mod startup;
pub mod triage;
pub mod web;
