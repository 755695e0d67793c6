/**
 * Remote commands: every payload on `lookout/v1/dev/{id}/cmd` becomes exactly one reply, whatever its bytes.
 * Size cap, UTF-8 and JSON checks, then `commandSchema`, then the handler the agent gave for that command.
 * Commands run one at a time in arrival order (set-rule-enabled true then false must end disabled), each
 * bounded by a timeout so one stuck handler cannot silence the device.
 */
import { REPLY_ERROR_CODES, commandSchema, replySchema, type Command, type CommandName, type Reply } from '../../../protocol/index.ts';
import { errorMessage, isLookoutError } from '../../../errors.ts';
import type { Timers } from '../../../util/timers.ts';

export type CommandOf<K extends CommandName> = Extract<Command, { cmd: K }>;

/**
 * The agent's side of each command. A missing handler answers UNSUPPORTED; a handler that throws a
 * LookoutError whose code is a reply code (UNKNOWN_RULE, UNSUPPORTED, FAILED) answers with that code, any
 * other throw answers FAILED. The resolved value becomes the reply's `result` (JSON).
 */
export type CommandHandlers = { readonly [K in CommandName]?: (command: CommandOf<K>) => unknown };

export type ReplyErrorCode = (typeof REPLY_ERROR_CODES)[number];

/** Commands are small; anything bigger is refused before it is decoded. */
export const MAX_COMMAND_BYTES = 64 * 1024;
/** Commands queued behind a running one; beyond this, FAILED at once (a flood must not grow memory). */
export const MAX_PENDING_COMMANDS = 1024;
const MAX_MESSAGE = 1024;
const MAX_PATH = 256;
const MAX_ID = 64;

export interface DispatcherDeps {
  readonly handlers: CommandHandlers;
  readonly timers: Timers;
  readonly timeoutMs: number;
  readonly wallMs: () => number;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc === '' ? String(key) : `${acc}.${String(key)}`), '');
}

function errorReply(id: string | null, code: ReplyErrorCode, message: string, path?: string): Reply {
  return { v: 1, id, ok: false, error: { code, message: clip(message, MAX_MESSAGE), ...(path !== undefined && { path: clip(path, MAX_PATH) }) } };
}

/** The request's `id` when it has a usable one, so even a refused command can be matched to its reply. */
function requestId(parsed: unknown): string | null {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const id: unknown = (parsed as { id?: unknown }).id;
  return typeof id === 'string' && id.length >= 1 && id.length <= MAX_ID ? id : null;
}

const isReplyCode = (code: string): code is ReplyErrorCode => (REPLY_ERROR_CODES as readonly string[]).includes(code);

export class CommandDispatcher {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(private readonly deps: DispatcherDeps) {}

  /** One reply per payload; never rejects. */
  handle(payload: Uint8Array): Promise<Reply> {
    const checked = this.check(payload);
    if ('reply' in checked) return Promise.resolve(checked.reply);
    const { command } = checked;
    if (this.pending >= MAX_PENDING_COMMANDS) {
      return Promise.resolve(errorReply(command.id, 'FAILED', `busy: ${this.pending} commands waiting`));
    }
    this.pending += 1;
    const run = this.tail.then(() => this.run(command));
    this.tail = run.finally(() => {
      this.pending -= 1;
    });
    return run;
  }

  private check(payload: Uint8Array): { reply: Reply } | { command: Command } {
    if (payload.byteLength > MAX_COMMAND_BYTES) {
      return { reply: errorReply(null, 'BAD_COMMAND', `payload of ${payload.byteLength} bytes is over the ${MAX_COMMAND_BYTES}-byte limit`) };
    }
    let parsed: unknown;
    try {
      // RFC 8259 §8.1: JSON exchanged between systems is UTF-8; invalid bytes are refused, not replaced.
      parsed = JSON.parse(this.decoder.decode(payload));
    } catch (e) {
      return { reply: errorReply(null, 'BAD_JSON', errorMessage(e)) };
    }
    const result = commandSchema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      const path = issue === undefined ? '' : pathText(issue.path);
      return { reply: errorReply(requestId(parsed), 'BAD_COMMAND', issue?.message ?? 'invalid command', path) };
    }
    return { command: result.data };
  }

  private async run(command: Command): Promise<Reply> {
    const handler = this.deps.handlers[command.cmd] as ((c: Command) => unknown) | undefined;
    const fallback = command.cmd === 'ping' ? () => ({ pong: true, ts: this.deps.wallMs() }) : undefined;
    const call = handler ?? fallback;
    if (call === undefined) return errorReply(command.id, 'UNSUPPORTED', `this agent does not handle "${command.cmd}"`);
    let timer: ReturnType<Timers['setTimeout']> | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = this.deps.timers.setTimeout(() => {
          reject(new Error(`"${command.cmd}" did not finish within ${this.deps.timeoutMs} ms`));
        }, this.deps.timeoutMs);
      });
      const value = await Promise.race([Promise.resolve().then(() => call(command)), timeout]);
      return this.success(command.id, value);
    } catch (e) {
      const code = isLookoutError(e) && isReplyCode(e.code) ? e.code : 'FAILED';
      const path = isLookoutError(e) ? e.where : undefined;
      return errorReply(command.id, code, errorMessage(e), path);
    } finally {
      if (timer !== undefined) this.deps.timers.clearTimeout(timer);
    }
  }

  private success(id: string, value: unknown): Reply {
    // The result must survive JSON: a cycle or a BigInt from a handler is a FAILED reply, not a crash.
    let result: unknown;
    try {
      const text = JSON.stringify(value ?? null) as string | undefined;
      result = text === undefined ? null : JSON.parse(text);
    } catch (e) {
      return errorReply(id, 'FAILED', `result is not JSON: ${errorMessage(e)}`);
    }
    const reply = replySchema.safeParse({ v: 1, id, ok: true, result });
    return reply.success ? reply.data : errorReply(id, 'FAILED', 'reply does not match the reply schema');
  }
}
