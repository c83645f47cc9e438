// One database target: its budget, who holds it (service, pod, pool), how it moved, and leaks.

import { h, routeHref } from '../dom.js';
import { getShared as get, getOrError, HttpError } from '../api.js';
import { int, seconds, ago, time, dbName, target } from '../format.js';
import { cssVar, usageBars, timeLines } from '../charts.js';
import { dbCard, stateOf, statePill } from './card.js';
import { leakTable } from './leaks.js';
import { activeList } from './alerts.js';
import { holdersRow, oldestLease } from './holders.js';
import { historyNote, historyRange } from './history.js';
import * as whatIf from './whatif.js';

const MAX_POD_BARS = 40;

const ranges = [
  ['15m', 15 * 60e3],
  ['1h', 3600e3],
  ['6h', 6 * 3600e3],
  ['24h', 24 * 3600e3],
  ['7d', 7 * 24 * 3600e3],
];
let range = sessionStorage.getItem('poolscope.range') || '1h';

function rangeMs() {
  return (ranges.find(([name]) => name === range) || ranges[1])[1];
}

export async function load({ id }) {
  const to = Date.now();
  const from = to - rangeMs();
  const enc = encodeURIComponent(id);
  let detail;
  try {
    detail = await get(`api/databases/${enc}`);
  } catch (e) {
    if (e instanceof HttpError && e.status === 404) return { missing: id };
    throw e;
  }
  // The panels below the budget degrade one by one: a missing endpoint must not blank the page.
  const [history, leaks, alerts] = await Promise.all([
    getOrError(`api/history?db=${enc}&from=${Math.floor(from)}&to=${Math.floor(to)}`),
    getOrError(`api/leaks?db=${enc}&limit=50`),
    getOrError('api/alerts'),
  ]);
  return { id, detail, history, leaks, alerts, from, to };
}

function series(history, name) {
  const s = (history.series || []).find((x) => x.name === name);
  return s ? s.points : [];
}

function historyPanel(data) {
  const { id, history, from, to } = data;
  const buttons = ranges.map(([name]) =>
    h(
      'button',
      { type: 'button', 'aria-pressed': String(name === range), dataset: { action: 'range', value: name } },
      name,
    ),
  );
  const head = h('div', { class: 'panel-head' }, h('h3', null, 'History'), h('span', { class: 'ranges right', role: 'group', 'aria-label': 'Time range' }, buttons));
  if (history.error) return h('section', { class: 'panel history' }, head, h('p', { class: 'error-box' }, `History unavailable (${history.error}).`));
  const events = history.events || [];
  const axis = historyRange(history, from);
  const opts = { from: axis.start, to, events };
  const body = h(
    'div',
    { class: 'history-grid' },
    timeLines(
      `db:${id}:hist:conn`,
      'history-connections',
      [
        { label: 'open', points: series(history, 'open'), color: cssVar('--used'), fill: true, width: 2 },
        { label: 'usable', points: series(history, 'usable'), color: cssVar('--limit'), width: 2, stepped: true },
        { label: 'planned', points: series(history, 'planned'), color: cssVar('--planned'), dash: [6, 4], stepped: true },
        { label: 'actual (probe)', points: series(history, 'actual'), color: cssVar('--actual'), dash: [2, 2] },
      ],
      { ...opts, unit: 'connections', heightPx: 200 },
    ),
    timeLines(
      `db:${id}:hist:lat`,
      'history-latency',
      [
        { label: 'wait p99', points: series(history, 'waitP99'), color: cssVar('--crit') },
        { label: 'use p99', points: series(history, 'useP99'), color: cssVar('--used') },
      ],
      { ...opts, unit: 'ms', scaleY: (v) => v * 1000, heightPx: 150 },
    ),
    timeLines(
      `db:${id}:hist:pending`,
      'history-pending',
      [{ label: 'pending requests', points: series(history, 'pending'), color: cssVar('--warn'), fill: true }],
      { ...opts, unit: 'waiting', heightPx: 120 },
    ),
  );
  const list = events.length
    ? h(
        'ul',
        { class: 'events' },
        [...events]
          .sort((a, b) => b.time - a.time)
          .map((e) => h('li', { class: `kind-${e.kind}` }, h('span', { class: 'num' }, time(e.time)), h('strong', null, e.kind === 'alert' ? 'alert' : 'deploy'), h('span', { class: 'name' }, e.text), e.count > 1 ? h('span', { class: 'muted' }, ` ×${e.count}`) : null)),
      )
    : h('p', { class: 'legend-note' }, 'No alert firings or deploys in this range.');
  const note = historyNote(history, axis);
  return h(
    'section',
    { class: 'panel history' },
    head,
    note,
    body,
    h('p', { class: 'legend-note' }, `Step ${seconds(history.stepSeconds)} · solid red marks: alert firings and resolves, one per rule and step · dashed blue: deploys (a service's version changed)`),
    list,
  );
}

