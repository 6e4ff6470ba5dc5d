//! Start-up: load the content, render the site, bind the socket and build the server.
//! Shared by `main` and the integration tests, which bind port 0.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;

use actix_web::HttpServer;
use actix_web::dev::Server;

use crate::content::{Library, LoadErrors, LoadOptions};
use crate::web::assets::Assets;
use crate::web::site::RenderError;
use crate::web::{self, AppState, Site};

#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub bind: String,
    pub articles: PathBuf,
    pub static_dir: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Content(#[from] LoadErrors),
    #[error("cannot read the static directory {path}: {source}")]
    Static {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: String,
        source: std::io::Error,
    },
}

/// A bound, ready-to-run server.
pub struct Application {
    server: Server,
    address: SocketAddr,
    article_count: usize,
}

impl Application {
    /// Loads and renders everything before binding, so a broken site never starts listening.
    pub fn build(config: &ServeConfig) -> Result<Application, StartError> {
        let library = Library::load(&config.articles, LoadOptions::default())?;
        let assets = Assets::load(&config.static_dir).map_err(|source| StartError::Static {
            path: config.static_dir.clone(),
            source,
        })?;
        let site = Arc::new(Site::build(&library, &assets)?);
        let article_count = site.article_count;

        let bind_error = |source| StartError::Bind {
            address: config.bind.clone(),
            source,
        };
        let listener = TcpListener::bind(&config.bind).map_err(bind_error)?;
        let address = listener.local_addr().map_err(bind_error)?;
        let state = AppState {
            site,
            library: Arc::new(library),
        };
        let server = HttpServer::new(move || web::app(state.clone()))
            .listen(listener)
            .map_err(bind_error)?
            .run();
        Ok(Application {
            server,
            address,
            article_count,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn article_count(&self) -> usize {
        self.article_count
    }

    /// Runs until the server stops (actix-web handles SIGINT/SIGTERM with a graceful shutdown).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
