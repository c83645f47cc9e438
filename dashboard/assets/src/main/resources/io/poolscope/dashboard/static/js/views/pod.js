// One pod (agent JVM): its pools, and who holds their connections right now.

import { h, routeHref } from '../dom.js';
import { getShared as get, HttpError } from '../api.js';
import { int, ago, time } from '../format.js';
import { holdersTable, oldestLease, unheldText } from './holders.js';

export async function load({ id }) {
  try {
    return { pod: await get(`api/pods/${encodeURIComponent(id)}`) };
  } catch (e) {
    if (e instanceof HttpError && e.status === 404) return { missing: id };
    throw e;
  }
}

function familyRows(pod) {
  return (pod.families || []).map((f) =>
    h(
      'tr',
      { class: `pool-row${f.stale ? ' stale' : ''}`, dataset: { key: `fam-${f.family}|${f.db}`, pool: f.name } },
      h('td', { class: 'name pool' }, f.name),
      h('td', { class: 'muted' }, f.type || '–'),
      h('td', null, h('a', { href: routeHref('db', f.db) }, f.db)),
      h('td', { class: 'num' }, int(f.used)),
      h('td', { class: 'num' }, int(f.idle)),
      h('td', { class: 'num' }, f.max == null ? '–' : int(f.max)),
      h('td', { class: 'num' }, int(f.pending)),
      h('td', { class: 'num' }, oldestLease(f)),
    ),
  );
}

function holdersPanel(pod) {
  const families = (pod.families || [])
    .map((f) => ({ f, unheld: unheldText(f) }))
    .filter(({ f, unheld }) => (f.holders || []).length || unheld);
  const asOf = `as the pod's last export (${time(pod.lastSeen)}) named them`;
  return h(
    'section',
    { class: 'panel', dataset: { panel: 'holders' } },
    h('div', { class: 'panel-head' }, h('h3', null, 'Who holds the connections'), h('span', { class: 'hint' }, `the oldest leases still held per pool, oldest first, ${asOf}`)),
    families.length
      ? families.map(({ f, unheld }) =>
          h(
            'div',
            { class: 'holders-family', dataset: { key: `hf-${f.family}|${f.db}`, family: f.name } },
            h('h4', null, f.name, ' ', h('span', { class: 'muted' }, f.db)),
            unheld ? h('p', { class: 'unheld-text' }, unheld) : holdersTable(f.holders, { showPool: f.livePools > 1 }),
          ),
        )
      : h('p', { class: 'empty' }, `No connection is held right now, ${asOf}.`),
  );
}

export function render(data) {
  if (data.missing) {
    return [
      h('div', { class: 'page-head' }, h('a', { href: routeHref() }, '← Fleet')),
      h('p', { class: 'error-box' }, `The collector knows no pod "${data.missing}".`),
    ];
  }
  const p = data.pod;
  return [
    h(
      'div',
      { class: 'page-head' },
      h('a', { href: routeHref() }, '← Fleet'),
      h('h1', null, p.podName || p.instanceId),
      h('span', { class: 'sub' }, `${p.service}${p.version ? ' ' + p.version : ''}${p.host ? ' · ' + p.host : ''}`),
      p.status !== 'live' ? h('span', { class: 'pill' }, `${p.status} · last seen ${ago(p.lastSeen)}`) : null,
    ),
    holdersPanel(p),
    h(
      'section',
      { class: 'panel' },
      h('div', { class: 'panel-head' }, h('h3', null, 'Pools'), h('span', { class: 'hint' }, `${int(p.open)} open connections · ${int(p.livePools)} live pools`)),
      h(
        'table',
        { class: 'pools' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            h('th', null, 'Pool family'),
            h('th', null, 'Type'),
            h('th', null, 'Database'),
            h('th', { class: 'num' }, 'Used'),
            h('th', { class: 'num' }, 'Idle'),
            h('th', { class: 'num' }, 'Max'),
            h('th', { class: 'num' }, 'Waiting'),
            h('th', { class: 'num' }, 'Oldest lease'),
          ),
        ),
        h('tbody', null, familyRows(p)),
      ),
    ),
  ];
}
