// The budget card for one database target: shared by the fleet overview and the database page,
// so the numbers a person compares read the same in both places.

import { h, routeHref } from '../dom.js';
import { int, pct, dbName, target, time } from '../format.js';
import { gauge } from '../charts.js';

/**
 * ok | warning | critical | unknown, as the collector sends it: the utilization against the
 * thresholds of the budget alert rules (sent with the data), never raised here by an unrelated
 * alert.
 */
export function stateOf(db) {
  return db.state || db.alertState || 'unknown';
}

const stateWords = { ok: 'OK', warning: 'WARNING', critical: 'CRITICAL', unknown: 'NO LIMIT' };

export function statePill(state) {
  return h('span', { class: `pill state ${state === 'unknown' ? '' : state}` }, stateWords[state] || state);
}

/**
 * "41 / 57 (72%)"; just "41 open" when the limit is unknown. While the agents report more than
 * the database counts, the database's count (the figure the utilization uses).
 */
export function gaugeText(db) {
  if (db.usable == null) return `${int(db.open)} open`;
  return `${int(counted(db))} / ${int(db.usable)} (${pct(db.utilization)})`;
}

/** The connections the utilization counts: the collector's "counted" (older ones: open). */
function counted(db) {
  return db.counted != null ? db.counted : db.open;
}

/** "agents report 80, the database has 26: 3 pods stopped reporting". */
export function overReportText(db) {
  const o = db.overReport;
  if (!o) return null;
  const silent = o.silentPods > 0 ? `: ${plural(o.silentPods, 'pod')} stopped reporting` : ': some pods stopped reporting or the probe is behind';
  return `agents report ${int(o.agents)}, the database has ${int(o.database)}${silent}`;
}

export function limitText(db) {
  switch (db.limitSource) {
    case 'probe':
      return `max_connections ${int(db.maxConnections)} − ${int(db.reserved)} reserved, probed`;
    case 'config':
      return db.maxConnections != null && db.reserved
        ? `max_connections ${int(db.maxConnections)} − ${int(db.reserved)} reserved, configured`
        : `${int(db.usable)}, configured`;
    default:
      return 'unknown (no probe, none configured)';
  }
}

function plural(n, word) {
  return `${int(n)} ${word}${n === 1 ? '' : 's'}`;
}

export function plannedFact(db) {
  let text = int(db.planned);
  if (db.plannedAtCeiling != null && db.plannedAtCeiling !== db.planned) {
    text += ` · ${int(db.plannedAtCeiling)} at max replicas`;
  }
  let cls = null;
  let note = null;
  if (db.usable != null) {
    if (db.planned > db.usable) {
      cls = 'crit';
      note = `pools may open more than the ${int(db.usable)} usable`;
    } else if (db.plannedAtCeiling != null && db.plannedAtCeiling > db.usable) {
      cls = 'warn';
      note = `scaled out, pools may open more than the ${int(db.usable)} usable`;
    }
  }
  return h('dd', { class: cls, dataset: { fact: 'planned' } }, text, note ? h('span', { class: 'note' }, note) : null);
}

function actualFact(db) {
  const probe = db.probe || { status: 'none' };
  if (probe.status === 'failed') {
    return h('dd', { class: 'crit', dataset: { fact: 'actual' } }, `probe failed: ${probe.error || 'no detail'}`);
  }
  if (db.actual == null) return h('dd', { class: 'muted', dataset: { fact: 'actual' } }, 'no probe configured');
  const un = db.unattributed || 0;
  return h(
    'dd',
    { class: un > 0 ? 'warn' : null, dataset: { fact: 'actual' } },
    int(db.actual),
    un !== 0 ? ` · ${int(un)} from clients without the agent` : ' · all from agents',
  );
}

/** The card. link: whether the title leads to the database page. */
export function dbCard(db, { link = true, head = true, keyPrefix = 'card', holders = null } = {}) {
  const state = stateOf(db);
  const title = link ? h('a', { href: routeHref('db', db.id) }, dbName(db)) : dbName(db);
  const pending = db.pending || 0;
  return h(
    'section',
    { class: `card state-${state}`, dataset: { db: db.id, state } },
    !head
      ? null
      : h(
      'div',
      { class: 'card-head' },
      h('div', { class: 'titles' }, h('h3', { title: dbName(db) }, title), h('div', { class: 'target', title: target(db) }, target(db))),
      h('span', { class: 'state' }, statePill(state)),
    ),
    h(
      'div',
      { class: 'gauge-row' },
      gauge(`${keyPrefix}:${db.id}:gauge`, counted(db) || 0, db.usable, state),
      h(
        'div',
        null,
        h('div', { class: 'gauge-text', dataset: { open: counted(db), usable: db.usable ?? '' } }, gaugeText(db)),
        h('div', { class: 'gauge-label' }, db.usable == null ? 'connections open · usable limit unknown' : db.overReport ? 'the database\'s count / usable connections' : 'open / usable connections'),
        db.overReport ? h('div', { class: 'over-report warn', dataset: { fact: 'over-report' } }, overReportText(db)) : null,
      ),
    ),
    h(
      'dl',
      { class: 'facts' },
      holders ? h('dt', null, 'Held by') : null,
      holders ? h('dd', { dataset: { fact: 'holders' } }, holders) : null,
      h('dt', { title: 'sum of the pools\' configured maximum' }, 'Planned (Σ max)'),
      plannedFact(db),
      h('dt', null, 'Database sees'),
      actualFact(db),
      h('dt', null, 'Waiting'),
      h('dd', { class: pending > 0 ? 'warn' : null, dataset: { fact: 'pending' } }, pending > 0 ? `${plural(pending, 'thread')} in getConnection()` : 'none'),
      h('dt', null, 'Fleet'),
      h('dd', null, `${plural(db.services, 'service')} · ${plural(db.pods, 'pod')} · ${plural(db.pools, 'pool')}`),
      h('dt', null, 'Fits per pod'),
      h('dd', { dataset: { fact: 'suggested' } }, db.suggestedPoolMax == null ? '–' : `pool max ≤ ${int(db.suggestedPoolMax)}`),
      h('dt', null, 'Limit'),
      h('dd', null, limitText(db)),
    ),
    db.probe && db.probe.checkedAt ? h('div', { class: 'card-foot muted' }, `probed ${time(db.probe.checkedAt)}`) : null,
  );
}
