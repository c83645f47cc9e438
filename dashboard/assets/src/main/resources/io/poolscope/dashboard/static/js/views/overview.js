// Fleet overview: one card per database server (its databases and roles as rows), the one
// nearest its limit first.

import { h, routeHref } from '../dom.js';
import { getShared as get, getOrError } from '../api.js';
import { int, time } from '../format.js';
import { stateOf } from './card.js';
import { serverCard } from './server.js';
import { activeList } from './alerts.js';

/** What fires now, across every database: the on-call engineer's first question after "how full". */
function firingPanel(alerts) {
  if (!alerts || alerts.error) return null;
  const firing = (alerts.active || []).filter((a) => a.state === 'firing');
  if (!firing.length) return null;
  return h(
    'section',
    { class: 'panel firing-now' },
    h('div', { class: 'panel-head' }, h('h3', null, 'Firing now'), h('a', { class: 'right', href: routeHref('alerts') }, 'all alerts →')),
    activeList({ active: firing }, null),
  );
}

const severity = { critical: 0, warning: 1, ok: 2, unknown: 3 };

// Past this many databases the cards skip the per-service line rather than fetch every detail.
const MAX_DETAILS = 12;

export async function load() {
  const [overview, alerts] = await Promise.all([get('api/overview'), getOrError('api/alerts')]);
  const dbs = overview.databases || [];
  const details = {};
  if (dbs.length <= MAX_DETAILS) {
    const answers = await Promise.all(dbs.map((d) => getOrError(`api/databases/${encodeURIComponent(d.id)}`)));
    dbs.forEach((d, i) => {
      if (!answers[i].error) details[d.id] = answers[i];
    });
  }
  return { overview, details, alerts };
}

/**
 * Who holds a server's connections: its one target's holders, or each target's after its id.
 * Listed as the collector sends them per target, never summed here.
 */
function serverHolders(server, details) {
  const targets = server.targets || [];
  const parts = targets.map((t) => [t, holders(details[t])]).filter(([, text]) => text);
  if (!parts.length) return null;
  if (targets.length === 1) return parts[0][1];
  return parts.map(([t, text]) => `${t}: ${text}`).join('; ');
}

/** "checkout 30 · ledger 23 · 1 more": who holds this database's connections, largest first. */
function holders(detail) {
  if (!detail) return null;
  const services = [...(detail.services || [])].sort((a, b) => (b.open || 0) - (a.open || 0));
  if (!services.length) return null;
  const shown = services.slice(0, 3).map((s) => `${s.name} ${int(s.open)}`);
  if (services.length > 3) shown.push(`${services.length - 3} more`);
  return shown.join(' · ');
}

export function render({ overview, details, alerts }) {
  const dbs = overview.databases || [];
  const servers = [...(overview.servers || [])].sort(
    (a, b) => severity[stateOf(a)] - severity[stateOf(b)] || (b.utilization ?? -1) - (a.utilization ?? -1),
  );
  const firing = overview.alerts ? overview.alerts.firing : 0;
  const services = overview.services || [];
  return [
    h(
      'div',
      { class: 'page-head' },
      h('h1', null, 'Fleet'),
      h('span', { class: 'sub' }, `${servers.length} server${servers.length === 1 ? '' : 's'} · ${dbs.length} database target${dbs.length === 1 ? '' : 's'} · data as of ${time(overview.generatedAt)}`),
      firing > 0 ? h('a', { class: 'pill firing', href: routeHref('alerts') }, `${firing} alert${firing === 1 ? '' : 's'} firing`) : null,
    ),
    servers.length === 0
      ? h('p', { class: 'empty' }, 'No database targets yet: no agent has reported. Start an application with -javaagent:poolscope-agent.jar pointed at this collector.')
      : h('div', { class: 'cards' }, servers.map((s) => serverCard(s, { holders: serverHolders(s, details) }))),
    firingPanel(alerts),
    services.length
      ? h(
          'section',
          { class: 'panel' },
          h('div', { class: 'panel-head' }, h('h3', null, 'Services'), h('span', { class: 'hint' }, 'a stale pod has missed 3 reporting intervals and is left out of the sums')),
          h(
            'table',
            { class: 'services' },
            h('thead', null, h('tr', null, h('th', null, 'Service'), h('th', { class: 'num' }, 'Pods reporting'), h('th', { class: 'num' }, 'Stale pods'))),
            h(
              'tbody',
              null,
              services.map((s) =>
                h(
                  'tr',
                  null,
                  h('td', { class: 'name' }, s.name),
                  h('td', { class: 'num' }, int(s.pods)),
                  h('td', { class: `num ${s.stalePods > 0 ? 'warn' : ''}` }, int(s.stalePods)),
                ),
              ),
            ),
          ),
        )
      : null,
  ];
}
