// Starts `target/release/backcare serve` on a free loopback port before the suite and stops it
// afterwards. The address reaches the test workers through BACKCARE_TEST_URL.
const { spawn } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');

const REPO = path.resolve(__dirname, '..', '..');
const BINARY = path.join(REPO, 'target', 'release', 'backcare');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilServing(url, child, output, deadline) {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`backcare exited with status ${child.exitCode} before serving:\n${output()}`);
    }
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`backcare did not answer at ${url} within 30 s:\n${output()}`);
}

/**
 * The server's environment: ours without any BACKCARE_* or DATABASE_URL setting that would change
 * what it serves, plus a throwaway database and no checker rate limit (the suite is one client
 * that sends the checker far more answers than the per-client limit lets a person send).
 */
function serverEnv(dataDir) {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('BACKCARE_') && name !== 'DATABASE_URL') env[name] = value;
  }
  return {
    ...env,
    BACKCARE_LOG: 'warn',
    BACKCARE_CHECKER_RATE_LIMIT: '0',
    DATABASE_URL: `sqlite://${path.join(dataDir, 'backcare.db')}?mode=rwc`,
  };
}

module.exports = async function globalSetup() {
  if (process.env.BACKCARE_TEST_URL) {
    // Testing a server someone else started (e.g. while editing CSS with the server running).
    return undefined;
  }
  if (!fs.existsSync(BINARY)) {
    throw new Error(`${BINARY} is missing: run \`cargo build --release\` first`);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backcare-browser-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let log = '';
  const child = spawn(BINARY, ['serve', '--bind', `127.0.0.1:${port}`], {
    cwd: REPO,
    env: serverEnv(dataDir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk) => {
    log = (log + chunk).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  try {
    await waitUntilServing(`${base}/`, child, () => log, Date.now() + 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  process.env.BACKCARE_TEST_URL = base;

  return async function globalTeardown() {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
};
