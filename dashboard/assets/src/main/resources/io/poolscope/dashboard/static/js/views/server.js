// One database server: the unit of the budget. Its card (on the fleet page and its own page)
// shows the server's figures and a row per database and per role with their own limits; every
// number and colour is the collector's (GET /api/servers), none is computed here.

import { h, routeHref } from '../dom.js';
import { getShared as get, getOrError, HttpError } from '../api.js';
import { int, pct, time } from '../format.js';
import { cssVar, gauge, timeLines } from '../charts.js';
import { gaugeText, limitText, plannedFact, stateOf, statePill } from './card.js';
import { activeList } from './alerts.js';
import { historyNote, historyRange } from './history.js';

const refusalWords = {
  server: 'max_connections',
  reserved: 'reserved slots',
  role: 'role limit',
  database: 'database limit',
  account: 'account limit',
  unknown: 'unknown limit',
};

function actualFact(s) {
  const probe = s.probe || { status: 'none' };
  if (probe.status === 'failed') {
    return h('dd', { class: 'crit', dataset: { fact: 'actual' } }, `probe failed: ${probe.error || 'no detail'}`);
  }
  if (s.actual == null) return h('dd', { class: 'muted', dataset: { fact: 'actual' } }, 'no probe configured');
  const un = s.unattributed || 0;
  return h(
    'dd',
    { class: un > 0 ? 'warn' : null, dataset: { fact: 'actual' } },
    int(s.actual),
    un !== 0 ? ` · ${int(un)} from clients without the agent` : ' · all from agents',
  );
}

/** "role limit 3 · max_connections 1": refused opens by the limit that refused them. */
function refusedFact(s) {
  const entries = Object.entries(s.refusedByLimit || {});
  if (!entries.length) return h('dd', { dataset: { fact: 'refused' } }, 'none');
  return h(
    'dd',
    { class: 'crit', dataset: { fact: 'refused' } },
    entries.map(([limit, n]) => `${refusalWords[limit] || limit} ${int(n)}`).join(' · '),
  );
}

/** The database or role rows: open (agents), actual (server), usable and utilization. */
function rowsTable(kind, heading, rows, link) {
  if (!rows || !rows.length) return null;
  return h(
    'table',
    { class: `server-rows ${kind}`, dataset: { rows: kind } },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', null, heading),
        h('th', { class: 'num', title: 'connections the agents hold' }, 'Open'),
        h('th', { class: 'num', title: "the server's own count" }, 'Actual'),
        h('th', { class: 'num', title: 'the limit the server enforces on it' }, 'Usable'),
        h('th', { class: 'num' }, 'Use'),
      ),
    ),
    h(
      'tbody',
      null,
      rows.map((r) =>
        h(
          'tr',
          { class: `state-${r.state}`, dataset: { key: r.name, row: r.name, state: r.state } },
          h('td', { class: 'name' }, link ? link(r) : r.name),
          h('td', { class: 'num', dataset: { col: 'open' } }, int(r.open)),
          h('td', { class: 'num', dataset: { col: 'actual' } }, int(r.actual)),
          h('td', { class: 'num', dataset: { col: 'usable' } }, r.usable == null ? 'no limit' : int(r.usable)),
          h('td', { class: `num ${r.state === 'unknown' ? '' : r.state}`, dataset: { col: 'utilization' } }, pct(r.utilization)),
        ),
      ),
    ),
  );
}

/** A database row's name, leading to the database view of each agent target on it. */
function databaseLink(r) {
  const targets = r.targets || [];
  if (targets.length === 0) return r.name || '(none)';
  if (targets.length === 1) return h('a', { href: routeHref('db', targets[0]) }, r.name || '(none)');
  return [r.name, ' ', targets.map((t, i) => h('a', { class: 'muted', href: routeHref('db', t), title: t }, `[${i + 1}]`))];
}

