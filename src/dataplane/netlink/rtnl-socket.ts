/**
 * A request/ACK/dump client over one rtnetlink (or generic netlink) socket, built on the npm
 * `netlink` package's raw socket: we frame and parse messages ourselves (the package's rt helpers
 * drop SEG6 encaps and mis-frame NHA_ENCAP; see notes/dataplane-facts.md).
 *
 * Batching: many requests share one sendmsg buffer; only the last carries NLM_F_ACK. The kernel
 * processes a buffer's messages in order inside the sendmsg call and always reports failures, so
 * when the last ACK arrives every earlier sequence number without an error has succeeded.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RawNetlinkSocket } from 'netlink';
import { ERRNO } from '../errors.js';
import { DecodeError } from '../seg6/attrs.js';
import { NLMSG_DONE, NLMSG_ERROR, NLM_F_ACK, NLM_F_DUMP, NLM_F_MULTI, NLM_F_REQUEST } from '../seg6/constants.js';
import { type NetlinkMessage, type NetlinkRequest, parseMessages, requestSize, writeRequest } from '../seg6/message.js';

export const NETLINK_ROUTE = 0;
export const NETLINK_GENERIC = 16;

const WANT_BUFFER = 4 * 1024 * 1024; // capped by net.core.{r,w}mem_max
/** Truesize of one queued error/ACK skb, rounded up: bounds how many failures one chunk may produce. */
const SKB_COST = 1536;
/** Smallest chunk while the kernel is short of memory. */
const MIN_PRESSURE_CHUNK = 16;

interface Pending {
  readonly dump: boolean;
  readonly messages: NetlinkMessage[];
  resolve(messages: NetlinkMessage[]): void;
  reject(err: Error): void;
  /** For a batch chunk: its first sequence number and the errors of its members, by seq. */
  readonly firstSeq?: number;
  readonly errors?: Map<number, number>;
}

export class SocketError extends Error {
  constructor(
    readonly errno: number,
    message: string,
  ) {
    super(message);
  }
}

export class RtnlSocket {
  private readonly sock: RawNetlinkSocket;
  private seq = Math.floor(Math.random() * 0x7fffffff);
  private readonly pending = new Map<number, Pending>();
  private readonly chunkBytes: number;
  readonly chunkMessages: number;
  /**
   * Messages per chunk right now: chunkMessages, or fewer while the kernel answers ENOMEM/ENOBUFS.
   * seg6 encaps allocate per-CPU dst caches with GFP_ATOMIC, which only succeed from pages that a
   * kernel worker pre-populates between syscalls (~170 encaps per refill here): a 1024-message chunk
   * then fails most of its members. Shrinking to what the last chunk managed, and pausing a tick,
   * lets the worker keep up; the size grows back after clean chunks. Persisting across batch()
   * calls means the caller's retry of the failed members is paced too.
   */
  private chunkLimit: number;
  private closed = false;
  private dumpQueue: Promise<unknown> = Promise.resolve();

