// Leak events: a table whose rows expand to where the connection was borrowed and where the
// borrowing thread is now, with the application's own frames picked out from the libraries'.

import { h, routeHref } from '../dom.js';
import { getShared as get } from '../api.js';
import { seconds, time } from '../format.js';

// Rows stay open across live re-renders: a person reading a stack must not lose it every second.
const expanded = new Set();

// Frames from these packages are libraries or the platform; everything else is the application.
const libraryPrefixes = [
  'java.', 'javax.', 'jakarta.', 'jdk.', 'sun.', 'com.sun.', 'kotlin.', 'kotlinx.', 'scala.', 'groovy.',
  'org.springframework.', 'org.hibernate.', 'com.zaxxer.', 'org.apache.', 'io.netty.', 'reactor.',
  'org.eclipse.', 'io.micronaut.', 'io.quarkus.', 'io.vertx.', 'org.jboss.', 'io.undertow.',
  'com.mysql.', 'org.postgresql.', 'org.h2.', 'org.mariadb.', 'oracle.', 'com.microsoft.sqlserver.',
  'org.jooq.', 'org.mybatis.', 'org.jdbi.', 'com.mchange.', 'org.junit.', 'io.opentelemetry.',
  'io.poolscope.', 'net.bytebuddy.', 'com.google.', 'io.micrometer.', 'ch.qos.', 'org.slf4j.',
];

// Generated code: lambda and proxy classes ($$Lambda, $Proxy, CGLIB's $$Enhancer...) and
// synthetic accessors (access$000) carry no line a person can fix.
const generated = /(\$\$|\$Proxy|(^|[.$])access\$\d)/;

export function isAppFrame(frame) {
  // "at ", a module ("java.base/") or class loader ("app//") prefix says nothing about the code.
  // A hidden class's name holds a slash too (Job$$Lambda$267/0x0000...): check before stripping.
  const raw = frame.trim().replace(/^at\s+/, '');
  const f = raw.replace(/^([^(/]*\/)+/, '');
  return f.length > 0 && !libraryPrefixes.some((p) => f.startsWith(p)) && !generated.test(raw.split('(')[0]);
}

function stack(title, text, emptyText) {
  const frames = (text || '').split('\n').filter((f) => f.trim().length);
  if (!frames.length) return h('div', { class: 'stack' }, h('h4', null, title), h('p', { class: 'muted' }, emptyText));
  let first = true;
  return h(
    'div',
    { class: 'stack' },
    h('h4', null, title),
    h(
      'ol',
      null,
      frames.map((f) => {
        const app = isAppFrame(f);
        const cls = app ? (first ? 'app first' : 'app') : null;
        if (app) first = false;
        return h('li', { class: cls }, f.trim());
      }),
    ),
  );
}

/** Opens or closes a leak row's stacks in place (no re-render: the person is reading). */
function toggle(row) {
  const id = row.dataset.leak;
  const detail = row.nextElementSibling;
  const open = row.getAttribute('aria-expanded') !== 'true';
  row.setAttribute('aria-expanded', String(open));
  if (detail && detail.classList.contains('leak-detail')) detail.hidden = !open;
  if (open) expanded.add(id);
  else expanded.delete(id);
}

/** The table for a list of leak events (GET /api/leaks). */
export function leakTable(leaks, { showDb = false, dbNames = {} } = {}) {
  if (!leaks.length) return h('p', { class: 'empty' }, 'No leak events. A lease held past the agent\'s leak threshold, or a connection dropped without close(), shows up here.');
  const cols = showDb ? 9 : 8;
  const rows = [];
  for (const leak of leaks) {
    const id = String(leak.id);
    const open = expanded.has(id);
    const detail = h(
      'tr',
      { class: 'leak-detail', dataset: { leak: id, key: `detail-${id}` }, hidden: !open },
      h(
        'td',
        { colspan: cols },
        h(
          'div',
          { class: 'stacks' },
          stack('Borrowed at (call site)', leak.callSite, 'no call site recorded'),
          stack(`Holder thread "${leak.thread || '?'}" now`, leak.holderStack, 'the borrowing thread has ended (or the lease was returned)'),
        ),
        h('div', { class: 'muted' }, `lease ${leak.leaseId ?? '–'} · instance ${leak.instanceId ?? '–'}`),
      ),
    );
    const row = h(
      'tr',
      {
        class: 'leak-row',
        tabindex: 0,
        'aria-expanded': String(open),
        dataset: { leak: id, key: `leak-${id}`, action: 'toggle-leak' },
        title: 'Show call site and holder stack',
      },
      h('td', { class: 'num' }, time(leak.time)),
      h('td', null, h('span', { class: `pill ${leak.state}` }, leak.state)),
      h('td', { class: 'name' }, leak.service),
      h('td', { class: 'name' }, leak.pod),
      h('td', { class: 'name pool' }, leak.pool),
      showDb ? h('td', { class: 'name' }, h('a', { href: routeHref('db', leak.db) }, dbNames[leak.db] || leak.db)) : null,
      h('td', { class: 'name mono' }, leak.thread),
      h('td', { class: 'num' }, seconds(leak.ageSeconds)),
      h('td', { class: 'frame mono muted' }, firstAppFrame(leak.callSite)),
    );
    rows.push(row, detail);
  }
  return h(
    'table',
    { class: 'leaks' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', null, 'Time'),
        h('th', null, 'State'),
        h('th', null, 'Service'),
        h('th', null, 'Pod'),
        h('th', null, 'Pool'),
        showDb ? h('th', null, 'Database') : null,
        h('th', null, 'Thread'),
        h('th', { class: 'num' }, 'Held for'),
        h('th', null, 'Borrowed at'),
      ),
    ),
    h('tbody', null, rows),
  );
}

