/** A clock for the store that advances one second per reading, from `start`. */
export function steppingClock(start = '2026-03-01T00:00:00.000Z'): () => Date {
  let ms = Date.parse(start);
  return () => {
    const now = new Date(ms);
    ms += 1000;
    return now;
  };
}
