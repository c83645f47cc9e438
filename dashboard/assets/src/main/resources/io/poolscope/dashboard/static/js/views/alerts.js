// Alerts: what fires now, and what fired recently with whether the notification got out.

import { h } from '../dom.js';
import { getShared as get } from '../api.js';
import { ago, time } from '../format.js';

function labels(obj) {
  const entries = Object.entries(obj || {});
  if (!entries.length) return '–';
  return h('span', { class: 'labels' }, entries.map(([k, v]) => h('span', null, `${k}=${v}`)));
}

function value(v) {
  if (v == null) return '–';
  return Math.abs(v) < 10 && !Number.isInteger(v) ? v.toFixed(3) : String(v);
}

function deliveries(list) {
  if (!list || !list.length) return h('span', { class: 'muted' }, 'no notifier');
  return h(
    'span',
    { class: 'deliveries' },
    list.map((d) =>
      h(
        'span',
        { class: `pill ${d.status}`, title: d.error || `${d.attempts} attempt(s)` },
        `${d.target}: ${d.status}${d.attempts > 1 ? ` ×${d.attempts}` : ''}${d.error ? ` (${d.error})` : ''}`,
      ),
    ),
  );
}

/** What tells one instance of a rule from another: its labels but db and severity. */
function instanceText(a) {
  const l = Object.entries(a.labels || {}).filter(([k]) => k !== 'db' && k !== 'severity' && k !== 'alertname');
  return l.length ? l.map(([k, v]) => `${k}=${v}`).join(' · ') : '';
}

/**
 * One line per rule and state, however many instances (pods, pools, call sites) it has: the
 * most urgent instance's summary, and the rest folded away.
 */
function compactItem(group) {
  const a = group[0];
  const n = group.length;
  return h(
    'li',
    { dataset: { rule: a.rule, key: `${a.rule}|${a.state}`, instances: n } },
    h(
      'div',
      { class: 'line' },
      h('span', { class: `pill ${a.state}` }, a.state),
      h('span', { class: 'rule', title: a.rule }, a.rule),
      n > 1 ? h('span', { class: 'pill count-pill' }, `×${n}`) : null,
    ),
    h('div', { class: 'muted when' }, `${value(a.value)} · ${a.state === 'firing' ? 'firing' : 'pending'} ${ago(a.state === 'firing' ? a.firedAt || a.activeSince : a.activeSince)}`),
    a.summary ? h('div', { class: 'summary' }, a.summary) : null,
    n > 1
      ? h(
          'details',
          { class: 'instances' },
          h('summary', null, `${n} instances`),
          h('ul', null, group.slice(0, 20).map((x) => h('li', { class: 'mono' }, instanceText(x) || x.summary || x.rule))),
          n > 20 ? h('p', { class: 'muted' }, `and ${n - 20} more on the Alerts tab`) : null,
        )
      : null,
  );
}

