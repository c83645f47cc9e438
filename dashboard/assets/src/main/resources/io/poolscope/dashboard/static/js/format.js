// Number and time formatting in one place, so every view says "72%" and "1.2 s" the same way.

export const dash = '–';

export function int(n) {
  return n == null || Number.isNaN(n) ? dash : Math.round(n).toLocaleString('en-US');
}

/** 0.719 -> "72%". */
export function pct(ratio) {
  return ratio == null || Number.isNaN(ratio) ? dash : `${Math.round(ratio * 100)}%`;
}

/** Seconds to a short human duration: 0.004 -> "4 ms", 31.2 -> "31 s", 5400 -> "1 h 30 min". */
export function seconds(s) {
  if (s == null || Number.isNaN(s)) return dash;
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  if (s < 172800) return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.round((s % 86400) / 3600)} h`;
}

/** Epoch ms to local wall-clock time; the date too when it is not today. */
export function time(ms) {
  if (!ms) return dash;
  const d = new Date(ms);
  const now = new Date();
  const t = d.toLocaleTimeString('en-GB', { hour12: false });
  return d.toDateString() === now.toDateString() ? t : `${d.toLocaleDateString('en-CA')} ${t}`;
}

/** "12 s ago", relative to now. */
export function ago(ms) {
  if (!ms) return dash;
  const s = Math.max(0, (Date.now() - ms) / 1000);
  if (s < 1) return 'just now';
  return s < 120 ? `${Math.round(s)} s ago` : `${seconds(s)} ago`;
}

/** Short axis label for a time: HH:MM:SS under 20 min, HH:MM within a day, "Mon 14:00" beyond. */
export function axisTime(ms, spanMs) {
  const d = new Date(ms);
  if (spanMs <= 20 * 60 * 1000) return d.toLocaleTimeString('en-GB', { hour12: false });
  const hm = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false });
  if (spanMs <= 36 * 3600 * 1000) return hm;
  return `${d.toLocaleDateString('en-GB', { weekday: 'short' })} ${hm}`;
}

/** "postgresql 127.0.0.1:5432" */
export function target(db) {
  const port = db.port ? `:${db.port}` : '';
  return `${db.system || 'database'} ${db.address || '?'}${port}`;
}

/** The name a person calls a database by: its namespace, else its address. */
export function dbName(db) {
  return db.namespace || db.address || db.id;
}
