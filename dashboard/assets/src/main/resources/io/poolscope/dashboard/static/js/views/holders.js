// Who holds a pool's connections right now: the oldest leases still held, as the pod's last export
// named them (collector/API.md, "holders"), each with its thread, how long it has been held, when
// it was borrowed and the line that borrowed it, the first application frame picked out.

import { h } from '../dom.js';
import { int, seconds, time } from '../format.js';
import { isAppFrame } from './leaks.js';

/** The call site's frames as sent, the first application frame marked. */
function callSiteCell(callSite) {
  const frames = (callSite || '').split('\n').filter((f) => f.trim());
  if (!frames.length) {
    return h('td', { class: 'frame muted', title: "the agent captures a thread's first borrow, one in leakSampleRate after it, and every borrow while the pool's family leaks" }, 'call site not captured');
  }
  // The agent sends the call site from the application's first frame on; a frame the page takes
  // for a library's (the application is in one of those packages) still marks the first one.
  const found = frames.findIndex(isAppFrame);
  const first = found >= 0 ? found : 0;
  return h(
    'td',
    { class: 'frame mono', title: frames.map((f) => f.trim()).join('\n') },
    h(
      'ol',
      { class: 'holder-frames' },
      frames.map((f, i) => h('li', { class: i === first ? 'app first' : null, dataset: { first: i === first ? 'true' : null } }, f.trim())),
    ),
  );
}

/** A table of holders, oldest first; the pool column when they come from more than one pool. */
export function holdersTable(holders, { showPool = false } = {}) {
  return h(
    'table',
    { class: 'holders' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        showPool ? h('th', null, 'Pool') : null,
        h('th', null, 'Thread'),
        h('th', { class: 'num' }, 'Held for'),
        h('th', { class: 'num' }, 'Since'),
        h('th', null, 'Borrowed at'),
      ),
    ),
    h(
      'tbody',
      null,
      holders.map((x) =>
        h(
          'tr',
          { class: 'holder', dataset: { key: `holder-${x.pool}|${x.leaseId}|${x.thread}`, lease: x.leaseId } },
          showPool ? h('td', { class: 'name pool' }, x.pool) : null,
          h('td', { class: 'name mono thread' }, x.thread),
          h('td', { class: 'num held' }, seconds(x.heldSeconds)),
          h('td', { class: 'num since' }, time(x.borrowedAt)),
          callSiteCell(x.callSite),
        ),
      ),
    ),
  );
}

/**
 * Why a pool or family with connections in use names no holder, or null. A borrowed connection
 * the application dropped without close() is garbage-collected (the agent reports it as a collected
 * leak) while the pool still counts it in use: no thread holds it, and a pool that does not remove
 * abandoned connections never gets it back. Only then: a connection borrowed and returned between
 * the pool's count and the agent's list of leases is not worth a line.
 */
export function unheldText(x) {
  if ((x.holders || []).length || !(x.used > 0) || !(x.leaksCollected >= x.used)) return null;
  const n = x.leaksCollected;
  return `${int(x.used)} in use, but no thread holds ${x.used === 1 ? 'it' : 'them'}: ${int(n)} borrowed connection${n === 1 ? ' was' : 's were'} garbage-collected without close(). The pool still counts them in use; unless it removes abandoned connections, it gets them back only when it is closed.`;
}

/** The "Oldest lease" cell's text: none when the connections in use are held by no lease. */
export function oldestLease(x) {
  return unheldText(x) && !x.oldestUse ? '–' : seconds(x.oldestUse);
}

/** The pool table's row under a family that holds connections now; null when it holds none. */
export function holdersRow(family, key, colspan) {
  const holders = family.holders || [];
  const unheld = unheldText(family);
  if (unheld) {
    return h(
      'tr',
      { class: 'holders-row unheld', dataset: { key: `holders-${key}`, holders: key } },
      h('td', { colspan }, h('div', { class: 'holders-head unheld-text' }, `Held now: ${unheld}`)),
    );
  }
  if (!holders.length) return null;
  return h(
    'tr',
    { class: 'holders-row', dataset: { key: `holders-${key}`, holders: key } },
    h(
      'td',
      { colspan },
      h('div', { class: 'holders-head muted' }, `Held now, oldest first (${holders.length}):`),
      holdersTable(holders, { showPool: family.livePools > 1 }),
    ),
  );
}
