/**
 * A paced ICMP echo sender for the lab bench: exactly `rate` requests per second whether or not
 * they are answered, with the kernel's arrival time of every reply.
 *
 * Why not iputils ping: with `-i 0.001` it keeps 1000 pps only while requests are answered. While
 * one is outstanding it waits 10 ms before the next (its MIN_INTERVAL_MS), so towards a destination
 * that does not answer yet it sends ~100 pps (measured: 98 requests in 1 s to a blackholed
 * address, 999 to an answering one). Before a chain exists nothing answers, so "first packet
 * through" would only be resolved to ~10 ms.
 *
 * The sender is Debian's /usr/bin/python3 with a raw ICMP socket (root), run in the namespace:
 * it prints `[<epoch s.µs>] reply seq=<n>` per first reply to a request (SO_TIMESTAMPNS: when the
 * kernel received it, like `ping -D`), and on SIGINT stops sending, waits 200 ms for replies in
 * flight and prints `<n> transmitted, <m> received`.
 */
import { type ChildProcess, spawn } from 'node:child_process';

const PINGER_PY = String.raw`
import os, select, signal, socket, struct, sys, time
dst, rate = sys.argv[1], float(sys.argv[2])
interval = 1.0 / rate
ident = os.getpid() & 0xffff
SO_TIMESTAMPNS = getattr(socket, 'SO_TIMESTAMPNS', 35)
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
s.setblocking(False)
stop = False
def on_signal(*_):
    global stop
    stop = True
signal.signal(signal.SIGINT, on_signal)
signal.signal(signal.SIGTERM, on_signal)
def csum(b):
    t = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    t = (t >> 16) + (t & 0xffff)
    t += t >> 16
    return ~t & 0xffff
payload = bytes(56)
sent = 0
got = set()
out = sys.stdout
def receive():
    while True:
        try:
            data, anc, _, _ = s.recvmsg(2048, 64)
        except BlockingIOError:
            return
        at = time.time()
        for level, kind, value in anc:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(value) >= 16:
                sec, nsec = struct.unpack('qq', value[:16])
                at = sec + nsec / 1e9
        ihl = (data[0] & 0x0f) * 4
        if len(data) < ihl + 8:
            continue
        typ, _, _, pid, seq = struct.unpack('!BBHHH', data[ihl:ihl + 8])
        if typ != 0 or pid != ident or seq in got:
            continue
        got.add(seq)
        out.write('[%.6f] reply seq=%d\n' % (at, seq))
        out.flush()
nxt = time.monotonic()
while not stop:
    now = time.monotonic()
    if now >= nxt:
        seq = sent & 0xffff
        pkt = struct.pack('!BBHHH', 8, 0, 0, ident, seq) + payload
        pkt = pkt[:2] + struct.pack('!H', csum(pkt)) + pkt[4:]
        try:
            s.sendto(pkt, (dst, 0))
        except OSError:
            pass
        sent += 1
        nxt += interval
        if nxt < now:
            nxt = now + interval
        continue
    r, _, _ = select.select([s], [], [], nxt - now)
    if r:
        receive()
end = time.monotonic() + 0.2
while time.monotonic() < end:
    r, _, _ = select.select([s], [], [], 0.02)
    if r:
        receive()
out.write('%d transmitted, %d received\n' % (sent, len(got)))
out.flush()
`;

const REPLY = /^\[(\d+\.\d+)\] reply seq=(\d+)$/gm;
const SUMMARY = /^(\d+) transmitted, (\d+) received$/m;

export interface PingSummary {
  readonly transmitted: number;
  readonly received: number;
  readonly lost: number;
  /** Requests sent before the first one that was answered (its sequence number, from 0). */
  readonly beforeFirstReply: number;
}

const children = new Set<ChildProcess>();
/** SIGINT/SIGTERM hook: kills running pingers (by pid). */
export function killPingers(): void {
  for (const c of children) c.kill('SIGKILL');
}

/** Echo requests from ns to dst at `rate` per second until stopped. */
export class LivePing {
  private out = '';
  private readonly child: ChildProcess;
  private readonly closed: Promise<number | null>;
  private stderr = '';
  /** The first reply's arrival time, ms since the epoch. */
  readonly firstReply: Promise<number>;

  constructor(ns: string, dst: string, rate = 1000) {
    this.child = spawn('ip', ['netns', 'exec', ns, '/usr/bin/python3', '-c', PINGER_PY, dst, String(rate)], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(this.child);
    let onReply: (t: number) => void;
    this.firstReply = new Promise((r) => (onReply = r));
    let replied = false;
    this.child.stdout!.on('data', (d: Buffer) => {
      const chunk = d.toString();
      this.out += chunk;
      if (!replied) {
        const m = /^\[(\d+\.\d+)\] reply/m.exec(chunk);
        if (m) {
          replied = true;
          onReply(Number(m[1]) * 1000);
        }
      }
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.closed = new Promise((r) =>
      this.child.on('close', (code) => {
        children.delete(this.child);
        r(code);
      }),
    );
  }

  /** Gives python time to start and send (~30 ms); nothing is printed before the first reply. */
  warmUp(): Promise<void> {
    return new Promise((r) => setTimeout(r, 200));
  }

  /** Replies so far. */
  get replies(): number {
    return (this.out.match(/ reply seq=/g) ?? []).length;
  }

  /** Stops sending; replies in flight get 200 ms, then lost = requests without a reply. */
  async stop(): Promise<PingSummary> {
    this.child.kill('SIGINT');
    const code = await this.closed;
    const m = SUMMARY.exec(this.out);
    if (!m) throw new Error(`pinger exited ${code} without a summary: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    const seqs = [...this.out.matchAll(REPLY)].map((x) => Number(x[2]));
    const transmitted = Number(m[1]);
    const received = Number(m[2]);
    return { transmitted, received, lost: transmitted - received, beforeFirstReply: seqs[0] ?? transmitted };
  }
}