function firstAppFrame(callSite) {
  const frames = (callSite || '').split('\n').filter((f) => f.trim());
  const app = frames.find(isAppFrame) || frames[0];
  return app ? app.trim() : '–';
}

let stateFilter = 'all';

export async function load() {
  const [leaks, overview] = await Promise.all([get('api/leaks?limit=200'), get('api/overview')]);
  return { leaks, overview };
}

/** Leak events grouped by the first application frame of their call site: the line to fix. */
function callSiteSummary(leaks) {
  const groups = new Map();
  for (const l of leaks) {
    const site = firstAppFrame(l.callSite);
    let g = groups.get(site);
    if (!g) groups.set(site, (g = { site, count: 0, states: {}, pools: new Set(), services: new Set(), last: 0 }));
    g.count++;
    g.states[l.state] = (g.states[l.state] || 0) + 1;
    g.pools.add(l.pool);
    g.services.add(l.service);
    g.last = Math.max(g.last, l.time);
  }
  const rows = [...groups.values()].sort((a, b) => b.count - a.count || b.last - a.last).slice(0, 10);
  return h(
    'table',
    { class: 'leak-sites' },
    h('thead', null, h('tr', null, h('th', null, 'Call site (first application frame)'), h('th', { class: 'num' }, 'Events'), h('th', null, 'States'), h('th', null, 'Service / pool'), h('th', { class: 'num' }, 'Last'))),
    h(
      'tbody',
      null,
      rows.map((g) =>
        h(
          'tr',
          { dataset: { key: `site-${g.site}` } },
          h('td', { class: 'frame mono' }, g.site),
          h('td', { class: 'num' }, g.count),
          h('td', null, Object.entries(g.states).map(([st, n]) => h('span', { class: `pill ${st}` }, `${st} ${n}`))),
          h('td', { class: 'name' }, `${[...g.services].join(', ')} / ${[...g.pools].join(', ')}`),
          h('td', { class: 'num' }, time(g.last)),
        ),
      ),
    ),
  );
}

export function render({ leaks, overview }) {
  const dbNames = Object.fromEntries((overview.databases || []).map((d) => [d.id, d.namespace || d.address || d.id]));
  const shown = stateFilter === 'all' ? leaks : leaks.filter((l) => l.state === stateFilter);
  const counts = leaks.reduce((m, l) => ((m[l.state] = (m[l.state] || 0) + 1), m), {});
  const filterButton = (value, label) =>
    h(
      'button',
      {
        type: 'button',
        'aria-pressed': String(stateFilter === value),
        dataset: { action: 'leak-filter', value },
      },
      label,
    );
  return [
    h(
      'div',
      { class: 'page-head' },
      h('h1', null, 'Leaks'),
      h('span', { class: 'sub' }, `${leaks.length} most recent events, newest first · click a row for its stacks`),
    ),
    leaks.length
      ? h(
          'section',
          { class: 'panel' },
          h('div', { class: 'panel-head' }, h('h3', null, 'Where they come from'), h('span', { class: 'hint' }, 'the lines of code that borrowed the connections, most events first')),
          callSiteSummary(leaks),
        )
      : null,
    h(
      'section',
      { class: 'panel' },
      h(
        'div',
        { class: 'panel-head' },
        h(
          'span',
          { class: 'ranges', role: 'group', 'aria-label': 'Filter by state' },
          filterButton('all', `all ${leaks.length}`),
          filterButton('suspected', `suspected ${counts.suspected || 0}`),
          filterButton('collected', `collected ${counts.collected || 0}`),
          filterButton('returned', `returned ${counts.returned || 0}`),
        ),
        h('span', { class: 'hint' }, 'suspected: still held past the threshold · collected: dropped without close() · returned: closed late'),
      ),
      leakTable(shown, { showDb: true, dbNames }),
    ),
  ];
}

/** Delegated behaviour (see dom.js morph): action name -> handler(element, rerender). */
export const actions = {
  'toggle-leak': (row) => toggle(row),
  'leak-filter': (button, rerender) => {
    stateFilter = button.dataset.value;
    rerender();
  },
};
