/**
 * CRC-32/IEEE (the zlib/PNG/Ethernet polynomial, reflected 0xEDB88320, init and final xor 0xFFFFFFFF), used to
 * frame outbox records. `zlib.crc32` only exists from Node 20.15 and 22.2, and the agent supports Node >= 20.11
 * (package.json engines), so the table is built here once. Check value (the CRC catalogue's "123456789"):
 * 0xCBF43926.
 */
const TABLE = buildTable();

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** The CRC-32 of `bytes[start, end)`, as an unsigned 32-bit number. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
