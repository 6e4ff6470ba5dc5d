//! Start-up: load the content, render the site, bind the socket and build the server.
//! Shared by `main` and the integration tests, which bind port 0.

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;

use actix_web::HttpServer;
use actix_web::dev::Server;
use metrics_exporter_prometheus::PrometheusHandle;

use crate::content::LoadOptions;
use crate::content::author_problems::AuthorProblems;
use crate::discussion::{DiscussionConfig, Storage, StoreError};
use crate::live_reload::{self, LiveReload};
use crate::rate_limit::{RateLimit, RateLimiter};
use crate::site_source::{LoadedContent, SiteError, SiteSource, site_load_options};
use crate::web::connections::{self, ConnectionCounts, ConnectionLimits};
use crate::web::contact_email::ContactEmail;
use crate::web::discussion_http::Discussion;
use crate::web::live_events::LiveEvents;
use crate::web::{
    self, AppData, AppState, BaseUrl, Generation, Precompress, Protection, SiteSettings,
    TrustedProxies,
};

#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub bind: String,
    pub articles: PathBuf,
    pub static_dir: PathBuf,
    /// Rebuild the site whenever an article or static file changes (`serve --watch`).
    pub watch: bool,
    /// Serve drafts too, labelled "Draft" (`serve --drafts`).
    pub drafts: bool,
    /// A fixed today for `publish` and review dates (`serve --today`, for previews and tests);
    /// `None` means the real date, UTC, read again at each load.
    pub today: Option<time::Date>,
    /// Where the site is published; `None` means the address the server is bound to.
    /// An https address also turns on `Strict-Transport-Security`.
    pub base_url: Option<BaseUrl>,
    /// `--hsts-preload`: `Strict-Transport-Security` adds `includeSubDomains; preload`.
    pub hsts_preload: bool,
    /// Answers to the symptom checker each client may send (`--checker-rate-limit`); `None` turns
    /// the limit off.
    pub checker_rate_limit: Option<RateLimit>,
    /// Searches each client may make (`--search-rate-limit`); `None` turns the limit off.
    pub search_rate_limit: Option<RateLimit>,
    /// Reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed (`--trusted-proxy`).
    pub trusted_proxies: Vec<IpAddr>,
    /// Other sites whose pages may post the reader forms here (`--trusted-origin`).
    pub trusted_origins: Vec<BaseUrl>,
    /// When the brotli copy of every page is made (a gzip copy is made on its first request).
    pub precompress: Precompress,
    /// Threads answering requests; `None` means one per CPU.
    pub workers: Option<usize>,
    /// The reader discussion under each article and its database (`--comments moderated`);
    /// `None` (`--comments off`) serves article pages fully pre-rendered.
    pub comments: Option<DiscussionConfig>,
    /// Where readers report a mistake in a page (`--contact-email`).
    pub contact_email: ContactEmail,
    /// Where to serve Prometheus metrics (`--metrics-bind`); `None` records none.
    pub metrics_bind: Option<String>,
    /// Open connections per client, and when keep-alive stops (`--max-connections-per-client`).
    pub connections: ConnectionLimits,
}

/// What the server allows any one client, and how it stops. Documented in README.md under
/// "Running in production"; the form body limit is `form::MAX_ANSWERS_BYTES`, its time limit
/// `form::BODY_TIMEOUT`. actix-http itself refuses a request head over 128 KiB or with more
/// than 96 headers (431), which no setting changes.
pub mod limits {
    use std::time::Duration;

    /// The request head must arrive within this, or the client gets 408 and is disconnected.
    pub const CLIENT_REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
    /// How long to wait for a client to acknowledge the end of a closed connection.
    pub const CLIENT_DISCONNECT_TIMEOUT: Duration = Duration::from_secs(2);
    /// Idle keep-alive connections are closed after this. Longer than the reverse proxy's own
    /// upstream keep-alive (deploy/nginx.conf: 20 s), so the proxy, not us, closes idle connections
    /// and never sends a request on a connection we are closing.
    pub const KEEP_ALIVE: Duration = Duration::from_secs(30);
    /// Open connections per worker thread; more wait in the listen backlog.
    pub const MAX_CONNECTIONS_PER_WORKER: usize = 2048;
    /// Connections per worker in their TLS handshake; backcare speaks plain HTTP behind a proxy,
    /// so this only matters if TLS is ever added.
    pub const MAX_CONNECTION_RATE_PER_WORKER: usize = 256;
    /// Connections the kernel queues before we accept them.
    pub const BACKLOG: u32 = 1024;
    /// Threads per worker for CPU-heavy work handed off by handlers (compressing an assembled
    /// page, hashing a password). Each thread can hold its own allocator arena, so a small
    /// number keeps memory flat when many pages are compressed at once; the default is 512.
    pub const MAX_BLOCKING_THREADS_PER_WORKER: usize = 2;
    /// On SIGTERM or SIGINT: stop accepting, then give requests in flight this long to finish.
    pub const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);
}