/** The card. link: whether the title leads to the server page; holders: text per target id. */
export function serverCard(s, { link = true, keyPrefix = 'server', holders = null } = {}) {
  const state = stateOf(s);
  const title = link ? h('a', { href: routeHref('server', s.id) }, s.id) : s.id;
  const names = s.targets || [];
  const sub = `${names.length} agent target${names.length === 1 ? '' : 's'}${s.identity ? ` · ${s.identity}` : ''}`;
  return h(
    'section',
    { class: `card server-card state-${state}`, dataset: { server: s.id, state } },
    h(
      'div',
      { class: 'card-head' },
      h('div', { class: 'titles' }, h('h3', { title: s.id }, title), h('div', { class: 'target', title: names.join(', ') }, sub)),
      h('span', { class: 'state' }, statePill(state)),
    ),
    h(
      'div',
      { class: 'gauge-row' },
      gauge(`${keyPrefix}:${s.id}:gauge`, s.counted || 0, s.usable, state),
      h(
        'div',
        null,
        h('div', { class: 'gauge-text', dataset: { open: s.counted, usable: s.usable ?? '' } }, gaugeText(s)),
        h('div', { class: 'gauge-label' }, s.usable == null ? 'connections open · usable limit unknown' : 'open / usable connections of the server'),
      ),
    ),
    h(
      'dl',
      { class: 'facts' },
      holders ? h('dt', null, 'Held by') : null,
      holders ? h('dd', { dataset: { fact: 'holders' } }, holders) : null,
      h('dt', { title: "sum of the pools' configured maximum" }, 'Planned (Σ max)'),
      plannedFact(s),
      h('dt', null, 'Server sees'),
      actualFact(s),
      h('dt', null, 'Refused'),
      refusedFact(s),
      h('dt', null, 'Fits per pod'),
      h('dd', { dataset: { fact: 'suggested' } }, s.suggestedPoolMax == null ? '–' : `pool max ≤ ${int(s.suggestedPoolMax)}`),
      h('dt', null, 'Limit'),
      h('dd', null, limitText(s)),
    ),
    rowsTable('databases', 'Database', s.databases, databaseLink),
    rowsTable('roles', 'Role', s.roles, null),
    s.probe && s.probe.checkedAt ? h('div', { class: 'card-foot muted' }, `probed ${time(s.probe.checkedAt)}`) : null,
  );
}

export async function load({ id }) {
  const to = Date.now();
  const from = to - 3600e3;
  const enc = encodeURIComponent(id);
  let server;
  try {
    server = await get(`api/servers/${enc}`);
  } catch (e) {
    if (e instanceof HttpError && e.status === 404) return { missing: id };
    throw e;
  }
  const [history, alerts] = await Promise.all([
    getOrError(`api/history?server=${enc}&from=${Math.floor(from)}&to=${Math.floor(to)}`),
    getOrError('api/alerts'),
  ]);
  return { id, server, history, alerts, from, to };
}

function series(history, name) {
  const s = (history.series || []).find((x) => x.name === name);
  return s ? s.points : [];
}

function historyPanel({ id, history, from, to }) {
  const head = h('div', { class: 'panel-head' }, h('h3', null, 'History'), h('span', { class: 'hint' }, 'the last hour, the server as a whole'));
  if (history.error) return h('section', { class: 'panel history' }, head, h('p', { class: 'error-box' }, `History unavailable (${history.error}).`));
  const axis = historyRange(history, from);
  return h(
    'section',
    { class: 'panel history' },
    head,
    historyNote(history, axis),
    timeLines(
      `server:${id}:hist:conn`,
      'server-history',
      [
        { label: 'open', points: series(history, 'open'), color: cssVar('--used'), fill: true, width: 2 },
        { label: 'usable', points: series(history, 'usable'), color: cssVar('--limit'), width: 2, stepped: true },
        { label: 'planned', points: series(history, 'planned'), color: cssVar('--planned'), dash: [6, 4], stepped: true },
        { label: 'actual (probe)', points: series(history, 'actual'), color: cssVar('--actual'), dash: [2, 2] },
      ],
      { from: axis.start, to, events: history.events || [], unit: 'connections', heightPx: 220 },
    ),
  );
}

export function render(data) {
  if (data.missing) {
    return [
      h('div', { class: 'page-head' }, h('a', { href: routeHref() }, '← Fleet')),
      h('p', { class: 'error-box' }, `The collector knows no database server "${data.missing}".`),
    ];
  }
  const { server, alerts } = data;
  const mine = alerts && !alerts.error ? { active: (alerts.active || []).filter((a) => a.labels && a.labels.server === server.id) } : null;
  return [
    h('div', { class: 'page-head' }, h('a', { href: routeHref() }, '← Fleet'), h('h1', null, server.id), statePill(stateOf(server))),
    h(
      'div',
      { class: 'db-grid' },
      h(
        'div',
        null,
        serverCard(server, { link: false, keyPrefix: 'serverpage' }),
        h(
          'section',
          { class: 'panel' },
          h('div', { class: 'panel-head' }, h('h3', null, 'Active alerts on this server')),
          mine ? activeList(mine, null) : h('p', { class: 'muted' }, `unavailable (${alerts && alerts.error})`),
        ),
      ),
      historyPanel(data),
    ),
  ];
}
