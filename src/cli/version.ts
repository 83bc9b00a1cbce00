import { readFileSync } from 'node:fs';

/** package.json sits two levels above this module, in src/cli and, once built, in dist/cli. */
const PACKAGE_URL = new URL('../../package.json', import.meta.url);

/** metalayer's version, as package.json states it. */
export function packageVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(PACKAGE_URL, 'utf8'));
  const version = typeof manifest === 'object' && manifest !== null && 'version' in manifest ? manifest.version : undefined;
  if (typeof version !== 'string') throw new Error('package.json states no version');
  return version;
}
