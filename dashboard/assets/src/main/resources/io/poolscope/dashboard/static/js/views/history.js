// The time axis of a history chart, shared by the database and server views.

import { h } from '../dom.js';
import { seconds, time } from '../format.js';

/**
 * Where the axis starts: {@code from}, or where the data starts when the collector is younger than
 * the range (its points would otherwise be a sliver at the right edge). Returns the start, the
 * earliest point's time (Infinity with no points) and whether the data starts late.
 */
export function historyRange(history, from) {
  let earliest = Infinity;
  for (const sr of history.series || []) if (sr.points && sr.points.length) earliest = Math.min(earliest, sr.points[0][0]);
  const young = earliest !== Infinity && earliest > from + 2 * (history.stepSeconds || 60) * 1000;
  return { start: young ? earliest : from, earliest, young };
}

/** The line that says the history is empty or starts late, or null. */
export function historyNote(history, { earliest, young }) {
  if (earliest === Infinity) return h('p', { class: 'legend-note' }, `No history yet: the collector stores a point every ${seconds(history.stepSeconds)}.`);
  return young ? h('p', { class: 'legend-note' }, `History starts ${time(earliest)}, when this collector began recording.`) : null;
}
