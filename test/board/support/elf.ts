/** The machine an ELF file is built for (e_machine at byte 18, little-endian; the ELF spec's "ELF Header"). */
import { closeSync, openSync, readSync } from 'node:fs';

export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;

export function elfMachine(path: string): number | undefined {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(20);
    if (readSync(fd, head, 0, 20, 0) < 20 || head.readUInt32BE(0) !== 0x7f454c46) return undefined;
    return head.readUInt16LE(18);
  } finally {
    closeSync(fd);
  }
}
