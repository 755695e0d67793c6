/**
 * Reads a unit file's [Service] settings (systemd.syntax(7): "Key=value" lines, `#`/`;` comments, later
 * assignments of list settings append) and turns them into what systemd would start, for a root without
 * systemd as PID 1.
 */
import { readFileSync } from 'node:fs';

export type ServiceSettings = ReadonlyMap<string, readonly string[]>;

export function readServiceSection(path: string): ServiceSettings {
  const settings = new Map<string, string[]>();
  let section = '';
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header !== null) {
      section = header[1]!;
      continue;
    }
    if (section !== 'Service') continue;
    const eq = line.indexOf('=');
    if (eq === -1) throw new Error(`${path}: not "Key=value": ${line}`);
    const key = line.slice(0, eq).trim();
    settings.set(key, [...(settings.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return settings;
}

/** The one value of `key`; throws when it is missing. */
export function single(settings: ServiceSettings, key: string): string {
  const values = settings.get(key);
  if (values === undefined || values.length === 0) throw new Error(`the unit sets no ${key}=`);
  return values.at(-1)!;
}

/** Every whitespace-separated word of a list setting's assignments (SupplementaryGroups=, ReadWritePaths=). */
export function words(settings: ServiceSettings, key: string): string[] {
  return (settings.get(key) ?? []).flatMap((v) => v.split(/\s+/)).filter(Boolean);
}

/** Environment= assignments as a record ("K=V K2=V2" per line, no quoting used in this unit). */
export function environment(settings: ServiceSettings): Record<string, string> {
  return Object.fromEntries(words(settings, 'Environment').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

/** systemd's yes/no/true/false/on/off/1/0 (systemd.syntax(7)). */
export function bool(settings: ServiceSettings, key: string): boolean {
  return ['yes', 'true', 'on', '1'].includes(settings.get(key)?.at(-1) ?? 'no');
}

/** WatchdogSec= in microseconds, as systemd passes it in $WATCHDOG_USEC (plain seconds in this unit). */
export function watchdogUsec(settings: ServiceSettings): number {
  const value = single(settings, 'WatchdogSec');
  if (!/^\d+$/.test(value)) throw new Error(`WatchdogSec=${value}: only plain seconds are read here`);
  return Number(value) * 1_000_000;
}
