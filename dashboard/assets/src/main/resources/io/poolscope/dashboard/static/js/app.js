// Entry point: hash routing, one refresh loop driven by the collector's server-sent events, and
// the header (tabs with counts, live indicator, unreachable banner).

import { h, morph, replace } from './dom.js';
import { getShared, link, newPass, onLinkChange, setPollInterval, startLive, Unreachable } from './api.js';
import * as charts from './charts.js';
import { ago, time } from './format.js';
import * as fleetView from './views/overview.js';
import * as dbView from './views/database.js';
import * as podView from './views/pod.js';
import * as serverView from './views/server.js';
import * as leaksView from './views/leaks.js';
import * as alertsView from './views/alerts.js';

const main = document.getElementById('view');

function route() {
  const parts = location.hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch (e) {
        return p;
      }
    });
  if (parts[0] === 'db' && parts[1]) return { tab: 'fleet', view: dbView, params: { id: parts[1] } };
  if (parts[0] === 'pod' && parts[1]) return { tab: 'fleet', view: podView, params: { id: parts[1] }, kind: 'pod' };
  if (parts[0] === 'server' && parts[1]) return { tab: 'fleet', view: serverView, params: { id: parts[1], server: true }, kind: 'server' };
  if (parts[0] === 'leaks') return { tab: 'leaks', view: leaksView, params: {} };
  if (parts[0] === 'alerts') return { tab: 'alerts', view: alertsView, params: {} };
  return { tab: 'fleet', view: fleetView, params: {} };
}

let last = null;

function draw(r, data) {
  charts.beginPass();
  try {
    morph(main, r.view.render(data));
  } finally {
    charts.endPass();
  }
  main.setAttribute('aria-busy', 'false');
  main.dataset.view = r.tab + (r.kind ? `:${r.kind}` : r.params.id ? ':db' : '');
  for (const a of document.querySelectorAll('.tabs a')) a.classList.toggle('active', a.dataset.tab === r.tab);
}

/** Re-draws from the last data (refetch=false) or loads again (refetch=true). */
function rerender(refetch = false) {
  if (refetch || !last) refresh();
  else draw(last.route, last.data);
}

function setCount(id, n, cls) {
  const el = document.getElementById(id);
  el.hidden = !n;
  el.textContent = n ? String(n) : '';
  el.className = `count ${n ? cls : ''}`;
}

async function loadHeader() {
  const [overview, leaks] = await Promise.all([getShared('api/overview'), getShared('api/leaks?limit=200').catch(() => [])]);
  setPollInterval(overview.intervalSeconds);
  const firing = overview.alerts ? overview.alerts.firing : 0;
  setCount('alert-count', firing, 'crit');
  // Leaks worth a look: still held or dropped without close() in the last hour.
  const hourAgo = Date.now() - 3600e3;
  const open = Array.isArray(leaks) ? leaks.filter((l) => l.time >= hourAgo && l.state !== 'returned').length : 0;
  setCount('leak-count', open, 'warn');
  document.title = firing ? `(${firing}) Poolscope` : 'Poolscope';
}

let running = false;
let again = false;

/** Loads and draws the current route; calls arriving meanwhile collapse into one more pass. */
async function refresh() {
  if (running) {
    again = true;
    return;
  }
  running = true;
  try {
    do {
      again = false;
      const r = route();
      const hash = location.hash;
      newPass();
      try {
        const [data] = await Promise.all([r.view.load(r.params), loadHeader()]);
        // The person navigated while this loaded: the next pass draws the new route instead.
        if (location.hash !== hash) {
          again = true;
          continue;
        }
        last = { route: r, data };
        draw(r, data);
      } catch (e) {
        if (!(e instanceof Unreachable)) {
          console.error(e);
          charts.beginPass();
          charts.endPass();
          replace(main, h('p', { class: 'error-box' }, `Could not show this view: ${e.message}`));
        }
      }
    } while (again);
  } finally {
    running = false;
  }
}

const liveEl = document.getElementById('live');
const liveText = document.getElementById('live-text');
const banner = document.getElementById('unreachable');
const bannerDetail = document.getElementById('unreachable-detail');

function showLink() {
  liveEl.className = `live ${{ live: 'on', polling: 'polling', down: 'down' }[link.state] || ''}`;
  liveText.textContent =
    link.state === 'live'
      ? `live · updated ${time(link.lastContact)}`
      : link.state === 'polling'
        ? `polling (no event stream) · updated ${time(link.lastContact)}`
        : link.state === 'down'
          ? 'collector unreachable'
          : 'connecting…';
  const down = link.state === 'down';
  banner.hidden = !down;
  document.body.classList.toggle('collector-down', down);
  if (down) {
    const since = link.lastContact ? `since ${time(link.lastContact)} (${ago(link.lastContact)})` : 'since this page opened';
    bannerDetail.textContent = `No answer from ${location.host} ${since}: ${link.reason}. The numbers are hidden until it answers again; retrying every 3 s.`;
  }
}

onLinkChange((l) => {
  showLink();
  if (l.state !== 'down' && document.body.dataset.wasDown === 'true') {
    document.body.dataset.wasDown = 'false';
    refresh();
  }
  if (l.state === 'down') document.body.dataset.wasDown = 'true';
});
window.setInterval(showLink, 1000);

// Behaviour by delegation, so nodes kept by morph() need no listeners of their own.
const actions = { ...leaksView.actions, ...dbView.actions };
function act(e, el) {
  const handler = actions[el.dataset.action];
  if (handler) handler(el, rerender);
}
main.addEventListener('click', (e) => {
  const el = e.target.closest('[data-action]');
  if (!el || e.target.closest('a') || String(window.getSelection()).length > 0) return;
  act(e, el);
});
main.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter' && e.key !== ' ') return;
  const el = e.target.closest('[data-action]');
  if (!el || el.tagName === 'BUTTON') return;
  e.preventDefault();
  act(e, el);
});

window.addEventListener('hashchange', () => {
  window.scrollTo(0, 0);
  refresh();
});
window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
  charts.applyTheme();
  charts.resetAll();
  if (last) draw(last.route, last.data);
});

charts.applyTheme();
showLink();
refresh();
startLive(refresh);
