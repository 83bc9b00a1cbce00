/** A graph size as the bench commands take it: `10k`, `100k`, `1m` or a plain count. */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim());
  if (!match) throw new Error(`--size: expected a count such as 10k, 100k or 1m, received "${text}"`);
  const scale = { '': 1, k: 1_000, m: 1_000_000 }[(match[2] ?? '').toLowerCase()] ?? 1;
  return Math.round(Number(match[1]) * scale);
}
