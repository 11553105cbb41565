/**
 * A tiny TCP sender/receiver run inside lab namespaces (`ip netns exec NS node tcp-probe ...`), so a
 * lab can push real TCP through a chain without iperf. Prints one JSON line on stdout.
 *
 *   tcp-probe serve <addr> <port>          accept one connection, count its bytes, answer the count
 *                                          and the peer address it saw
 *   tcp-probe send <addr> <port> <bytes>   send that many bytes, half-close, read the count back
 *
 * The server prints {"listening":true} first so the caller knows when to start the sender. Both
 * sides give up after TIMEOUT_MS: a broken path (the MTU trap) must fail, not hang the lab.
 */
import { createConnection, createServer } from 'node:net';

const TIMEOUT_MS = 15_000;
const CHUNK = Buffer.alloc(64 * 1024, 0x5a);

const say = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
const fail = (why: string): never => {
  process.stderr.write(`tcp-probe: ${why}\n`);
  process.exit(1);
};
setTimeout(() => fail(`timed out after ${TIMEOUT_MS} ms`), TIMEOUT_MS).unref();

function serve(addr: string, port: number): void {
  const server = createServer((sock) => {
    let received = 0;
    sock.on('data', (d: Buffer) => (received += d.length));
    sock.on('end', () => {
      // The peer address as the server sees it: a NAT on the way shows here.
      const peer = sock.remoteAddress;
      sock.end(JSON.stringify({ received, peer }));
      server.close();
      say({ received, peer });
    });
    sock.on('error', (e) => fail(e.message));
  });
  server.on('error', (e) => fail(e.message));
  server.listen(port, addr, () => say({ listening: true }));
}

function send(addr: string, port: number, bytes: number): void {
  const start = process.hrtime.bigint();
  const sock = createConnection({ host: addr, port }, () => {
    let left = bytes;
    const pump = (): void => {
      while (left > 0) {
        const n = Math.min(left, CHUNK.length);
        left -= n;
        if (!sock.write(CHUNK.subarray(0, n))) return void sock.once('drain', pump);
      }
      sock.end();
    };
    pump();
  });
  let answer = '';
  sock.on('data', (d: Buffer) => (answer += d.toString()));
  sock.on('end', () => {
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const { received, peer } = JSON.parse(answer) as { received: number; peer?: string };
    say({ sent: bytes, received, ms, peer });
  });
  sock.on('error', (e) => fail(e.message));
}

const [mode, addr, port, bytes] = process.argv.slice(2);
if (mode === 'serve' && addr && port) serve(addr, Number(port));
else if (mode === 'send' && addr && port && bytes) send(addr, Number(port), Number(bytes));
else fail('usage: tcp-probe serve <addr> <port> | send <addr> <port> <bytes>');
