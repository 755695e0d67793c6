/**
 * CPU temperature from the kernel's thermal sysfs (Documentation/driver-api/thermal/sysfs-api.rst): each
 * `/sys/class/thermal/thermal_zoneN/` has `type` and `temp` in millidegrees Celsius. The zone is picked by
 * type: `cpu-thermal` on Raspberry Pi OS, `cpu-thermal`/`CPU-therm` on Jetson; else the first zone.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const CPU_ZONE_TYPES = ['cpu-thermal', 'cpu_thermal', 'CPU-therm', 'soc_thermal', 'x86_pkg_temp'];

export interface ThermalZone {
  readonly path: string;
  readonly type: string;
}

/** Finds the CPU's thermal zone, or undefined where the kernel exposes none (containers, some VMs). */
export async function findCpuZone(root = '/sys/class/thermal', preferred?: string): Promise<ThermalZone | undefined> {
  const names = await readdir(root).catch(() => [] as string[]);
  const zones: ThermalZone[] = [];
  for (const name of names.filter((n) => n.startsWith('thermal_zone')).sort()) {
    const type = (await readFile(join(root, name, 'type'), 'utf8').catch(() => '')).trim();
    zones.push({ path: join(root, name), type });
  }
  const wanted = preferred === undefined ? CPU_ZONE_TYPES : [preferred];
  return zones.find((z) => wanted.includes(z.type)) ?? (preferred === undefined ? zones[0] : undefined);
}

/** Degrees Celsius, or null when the zone cannot be read. */
export async function readZoneTempC(zone: ThermalZone | undefined): Promise<number | null> {
  if (zone === undefined) return null;
  const text = await readFile(join(zone.path, 'temp'), 'utf8').catch(() => undefined);
  const milli = text === undefined ? Number.NaN : Number(text.trim());
  return Number.isFinite(milli) ? Math.round(milli / 100) / 10 : null;
}
