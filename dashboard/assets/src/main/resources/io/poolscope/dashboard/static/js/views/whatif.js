// The database view's what-if panel: "payments at 30 replicas with a pool max of 10 — does this
// server still fit?", answered by the collector's POST api/plan (collector/PLAN.md). The page only
// shows what the collector computes.

import { h } from '../dom.js';
import { int, pct } from '../format.js';

// The last answer, for the database it was asked on; kept across live re-renders.
const state = { server: null, busy: false, plan: null, error: null, asked: null };

function serverOf(db) {
  const host = String(db.address || '');
  return `${host.includes(':') ? `[${host}]` : host}:${db.port}`;
}

function field(name, label, attrs) {
  return h(
    'label',
    { class: 'whatif-field' },
    h('span', null, label),
    h('input', { name, autocomplete: 'off', dataset: { whatif: name }, ...attrs }),
  );
}

function resultTable(server) {
  return h(
    'table',
    { class: 'whatif-table' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', null, 'Service'),
        h('th', { class: 'num', title: 'now / at the ceiling / during a rollout at the ceiling' }, 'Replicas'),
        h('th', { class: 'num' }, 'Pools/pod'),
        h('th', { class: 'num' }, 'Max/pool'),
        h('th', { class: 'num' }, 'At ceiling'),
        h('th', { class: 'num' }, 'At rollout'),
        h('th', { class: 'num' }, 'Share'),
        h('th', { class: 'num', title: 'the largest max every pool of its pods could have' }, 'Max that fits'),
      ),
    ),
    h(
      'tbody',
      null,
      (server.services || []).map((s) =>
        h(
          'tr',
          { class: s.planned ? 'changed' : null, dataset: { service: s.service } },
          h('td', { class: 'name' }, s.service, s.planned ? null : h('span', { class: 'muted' }, ' as it runs')),
          h('td', { class: 'num' }, `${s.replicas.now} / ${s.replicas.ceiling} / ${s.replicas.rollout}`),
          h('td', { class: 'num' }, int(s.poolsPerPod)),
          h('td', { class: 'num' }, s.maxPerPool == null ? 'mixed' : int(s.maxPerPool)),
          h('td', { class: 'num' }, int(s.connectionsAtCeiling)),
          h('td', { class: 'num' }, int(s.connectionsAtRollout)),
          h('td', { class: 'num' }, pct(s.shareOfUsable)),
          h('td', { class: 'num', dataset: { fact: 'suggested' } }, s.suggestedPoolMax == null ? '–' : int(s.suggestedPoolMax)),
        ),
      ),
    ),
  );
}

function result(serverKey) {
  if (state.server !== serverKey) return null;
  if (state.busy) return h('p', { class: 'muted' }, 'Planning…');
  if (state.error) return h('p', { class: 'error-box', dataset: { fact: 'whatif-error' } }, state.error);
  if (!state.plan) return null;
  const server = (state.plan.servers || []).find((s) => s.server === serverKey) || (state.plan.servers || [])[0];
  if (!server) return null;
  return h(
    'div',
    { class: 'whatif-result' },
    h(
      'p',
      { class: `whatif-verdict ${server.fits ? 'ok' : 'crit'}`, dataset: { fact: 'verdict' } },
      h('span', { class: `pill ${server.fits ? 'ok' : 'crit'}` }, server.fits ? 'fits' : 'does not fit'),
      ' ',
      `${int(server.connectionsAtRollout)} connections at the rollout peak against ${int(server.usable)} usable`,
      ` (${int(server.maxConnections)} max − ${int(server.reserved)} reserved) for ${state.asked}`,
    ),
    resultTable(server),
  );
}

/** The panel for database {@code db} of the database view; {@code services} as the API lists them. */
export function whatIfPanel(db, services) {
  const serverKey = serverOf(db);
  if (state.server !== null && state.server !== serverKey && !state.busy) {
    state.server = null;
    state.plan = null;
    state.error = null;
  }
  const names = services.map((s) => s.name);
  return h(
    'section',
    { class: 'panel whatif', dataset: { key: 'whatif' } },
    h('div', { class: 'panel-head' }, h('h3', null, 'What if'), h('span', { class: 'hint' }, `plans a change against ${serverKey} with every other service as it runs`)),
    names.length
      ? h(
          'div',
          { class: 'whatif-form' },
          h(
            'label',
            { class: 'whatif-field' },
            h('span', null, 'Service'),
            h('select', { name: 'service', dataset: { whatif: 'service' } }, names.map((n) => h('option', { value: n }, n))),
          ),
          field('replicas', 'Replicas', { type: 'number', min: 0, placeholder: 'as now' }),
          field('maxReplicas', 'Max replicas', { type: 'number', min: 0, placeholder: '= replicas' }),
          field('poolMax', 'Pool max', { type: 'number', min: 1, placeholder: 'as now' }),
          field('maxSurge', 'Max surge', { type: 'text', placeholder: '25%', size: 5 }),
          h('button', { type: 'button', dataset: { action: 'whatif', server: serverKey } }, 'Plan'),
        )
      : h('p', { class: 'empty' }, 'No live service uses this database.'),
    result(serverKey),
  );
}

async function ask(change) {
  const res = await fetch('api/plan', {
    method: 'POST',
    cache: 'no-store',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(change),
  });
  let body = null;
  try {
    body = await res.json();
  } catch (ignored) {
    // Not the API's shape: reported by status below.
  }
  if (!res.ok) throw new Error((body && body.message) || `HTTP ${res.status}`);
  return body;
}

/** Delegated behaviour (see dom.js morph). */
export const actions = {
  whatif: async (button, rerender) => {
    const panel = button.closest('.whatif');
    const value = (name) => {
      const el = panel.querySelector(`[data-whatif="${name}"]`);
      return el ? el.value.trim() : '';
    };
    const change = { service: value('service'), server: button.dataset.server };
    for (const name of ['replicas', 'maxReplicas', 'poolMax']) {
      if (value(name) !== '') change[name] = Number(value(name));
    }
    if (value('maxSurge') !== '') change.maxSurge = /^\d+$/.test(value('maxSurge')) ? Number(value('maxSurge')) : value('maxSurge');
    const parts = [`${change.service}`];
    if (change.replicas != null) parts.push(`${change.replicas} replicas`);
    if (change.maxReplicas != null) parts.push(`up to ${change.maxReplicas}`);
    if (change.poolMax != null) parts.push(`pool max ${change.poolMax}`);
    parts.push(`surge ${change.maxSurge != null ? change.maxSurge : '25%'}`);
    Object.assign(state, { server: change.server, busy: true, plan: null, error: null, asked: parts.join(', ') });
    rerender(false);
    try {
      state.plan = await ask(change);
    } catch (e) {
      state.error = e.message;
    } finally {
      state.busy = false;
      rerender(false);
    }
  },
};
