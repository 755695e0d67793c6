/** A SysfsActuator over a FakeSysfs, for the sysfs-specific scenarios. */
import { SysfsActuator } from '../../../src/agent/gpio/sysfs-actuator.ts';
import { outputSchema, type OutputConfigInput } from '../../../src/agent/gpio/schema.ts';
import { silentLogger } from '../../../src/log.ts';
import { countingClock } from '../actuator-contract.ts';
import { FakeSysfs, type FakeChip } from './fake-sysfs.ts';

export async function withSysfs(
  chips: readonly FakeChip[],
  outputs: OutputConfigInput[],
  options: { exportDelayMs?: number; exportTimeoutMs?: number },
  body: (actuator: SysfsActuator, sysfs: FakeSysfs) => Promise<void>,
): Promise<void> {
  const sysfs = new FakeSysfs(chips, options.exportDelayMs ?? 0);
  sysfs.start();
  const actuator = new SysfsActuator(
    outputs.map((o) => outputSchema.parse(o)),
    { clock: countingClock(), logger: silentLogger, sysfsRoot: sysfs.root, exportTimeoutMs: options.exportTimeoutMs ?? 2000 },
  );
  try {
    await body(actuator, sysfs);
  } finally {
    await actuator.stop();
    sysfs.stop();
  }
}
