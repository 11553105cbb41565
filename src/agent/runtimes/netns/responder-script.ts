/**
 * The responder's listener: a small plain-JS (CommonJS) program the runtime writes into its state
 * directory and runs with `node` inside the instance's namespace, where it is the instance's
 * keeper. It listens on the instance's `tcpPorts` (dual-stack, any local address: with the
 * responder's `local 0/0` routes that is any destination), greets each connection with one line
 * `sfc-responder <id> <local address> <local port>` and echoes what it receives.
 *
 * It reads the ports from the instance's state file; SIGHUP re-reads them (reconfigure) and binds
 * or closes listeners in place. After every (re)load it atomically writes a status file
 * `{pid, generation, ports, errors}`: the runtime waits for the generation it asked for. Kept as a
 * string so that it is the same file whether the agent runs from sources or from dist/.
 */
export const RESPONDER_JS = `'use strict';
// srv6-sfc netns responder (written by the netns runtime; do not edit: it is rewritten).
const fs = require('fs');
const net = require('net');
const [id, stateFile, statusFile] = process.argv.slice(2);
const servers = new Map();
let loading = false;
let again = false;

function status(obj) {
  const tmp = statusFile + '.tmp';
  try {
    fs.writeFileSync(tmp, JSON.stringify(Object.assign({ pid: process.pid }, obj)));
    fs.renameSync(tmp, statusFile);
  } catch (e) {
    process.stderr.write('responder: cannot write status: ' + e.message + '\\n');
  }
}

function wanted(st) {
  const c = st && st.spec && st.spec.function && st.spec.function.config;
  return new Set(c && Array.isArray(c.tcpPorts) ? c.tcpPorts : []);
}

function onConnection(sock) {
  sock.on('error', () => {});
  sock.setTimeout(120000, () => sock.destroy());
  const local = String(sock.localAddress || '').replace(/^::ffff:/, '');
  sock.write('sfc-responder ' + id + ' ' + local + ' ' + sock.localPort + '\\n');
  sock.pipe(sock);
}

function load() {
  if (loading) {
    again = true;
    return;
  }
  loading = true;
  let st;
  try {
    st = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  } catch (e) {
    loading = false;
    status({ generation: -1, ports: [], errors: ['cannot read ' + stateFile + ': ' + e.message] });
    return;
  }
  const want = wanted(st);
  for (const [port, srv] of servers) {
    if (!want.has(port)) {
      srv.close();
      servers.delete(port);
    }
  }
  const todo = [...want].filter((p) => !servers.has(p));
  const errors = [];
  let left = todo.length;
  const done = () => {
    loading = false;
    status({ generation: st.generation, ports: [...servers.keys()].sort((a, b) => a - b), errors });
    if (again) {
      again = false;
      load();
    }
  };
  if (left === 0) return done();
  for (const port of todo) {
    const srv = net.createServer(onConnection);
    srv.once('error', (e) => {
      errors.push(port + ': ' + (e.code || e.message));
      if (--left === 0) done();
    });
    srv.listen({ port, host: '::', ipv6Only: false }, () => {
      servers.set(port, srv);
      if (--left === 0) done();
    });
  }
}

process.on('SIGHUP', load);
process.on('SIGTERM', () => process.exit(0));
load();
`;