  constructor(protocol = NETLINK_ROUTE) {
    this.sock = new RawNetlinkSocket(protocol, { recvBufferSize: WANT_BUFFER, sendBufferSize: WANT_BUFFER });
    this.sock.on('message', (buf: Buffer) => this.onDatagram(buf));
    this.sock.on('error', (err: { errno?: number; message: string }) => this.failAll(new SocketError(err.errno ?? 0, err.message)));
    // The kernel doubles the requested size; leave room for its bookkeeping.
    const rcv = this.sock.getRecvBufferSize();
    const snd = this.sock.getSendBufferSize();
    this.chunkMessages = Math.max(16, Math.min(1024, Math.floor(rcv / 2 / SKB_COST)));
    this.chunkBytes = Math.max(16 * 1024, Math.min(256 * 1024, Math.floor(snd / 2) - 1024));
    this.chunkLimit = this.chunkMessages;
    this.sock.unref();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new SocketError(0, 'netlink socket closed'));
    this.sock.close();
  }

  private nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0 || 1;
    return this.seq;
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.updateRef();
  }

  private updateRef(): void {
    // Keep the process alive only while we wait for the kernel.
    if (this.closed) return;
    if (this.pending.size > 0) this.sock.ref();
    else this.sock.unref();
  }

  private onDatagram(buf: Buffer): void {
    let msgs: NetlinkMessage[];
    try {
      msgs = parseMessages(buf);
    } catch (e) {
      this.failAll(e instanceof Error ? e : new DecodeError(String(e)));
      return;
    }
    for (const m of msgs) {
      const p = this.pending.get(m.seq);
      if (p) {
        this.onMessage(m, p);
        continue;
      }
      // An error for an earlier member of a batch chunk: file it with the chunk awaiting its last ACK.
      if (m.type === NLMSG_ERROR) {
        for (const [last, q] of this.pending) {
          if (q.errors && q.firstSeq !== undefined && ((m.seq - q.firstSeq) >>> 0) <= ((last - q.firstSeq) >>> 0)) {
            q.errors.set(m.seq, -m.body.readInt32LE(0));
            break;
          }
        }
      }
    }
  }

  private onMessage(m: NetlinkMessage, p: Pending): void {
    if (m.type === NLMSG_ERROR) {
      const errno = -m.body.readInt32LE(0);
      this.pending.delete(m.seq);
      this.updateRef();
      if (errno === 0) p.resolve(p.messages);
      else if (p.errors) {
        p.errors.set(m.seq, errno);
        p.resolve(p.messages);
      } else p.reject(new SocketError(errno, `netlink request failed: errno ${errno}`));
      return;
    }
    if (m.type === NLMSG_DONE) {
      this.pending.delete(m.seq);
      this.updateRef();
      p.resolve(p.messages);
      return;
    }
    p.messages.push(m);
    if (!p.dump && !(m.flags & NLM_F_MULTI)) {
      // A plain reply (e.g. RTM_GETROUTE): the kernel sends no ACK after it unless asked.
      this.pending.delete(m.seq);
      this.updateRef();
      p.resolve(p.messages);
    }
  }

  private send(buf: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.sock.send(buf, { port: 0 }, (err?: { errno?: number; message: string }) =>
        err ? reject(new SocketError(err.errno ?? 0, err.message)) : resolve(),
      );
    });
  }

  private await(seq: number, dump: boolean, chunk?: { firstSeq: number; errors: Map<number, number> }): Promise<NetlinkMessage[]> {
    if (this.closed) return Promise.reject(new SocketError(0, 'netlink socket closed'));
    const done = new Promise<NetlinkMessage[]>((resolve, reject) => {
      this.pending.set(seq, { dump, messages: [], resolve, reject, ...chunk });
      this.updateRef();
    });
    // The answer can arrive before the send callback runs; mark the rejection handled until awaited.
    done.catch(() => undefined);
    return done;
  }

  /** One request with ACK; resolves with any reply messages, rejects with SocketError(errno). */
  async request(req: NetlinkRequest, expectReply = false): Promise<NetlinkMessage[]> {
    const seq = this.nextSeq();
    const buf = Buffer.alloc(requestSize(req));
    writeRequest(buf, 0, req, seq, NLM_F_REQUEST | (expectReply ? 0 : NLM_F_ACK));
    const done = this.await(seq, false);
    await this.send(buf).catch((e: Error) => {
      this.pending.delete(seq);
      throw e;
    });
    return done;
  }

  /**
   * A dump: every message until NLMSG_DONE. The kernel runs one dump per socket at a time (a second
   * one answers EBUSY), so dumps queue behind each other.
   */
  dump(req: NetlinkRequest): Promise<NetlinkMessage[]> {
    const run = this.dumpQueue.then(() => this.dumpNow(req));
    this.dumpQueue = run.catch(() => undefined);
    return run;
  }

  private async dumpNow(req: NetlinkRequest): Promise<NetlinkMessage[]> {
    const seq = this.nextSeq();
    const buf = Buffer.alloc(requestSize(req));
    writeRequest(buf, 0, req, seq, NLM_F_REQUEST | NLM_F_DUMP);
    const done = this.await(seq, true);
    await this.send(buf).catch((e: Error) => {
      this.pending.delete(seq);
      throw e;
    });
    return done;
  }

  /**
   * Sends all requests, many per sendmsg, and returns one errno per request (0 = done), in order.
   * A chunk whose send fails reports that errno for each of its members.
   *
   * One chunk at a time: the kernel runs a chunk synchronously inside sendmsg, on this thread, so
   * a second chunk in flight overlaps nothing (measured: no gain at 100k routes).
   */
  async batch(reqs: readonly NetlinkRequest[]): Promise<number[]> {
    const results = new Array<number>(reqs.length).fill(0);
    let i = 0;
    while (i < reqs.length) {
      // Size the chunk: by message count (bounded ACK/error backlog) and by bytes (send buffer).
      let bytes = 0;
      let j = i;
      while (j < reqs.length && j - i < this.chunkLimit) {
        const sz = requestSize(reqs[j]!);
        if (j > i && bytes + sz > this.chunkBytes) break;
        bytes += sz;
        j++;
      }
      const buf = Buffer.alloc(bytes);
      let firstSeq = 0;
      let off = 0;
      let lastSeq = 0;
      for (let k = i; k < j; k++) {
        lastSeq = this.nextSeq();
        if (k === i) firstSeq = lastSeq;
        off = writeRequest(buf, off, reqs[k]!, lastSeq, NLM_F_REQUEST | (k === j - 1 ? NLM_F_ACK : 0));
      }
      if (off !== bytes) throw new Error('netlink framing size mismatch');
      const errors = new Map<number, number>();
      const done = this.await(lastSeq, false, { firstSeq, errors });
      let pressure = false;
      try {
        await this.send(buf);
        await done;
        let failed = 0;
        for (const [seq, errno] of errors) {
          const idx = i + ((seq - firstSeq) >>> 0);
          if (idx >= i && idx < j) {
            results[idx] = errno;
            failed++;
            if (errno === ERRNO.ENOMEM || errno === ERRNO.ENOBUFS) pressure = true;
          }
        }
        if (pressure) this.chunkLimit = Math.max(MIN_PRESSURE_CHUNK, Math.min(this.chunkLimit >> 1, j - i - failed));
        else if (this.chunkLimit < this.chunkMessages) this.chunkLimit = Math.min(this.chunkMessages, this.chunkLimit + (this.chunkLimit >> 2) + 1);
      } catch (e) {
        this.pending.delete(lastSeq);
        const errno = e instanceof SocketError && e.errno ? e.errno : 5; /* EIO */
        for (let k = i; k < j; k++) results[k] = errno;
      }
      i = j;
      if (pressure && i < reqs.length) await sleep(1);
    }
    return results;
  }
}