function serviceRows(services) {
  return services.map((s) => ({ label: s.name, used: s.used || 0, idle: s.idle || 0, max: s.max }));
}

/** The pods the collector sent (its top pods by open connections), figures as sent. */
function podRows(services) {
  const rows = [];
  for (const s of services) {
    for (const p of s.pods || []) {
      rows.push({ label: p.podName || p.instanceId, used: p.used || 0, idle: p.idle || 0, max: p.max, open: p.open || 0, stale: p.stale, instanceId: p.instanceId });
    }
  }
  return rows;
}

/** A click on a pod's bar brings its pools into view. */
function showPod(row) {
  const tr = document.querySelector(`tr.pod-row[data-pod="${CSS.escape(row.label)}"]`);
  if (!tr) return;
  tr.scrollIntoView({ block: 'center' });
  tr.classList.add('picked');
  setTimeout(() => tr.classList.remove('picked'), 1500);
}

function cls(cond, name) {
  return cond ? name : null;
}

/** Physical closes by reason, as the API sends them, for the cell's tooltip. */
function closedTitle(x) {
  const by = x.connectionsClosed || {};
  const parts = Object.keys(by).map((reason) => `${reason.replace('_', ' ')} ${int(by[reason])}`);
  return parts.length ? `closed: ${parts.join(', ')}` : 'no physical connection closed';
}

/** Physical connections opened / closed (reasons on hover); oldest one's age / max lifetime. */
function physicalCells(x) {
  const past = x.oldestConnectionAge != null && x.maxLifetime != null && x.oldestConnectionAge > x.maxLifetime;
  return [
    h('td', { class: 'num conns', title: closedTitle(x) }, `${int(x.connectionsCreated)} / ${int(x.connectionsClosedTotal)}`),
    h(
      'td',
      { class: `num lifetime ${cls(past, 'crit') || ''}` },
      `${x.oldestConnectionAge == null ? '–' : seconds(x.oldestConnectionAge)} / ${x.maxLifetime == null ? '–' : seconds(x.maxLifetime)}`,
    ),
  ];
}

// Families whose closed pools the person opened: kept across live re-renders.
const openFamilies = new Set();

