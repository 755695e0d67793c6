/**
 * A stand-in for the kernel's /sys/class/gpio (a GPIO chip cannot exist on a CI machine): a temporary tree with
 * gpiochipN/{base,label,ngpio}, and `export`/`unexport` as FIFOs read by an in-process "kernel" that creates
 * and removes gpioN/ directories, each write handled in order as sysfs handles each write() call. The kernel
 * reads every 2 ms and before each observation, so what a test observes includes every write made so far.
 * The files of an exported line appear only after `exportDelayMs`, like the udev permission race on a board.
 * Writes must end with a newline (as `echo 17 > export` does) to be told apart in the FIFO.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Level } from '../../../src/agent/gpio/actuator.ts';

export interface FakeChip {
  readonly base: number;
  readonly label: string;
  readonly ngpio: number;
}

/** Pi kernels from 6.6 (fivdi/onoff#199, #200): the header chip's base is 512 on a Pi 4, 571 on a Pi 5. */
export const RPI5_SYSFS_CHIPS: readonly FakeChip[] = [
  { base: 512, label: 'gpio-brcmstb@107d508500', ngpio: 32 },
  { base: 544, label: 'gpio-brcmstb@107d508520', ngpio: 4 },
  { base: 548, label: 'gpio-brcmstb@107d517c00', ngpio: 17 },
  { base: 565, label: 'gpio-brcmstb@107d517c20', ngpio: 6 },
  { base: 571, label: 'pinctrl-rp1', ngpio: 54 },
];
export const RPI4_SYSFS_CHIPS: readonly FakeChip[] = [
  { base: 512, label: 'pinctrl-bcm2711', ngpio: 58 },
  { base: 570, label: 'raspberrypi-exp-gpio', ngpio: 8 },
];

export interface SysfsLineState {
  readonly exported: boolean;
  /** Physical level: value XOR active_low; the last one seen when the line was unexported. */
  readonly level: Level | null;
  readonly direction: string | null;
}

export class FakeSysfs {
  readonly root: string;
  private readonly entries: string[] = [];
  private readonly fifos: { file: 'export' | 'unexport'; fd: number; pending: string }[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly lastLevels = new Map<number, Level | null>();
  private poll: NodeJS.Timeout | null = null;

  constructor(
    private readonly chips: readonly FakeChip[],
    private readonly exportDelayMs = 0,
  ) {
    this.root = mkdtempSync(join(tmpdir(), 'lookout-sysfs-'));
  }

  /** Every export/unexport written so far, in order, e.g. "export 588". */
  get log(): string[] {
    this.drain();
    return [...this.entries];
  }

  get gpioDir(): string {
    return join(this.root, 'class', 'gpio');
  }

  start(): void {
    mkdirSync(this.gpioDir, { recursive: true });
    for (const chip of this.chips) {
      const dir = join(this.gpioDir, `gpiochip${chip.base}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'base'), `${chip.base}\n`);
      writeFileSync(join(dir, 'label'), `${chip.label}\n`);
      writeFileSync(join(dir, 'ngpio'), `${chip.ngpio}\n`);
    }
    for (const file of ['export', 'unexport'] as const) {
      const path = join(this.gpioDir, file);
      const made = spawnSync('mkfifo', [path]);
      if (made.status !== 0) throw new Error(`mkfifo ${path} failed: ${made.stderr.toString()}`);
      // O_RDWR: the FIFO always has a writer, so the agent's open never blocks and reads never see its end.
      this.fifos.push({ file, fd: openSync(path, constants.O_RDWR | constants.O_NONBLOCK), pending: '' });
    }
    this.poll = setInterval(() => {
      this.drain();
    }, 2);
  }

  /** Handles every write waiting in the FIFOs. */
  private drain(): void {
    const buffer = Buffer.alloc(4096);
    for (const fifo of this.fifos) {
      for (;;) {
        let n: number;
        try {
          n = readSync(fifo.fd, buffer, 0, buffer.length, null);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EAGAIN') break;
          throw e;
        }
        fifo.pending += buffer.toString('utf8', 0, n);
      }
      let nl: number;
      while ((nl = fifo.pending.indexOf('\n')) !== -1) {
        const global = Number(fifo.pending.slice(0, nl));
        fifo.pending = fifo.pending.slice(nl + 1);
        this.handle(fifo.file, global);
      }
    }
  }

  private handle(file: 'export' | 'unexport', global: number): void {
    this.entries.push(`${file} ${global}`);
    const dir = join(this.gpioDir, `gpio${global}`);
    if (file === 'unexport') {
      this.lastLevels.set(global, this.line(global).level);
      rmSync(dir, { recursive: true, force: true });
      return;
    }
    mkdirSync(dir, { recursive: true });
    const create = (): void => {
      writeFileSync(join(dir, 'direction'), 'in\n');
      writeFileSync(join(dir, 'active_low'), '0\n');
      writeFileSync(join(dir, 'value'), '0\n');
    };
    if (this.exportDelayMs === 0) create();
    else {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        create();
      }, this.exportDelayMs);
      this.timers.add(timer);
    }
  }

  /** What a meter on the pin would show. */
  line(global: number): SysfsLineState {
    this.drain();
    const dir = join(this.gpioDir, `gpio${global}`);
    if (!existsSync(join(dir, 'value'))) {
      return { exported: existsSync(dir), level: this.lastLevels.get(global) ?? null, direction: null };
    }
    const read = (file: string): string => readFileSync(join(dir, file), 'utf8').trim();
    const level = (Number(read('value')) ^ Number(read('active_low'))) as Level;
    return { exported: true, level, direction: read('direction') };
  }

  stop(): void {
    if (this.poll !== null) clearInterval(this.poll);
    for (const timer of this.timers) clearTimeout(timer);
    for (const fifo of this.fifos) closeSync(fifo.fd);
    rmSync(this.root, { recursive: true, force: true });
  }
}
