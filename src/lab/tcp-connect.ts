/**
 * One TCP connection attempt from a namespace: `open` (something listens), a refusal code such as
 * `ECONNREFUSED` (the path works both ways: the server's RST came back), or `timeout` (dropped).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function tcpConnect(ns: string, address: string, port: number, timeoutMs = 1500): Promise<string> {
  const js = `const s=require('net').connect(${port},${JSON.stringify(address)});s.on('connect',()=>{console.log('open');process.exit(0)});s.on('error',e=>{console.log(e.code);process.exit(0)});setTimeout(()=>{console.log('timeout');process.exit(0)},${timeoutMs})`;
  const r = await run('ip', ['netns', 'exec', ns, process.execPath, '-e', js], { encoding: 'utf8' });
  return r.stdout.trim();
}