function plural(n, word) {
  return `${int(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** "1 live pool, 18 closed in the last 15 min". */
function poolsText(live, closed) {
  const text = plural(live || 0, 'live pool');
  return closed ? `${text}, ${int(closed)} closed in the last 15 min` : text;
}

function figureCells(x) {
  const util = x.max ? x.used / x.max : null;
  const leaks = (x.leaksSuspected || 0) + (x.leaksCollected || 0);
  return [
    h('td', { class: `num ${cls(util != null && util >= 0.8, 'warn') || ''}` }, int(x.used)),
    h('td', { class: 'num' }, int(x.idle)),
    h('td', { class: 'num' }, x.max == null ? '–' : int(x.max)),
    h('td', { class: `num ${cls(x.pending > 0, 'warn') || ''}` }, int(x.pending)),
    h('td', { class: `num ${cls(x.waitP99 >= 0.1, 'warn') || ''}` }, seconds(x.waitP99)),
    h('td', { class: 'num' }, seconds(x.useP99)),
    h('td', { class: `num ${cls(x.timeouts > 0, 'crit') || ''}` }, int(x.timeouts)),
    h('td', { class: `num ${cls(leaks > 0, 'crit') || ''}` }, `${int(x.leaksSuspected)} / ${int(x.leaksCollected)}`),
    h('td', { class: 'num' }, oldestLease(x)),
  ];
}

/** A pool of an expanded family or of the closed row: its own figures, indented. */
function memberRow(m, key, open) {
  return h(
    'tr',
    { class: `pool-member${m.open ? '' : ' stale'}`, dataset: { key: `mem-${key}|${m.name}`, member: key }, hidden: !open },
    h('td', { class: 'name pool member' }, m.name, m.open ? null : h('span', { class: 'pill' }, `closed ${ago(m.closedAt)}`)),
    h('td', { class: 'muted' }, m.type || '–'),
    figureCells(m),
    physicalCells(m),
  );
}

/** An expandable row's head cell attributes: the key its members carry and its open state. */
function toggleAttrs(cls, key, open, title, data) {
  return { class: cls, dataset: { family: key, key: `fam-${key}`, action: 'toggle-family', ...data }, 'aria-expanded': String(open), tabindex: 0, title };
}

/**
 * Per pod: one row per pool family with a live pool (its live pools on demand), then one row for
 * all the pod's pools closed in the last 15 minutes (listed on demand), so a pod that builds a pool
 * per job shows its live pools plus one line, however many it built.
 */
function poolTable(services) {
  const body = [];
  for (const s of services) {
    for (const p of s.pods || []) {
      const families = p.families || [];
      const pools = p.pools || [];
      const podKey = p.podName || p.instanceId;
      body.push(
        h(
          'tr',
          { class: `pod-row${p.stale ? ' stale' : ''}`, dataset: { pod: podKey, key: `pod-${p.instanceId}` } },
          h(
            'td',
            { class: 'name', colspan: 2 },
            h('a', { href: routeHref('pod', p.instanceId), title: 'This pod: its pools and who holds their connections' }, podKey),
            ' ',
            h('span', { class: 'muted' }, `${s.name}${p.version ? ' ' + p.version : ''}${p.host ? ' · ' + p.host : ''}`),
            ' ',
            h('span', { class: 'pods-text muted', dataset: { fact: 'pools' } }, poolsText(p.livePools, p.closedPools)),
            families.length > 1 ? h('span', { class: 'pill warn', title: 'more than one pool family in this pod against this database' }, `${families.length} pool families`) : null,
            p.status === 'exited' ? h('span', { class: 'pill' }, `exited · last seen ${ago(p.lastSeen)}`) : p.stale ? h('span', { class: 'pill' }, `stale · last seen ${ago(p.lastSeen)}`) : null,
          ),
          h('td', { class: 'num', colspan: 3 }, `${int(p.open)} open`),
          h('td', { colspan: 8 }),
        ),
      );
      for (const f of families) {
        // A family with no live pool is only closed pools: those are in the closed row.
        if (!f.livePools) continue;
        const key = `${p.instanceId}|${f.family}`;
        const open = openFamilies.has(key);
        const members = pools.filter((x) => x.family === f.family && x.open);
        const expandable = members.length > 1;
        const attrs = expandable
          ? toggleAttrs(`pool-row family-row${f.stale ? ' stale' : ''}`, key, open, "Show this family's live pools", { pool: f.name })
          : { class: `pool-row family-row${f.stale ? ' stale' : ''}`, dataset: { pool: f.name, family: key, key: `fam-${key}` } };
        body.push(
          h(
            'tr',
            attrs,
            h('td', { class: 'name pool' }, expandable ? h('span', { class: 'twisty', 'aria-hidden': 'true' }, open ? '▾ ' : '▸ ') : null, f.name, expandable ? h('span', { class: 'muted family-pools', dataset: { fact: 'family-pools' } }, plural(f.livePools, 'live pool')) : null),
            h('td', { class: 'muted' }, f.type || '–'),
            figureCells(f),
            physicalCells(f),
          ),
        );
        body.push(holdersRow(f, key, 13));
        if (expandable) for (const m of members) body.push(memberRow(m, key, open));
      }
      if (!p.closedPools) continue;
      const key = `${p.instanceId}|closed`;
      const open = openFamilies.has(key);
      const jvm = p.poolsCreated == null ? '' : ` · ${int(p.poolsCreated)} created, ${int(p.poolsClosed)} closed in this JVM`;
      body.push(
        h(
          'tr',
          toggleAttrs('pool-row closed-row', key, open, "Show this pod's closed pools"),
          h(
            'td',
            { class: 'name pool muted', colspan: 13 },
            h('span', { class: 'twisty', 'aria-hidden': 'true' }, open ? '▾ ' : '▸ '),
            h('span', { dataset: { fact: 'closed-pools' } }, `${plural(p.closedPools, 'pool')} closed in the last 15 min${jvm}`),
          ),
        ),
      );
      for (const m of pools) if (!m.open) body.push(memberRow(m, key, open));
    }
  }
  return h(
    'table',
    { class: 'pools' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', null, 'Pod / pool family'),
        h('th', null, 'Type'),
        h('th', { class: 'num' }, 'Used'),
        h('th', { class: 'num' }, 'Idle'),
        h('th', { class: 'num' }, 'Max'),
        h('th', { class: 'num' }, 'Waiting'),
        h('th', { class: 'num' }, 'Wait p99'),
        h('th', { class: 'num' }, 'Use p99'),
        h('th', { class: 'num' }, 'Timeouts'),
        h('th', { class: 'num', title: 'suspected / collected' }, 'Leaks s/c'),
        h('th', { class: 'num' }, 'Oldest lease'),
        h('th', { class: 'num', title: 'physical connections opened / closed (hover a row for the reasons)' }, 'Conns opened / closed'),
        h('th', { class: 'num', title: "oldest physical connection's age / the pool's max lifetime" }, 'Oldest conn / max life'),
      ),
    ),
    h('tbody', null, body),
  );
}

export function render(data) {
  if (data.missing) {
    return [
      h('div', { class: 'page-head' }, h('a', { href: routeHref() }, '← Fleet')),
      h('p', { class: 'error-box' }, `The collector knows no database "${data.missing}". It may have no live pods any more.`),
    ];
  }
  const { id, detail, leaks, alerts } = data;
  const db = detail.database;
  const services = detail.services || [];
  const allPods = podRows(services);
  // Hundreds of bars help nobody: the collector sends its top pods by open connections (and
  // every service's rollup); past MAX_POD_BARS only the largest get a bar.
  const pods = allPods.length > MAX_POD_BARS ? [...allPods].sort((a, b) => b.open - a.open).slice(0, MAX_POD_BARS) : allPods;
  const podsTotal = detail.podsTotal != null ? detail.podsTotal : allPods.length;
  const clients = detail.clients || [];
  const sizing = db.suggestedPoolMax != null ? { value: db.suggestedPoolMax, label: `fits: ≤ ${db.suggestedPoolMax} per pod` } : null;
  const over = sizing ? db.podsOverSuggested || 0 : 0;

  return [
    h(
      'div',
      { class: 'page-head' },
      h('a', { href: routeHref() }, '← Fleet'),
      h('h1', null, dbName(db)),
      h('span', { class: 'sub' }, target(db)),
      detail.server ? h('a', { class: 'server-link', href: routeHref('server', detail.server), dataset: { server: detail.server } }, `on server ${detail.server}`) : null,
      statePill(stateOf(db)),
    ),
    h(
      'div',
      { class: 'db-grid' },
      h(
        'div',
        null,
        dbCard(db, { link: false, head: false, keyPrefix: 'dbpage' }),
        h(
          'section',
          { class: 'panel' },
          h('div', { class: 'panel-head' }, h('h3', null, 'Active alerts')),
          alerts.error ? h('p', { class: 'muted' }, `unavailable (${alerts.error})`) : activeList(alerts, id),
        ),
        clients.length
          ? h(
              'section',
              { class: 'panel' },
              h('div', { class: 'panel-head' }, h('h3', null, 'Clients the database sees'), h('span', { class: 'hint' }, 'sessions the probe lists, with or without the agent')),
              h(
                'table',
                { class: 'clients' },
                h('thead', null, h('tr', null, h('th', null, 'Application'), h('th', null, 'User'), h('th', null, 'Address'), h('th', { class: 'num' }, 'Connections'))),
                h(
                  'tbody',
                  null,
                  clients.map((c) =>
                    h(
                      'tr',
                      null,
                      h('td', { class: 'name' }, c.applicationName || '(none)'),
                      h('td', { class: 'mono' }, c.user || ''),
                      h('td', { class: 'mono' }, c.clientAddr || 'local'),
                      h('td', { class: 'num' }, int(c.count)),
                    ),
                  ),
                ),
              ),
            )
          : null,
      ),
      historyPanel(data),
    ),
    h(
      'section',
      { class: 'panel' },
      h('div', { class: 'panel-head' }, h('h3', null, 'By service'), h('span', { class: 'hint' }, 'every pod of the service, live ones · used · idle · dashed: up to the sum of pool max')),
      services.length ? usageBars(`db:${id}:services`, 'services', serviceRows(services)) : h('p', { class: 'empty' }, 'No live service uses this database.'),
    ),
    h(
      'section',
      { class: 'panel' },
      h(
        'div',
        { class: 'panel-head' },
        h('h3', null, 'By pod'),
        h('span', { class: 'hint', dataset: { fact: 'pods-shown' } }, `${podsTotal > pods.length ? `the ${pods.length} largest of ${int(podsTotal)} pods · ` : ''}grey: stopped or stale pod (left out of the sums) · click a bar for its pools`),
      ),
      sizing
        ? h(
            'p',
            { class: 'sizing', dataset: { fact: 'sizing' } },
            'Sizing: a pool max of ',
            h('strong', null, int(sizing.value)),
            ' per pod fits the ',
            h('strong', null, int(db.usable)),
            ' usable connections with every service at its max replicas',
            over > 0 ? ` — ${over} pod${over === 1 ? ' is' : 's are'} configured above it.` : ' — every pod is configured within it.',
          )
        : h('p', { class: 'sizing muted' }, 'Sizing: needs a known usable limit.'),
      pods.length ? usageBars(`db:${id}:pods`, 'pods', pods, sizing, showPod) : null,
    ),
    whatIf.whatIfPanel(db, services),
    h(
      'section',
      { class: 'panel' },
      h('div', { class: 'panel-head' }, h('h3', null, 'Pools per pod'), h('span', { class: 'hint' }, `one row per pool family with a live pool (same type, database and construction site), one for the pod's closed pools · click either for its pools${podsTotal > allPods.length ? ` · the ${allPods.length} pods holding most of ${int(podsTotal)}` : ''}`)),
      services.length ? poolTable(services) : h('p', { class: 'empty' }, 'No pools.'),
    ),
    h(
      'section',
      { class: 'panel' },
      h('div', { class: 'panel-head' }, h('h3', null, 'Leaks on this database'), h('a', { class: 'right', href: routeHref('leaks') }, 'all leaks →')),
      leaks.error ? h('p', { class: 'muted' }, `unavailable (${leaks.error})`) : leakTable(leaks),
    ),
  ];
}

/** Delegated behaviour (see dom.js morph). */
export const actions = {
  'toggle-family': (row) => {
    const key = row.dataset.family;
    const open = row.getAttribute('aria-expanded') !== 'true';
    row.setAttribute('aria-expanded', String(open));
    const twisty = row.querySelector('.twisty');
    if (twisty) twisty.textContent = open ? '▾ ' : '▸ ';
    for (const tr of document.querySelectorAll(`tr.pool-member[data-member="${CSS.escape(key)}"]`)) tr.hidden = !open;
    if (open) openFamilies.add(key);
    else openFamilies.delete(key);
  },
  range: (button, rerender) => {
    range = button.dataset.value;
    sessionStorage.setItem('poolscope.range', range);
    rerender(true);
  },
  ...whatIf.actions,
};
