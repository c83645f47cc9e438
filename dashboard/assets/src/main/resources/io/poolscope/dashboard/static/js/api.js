// Talks to the collector's read API (collector/API.md) and keeps one verdict on whether the
// collector is reachable, which the page shows instead of numbers that may be stale.

const listeners = new Set();

/** What the page knows about its link to the collector. */
export const link = {
  /** connecting | live (SSE open) | polling (SSE unavailable, API answers) | down */
  state: 'connecting',
  lastContact: 0,
  reason: '',
};

/** Thrown when the collector did not answer at all; views need not render anything then. */
export class Unreachable extends Error {}

/** Thrown for an answer with an error status; message is the API's error message. */
export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function onLinkChange(fn) {
  listeners.add(fn);
}

function setLink(state, reason = '') {
  const changed = link.state !== state || link.reason !== reason;
  link.state = state;
  link.reason = reason;
  if (changed) listeners.forEach((fn) => fn(link));
}

function contact() {
  link.lastContact = Date.now();
  if (sse && sse.readyState === EventSource.OPEN) {
    if (link.state !== 'live') setLink('live');
  } else if (link.state === 'down' || (link.state === 'connecting' && !sse)) {
    // While the stream is still connecting on first load, say "connecting", not "polling".
    setLink('polling');
  }
}

/**
 * GET a JSON resource relative to the page. No answer at all, or a gateway error, counts as
 * unreachable. The timeout is generous (a week of history on a busy store takes a while); the
 * health probe, with its short one, is what notices a collector that hangs.
 */
export async function get(path, timeoutMs = 15000) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let res;
  try {
    res = await fetch(path, { signal: abort.signal, cache: 'no-store', headers: { Accept: 'application/json' } });
  } catch (e) {
    const reason = e.name === 'AbortError' ? `no answer within ${timeoutMs / 1000} s` : 'connection refused';
    setLink('down', reason);
    throw new Unreachable(reason);
  } finally {
    clearTimeout(timer);
  }
  if (res.ok) {
    contact();
    return res.json();
  }
  let body = null;
  try {
    body = await res.json();
  } catch (ignored) {
    // Not the API's error shape.
  }
  // A gateway error without the API's error shape comes from a proxy: the collector is not there.
  // (The collector's own 503, "store unavailable", has the shape and is shown as an error.)
  if ((res.status === 502 || res.status === 503 || res.status === 504) && !(body && body.error)) {
    setLink('down', `HTTP ${res.status} from a proxy in front of it`);
    throw new Unreachable(`HTTP ${res.status}`);
  }
  contact();
  throw new HttpError(res.status, (body && body.message) || res.statusText);
}

// One refresh pass asks for each resource once, even when the header and the view both need it:
// the browser allows six connections to the collector and the event stream holds one.
let shared = new Map();

/** Starts a refresh pass: later calls of getShared() fetch afresh. */
export function newPass() {
  shared = new Map();
}

/** get() memoised for the current refresh pass. */
export function getShared(path) {
  if (!shared.has(path)) shared.set(path, get(path));
  return shared.get(path);
}

/** Like get, but an HTTP error (e.g. an endpoint this collector lacks) becomes {error}. */
export async function getOrError(path) {
  try {
    return await getShared(path);
  } catch (e) {
    if (e instanceof HttpError) return { error: `${e.status}: ${e.message}` };
    throw e;
  }
}

let sse = null;
let onUpdate = () => {};
let intervalMs = 10000;
let lastPoll = 0;
let lastHealth = 0;
let lastSseAttempt = 0;

/** Interval the collector reports; polling (when SSE is unavailable) follows it. */
export function setPollInterval(seconds) {
  if (seconds > 0) intervalMs = seconds * 1000;
}

function openEvents() {
  lastSseAttempt = Date.now();
  sse = new EventSource('api/events');
  sse.addEventListener('open', () => {
    link.lastContact = Date.now();
    setLink('live');
    // Anything may have changed while the stream was down.
    onUpdate();
  });
  const handle = () => {
    link.lastContact = Date.now();
    onUpdate();
  };
  sse.addEventListener('update', handle);
  sse.addEventListener('message', handle);
  sse.addEventListener('error', () => {
    if (sse && sse.readyState === EventSource.CLOSED) sse = null;
    // An SSE error alone cannot tell a dead collector from one without /api/events: ask.
    checkHealth();
  });
}

async function checkHealth() {
  lastHealth = Date.now();
  try {
    await get('api/health', 4000);
    if (!sse || sse.readyState !== EventSource.OPEN) setLink('polling');
  } catch (e) {
    // get() has already marked the link down.
  }
}

function closeEvents() {
  if (sse) {
    sse.close();
    sse = null;
  }
}

/**
 * Starts live updates: SSE when the collector offers it, polling every interval otherwise, and
 * a health probe so a silently dead connection turns into the unreachable banner.
 */
export function startLive(update) {
  onUpdate = update;
  // The first probe after 15 s: the stream usually opens well before, and the page fetches anyway.
  lastHealth = Date.now();
  openEvents();
  // A page kept in the back/forward cache, or a tab in the background, must not hold one of the
  // browser's six connections to the collector: a few open tabs would starve the visible one.
  window.addEventListener('pagehide', closeEvents);
  window.addEventListener('pageshow', (e) => {
    if (e.persisted && !sse) {
      openEvents();
    }
  });
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) {
      closeEvents();
    } else if (!sse) {
      openEvents();
    }
  });
  window.setInterval(() => {
    const now = Date.now();
    if (document.hidden) return;
    if (link.state === 'down') {
      if (now - lastHealth >= 3000) {
        checkHealth().then(() => {
          if (link.state !== 'down') {
            if (!sse) openEvents();
            onUpdate();
          }
        });
      }
      return;
    }
    // SSE comments (the heartbeat) are invisible to EventSource, so probe health ourselves.
    if (now - lastHealth >= 15000) checkHealth();
    if (link.state === 'polling') {
      if (now - lastPoll >= intervalMs) {
        lastPoll = now;
        onUpdate();
      }
      if (!sse && now - lastSseAttempt >= 30000) openEvents();
    }
  }, 1000);
}
