// Number and time formats for the pages.

export function num(n) {
  if (n === null || n === undefined) return '—';
  return Number(n).toLocaleString('en-US');
}

export function pct(r, digits = 1) {
  if (r === null || r === undefined) return '—';
  return (r * 100).toFixed(digits) + '%';
}

export function usd(n) {
  if (n === null || n === undefined) return '—';
  if (n === 0) return '$0';
  return n < 0.01 ? '$' + n.toPrecision(3) : '$' + n.toFixed(2);
}

export function ms(n) {
  if (n === null || n === undefined) return '—';
  return n >= 1000 ? (n / 1000).toFixed(n >= 10000 ? 0 : 2) + ' s' : Math.round(n * 10) / 10 + ' ms';
}

export function time(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString('en-GB', {hour12: false});
}

export function shortTime(iso) {
  if (!iso) return '—';
  return new Date(iso).toLocaleTimeString('en-GB', {hour12: false});
}

export function statusClass(status) {
  return status >= 500 ? 'bad' : status >= 400 ? 'warn' : 'ok';
}