/** Alerts grouped by rule and state, in the order given (the most urgent first). */
function byRule(list) {
  const groups = new Map();
  for (const a of list) {
    const key = `${a.rule}|${a.state}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(a);
  }
  return [...groups.values()];
}

/**
 * Compact list of the active alerts (labelled with dbId, when given), for a narrow column:
 * one line per rule, firing ones in full, pending ones folded away, since they may yet clear
 * by themselves.
 */
export function activeList(alerts, dbId) {
  const active = (alerts.active || []).filter((a) => !dbId || (a.labels && a.labels.db === dbId)).sort(byUrgency);
  if (!active.length) return h('p', { class: 'empty' }, dbId ? 'No alert active on this database.' : 'Nothing active.');
  const firing = byRule(active.filter((a) => a.state === 'firing'));
  const pending = byRule(active.filter((a) => a.state !== 'firing'));
  return [
    firing.length ? h('ul', { class: 'alert-list' }, firing.map(compactItem)) : h('p', { class: 'muted' }, 'Nothing firing.'),
    pending.length
      ? h(
          'details',
          { class: 'pending-alerts' },
          h('summary', null, `${pending.length} rule${pending.length === 1 ? '' : 's'} pending (may clear before their for: duration)`),
          h('ul', { class: 'alert-list' }, pending.map(compactItem)),
        )
      : null,
  ];
}

const severityRank = { critical: 0, warning: 1, info: 2 };

/** Firing before pending, then the most severe, then the oldest. */
function byUrgency(a, b) {
  return (
    (a.state === 'firing' ? 0 : 1) - (b.state === 'firing' ? 0 : 1) ||
    (severityRank[a.severity] ?? 3) - (severityRank[b.severity] ?? 3) ||
    (a.activeSince || 0) - (b.activeSince || 0)
  );
}

/** Table of every active alert, the most urgent first. */
export function activeTable(alerts) {
  const active = [...(alerts.active || [])].sort(byUrgency);
  if (!active.length) return h('p', { class: 'empty' }, 'Nothing firing or pending.');
  return h(
    'table',
    { class: 'alerts-active' },
    h(
      'thead',
      null,
      h('tr', null, h('th', null, 'State'), h('th', null, 'Rule'), h('th', { class: 'num' }, 'Value'), h('th', { class: 'num' }, 'Since'), h('th', null, 'What')),
    ),
    h(
      'tbody',
      null,
      active.map((a) =>
        h(
          'tr',
          { dataset: { rule: a.rule } },
          h('td', null, h('span', { class: `pill ${a.state}` }, a.state)),
          h('td', { class: 'name' }, h('div', { class: 'rule' }, a.rule), h('span', { class: `pill ${a.severity === 'critical' ? 'crit' : a.severity === 'warning' ? 'warn' : ''}` }, a.severity || '–')),
          h('td', { class: 'num' }, value(a.value)),
          h('td', { class: 'num', title: time(a.activeSince) }, a.state === 'firing' ? `firing ${ago(a.firedAt || a.activeSince)}` : `pending ${ago(a.activeSince)}`),
          h(
            'td',
            { class: 'what' },
            h('div', null, a.summary || ''),
            a.description ? h('div', { class: 'muted' }, a.description) : null,
            labels(a.labels),
          ),
        ),
      ),
    ),
  );
}

export async function load() {
  return { alerts: await get('api/alerts') };
}

export function render({ alerts }) {
  const history = alerts.history || [];
  return [
    h('div', { class: 'page-head' }, h('h1', null, 'Alerts'), h('span', { class: 'sub' }, `${(alerts.active || []).length} active · ${history.length} recent notifications`)),
    h('section', { class: 'panel' }, h('div', { class: 'panel-head' }, h('h3', null, 'Active'), h('span', { class: 'hint' }, 'firing first, then by severity')), activeTable(alerts)),
    h(
      'section',
      { class: 'panel' },
      h('div', { class: 'panel-head' }, h('h3', null, 'Recent'), h('span', { class: 'hint' }, 'firing and resolved transitions, with each notifier\'s delivery')),
      history.length
        ? h(
            'table',
            { class: 'alerts-history' },
            h('thead', null, h('tr', null, h('th', null, 'Time'), h('th', null, 'Event'), h('th', null, 'Rule'), h('th', { class: 'num' }, 'Value'), h('th', null, 'Labels'), h('th', null, 'Delivery'))),
            h(
              'tbody',
              null,
              history.map((e) =>
                h(
                  'tr',
                  null,
                  h('td', { class: 'num' }, time(e.time)),
                  h('td', null, h('span', { class: `pill ${e.event}` }, e.event)),
                  h('td', { class: 'name' }, e.rule),
                  h('td', { class: 'num' }, value(e.value)),
                  h('td', null, labels(e.labels)),
                  h('td', null, deliveries(e.deliveries)),
                ),
              ),
            ),
          )
        : h('p', { class: 'empty' }, 'No alert has fired yet.'),
    ),
  ];
}