impl ServeConfig {
    /// Serves `articles` and `static_dir` on `bind`: no watching, no drafts, local links; pages
    /// compressed in the background and the symptom checker limited per client, as in production.
    pub fn new(
        bind: impl Into<String>,
        articles: impl Into<PathBuf>,
        static_dir: impl Into<PathBuf>,
    ) -> Self {
        ServeConfig {
            bind: bind.into(),
            articles: articles.into(),
            static_dir: static_dir.into(),
            watch: false,
            drafts: false,
            today: None,
            base_url: None,
            hsts_preload: false,
            checker_rate_limit: Some(RateLimit::CHECKER_DEFAULT),
            search_rate_limit: Some(RateLimit::SEARCH_DEFAULT),
            trusted_proxies: Vec::new(),
            trusted_origins: Vec::new(),
            precompress: Precompress::Background,
            workers: None,
            comments: None,
            contact_email: ContactEmail::default(),
            metrics_bind: None,
            connections: ConnectionLimits::default(),
        }
    }
}

/// Why the server did not start: the site itself, or what serving it needs.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Site(#[from] SiteError),
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: String,
        source: std::io::Error,
    },
    #[error("cannot watch the articles and static directories for changes: {0}")]
    Watch(#[from] notify::Error),
    #[error("{0}")]
    Database(#[from] StoreError),
    #[error("cannot serve metrics on {address}: {source}")]
    Metrics {
        address: String,
        source: std::io::Error,
    },
}

/// A bound, ready-to-run server.
pub struct Application {
    server: Server,
    address: SocketAddr,
    /// Where `/metrics` is served, with `--metrics-bind`.
    metrics_address: Option<SocketAddr>,
    base_url: BaseUrl,
    article_count: usize,
    /// Present with `--watch`; dropping it (when the server stops) stops watching.
    _live_reload: Option<LiveReload>,
    /// Present while an article waits for its `publish` date; dropping it stops the wait.
    _publish_schedule: Option<crate::publish_schedule::PublishSchedule>,
    /// Present with `--watch`: the browsers' auto-reload streams, ended when the server stops.
    live_events: Option<LiveEvents>,
}

impl Application {
    /// Loads and checks the content before binding, so a broken site never starts listening,
    /// except with `--watch`, where the author gets the problems in a banner and a site that
    /// fixes itself when they save.
    pub async fn build(config: &ServeConfig) -> Result<Application, StartError> {
        crate::memory::configure();
        let started = std::time::Instant::now();
        // Before anything is recorded, so the start-up's own figures are kept.
        let metrics_handle = match &config.metrics_bind {
            Some(_) => crate::web::metrics::install(),
            None => None,
        };
        let mut source = site_source(config);
        let (content, author_problems) = load_content(config, &source, started)?;
        // The database is opened (and migrated) before listening, so a bad URL stops the start.
        let discussion = match &config.comments {
            Some(comments) => Some(Discussion::start(comments).await?),
            None => None,
        };
        let (listener, address) = bind(config)?;
        source.settings.base_url = config
            .base_url
            .clone()
            .unwrap_or_else(|| BaseUrl::for_address(address));
        let (generation, content) =
            render_site(config, &source, content, author_problems, started)?;
        let article_count = generation.library.len();
        let storage = discussion
            .as_ref()
            .map(|discussion| discussion.storage.clone());
        let (protection, connection_counts) = protection(config, &source);
        let state = AppState::new(generation, config.precompress, protection);
        let mut app_data = AppData::new(state);
        if let Some(discussion) = discussion {
            app_data = app_data.with_discussion(discussion);
        }
        let live_events = config.watch.then(LiveEvents::default);
        if let Some(live_events) = &live_events {
            app_data = app_data.with_live_events(live_events.clone());
        }
        let live_reload = match content {
            Some(content) => Some(live_reload::start(
                source.clone(),
                app_data.clone(),
                content,
            )?),
            None => None,
        };
        let publish_schedule = crate::publish_schedule::start(source.clone(), app_data.clone());
        let server = http_server(config, app_data, connection_counts, listener)?;
        let metrics_address = serve_metrics(config, metrics_handle, storage)?;
        Ok(Application {
            server,
            address,
            metrics_address,
            base_url: source.settings.base_url,
            article_count,
            _live_reload: live_reload,
            _publish_schedule: publish_schedule,
            live_events,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Where `/metrics` is served, if `--metrics-bind` was given.
    pub fn metrics_address(&self) -> Option<SocketAddr> {
        self.metrics_address
    }

    /// The address used in canonical links, the feed and the sitemap.
    pub fn base_url(&self) -> &BaseUrl {
        &self.base_url
    }

    pub fn article_count(&self) -> usize {
        self.article_count
    }

    /// On Ctrl-C (SIGINT) or SIGTERM: stop accepting connections and let requests in flight finish,
    /// for at most `limits::SHUTDOWN_TIMEOUT`. Called by the binary; test servers are simply dropped.
    pub fn stop_gracefully_on_signals(&self) {
        let handle = self.server.handle();
        let live_events = self.live_events.clone();
        tokio::spawn(async move {
            wait_for_stop_signal().await;
            // Open tabs keep an event stream open; ending them lets the shutdown finish at once.
            if let Some(live_events) = live_events {
                live_events.close();
            }
            println!(
                "backcare: stopping; requests in flight finish first (graceful shutdown, at most {} s)",
                limits::SHUTDOWN_TIMEOUT.as_secs()
            );
            handle.stop(true).await;
        });
    }

    /// Runs until the server stops.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Waits for Ctrl-C, or for SIGTERM where there is one (systemd and containers stop with it).
async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    // Without a handler nothing would stop the server, so an error here waits forever.
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Where the site's content is and how its pages are set up. The address is known once bound:
/// until then pages are not rendered.
fn site_source(config: &ServeConfig) -> SiteSource {
    SiteSource {
        articles: config.articles.clone(),
        static_dir: config.static_dir.clone(),
        load_options: LoadOptions {
            include_drafts: config.drafts,
            // Set on each load: see `SiteSource::todays_options`.
            today: None,
            ..site_load_options(
                &config.static_dir,
                config.base_url.as_ref().map(ToString::to_string).as_deref(),
            )
        },
        settings: SiteSettings {
            live_preview: config.watch,
            comments: config.comments.is_some(),
            feedback: config.comments.is_some(),
            trusted_origins: config.trusted_origins.clone(),
            contact_email: config.contact_email.clone(),
            ..SiteSettings::new(BaseUrl::for_address(([127, 0, 0, 1], 0).into()))
        },
        fixed_today: config.today,
    }
}

/// The articles and static files, checked: a problem stops the start, except with `--watch`,
/// where it goes into the banner instead.
fn load_content(
    config: &ServeConfig,
    source: &SiteSource,
    started: std::time::Instant,
) -> Result<(LoadedContent, AuthorProblems), StartError> {
    let (content, author_problems) = if config.watch {
        // Styles still load if only the articles are broken, so the banner is readable.
        let (content, problems) = source.load_isolating(&LoadedContent::default());
        if !problems.is_empty() {
            live_reload::report_problems(&problems);
        }
        (content, problems)
    } else {
        let content = source.load().map_err(StartError::Site)?;
        tracing::info!(
            articles = content.library.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "articles read and checked"
        );
        (content, AuthorProblems::default())
    };
    // The checker's results leave out a missing article: the author hears of it here.
    for problem in
        crate::authoring::check::checker_article_problems(&config.articles, &content.library)
    {
        tracing::warn!("{problem}");
    }
    Ok((content, author_problems))
}

fn bind(config: &ServeConfig) -> Result<(TcpListener, SocketAddr), StartError> {
    let bind_error = |source| StartError::Bind {
        address: config.bind.clone(),
        source,
    };
    let listener = TcpListener::bind(&config.bind).map_err(bind_error)?;
    let address = listener.local_addr().map_err(bind_error)?;
    Ok((listener, address))
}

/// Every page of the site, and the content again only with `--watch`, to re-render after an
/// edit.
fn render_site(
    config: &ServeConfig,
    source: &SiteSource,
    content: LoadedContent,
    author_problems: AuthorProblems,
    started: std::time::Instant,
) -> Result<(Generation, Option<LoadedContent>), StartError> {
    let mut generation = source
        .render(&content, author_problems)
        .map_err(SiteError::Render)?;
    let content = config.watch.then_some(content);
    if content.is_none()
        && let Some(library) = Arc::get_mut(&mut generation.library)
    {
        // The articles' HTML, contents and links are in their pages now and will not be
        // read again (the HTML alone is about 7 KB an article).
        library.release_render_inputs();
    }
    crate::memory::release_freed();
    crate::web::metrics::record_site_build(started.elapsed());
    tracing::info!(
        articles = generation.library.len(),
        addresses = generation.site.page_count(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "site loaded and rendered"
    );
    Ok((generation, content))
}

/// What the server allows each client, and the open connections it counts for that.
fn protection(config: &ServeConfig, source: &SiteSource) -> (Protection, Arc<ConnectionCounts>) {
    let trusted_proxies = TrustedProxies::new(config.trusted_proxies.iter().copied());
    let workers = config.workers.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let connection_counts = Arc::new(ConnectionCounts::new(
        config.connections,
        workers.max(1) * limits::MAX_CONNECTIONS_PER_WORKER,
        trusted_proxies.clone(),
    ));
    let protection = Protection {
        hsts_preload: config.hsts_preload,
        connections: Arc::clone(&connection_counts),
        search_limiter: config.search_rate_limit.map(RateLimiter::new),
        ..Protection::new(
            trusted_proxies,
            source.settings.base_url.is_https(),
            config.checker_rate_limit,
        )
    };
    (protection, connection_counts)
}

/// The HTTP server on `listener`, with the limits of `limits`, running.
fn http_server(
    config: &ServeConfig,
    app_data: AppData,
    connection_counts: Arc<ConnectionCounts>,
    listener: TcpListener,
) -> Result<Server, StartError> {
    let mut server = HttpServer::new(move || web::app(app_data.clone()))
        .on_connect(move |connection, data| {
            web::unread_body::on_connect(connection, data);
            connections::on_connect(&connection_counts, connection, data);
        })
        .client_request_timeout(limits::CLIENT_REQUEST_TIMEOUT)
        .client_disconnect_timeout(limits::CLIENT_DISCONNECT_TIMEOUT)
        .keep_alive(limits::KEEP_ALIVE)
        .max_connections(limits::MAX_CONNECTIONS_PER_WORKER)
        .max_connection_rate(limits::MAX_CONNECTION_RATE_PER_WORKER)
        .backlog(limits::BACKLOG)
        .worker_max_blocking_threads(limits::MAX_BLOCKING_THREADS_PER_WORKER)
        .shutdown_timeout(limits::SHUTDOWN_TIMEOUT.as_secs());
    if let Some(workers) = config.workers {
        server = server.workers(workers.max(1));
    }
    // actix-web would treat Ctrl-C (SIGINT) as a forced shutdown that cuts requests off;
    // `stop_gracefully_on_signals` makes SIGINT and SIGTERM both graceful instead.
    let server = server
        .disable_signals()
        .listen(listener)
        .map_err(|source| StartError::Bind {
            address: config.bind.clone(),
            source,
        })?
        .run();
    Ok(server)
}

/// `/metrics` on its own address, with `--metrics-bind`.
fn serve_metrics(
    config: &ServeConfig,
    metrics_handle: Option<PrometheusHandle>,
    storage: Option<Storage>,
) -> Result<Option<SocketAddr>, StartError> {
    let (Some(bind), Some(handle)) = (&config.metrics_bind, metrics_handle) else {
        return Ok(None);
    };
    let metrics_error = |source| StartError::Metrics {
        address: bind.clone(),
        source,
    };
    let listener = TcpListener::bind(bind).map_err(metrics_error)?;
    let (metrics_server, address) =
        crate::web::metrics::serve(listener, handle, storage).map_err(metrics_error)?;
    tokio::spawn(metrics_server);
    tracing::info!(%address, "serving metrics");
    Ok(Some(address))
}
