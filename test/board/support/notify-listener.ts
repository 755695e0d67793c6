/**
 * A stand-in for PID 1's notify socket: a real AF_UNIX SOCK_DGRAM socket (Node has none, so Python binds it)
 * that records every datagram with its arrival time. It closes the file descriptors a message carries, which
 * is how PID 1 answers sd_notify_barrier's BARRIER=1 (sd_notify(3)); systemd-notify waits for that. The
 * barrier datagrams themselves are not recorded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const LISTENER = String.raw`
import json, os, socket, sys, time
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
print(json.dumps({"ready": True}), flush=True)
while True:
    data, fds, _flags, _addr = socket.recv_fds(s, 65536, 8)
    for fd in fds:
        os.close(fd)
    if data == b"BARRIER=1":
        continue
    print(json.dumps({"t": time.monotonic(), "vars": data.decode("utf-8", "replace").split("\n")}), flush=True)
`;

export interface NotifyMessage {
  /** Seconds on the listener's monotonic clock. */
  readonly t: number;
  readonly vars: readonly string[];
}

export interface NotifyListener {
  readonly socket: string;
  readonly messages: NotifyMessage[];
  /** Messages that carry `variable` ("READY=1"). */
  with(variable: string): NotifyMessage[];
  close(): void;
}

export async function startNotifyListener(): Promise<NotifyListener> {
  const socket = join(mkdtempSync(join(tmpdir(), 'lookout-notify-')), 'notify.sock');
  const child: ChildProcess = spawn('/usr/bin/python3', ['-c', LISTENER, socket], { stdio: ['ignore', 'pipe', 'inherit'] });
  const messages: NotifyMessage[] = [];
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      reject(new Error(`notify listener exited (${String(code)}) before binding`));
    });
    lines.on('line', (line) => {
      const parsed = JSON.parse(line) as { ready?: boolean } & Partial<NotifyMessage>;
      if (parsed.ready === true) resolve();
      else if (parsed.t !== undefined && parsed.vars !== undefined) messages.push({ t: parsed.t, vars: parsed.vars });
    });
  });
  return {
    socket,
    messages,
    with: (variable) => messages.filter((m) => m.vars.includes(variable)),
    close: () => {
      child.kill('SIGKILL');
    },
  };
}
